"""Import, export, backup, selective restore, verify and archive (custmgmt/io.hpp)."""

from __future__ import annotations

import datetime as dt
import io
import json
import pathlib
import time

import pytest

import custmgmt

ACCOUNT_DATA = ("company_name", "customer_type", "billing_address", "service_address",
                "account_notes", "tags")
CONTACT_DATA = ("contact_name", "email", "phone", "phone_extension", "phone_display", "role",
                "is_primary_contact", "contact_notes")


def populate(session, *, csv: bool = False) -> list[custmgmt.Account]:
    """Accounts covering every kind of field: quoting, line breaks, non-ASCII text,
    extensions, a contact without email, an account without contacts, and unless `csv`
    (CSV carries neither) an archived account and a phone typed in national form."""
    acme = session.accounts.create(
        company_name="Acme Plumbing", customer_type="Commercial", tags=["vip", "north"],
        billing_address={"street": "1 Main St", "city": "Springfield", "state": "IL",
                         "zip": "62701", "country": "US"},
        service_address={"street": "9 Side Rd", "city": "Austin", "state": "TX",
                         "country": "US"},
        account_notes='Line one\nline "two", with a comma',
    )
    session.contacts.add(account_id=acme, contact_name="Ann Lee", email="ann@acme.example",
                         phone="+1 (415) 555-2671", role="Owner", is_primary_contact=True)
    session.contacts.add(account_id=acme, contact_name="Bob Stone", email="bob@acme.example",
                         phone="+1 206 555 0178 ext. 12", contact_notes="Mornings; not Fridays")
    session.contacts.add(account_id=acme, contact_name="Carl No-Email",
                         phone="+14155550100" if csv else "(415) 555-0100")
    cafe = session.accounts.create(company_name="Zoë's Café 😀", customer_type="Residential",
                                   account_notes="Ünïcödé " * 20, tags=["café"])
    globex = session.accounts.create(company_name="Globex", customer_type="Commercial",
                                     billing_address={"city": "Toronto", "state": "ON",
                                                      "zip": "M5V 2T6", "country": "CA"})
    session.contacts.add(account_id=globex, contact_name="Gina", email="gina@globex.example")
    if not csv:
        session.accounts.archive(globex)
    return [acme, cafe, globex]


def data_of(session, *, archive_state: bool = True) -> list[dict]:
    """Every data field of the accounts the session sees, with their contacts (ids,
    timestamps, audit fields and versions are the store's own)."""
    out = []
    for a in session.accounts.search(archived="include", page_size=100):
        d = {k: getattr(a, k) for k in ACCOUNT_DATA}
        if archive_state:
            d["archived"] = a.archived
        d["contacts"] = sorted(
            ({k: getattr(c, k) for k in CONTACT_DATA} for c in session.contacts.list(a)),
            key=lambda c: c["contact_name"])
        out.append(d)
    return sorted(out, key=lambda d: d["company_name"])


def count_contacts(data: list[dict]) -> int:
    return sum(len(a["contacts"]) for a in data)


def csv_text(*rows: str) -> str:
    return "\r\n".join((",".join(custmgmt.csv_columns()),) + rows) + "\r\n"


def csv_row(company: str, *, customer_type: str = "Commercial", contact: str = "",
            email: str = "", zip_code: str = "", primary: str = "") -> str:
    values = dict.fromkeys(custmgmt.csv_columns(), "")
    values.update(company_name=company, customer_type=customer_type, contact_name=contact,
                  email=email, billing_zip=zip_code, is_primary_contact=primary)
    if zip_code:
        values.update(billing_country="US", billing_state="IL")
    return ",".join(values[c] for c in custmgmt.csv_columns())


class Boom(Exception):
    """Raised by the test's file objects and callbacks."""


class ChunkedReader:
    """A binary file object that returns at most `size` bytes per read() and raises
    Boom on read number `fail_at` (1-based; never when None)."""

    def __init__(self, data: bytes, size: int = 200, fail_at: int | None = None) -> None:
        self.data, self.size, self.fail_at = data, size, fail_at
        self.pos = self.calls = 0

    def read(self, n: int = -1) -> bytes:
        self.calls += 1
        if self.fail_at is not None and self.calls >= self.fail_at:
            raise Boom(f"read number {self.calls} failed")
        chunk = self.data[self.pos:self.pos + min(n, self.size)]
        self.pos += len(chunk)
        return chunk


