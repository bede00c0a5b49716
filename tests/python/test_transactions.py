"""`with session.transaction():` commits on normal exit and rolls back on exceptions."""

from __future__ import annotations

import gc

import pytest

import custmgmt


class Boom(Exception):
    pass


def ids(session):
    return sorted(a.id for a in session.accounts.search(archived="include"))


def test_block_that_ends_normally_commits(store, session):
    with session.transaction() as tx:
        assert isinstance(tx, custmgmt.Transaction) and tx.active
        a = session.accounts.create(company_name="Committed")
        session.contacts.add(account_id=a.id, contact_name="Kept")
    assert not tx.active
    other = store.session(user=session.user)  # another connection sees it
    assert other.accounts.get(a.id).company_name == "Committed"
    assert len(list(other.contacts.list(a.id))) == 1


def test_exception_in_block_rolls_everything_back(session, make_account):
    kept = make_account(company_name="Before")
    with pytest.raises(Boom):
        with session.transaction():
            session.accounts.create(company_name="Doomed 1")
            session.accounts.create(company_name="Doomed 2")
            session.accounts.update(kept, company_name="Changed")
            session.accounts.remove(kept.id)
            raise Boom()
    assert ids(session) == [kept.id]
    assert session.accounts.get(kept.id).company_name == "Before"


def test_library_error_in_block_rolls_back_and_session_stays_usable(session, make_account):
    a = make_account()
    with pytest.raises(custmgmt.Conflict):
        with session.transaction():
            session.contacts.add(account_id=a.id, contact_name="First", is_primary_contact=True)
            session.contacts.add(account_id=a.id, contact_name="Second", is_primary_contact=True)
    assert list(session.contacts.list(a.id)) == []
    session.contacts.add(account_id=a.id, contact_name="After")  # usable again
    assert [c.contact_name for c in session.contacts.list(a.id)] == ["After"]


def test_nested_transactions_are_savepoints(session):
    with session.transaction():
        outer = session.accounts.create(company_name="Outer")
        with pytest.raises(Boom):
            with session.transaction():
                session.accounts.create(company_name="Inner")
                raise Boom()
        with session.transaction():
            inner_kept = session.accounts.create(company_name="Inner kept")
    assert ids(session) == sorted([outer.id, inner_kept.id])


def test_explicit_commit_and_rollback(session):
    tx = session.transaction()
    session.accounts.create(company_name="Rolled back")
    tx.rollback()
    assert not tx.active
    with pytest.raises(RuntimeError):
        tx.commit()  # no longer active
    tx = session.transaction()
    a = session.accounts.create(company_name="Committed")
    tx.commit()
    assert ids(session) == [a.id]


def test_inner_transaction_must_end_first(session):
    outer = session.transaction()
    inner = session.transaction()
    with pytest.raises(RuntimeError):
        outer.commit()
    inner.commit()
    outer.commit()


def test_dropped_transaction_rolls_back(session):
    tx = session.transaction()
    session.accounts.create(company_name="Forgotten")
    del tx
    gc.collect()
    assert ids(session) == []


def test_snapshot_reads_one_state_and_refuses_writes(store, session, make_account):
    a = make_account(company_name="Before")
    writer = store.session(user=session.user)
    with session.snapshot() as snap:
        assert isinstance(snap, custmgmt.Transaction) and snap.active
        assert session.accounts.get(a.id).company_name == "Before"
        writer.accounts.update(a.id, company_name="After")  # committed meanwhile
        b = writer.accounts.create(company_name="New")
        assert session.accounts.get(a.id).company_name == "Before"
        assert session.accounts.find(b.id) is None
        with pytest.raises(custmgmt.BackendError) as info:
            session.accounts.create(company_name="Refused")
        assert info.value.code == "backend.readonly"
        with session.transaction():  # a savepoint of the snapshot
            assert session.accounts.get(a.id).company_name == "Before"
    assert not snap.active
    assert session.accounts.get(a.id).company_name == "After"
    assert session.accounts.get(b.id).company_name == "New"


def test_snapshot_inside_a_read_write_transaction_is_refused(session):
    with session.transaction():
        with pytest.raises(RuntimeError):
            session.snapshot()
        session.accounts.create(company_name="Still usable")
    assert [a.company_name for a in session.accounts.search()] == ["Still usable"]
