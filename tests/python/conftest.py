"""Fixtures of the Python binding tests.

Every test that takes ``store`` runs once per backend: SQLite always (a fresh file in
the test's temporary directory), PostgreSQL when ``CUSTMGMT_TEST_PG_URI`` is set
(``scripts/test`` starts a throwaway cluster and sets it). The PostgreSQL cases are
skipped only when the library was built without that backend, which ``custmgmt.open``
reports as ValidationError ``store.uri_invalid``.

The PostgreSQL database is shared with other suites that may run at the same time
(ctest -j), so tests never empty it: each acts as fresh random users, who see only
their own accounts, and tests that need an empty database as seen by the service role
are SQLite-only (``sqlite_store``).
"""

from __future__ import annotations

import os
import uuid

import pytest

import custmgmt

PG_URI = os.environ.get("CUSTMGMT_TEST_PG_URI")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URI else [])


def open_store(backend: str, tmp_path, **options) -> custmgmt.Store:
    if backend == "sqlite":
        return custmgmt.open(str(tmp_path / "customers.db"), **options)
    try:
        return custmgmt.open(PG_URI, **options)
    except custmgmt.ValidationError as e:
        if any(err.code == "store.uri_invalid" for err in e.errors):
            pytest.skip("custmgmt was built without the PostgreSQL backend")
        raise


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def store(backend, tmp_path) -> custmgmt.Store:
    return open_store(backend, tmp_path)


@pytest.fixture
def sqlite_store(tmp_path) -> custmgmt.Store:
    """A fresh, empty SQLite store (for tests that need to see every row)."""
    return custmgmt.open(str(tmp_path / "customers.db"))


def new_user() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def user() -> str:
    return new_user()


@pytest.fixture
def session(store, user) -> custmgmt.Session:
    return store.session(user=user)


@pytest.fixture
def make_account(session):
    """Creates an account in `session` with sensible defaults."""
    counter = iter(range(1, 1_000_000))

    def make(**fields) -> custmgmt.Account:
        fields.setdefault("company_name", f"Company {next(counter)}")
        return session.accounts.create(**fields)

    return make


@pytest.fixture
def empty_session(backend, tmp_path) -> custmgmt.Session:
    """A user session on the backend of ``store`` that sees no account yet: a second
    SQLite file, or a new user on PostgreSQL (whose database is shared)."""
    if backend == "sqlite":
        return custmgmt.open(str(tmp_path / "empty.db")).session(user=new_user())
    return open_store(backend, tmp_path).session(user=new_user())