# ---- round trips


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
@pytest.mark.parametrize("via", ["path", "bytes", "text"])
def test_export_then_import_into_an_empty_store_reproduces_every_field(
        session, empty_session, tmp_path, fmt, via):
    populate(session, csv=fmt == "csv")
    expected = data_of(session)
    if via == "path":
        dest = tmp_path / f"accounts.{fmt}"  # the format comes from the extension
        exported = custmgmt.export_accounts(session, dest)
        source = str(dest)
        if fmt == "csv":
            assert dest.read_bytes().startswith(",".join(custmgmt.csv_columns()).encode())
        else:
            assert json.loads(dest.read_text("utf-8").splitlines()[0])["contacts"] is not None
    elif via == "bytes":
        buffer = io.BytesIO()
        exported = custmgmt.export_accounts(session, buffer, format=fmt)
        source = io.BytesIO(buffer.getvalue())
    else:
        text = io.StringIO()
        exported = custmgmt.export_accounts(session, text, format=custmgmt.DataFormat(fmt))
        assert "Zoë's Café 😀" in text.getvalue()
        source = io.StringIO(text.getvalue())
    assert (exported.accounts, exported.contacts) == (3, 4)

    report = custmgmt.import_accounts(empty_session, source, format=None if via == "path" else fmt)
    assert report.rejected == 0 and report.errors == [] and report.committed
    assert report.accounts_created == 3 and report.contacts_created == 4
    assert data_of(empty_session) == expected


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_importing_the_same_file_again_changes_nothing(session, empty_session, fmt):
    populate(session, csv=True)
    buffer = io.BytesIO()
    custmgmt.export_accounts(session, buffer, format=fmt)
    first = custmgmt.import_accounts(empty_session, io.BytesIO(buffer.getvalue()), format=fmt)
    before = {a.id: a.version for a in empty_session.accounts.search(archived="include")}
    second = custmgmt.import_accounts(empty_session, io.BytesIO(buffer.getvalue()), format=fmt)
    assert (first.accounts_created, first.contacts_created) == (3, 4)
    assert second.rows == first.rows
    assert (second.accounts_created, second.accounts_updated, second.accounts_unchanged) == (0, 0, 3)
    assert (second.contacts_created, second.contacts_updated, second.contacts_unchanged) == (0, 0, 4)
    after = {a.id: a.version for a in empty_session.accounts.search(archived="include")}
    assert after == before  # nothing was written


def test_text_export_splits_no_character_across_chunks(session):
    """Notes of 4-byte characters longer than one 64 KiB chunk: a text file gets the
    same characters as the bytes decoded at once."""
    session.accounts.create(company_name="Wide", account_notes="😀" * 16000)
    session.accounts.create(company_name="Wider", account_notes="é😀" * 10000)
    raw, text = io.BytesIO(), io.StringIO()
    custmgmt.export_accounts(session, raw, format="csv")
    custmgmt.export_accounts(session, text, format="csv")
    data = raw.getvalue()
    assert len(data) > 64 * 1024
    # The first chunk boundary falls inside a character (a continuation byte follows).
    assert data[64 * 1024] & 0xC0 == 0x80
    assert text.getvalue() == data.decode("utf-8")


def test_export_of_one_account_or_a_query(session):
    acme, cafe, _ = populate(session)
    out = io.BytesIO()
    report = custmgmt.export_accounts(session, out, account_id=acme)
    lines = out.getvalue().decode().splitlines()
    assert (report.accounts, report.contacts) == (1, 3) and len(lines) == 1
    record = json.loads(lines[0])
    assert record["id"] == acme.id and len(record["contacts"]) == 3

    out = io.BytesIO()
    report = custmgmt.export_accounts(session, out, query={"customer_type": "Residential",
                                                           "page_size": 1})
    assert report.accounts == 1
    assert json.loads(out.getvalue())["company_name"] == cafe.company_name
    # The search's defaults hold: archived accounts are left out unless asked for.
    assert custmgmt.export_accounts(session, io.BytesIO(), query={}).accounts == 2
    assert custmgmt.export_accounts(session, io.BytesIO(),
                                    query={"archived": "include"}).accounts == 3


