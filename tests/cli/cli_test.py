#!/usr/bin/env python3
"""End-to-end tests of the custmgmt command-line tool.

Runs the real binary on real files (tests/cli/data) against a fresh store
per test, parses every --json output and checks exit codes:
0 ok, 1 invalid data or rejected rows, 2 usage, 3 backend failure.

With --postgres every test gets a fresh database of the server named by
CUSTMGMT_TEST_PG_URI (the application login; the database is created and
dropped through CUSTMGMT_TEST_PG_ADMIN_URI with psql) and the tool runs with
--service unless the test says --user; without those variables the run fails.
Otherwise the store is a fresh SQLite file. Checks that only make sense for
one engine (SQLite file backups, a broken FTS5 index, row-level security) are
chosen per backend.

usage: cli_test.py CUSTMGMT_BINARY DATA_DIR [--postgres]
"""
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import traceback
import urllib.parse

BIN, DATA = sys.argv[1], sys.argv[2]
POSTGRES = "--postgres" in sys.argv[3:]
TESTS = []
_db_numbers = itertools.count(1)


def pg_env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"cli_test.py --postgres: {name} is not set (scripts/pg-cluster prints it)")
    return value


def with_database(uri, db):
    parts = urllib.parse.urlsplit(uri)
    return urllib.parse.urlunsplit(parts._replace(path="/" + db))