def test_csv_export_starts_with_the_csv_columns(session):
    populate(session)
    out = io.StringIO()
    custmgmt.export_accounts(session, out, format=custmgmt.DataFormat.CSV)
    assert out.getvalue().split("\r\n", 1)[0] == ",".join(custmgmt.csv_columns())
    assert custmgmt.csv_columns()[:2] == ["company_name", "customer_type"]
    assert "contact_notes" in custmgmt.csv_columns()


# ---- rejected rows, strict mode, callbacks


def test_rejected_rows_are_reported_with_line_field_and_code(session):
    data = csv_text(
        csv_row("Good Co", contact="Ann", email="ann@good.example"),
        csv_row("Bad Mail Co", contact="Bob", email="bob@"),
        csv_row("Bad Type Co", customer_type="Alien"),
        csv_row("Bad Zip Co", zip_code="ABCDE"),
    )
    seen = []
    report = custmgmt.import_accounts(session, io.StringIO(data), format="CSV",
                                      on_error=seen.append)
    assert report.rows == 4 and report.rejected == 3 and report.committed
    assert report.accounts_created == 1 and report.contacts_created == 1
    found = {(e.line, e.field, e.code) for e in report.errors}
    assert (3, "email", "email.invalid") in found
    assert (4, "customer_type", "customer_type.invalid") in found
    assert any(line == 5 and field == "billing_zip" for line, field, _ in found)
    assert [e.to_dict() for e in seen] == [e.to_dict() for e in report.errors]
    assert all(e.message for e in report.errors)
    assert [a.company_name for a in session.accounts.search()] == ["Good Co"]

    d = report.to_dict()
    assert d == json.loads(report.to_json())
    assert list(d) == ["rows", "accounts_created", "accounts_updated", "accounts_unchanged",
                       "contacts_created", "contacts_updated", "contacts_unchanged", "rejected",
                       "committed", "errors"]
    assert set(d["errors"][0]) == {"line", "field", "code", "message"}
    assert repr(report).startswith("ImportReport(rows=4, ")
    assert repr(report.errors[0]).startswith("ImportProblem(line=3, field='email'")


def test_ndjson_rejections_name_the_key(session):
    lines = [json.dumps({"company_name": "Fine", "customer_type": "Commercial"}),
             json.dumps({"company_name": "Contacts", "customer_type": "Commercial",
                         "contacts": [{"contact_name": "A"}, {"contact_name": "B",
                                                              "email": "b@"}]}),
             "{not json"]
    report = custmgmt.import_accounts(session, io.BytesIO("\n".join(lines).encode()))
    assert (report.rows, report.accounts_created, report.rejected) == (3, 1, 2)
    assert (2, "contacts[1].email", "email.invalid") in {
        (e.line, e.field, e.code) for e in report.errors}
    assert any(e.line == 3 and e.code.startswith("json.") for e in report.errors)


def test_max_errors_kept_limits_the_list_not_the_callback(session):
    data = csv_text(*(csv_row(f"Bad {i}", customer_type="Alien") for i in range(3)))
    seen = []
    report = custmgmt.import_accounts(session, io.StringIO(data), format="csv",
                                      max_errors_kept=1, on_error=seen.append)
    assert report.rejected == 3 and len(report.errors) == 1 and len(seen) == 3


def test_strict_import_with_a_rejected_row_imports_nothing(session):
    data = csv_text(csv_row("One Co"), csv_row("Two Co", customer_type="Alien"),
                    csv_row("Three Co"))
    report = custmgmt.import_accounts(session, io.StringIO(data), format="csv", strict=True,
                                      batch_size=1)
    assert not report.committed and report.rejected == 1
    assert report.accounts_created == 0 and report.rows == 3
    assert list(session.accounts.search(archived="include")) == []


def test_progress_is_called_for_export_and_import(session, empty_session):
    for i in range(5):
        session.accounts.create(company_name=f"Progress {i}")
    exported, out = [], io.BytesIO()
    custmgmt.export_accounts(session, out, progress=exported.append)
    assert exported == [1, 2, 3, 4, 5]
    imported = []
    report = custmgmt.import_accounts(empty_session, io.BytesIO(out.getvalue()), batch_size=2,
                                      progress=imported.append)
    assert imported and imported == sorted(set(imported)) and imported[-1] == report.rows == 5


# ---- exceptions from Python code inside an import or export


def accounts_file(n: int) -> bytes:
    lines = []
    for i in range(n):
        lines.append(json.dumps({
            "company_name": f"Batch Co {i:02}", "customer_type": "Commercial",
            "contacts": [{"contact_name": "First", "email": f"first{i}@batch.example"},
                         {"contact_name": "Second", "email": f"second{i}@batch.example"}]}))
    return ("\n".join(lines) + "\n").encode()


def assert_consistent(session, total: int) -> int:
    """Every stored account has both its contacts, the store verifies clean, and
    importing the whole file again completes it. Returns how many had been stored."""
    stored = data_of(session)
    assert all(len(a["contacts"]) == 2 for a in stored), stored
    assert custmgmt.verify(session) == []
    report = custmgmt.import_accounts(session, io.BytesIO(accounts_file(total)))
    assert report.accounts_created == total - len(stored)
    assert report.accounts_unchanged == len(stored)
    assert len(data_of(session)) == total
    return len(stored)


def test_exception_in_read_propagates_and_keeps_whole_batches(session):
    reader = ChunkedReader(accounts_file(10), size=150, fail_at=8)
    with pytest.raises(Boom, match="read number 8"):
        custmgmt.import_accounts(session, reader, batch_size=3)
    stored = assert_consistent(session, 10)
    assert stored % 3 == 0 and stored < 10  # whole batches; the one in progress rolled back


def test_exception_in_read_of_a_strict_import_keeps_nothing(session):
    with pytest.raises(Boom):
        custmgmt.import_accounts(session, ChunkedReader(accounts_file(10), fail_at=8),
                                 batch_size=2, strict=True)
    assert assert_consistent(session, 10) == 0


@pytest.mark.parametrize("callback", ["progress", "on_error"])
def test_exception_in_a_callback_propagates_and_keeps_the_store_consistent(session, callback):
    data = accounts_file(6) + b'{"company_name": "Bad", "customer_type": "Alien"}\n'
    calls = []

    def fail(arg):
        calls.append(arg)
        raise Boom(callback)

    with pytest.raises(Boom, match=callback):
        custmgmt.import_accounts(session, io.BytesIO(data), batch_size=2, **{callback: fail})
    assert len(calls) == 1
    stored = assert_consistent(session, 6)
    assert stored == (2 if callback == "progress" else 6)


def test_exception_in_write_or_export_progress_propagates(session):
    populate(session)

    class FailingWriter:
        def write(self, data):
            raise Boom("disk on fire")

    with pytest.raises(Boom, match="disk on fire"):
        custmgmt.export_accounts(session, FailingWriter())

    def stop(n):
        raise Boom(f"stop at {n}")

    with pytest.raises(Boom, match="stop at 1"):
        custmgmt.export_accounts(session, io.BytesIO(), progress=stop)
    assert len(data_of(session)) == 3  # the session is usable and nothing changed


def test_read_returning_neither_bytes_nor_str_is_a_type_error(session):
    class Numbers:
        def read(self, n):
            return 42

    with pytest.raises(TypeError, match="read\\(\\) must return bytes or str, not int"):
        custmgmt.import_accounts(session, Numbers())