def psql(db, sql):
    """Runs fixture SQL as the superuser on database `db`."""
    uri = with_database(pg_env("CUSTMGMT_TEST_PG_ADMIN_URI"), db)
    subprocess.run(["psql", uri, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                   check=True, capture_output=True, timeout=60)


def test(fn):
    TESTS.append(fn)
    return fn


class Tool:
    def __init__(self, tmp):
        self.tmp = tmp
        self.databases = []  # PostgreSQL databases to drop
        self.db = self.fresh_store("customers.db")

    def fresh_store(self, name):
        """The URI of a new, empty store: a SQLite file `name` in the test's
        directory, or a new PostgreSQL database."""
        if not POSTGRES:
            return os.path.join(self.tmp, name)
        db = f"cm_cli_{os.getpid()}_{next(_db_numbers)}"
        psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        psql("postgres", f"CREATE DATABASE {db} OWNER service_role")
        self.databases.append(db)
        return with_database(pg_env("CUSTMGMT_TEST_PG_URI"), db)

    def close(self):
        for db in self.databases:
            psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")

    def run(self, *args, expect=0, db=True, stdin=None):
        # On PostgreSQL the tool needs --user or --service.
        auth = ["--service"] if POSTGRES and db and not {"--user", "--service"} & set(args) else []
        argv = [BIN] + (["--db", self.db] if db else []) + auth + list(args)
        env = dict(os.environ)
        env.pop("CUSTMGMT_DB", None)
        p = subprocess.run(argv, capture_output=True, input=stdin, env=env, cwd=self.tmp, timeout=120)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        assert p.returncode == expect, f"{argv}: exit {p.returncode}, wanted {expect}\n{out}\n{err}"
        return out, err

    def json(self, *args, expect=0, **kw):
        out, _ = self.run("--json", *args, expect=expect, **kw)
        return json.loads(out)

    def path(self, name):
        return os.path.join(self.tmp, name)


def data(name):
    return os.path.join(DATA, name)


@test
def help_on_every_command(t):
    for cmd in (["migrate"], ["account", "add"], ["account", "show"], ["account", "update"],
                ["account", "delete"], ["account", "archive"], ["account", "restore"],
                ["account", "list"], ["contact", "add"], ["contact", "list"], ["contact", "update"],
                ["contact", "delete"], ["contact", "set-primary"], ["search"], ["stats"],
                ["import"], ["export"], ["backup"], ["restore"], ["validate"], ["verify"],
                ["archive"]):
        out, _ = t.run(*cmd, "--help", db=False)
        assert "Usage" in out or "usage" in out.lower(), cmd


@test
def usage_errors_exit_2(t):
    t.run(expect=2)
    t.run("frobnicate", expect=2)
    t.run("account", "add", "--company", "X", expect=2)  # --type missing
    t.run("account", "add", "--company", "X", "--type", "retail", expect=2)
    t.run("--user", "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "--service", "stats", expect=2)
    t.run("import", expect=2)


@test
def migrate_reports_versions(t):
    doc = t.json("migrate")
    assert doc["schema_version"] == doc["latest"] >= 1, doc
    doc = t.json("migrate", "--to", "0")
    assert doc["schema_version"] == 0
    doc = t.json("migrate")
    assert doc["schema_version"] == doc["latest"]


@test
def db_defaults_to_env_then_customers_db(t):
    if POSTGRES:
        env = dict(os.environ, CUSTMGMT_DB=t.db)
        p = subprocess.run([BIN, "--json", "--service", "stats"], capture_output=True, cwd=t.tmp,
                           env=env)
        assert p.returncode == 0 and json.loads(p.stdout)["accounts_total"] == 0, p
        # PostgreSQL from the environment: --user or --service is required.
        p = subprocess.run([BIN, "stats"], capture_output=True, cwd=t.tmp, env=env)
        assert p.returncode == 2 and b"--service" in p.stderr, p
        assert not os.path.exists(t.path("customers.db"))
        return
    env_db = t.path("env.db")
    p = subprocess.run([BIN, "--json", "stats"], capture_output=True, cwd=t.tmp,
                       env=dict(os.environ, CUSTMGMT_DB=env_db))
    assert p.returncode == 0 and os.path.exists(env_db)
    env = dict(os.environ)
    env.pop("CUSTMGMT_DB", None)
    p = subprocess.run([BIN, "--json", "stats"], capture_output=True, cwd=t.tmp, env=env)
    assert p.returncode == 0 and os.path.exists(t.path("customers.db"))


@test
def account_and_contact_commands(t):
    acc = t.json("account", "add", "--company", "Acme Plumbing", "--type", "commercial",
                 "--tag", "vip", "--tag", "plumbing", "--notes", "hello",
                 "--billing", '{"street":"1 Main St","city":"Austin","state":"tx","zip":"78701","country":"USA"}')
    aid = acc["id"]
    assert acc["customer_type"] == "Commercial" and acc["tags"] == ["vip", "plumbing"]
    assert acc["billing_address"] == {"street": "1 Main St", "city": "Austin", "state": "TX",
                                      "zip": "78701", "country": "US"}
    c1 = t.json("contact", "add", str(aid), "--name", "Ann", "--email", "ann@acme.example",
                "--phone", "+1 512 555 0100", "--role", "Owner", "--primary")
    assert c1["is_primary_contact"] is True and c1["phone"] == "+15125550100"
    c2 = t.json("contact", "add", str(aid), "--name", "Bob", "--email", "bob@acme.example")
    # A second primary and a used email are conflicts: exit 1 with the code.
    err = t.json("contact", "add", str(aid), "--name", "Eve", "--primary", expect=1)
    assert err["error"]["code"] == "contact.duplicate_primary", err
    err = t.json("contact", "add", str(aid), "--name", "Eve", "--email", "ANN@acme.example", expect=1)
    assert err["error"]["code"] == "contact.duplicate_email", err
    err = t.json("contact", "add", str(aid), "--name", "Eve", "--email", "nope", expect=1)
    assert err["error"]["code"] == "validation.failed"
    assert err["error"]["errors"][0]["field"] == "email"
    listed = t.json("contact", "list", str(aid))
    assert [c["contact_name"] for c in listed["items"]] == ["Ann", "Bob"]
    t.json("contact", "set-primary", str(c2["id"]))
    shown = t.json("account", "show", str(aid))
    assert [c["contact_name"] for c in shown["contacts"] if c["is_primary_contact"]] == ["Bob"]
    upd = t.json("contact", "update", str(c1["id"]), "--role", "Founder", "--phone", "")
    assert upd["role"] == "Founder" and upd["phone"] is None
    upd = t.json("account", "update", str(aid), "--company", "Acme Plumbing & Heating", "--tag", "heating")
    assert upd["company_name"] == "Acme Plumbing & Heating" and upd["tags"] == ["vip", "plumbing", "heating"]
    assert upd["version"] == 2
    t.json("account", "archive", str(aid))
    assert t.json("account", "list")["items"] == []
    assert len(t.json("account", "list", "--archived")["items"]) == 1
    t.json("account", "restore", str(aid))
    out, _ = t.run("account", "show", str(aid))
    assert "Acme Plumbing & Heating" in out and "Bob" in out
    t.json("contact", "delete", str(c1["id"]))
    assert len(t.json("contact", "list", str(aid))["items"]) == 1
    t.json("account", "delete", str(aid))
    err = t.json("account", "show", str(aid), expect=1)
    assert err["error"]["code"] == "account.not_found"
    out, _ = t.run("account", "show", "999", expect=1)


@test
def import_csv_reports_counts_and_rejected_rows(t):
    doc = t.json("import", data("customers.csv"), expect=1)
    for key in ("accounts_created", "accounts_updated", "contacts_created", "rejected", "errors"):
        assert key in doc, key
    assert doc["accounts_created"] == 4, doc
    assert doc["contacts_created"] == 4, doc
    assert doc["rejected"] == 2, doc
    errors = {(e["line"], e["field"], e["code"]) for e in doc["errors"]}
    assert (7, "email", "email.invalid") in errors, errors
    assert (8, "customer_type", "customer_type.invalid") in errors, errors
    assert all(e["message"] for e in doc["errors"])
    # Re-import: nothing new.
    again = t.json("import", data("customers.csv"), expect=1)
    assert again["accounts_created"] == 0 and again["contacts_created"] == 0, again
    assert again["accounts_unchanged"] == 4 and again["contacts_unchanged"] == 4, again
    # --errors writes one JSON object per rejected row's error.
    t.run("import", data("customers.csv"), "--errors", t.path("errors.ndjson"), "--batch", "2", expect=1)
    lines = [json.loads(l) for l in open(t.path("errors.ndjson"), encoding="utf-8")]
    assert {l["line"] for l in lines} == {7, 8} and set(lines[0]) == {"line", "field", "code", "message"}
    out, _ = t.run("import", data("customers.csv"), expect=1)
    assert "email.invalid" in out and "rejected" in out


@test
def strict_import_imports_nothing(t):
    doc = t.json("import", data("customers.csv"), "--strict", expect=1)
    assert doc["committed"] is False and doc["accounts_created"] == 0 and doc["rejected"] == 2
    assert t.json("stats")["accounts_total"] == 0


@test
def bad_files_give_a_clear_message_and_exit_1(t):
    for name, code in (("broken_quote.csv", "csv.malformed"),
                       ("invalid_utf8.csv", "text.invalid_utf8"),
                       ("missing_column.csv", "csv.missing_column"),
                       ("unknown_column.csv", "csv.unknown_column")):
        doc = t.json("import", data(name), "--strict", expect=1)
        assert code in {e["code"] for e in doc["errors"]}, (name, doc)
        assert doc["committed"] is False
        assert t.json("stats")["accounts_total"] == 0, name
        out, _ = t.run("import", data(name), "--strict", expect=1)
        assert code in out
    big = t.path("big.csv")
    with open(big, "w") as f:
        f.write("company_name,customer_type,account_notes\n")
        f.write("Big Co,commercial,\"" + "x" * (1 << 20) + "\"\n")
    doc = t.json("import", big, "--strict", expect=1)
    assert doc["errors"][0]["field"] == "account_notes" and doc["errors"][0]["code"] == "text.too_long"
    assert t.json("stats")["accounts_total"] == 0
    doc = t.json("import", data("unknown_column.csv"), "--ignore-unknown-columns")
    assert doc["accounts_created"] == 1
    t.run("import", t.path("no-such-file.csv"), expect=3)


@test
def search_stats_and_pagination(t):
    t.json("import", data("customers.csv"), expect=1)
    t.json("import", data("accounts.ndjson"))
    doc = t.json("search", "acme")
    assert set(doc) == {"items", "next_cursor"}
    assert [a["company_name"] for a in doc["items"]] == ["Acme Plumbing"]
    assert doc["next_cursor"] is None
    doc = t.json("search", "--type", "residential")
    assert {a["company_name"] for a in doc["items"]} == {"Jean Tremblay", "No Contact Co", "Solo Home"}
    doc = t.json("search", "--tag", "vip", "--tag", "bakery")
    assert len(doc["items"]) == 2
    doc = t.json("search", "--tag", "vip", "--tag", "bakery", "--all-tags")
    assert doc["items"] == []
    page = t.json("search", "--limit", "2")
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = t.json("search", "--limit", "2", "--after", page["next_cursor"])
    assert not {a["id"] for a in page["items"]} & {a["id"] for a in rest["items"]}
    assert t.json("search", "--since", "2000-01-01", "--until", "2001-01-01")["items"] == []
    t.run("search", "--since", "yesterday", expect=2)
    stats = t.json("stats")
    assert stats["accounts_total"] == 6 and stats["contacts_total"] == 5, stats
    assert stats["by_type"] == {"Residential": 3, "Commercial": 3}, stats
    out, _ = t.run("stats")
    assert "residential" in out


@test
def export_import_round_trip_csv_store_ndjson_store(t):
    t.json("import", data("customers.csv"), expect=1)
    t.json("import", data("accounts.ndjson"))
    doc = t.json("export", "-o", t.path("all.ndjson"))
    assert doc["accounts"] == 6 and doc["contacts"] == 5
    out, _ = t.run("export", "--format", "csv")
    assert out.startswith("company_name,customer_type,billing_street")
    other = Tool.__new__(Tool)
    other.tmp, other.databases = t.tmp, t.databases
    other.db = t.fresh_store("copy.db")
    back = other.json("import", t.path("all.ndjson"))
    assert back["accounts_created"] == 6 and back["contacts_created"] == 5 and back["rejected"] == 0
    other.json("export", "-o", t.path("copy.ndjson"))
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("id", "created_at", "updated_at",
                                                                     "version", "updated_by")}
                          for r in rows]

    def load(path):
        out = []
        for line in open(path, encoding="utf-8"):
            rec = json.loads(line)
            rec["contacts"] = [{k: v for k, v in c.items()
                                if k not in ("id", "customer_account_id", "created_at", "updated_at",
                                             "version", "created_by", "updated_by")}
                               for c in rec["contacts"]]
            out.append(rec)
        return strip(out)
    assert load(t.path("all.ndjson")) == load(t.path("copy.ndjson"))
    acme = t.json("search", "acme")["items"][0]["id"]
    one = t.json("export", "--account", str(acme), "-o", t.path("one.csv"))
    assert one["accounts"] == 1


@test
def backup_delete_restore_and_verify(t):
    t.json("import", data("customers.csv"), expect=1)
    acme = t.json("search", "acme")["items"][0]
    doc = t.json("backup", t.path("snap.db"))
    if POSTGRES:
        # A consistent NDJSON export (one repeatable-read transaction).
        assert doc["kind"] == "ndjson", doc
        with open(t.path("snap.db"), encoding="utf-8") as f:
            lines = [json.loads(line) for line in f]
        assert len(lines) == 4 and acme["id"] in {rec["id"] for rec in lines}, lines
    else:
        assert doc["kind"] == "sqlite"
        with open(t.path("snap.db"), "rb") as f:
            assert f.read(16) == b"SQLite format 3\x00"
    t.json("account", "delete", str(acme["id"]))
    assert t.json("search", "acme")["items"] == []
    doc = t.json("restore", t.path("snap.db"), "--account", str(acme["id"]))
    assert doc["recreated"] is True and doc["contacts_created"] == 2, doc
    restored = t.json("account", "show", str(doc["account_id"]))
    assert restored["company_name"] == "Acme Plumbing" and len(restored["contacts"]) == 2
    # Changed since: restored in place from an NDJSON export.
    t.json("export", "-o", t.path("export.ndjson"))
    t.json("account", "update", str(doc["account_id"]), "--company", "Changed")
    doc2 = t.json("restore", t.path("export.ndjson"), "--account", str(doc["account_id"]))
    assert doc2["recreated"] is False
    assert t.json("account", "show", str(doc["account_id"]))["company_name"] == "Acme Plumbing"
    err = t.json("restore", t.path("snap.db"), "--account", "424242", expect=1)
    assert err["error"]["code"] == "account.not_found"
    assert t.json("verify") == {"ok": True, "problems": []}
    out, _ = t.run("verify")
    assert "ok" in out