def test_callback_using_the_running_session_is_refused_not_deadlocked(session, store, user):
    session.accounts.create(company_name="Busy Co")

    def peek(n):
        session.accounts.search_page()

    with pytest.raises(RuntimeError, match="busy"):
        custmgmt.export_accounts(session, io.BytesIO(), progress=peek)
    # Another session of the same user may be used from a callback.
    other = store.session(user=user)
    names = []
    custmgmt.export_accounts(session, io.BytesIO(),
                             progress=lambda n: names.extend(
                                 a.company_name for a in other.accounts.search()))
    assert names == ["Busy Co"]
    assert session.accounts.search_page().items[0].company_name == "Busy Co"


# ---- backup, restore, verify, archive


def test_backup_delete_restore_account_brings_it_back(session, tmp_path):
    acme, _, _ = populate(session)
    before = [a for a in data_of(session) if a["company_name"] == "Acme Plumbing"]
    path = tmp_path / "backup.ndjson"
    kind = custmgmt.backup(session, path)
    assert kind is custmgmt.BackupKind.NDJSON and kind == "ndjson"  # a user's backup
    assert path.exists() and not pathlib.Path(str(path) + ".partial").exists()

    session.accounts.remove(acme)
    report = custmgmt.restore_account(session, path, acme.id)
    assert report.recreated and report.account_id != acme.id
    assert (report.contacts_created, report.contacts_updated, report.contacts_deleted) == (3, 0, 0)
    assert [a for a in data_of(session) if a["company_name"] == "Acme Plumbing"] == before
    assert report.to_dict() == {"account_id": report.account_id, "recreated": True,
                                "contacts_created": 3, "contacts_updated": 0,
                                "contacts_deleted": 0}
    assert repr(report).startswith("RestoreReport(account_id=")


def test_restore_sets_a_changed_account_back(sqlite_store, tmp_path):
    service = sqlite_store.service(audit_user="6f1c2a4e-7f2b-4f4e-9d1a-2b8e5f0c9a11")
    acme, _, _ = populate(service)
    before = data_of(service)
    path = tmp_path / "backup.db"
    assert custmgmt.backup(service, str(path)) is custmgmt.BackupKind.SQLITE_FILE
    contacts = list(service.contacts.list(acme))
    service.accounts.update(acme.id, company_name="Renamed", tags=[])
    service.contacts.remove(contacts[-1])
    service.contacts.add(account_id=acme, contact_name="Newcomer")
    report = custmgmt.restore_account(service, path, acme)
    assert not report.recreated and report.account_id == acme.id
    assert (report.contacts_created, report.contacts_deleted) == (1, 1)
    assert data_of(service) == before
    assert custmgmt.verify(service) == []


def test_verify_reports_a_broken_store(sqlite_store, tmp_path):
    import sqlite3

    service = sqlite_store.service()
    populate(service)
    assert custmgmt.verify(service) == []
    db = sqlite3.connect(str(tmp_path / "customers.db"))
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("UPDATE customer_contacts SET customer_account_id = 999999 "
               "WHERE contact_name = 'Gina'")
    db.commit()
    db.close()
    problems = custmgmt.verify(service)
    assert problems and all(isinstance(p, custmgmt.IntegrityProblem) for p in problems)
    assert "foreign_key_check" in {p.check for p in problems}
    assert set(problems[0].to_dict()) == {"check", "message"} and problems[0].message
    assert repr(problems[0]).startswith("IntegrityProblem(check=")


def test_archive_older_than_archives_what_was_not_updated_since(session):
    old = [session.accounts.create(company_name=f"Old {i}") for i in range(2)]
    cutoff = max(a.updated_at for a in old) + dt.timedelta(microseconds=1)
    time.sleep(0.05)
    recent = session.accounts.create(company_name="Recent")
    assert recent.updated_at > cutoff
    assert custmgmt.archive_older_than(session, cutoff) == 2
    assert all(session.accounts.get(a).archived for a in old)
    assert not session.accounts.get(recent).archived
    assert custmgmt.archive_older_than(session, cutoff) == 0  # already archived
    with pytest.raises(ValueError, match="naive"):
        custmgmt.archive_older_than(session, dt.datetime(2020, 1, 1))
    with pytest.raises(TypeError, match="datetime"):
        custmgmt.archive_older_than(session, "2020-01-01")