@test
def verify_finds_a_broken_store(t):
    t.json("import", data("customers.csv"), expect=1)
    assert t.json("verify") == {"ok": True, "problems": []}
    if POSTGRES:
        db = urllib.parse.urlsplit(t.db).path.lstrip("/")
        psql(db, "ALTER TABLE customer_contacts NO FORCE ROW LEVEL SECURITY")
        wanted = "row_level_security"
    else:
        con = sqlite3.connect(t.db)
        con.execute("DELETE FROM customer_accounts_fts")  # a crash-like inconsistency
        con.commit()
        con.close()
        wanted = "fts_sync"
    doc = t.json("verify", expect=1)
    assert doc["ok"] is False and wanted in {p["check"] for p in doc["problems"]}, doc
    out, _ = t.run("verify", expect=1)
    assert wanted in out


@test
def archive_older_than_is_reversible(t):
    t.json("import", data("customers.csv"), expect=1)
    assert t.json("archive", "--older-than", "2000-01-01")["archived"] == 0
    assert t.json("archive", "--older-than", "2999-01-01")["archived"] == 4
    assert t.json("stats")["accounts_total"] == 0
    hidden = t.json("search", "--archived")["items"]
    assert len(hidden) == 4
    t.json("account", "restore", str(hidden[0]["id"]))
    assert t.json("stats")["accounts_total"] == 1


@test
def validate_commands(t):
    doc = t.json("validate", "email", "Ann@Example.COM", db=False)
    assert doc["valid"] is True and doc["normalized"] == "Ann@example.com"
    doc = t.json("validate", "email", "nope", db=False, expect=1)
    assert doc["valid"] is False and doc["errors"][0]["code"] == "email.invalid"
    doc = t.json("validate", "phone", "(415) 555-2671 x12", db=False)
    assert doc["normalized"]["e164"] == "+14155552671" and doc["normalized"]["extension"] == "12"
    t.json("validate", "phone", "12", db=False, expect=1)
    doc = t.json("validate", "address", '{"city":"Austin","state":"Texas","zip":"78701","country":"usa"}', db=False)
    assert doc["normalized"] == {"city": "Austin", "state": "TX", "zip": "78701", "country": "US"}
    doc = t.json("validate", "address", '{"country":"Atlantis"}', db=False, expect=1)
    assert doc["errors"][0]["code"] == "address.country_unknown"
    out, _ = t.run("validate", "email", "a@b.example", db=False)
    assert "valid" in out


@test
def backend_failure_exits_3(t):
    os.mkdir(t.path("dir.db"))
    t.run("--db", t.path("dir.db"), "stats", db=False, expect=3)
    t.run("--db", "postgresql://nobody@127.0.0.1:1/none", "stats", db=False, expect=2)  # no --user/--service
    t.run("--db", "postgresql://nobody@127.0.0.1:1/none", "--service", "stats", db=False, expect=3)


@test
def user_sessions_see_only_their_rows(t):
    a = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    b = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
    acc = t.json("--user", a, "account", "add", "--company", "Mine", "--type", "commercial")
    assert acc["created_by"] == a
    assert t.json("--user", b, "search")["items"] == []
    t.json("--user", b, "account", "show", str(acc["id"]), expect=1)
    assert len(t.json("search")["items"]) == 1  # the service role sees all


def main():
    failed = 0
    for fn in TESTS:
        tmp = tempfile.mkdtemp(prefix="custmgmt-cli-")
        tool = None
        try:
            tool = Tool(tmp)
            fn(tool)
            print(f"ok    {fn.__name__}")
        except Exception:
            failed += 1
            print(f"FAIL  {fn.__name__}")
            traceback.print_exc()
        finally:
            if tool is not None:
                tool.close()
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(TESTS) - failed}/{len(TESTS)} passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