# ---- create_many


def test_create_many_inserts_all_or_nothing(session, user):
    made = session.accounts.create_many([
        custmgmt.Account(company_name="Bulk A", tags=["x"]),
        {"company_name": "Bulk B", "customer_type": "residential"},
    ])
    assert [a.company_name for a in made] == ["Bulk A", "Bulk B"]
    assert all(a.id > 0 and a.version == 1 and a.created_by == user for a in made)
    assert made[1].customer_type == "Residential"
    assert session.accounts.get(made[0].id) == made[0]

    with pytest.raises(custmgmt.ValidationError) as info:
        session.accounts.create_many([{"company_name": "Bulk C"}, {"company_name": ""}])
    assert [e.field for e in info.value.errors] == ["[1].company_name"]
    assert {a.company_name for a in session.accounts.search()} == {"Bulk A", "Bulk B"}
    with pytest.raises(TypeError, match="item 1 is a str"):
        session.accounts.create_many([{"company_name": "Bulk D"}, "Bulk E"])
    with pytest.raises(TypeError, match="unexpected keyword"):
        session.accounts.create_many([{"company_name": "Bulk F", "colour": "red"}])
    assert session.accounts.create_many([]) == []


# ---- enums and argument errors


def test_enums_are_strings():
    assert custmgmt.DataFormat.CSV == "csv" and custmgmt.DataFormat("ndjson").name == "NDJSON"
    assert [k.value for k in custmgmt.BackupKind] == ["sqlite_file", "ndjson"]
    assert custmgmt.BackupKind.SQLITE_FILE.name == "SQLITE_FILE"


def test_wrong_arguments_raise_the_documented_exceptions(session, tmp_path):
    account = session.accounts.create(company_name="Args Co")
    out = io.BytesIO()
    with pytest.raises(TypeError, match="custmgmt.Session"):
        custmgmt.export_accounts(session._core, out)
    with pytest.raises(TypeError, match="dest must be a path"):
        custmgmt.export_accounts(session, 42)
    with pytest.raises(TypeError, match="source must be a path"):
        custmgmt.import_accounts(session, b"raw bytes are not a file")
    with pytest.raises(ValueError, match="'xml'"):
        custmgmt.export_accounts(session, tmp_path / "out.xml", format="xml")
    assert not (tmp_path / "out.xml").exists()  # checked before the file is opened
    with pytest.raises(ValueError, match="'yaml'"):
        custmgmt.import_accounts(session, io.BytesIO(), format="yaml")
    with pytest.raises(TypeError, match="format must be"):
        custmgmt.export_accounts(session, out, format=1)
    with pytest.raises(ValueError, match="not both"):
        custmgmt.export_accounts(session, out, account_id=account, query={})
    with pytest.raises(TypeError, match="unknown query key"):
        custmgmt.export_accounts(session, out, query={"colour": "red"})
    with pytest.raises(TypeError, match="mapping"):
        custmgmt.export_accounts(session, out, query="acme")
    with pytest.raises(TypeError, match="progress must be callable"):
        custmgmt.export_accounts(session, out, progress=5)
    with pytest.raises(TypeError, match="on_error must be callable"):
        custmgmt.import_accounts(session, io.BytesIO(), on_error="print")
    with pytest.raises(TypeError):
        custmgmt.import_accounts(session, io.BytesIO(), batch_size="10")
    with pytest.raises(ValueError, match="max_errors_kept"):
        custmgmt.import_accounts(session, io.BytesIO(), max_errors_kept=-1)
    for size in (0, -5):
        with pytest.raises(custmgmt.ValidationError) as info:
            custmgmt.import_accounts(session, io.BytesIO(), batch_size=size)
        assert [e.code for e in info.value.errors] == ["import.batch_invalid"]
    with pytest.raises(custmgmt.NotFound):
        custmgmt.export_accounts(session, out, account_id=987654321)
    with pytest.raises(custmgmt.ValidationError):
        custmgmt.export_accounts(session, out, query={"page_size": 0})
    with pytest.raises(TypeError, match="path must be a str"):
        custmgmt.backup(session, 42)
    with pytest.raises(TypeError, match="custmgmt.Session"):
        custmgmt.verify(None)
    assert out.getvalue() == b""

    custmgmt.backup(session, tmp_path / "b.ndjson")
    with pytest.raises(custmgmt.NotFound):
        custmgmt.restore_account(session, tmp_path / "b.ndjson", 987654321)
    (tmp_path / "accounts.csv").write_text(csv_text(csv_row("Csv Co")))
    with pytest.raises(custmgmt.ValidationError) as info:
        custmgmt.restore_account(session, tmp_path / "accounts.csv", account.id)
    assert "restore.format_invalid" in {e.code for e in info.value.errors} | {info.value.code}
    with pytest.raises(FileNotFoundError):
        custmgmt.import_accounts(session, tmp_path / "missing.ndjson")


def test_export_report_has_repr_and_to_dict(session):
    session.accounts.create(company_name="Report Co")
    report = custmgmt.export_accounts(session, io.BytesIO(), format="jsonl")
    assert report.to_dict() == {"accounts": 1, "contacts": 0}
    assert repr(report) == "ExportReport(accounts=1, contacts=0)"
    with pytest.raises(AttributeError):
        report.accounts = 5  # read-only


def test_io_api_is_documented_and_named_after_the_package():
    for obj in (custmgmt.export_accounts, custmgmt.import_accounts, custmgmt.backup,
                custmgmt.restore_account, custmgmt.verify, custmgmt.archive_older_than,
                custmgmt.csv_columns, custmgmt.DataFormat, custmgmt.BackupKind,
                custmgmt.ImportReport, custmgmt.ImportProblem, custmgmt.Accounts.create_many):
        assert obj.__doc__ and obj.__doc__.strip(), obj
    for cls in (custmgmt.ExportReport, custmgmt.ImportReport, custmgmt.ImportProblem,
                custmgmt.RestoreReport, custmgmt.IntegrityProblem):
        assert repr(cls) == f"<class 'custmgmt.{cls.__name__}'>"
    assert custmgmt.DataFormat.__module__ == custmgmt.BackupKind.__module__ == "custmgmt"


def test_export_inside_a_snapshot_reads_that_snapshot(store, session, user):
    session.accounts.create(company_name="Early")
    writer = store.session(user=user)
    out = io.BytesIO()
    with session.snapshot():
        writer.accounts.create(company_name="Late")
        report = custmgmt.export_accounts(session, out)
    assert report.accounts == 1 and json.loads(out.getvalue())["company_name"] == "Early"
    assert custmgmt.export_accounts(session, io.BytesIO()).accounts == 2


def test_add_many_adds_all_or_nothing(session, make_account):
    a, b = make_account(company_name="Many A"), make_account(company_name="Many B")
    made = session.contacts.add_many([
        custmgmt.Contact(customer_account_id=a.id, contact_name="Ann", email="ann@x.example",
                         is_primary_contact=True),
        {"account_id": b, "contact_name": "Bob", "phone": "(415) 555-2671"},
    ])
    assert [(c.contact_name, c.customer_account_id) for c in made] == [("Ann", a.id),
                                                                       ("Bob", b.id)]
    assert made[1].phone == "+14155552671" and made[0].is_primary_contact
    assert session.contacts.get(made[0].id) == made[0]

    with pytest.raises(custmgmt.ValidationError) as info:
        session.contacts.add_many([{"account_id": a, "contact_name": "Cy"},
                                   {"account_id": a, "contact_name": "Di", "email": "di@"}])
    assert [e.field for e in info.value.errors] == ["[1].email"]
    with pytest.raises(custmgmt.Conflict) as conflict:
        session.contacts.add_many([{"account_id": a, "contact_name": "Ed",
                                    "email": "ANN@x.example"}])
    assert conflict.value.code == "contact.duplicate_email"
    assert [c.contact_name for c in session.contacts.list(a)] == ["Ann"]  # nothing added
    with pytest.raises(TypeError, match="item 0 is a int"):
        session.contacts.add_many([5])
