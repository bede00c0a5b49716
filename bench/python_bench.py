#!/usr/bin/env python3
"""Python peer of custmgmt-bench: the same import and search workloads through
the custmgmt bindings and through SQLAlchemy (ORM and Core), on SQLite files
with the library's schema. Every file is created by custmgmt.open, so tables,
indexes, FTS5 tables and triggers are the same for every client.

usage: PYTHONPATH=<build>/bindings/python python3 bench/python_bench.py \
           [--scale N] [--queries N] [--seed N] [--batch N] [--orm-limit N] \
           [--check-queries N] [--profile] [--dir DIR] [--out FILE.json]

Import rows (batches of --batch accounts, one transaction per batch, for every
client; created_at is the generated one in every store):
  bindings           Accounts.create_many + Contacts.add_many per batch inside
                     session.transaction(), from plain dicts (what a Python user
                     holds); the library validates, normalises and writes the
                     FTS5 and tag rows itself.
  bindings io        custmgmt.import_accounts of an NDJSON file (written before
                     the clock starts) with batch_size=--batch.
  SQLAlchemy ORM     mapped classes with relationships (Account.contacts,
                     Account.tag_rows), session.add_all + commit per batch; after
                     the flush the FTS5 rows of the batch in one executemany.
  SQLAlchemy Core    executemany per batch into accounts, contacts, tag rows and
                     both FTS5 tables, ids assigned by the loader.
Since SQLite migration 0002 the schema has no AFTER INSERT triggers: whoever
inserts rows writes the FTS5 rows and the customer_account_tags rows (and,
from migration 0003, their created_at and customer_type copies), so both
SQLAlchemy loaders do, or their stores would not be searchable the same way.
SQLAlchemy connections get the library's connection settings (foreign_keys
ON, synchronous NORMAL), so all clients do the same work under the same
durability. The library cannot be given created_at, so the bindings' stores
get the generated created_at with one raw UPDATE after the timed import (as in
the C++ bench; migration 0003's triggers carry it into the tag rows).

At scales above --orm-limit (default 20,000) the ORM import is timed on the
first --orm-limit accounts only, and labelled so in the JSON and the table.
Searches always run on full stores: the bindings on the bindings' store, Core
(the straightforward SQL of the C++ bench: bm25 over every FTS match, tag
filters through json_each, OFFSET for page two) and the ORM on the Core store.
Above 100,000 accounts the ORM searches run on the first 200 queries only
(--orm-queries; their count is the ORM's n in the JSON).

Checks (the run fails loudly when one does not hold): every store passes
custmgmt.verify() (FTS5 in sync with its table, ...) and holds the same
accounts, contacts and tag rows as the bindings' store; for --check-queries
queries, the bindings, Core and ORM searches match the same set of ids and
each client's first page holds min(50, matches) of them.

Data: a seeded generator with the same vocabulary and distributions as the
C++ bench (accounts with 0-4 contacts, tags, addresses, created_at over five
years), not byte-identical to it; all clients get identical data within one
run. Latencies are wall-clock and thread CPU time (SQLite runs in the calling
thread for every client, so CPU time is the load-independent cost on a busy
machine).
"""
import argparse
import cProfile
import datetime as dt
import hashlib
import json
import os
import pstats
import random
import re
import sqlite3
import sys
import tempfile
import time

import custmgmt
import sqlalchemy as sa
from sqlalchemy import event, orm

USER = "6f1c2a4e-7f2b-4f4e-9d1a-2b8e5f0c9a11"
END_US = 1767225600 * 1000000
FIVE_YEARS_US = 5 * 365 * 24 * 3600 * 1000000
PAGE = 50
SURNAMES = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Martinez Lopez Wilson "
            "Anderson Thomas Taylor Moore Jackson Martin Lee Harris Clark Lewis Walker Hall "
            "Allen Young King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell "
            "Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy "
            "Cook Rogers").split()
FIRST = ("James Mary Robert Patricia John Jennifer Michael Linda David Barbara William "
         "Elizabeth Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy "
         "Matthew Lisa Anthony Betty Mark Sandra Donald Ashley Steven Emily Paul Donna Andrew "
         "Michelle Joshua Carol Kenneth Amanda").split()
TRADES = ("Plumbing Electric Roofing Bakery Consulting Logistics Dental Landscaping Motors "
          "Printing Catering Hardware Analytics Builders Textiles Pharmacy Optics Freight "
          "Studios Brewing Cleaning Security Software Marine Furniture Imaging Holdings Foods "
          "Energy Robotics Insurance Medical").split()
PREFIXES = ("Acme Summit Pioneer Blue Golden Pacific Northern Apex Silver Evergreen Redwood "
            "Harbor").split()
SUFFIXES = "Inc LLC Co Group Partners Corp Ltd Services".split()
TAGS = ("vip north south east west wholesale retail priority prospect churned partner net30 "
        "net60 tax-exempt enterprise smb referral trial renewal overdue gold silver bronze "
        "key-account").split()
CITIES = [("Springfield", "IL", "217"), ("Austin", "TX", "512"), ("Seattle", "WA", "206"),
          ("Denver", "CO", "303"), ("Boston", "MA", "617"), ("Chicago", "IL", "312"),
          ("Portland", "OR", "503"), ("Atlanta", "GA", "404"), ("Phoenix", "AZ", "602"),
          ("Madison", "WI", "608"), ("Raleigh", "NC", "919"), ("Columbus", "OH", "614")]
SHAPES = ["prefix2", "prefix_long", "word", "tags_type_range", "second_page"]
CLIENTS = ("bindings", "core", "orm")


class CheckFailed(Exception):
    """The clients' stores or searches disagree: the comparison would be void."""


def make_account(seed, i):
    r = random.Random(seed * 1000003 + i)
    residential = r.random() < 0.3
    if residential:
        name = "%s %s" % (r.choice(FIRST), r.choice(SURNAMES))
    else:
        k = r.randrange(3)
        if k == 0:
            name = "%s %s" % (r.choice(SURNAMES), r.choice(TRADES))
        elif k == 1:
            name = "%s %s %s" % (r.choice(PREFIXES), r.choice(TRADES), r.choice(SUFFIXES))
        else:
            name = "%s & %s %s" % (r.choice(SURNAMES), r.choice(SURNAMES), r.choice(SUFFIXES))
    city, state, area = r.choice(CITIES)
    billing = {"street": "%d Main St" % r.randrange(1, 9900), "city": city, "state": state,
               "zip": "%05d" % r.randrange(10000, 99999), "country": "US"}
    tags = sorted(set(r.sample(TAGS, r.randrange(5))), key=TAGS.index)
    contacts = []
    for j in range(r.randrange(5)):
        first, last = r.choice(FIRST), r.choice(SURNAMES)
        contacts.append({
            "contact_name": "%s %s" % (first, last),
            "email": "%s.%s%d@example%d.com" % (first.lower(), last.lower(), j, i % 997),
            "phone": "+1%s%03d%04d" % (area, r.randrange(201, 901), r.randrange(10000)),
            "role": "Billing", "is_primary_contact": j == 0})
    return {"company_name": name, "customer_type": "Residential" if residential else "Commercial",
            "billing_address": billing, "tags": tags,
            "created_at_us": END_US - 1 - r.randrange(FIVE_YEARS_US), "contacts": contacts}


def make_queries(seed, count):
    r = random.Random(seed ^ 0x5EED)
    words = lambda: r.choice((SURNAMES, TRADES, PREFIXES, FIRST))  # noqa: E731
    out = []
    for i in range(count):
        shape = SHAPES[i % 5]
        inner = r.choice(["prefix2", "word", "tags_type_range"]) if shape == "second_page" else shape
        q = {"shape": shape, "inner": inner}
        if inner == "prefix2":
            q["text"] = r.choice(words())[:2].lower()
        elif inner == "prefix_long":
            q["text"] = (r.choice(words())[:4] if r.randrange(2) == 0 else
                         "%s %s" % (r.choice(PREFIXES), r.choice(TRADES)[:3])).lower()
        elif inner == "word":
            q["text"] = r.choice(words())
        else:
            q["customer_type"] = "Residential" if r.random() < 0.3 else "Commercial"
            if r.randrange(2) == 0:
                q["tags_any"] = sorted({r.choice(TAGS), r.choice(TAGS)})
            else:
                q["tags_all"] = [TAGS[r.randrange(12)], TAGS[12 + r.randrange(12)]]
            start = END_US - FIVE_YEARS_US + r.randrange(4 * 365) * 86400 * 1000000
            q["created_from_us"], q["created_to_us"] = start, start + 365 * 86400 * 1000000
        out.append(q)
    return out


def name_key(name):
    # The library's search key for ASCII names: lower-case words joined by
    # spaces (the store comparison fails if this ever differs from the library).
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


def fresh(path):
    for p in (path, path + "-wal", path + "-shm"):
        if os.path.exists(p):
            os.remove(p)
    custmgmt.open(path)  # creates the library's schema
    return path


def remove_store(path):
    for p in (path, path + "-wal", path + "-shm"):
        if os.path.exists(p):
            os.remove(p)


def pct(values, p):
    v = sorted(values)
    if not v:
        return 0.0
    k = max(0, min(len(v) - 1, -(-len(v) * p // 100) - 1))
    return v[int(k)]


def summary(wall_us, cpu_us):
    n = len(wall_us)
    return {"n": n, "mean_ms": sum(wall_us) / n / 1000 if n else 0.0,
            "p50_ms": pct(wall_us, 50) / 1000, "p95_ms": pct(wall_us, 95) / 1000,
            "p99_ms": pct(wall_us, 99) / 1000,
            "cpu_p50_ms": pct(cpu_us, 50) / 1000, "cpu_p99_ms": pct(cpu_us, 99) / 1000}


def utc(us):
    return dt.datetime.fromtimestamp(us / 1e6, tz=dt.timezone.utc)


def tags_carry_account_columns(path):
    """SQLite migration 0003 copies created_at and customer_type into
    customer_account_tags; a loader writing tag rows writes them too."""
    with sqlite3.connect(path) as c:
        names = {r[1] for r in c.execute("PRAGMA table_info(customer_account_tags)")}
    return {"created_at", "customer_type"} <= names


# ---- SQLAlchemy mapping of the library's schema --------------------------------

class Schema:
    """Tables and ORM classes of one store layout (with or without the tag
    table's migration-0003 columns)."""

    def __init__(self, tag_columns):
        self.tag_columns = tag_columns
        meta = sa.MetaData()
        self.accounts = sa.Table(
            "customer_accounts", meta, sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("company_name", sa.Text), sa.Column("company_name_key", sa.Text),
            sa.Column("customer_type", sa.Text), sa.Column("billing_address", sa.Text),
            sa.Column("service_address", sa.Text), sa.Column("account_notes", sa.Text),
            sa.Column("tags", sa.Text), sa.Column("created_at", sa.BigInteger),
            sa.Column("updated_at", sa.BigInteger), sa.Column("created_by", sa.Text),
            sa.Column("updated_by", sa.Text), sa.Column("archived_at", sa.BigInteger),
            sa.Column("version", sa.BigInteger))
        self.contacts = sa.Table(
            "customer_contacts", meta, sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("customer_account_id", sa.Integer, sa.ForeignKey("customer_accounts.id")),
            sa.Column("contact_name", sa.Text), sa.Column("contact_name_key", sa.Text),
            sa.Column("email", sa.Text), sa.Column("email_key", sa.Text),
            sa.Column("phone", sa.Text), sa.Column("phone_extension", sa.Text),
            sa.Column("phone_display", sa.Text), sa.Column("role", sa.Text),
            sa.Column("is_primary_contact", sa.Integer), sa.Column("contact_notes", sa.Text),
            sa.Column("created_at", sa.BigInteger), sa.Column("updated_at", sa.BigInteger),
            sa.Column("created_by", sa.Text), sa.Column("updated_by", sa.Text),
            sa.Column("version", sa.BigInteger))
        extra = ([sa.Column("created_at", sa.BigInteger), sa.Column("customer_type", sa.Text)]
                 if tag_columns else [])
        self.tags = sa.Table(
            "customer_account_tags", meta,
            sa.Column("account_id", sa.Integer, sa.ForeignKey("customer_accounts.id"),
                      primary_key=True),
            sa.Column("tag", sa.Text, primary_key=True), *extra)
        self.accounts_fts = sa.Table("customer_accounts_fts", meta,
                                     sa.Column("rowid", sa.Integer, primary_key=True),
                                     sa.Column("company_name", sa.Text))
        self.contacts_fts = sa.Table("customer_contacts_fts", meta,
                                     sa.Column("rowid", sa.Integer, primary_key=True),
                                     sa.Column("contact_name", sa.Text))
        registry = orm.registry(metadata=meta)

        class Contact:
            pass

        class AccountTag:
            pass

        class Account:
            pass

        registry.map_imperatively(Contact, self.contacts)
        registry.map_imperatively(AccountTag, self.tags)
        registry.map_imperatively(Account, self.accounts, properties={
            "contacts": orm.relationship(Contact), "tag_rows": orm.relationship(AccountTag)})
        self.Account, self.Contact, self.AccountTag = Account, Contact, AccountTag


def engine_for(path):
    """A SQLAlchemy engine with the library's connection settings."""
    engine = sa.create_engine("sqlite:///" + path)

    @event.listens_for(engine, "connect")
    def _settings(dbapi_connection, _record):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA busy_timeout = 5000")
        cur.close()

    return engine


def address_json(a):
    return json.dumps(a, separators=(",", ":"))


def account_row(a, now):
    return dict(company_name=a["company_name"], company_name_key=name_key(a["company_name"]),
                customer_type=a["customer_type"], billing_address=address_json(a["billing_address"]),
                service_address="{}", tags=json.dumps(a["tags"], separators=(",", ":")),
                created_at=a["created_at_us"], updated_at=now, created_by=USER, updated_by=USER,
                version=1)


def contact_row(c, now):
    return dict(contact_name=c["contact_name"], contact_name_key=name_key(c["contact_name"]),
                email=c["email"], email_key=c["email"].lower(), phone=c["phone"], role=c["role"],
                is_primary_contact=int(c["is_primary_contact"]), created_at=now, updated_at=now,
                created_by=USER, updated_by=USER, version=1)


def tag_row(a, tag, tag_columns):
    row = {"tag": tag}
    if tag_columns:
        row["created_at"], row["customer_type"] = a["created_at_us"], a["customer_type"]
    return row


# ---- import ------------------------------------------------------------------

def timed(fn):
    """(wall seconds, process CPU seconds) of fn()."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def import_bindings(path, data, batch):
    s = custmgmt.open(path).session(USER)

    def run():
        for start in range(0, len(data), batch):
            chunk = data[start:start + batch]
            with s.transaction():
                made = s.accounts.create_many([
                    {"company_name": a["company_name"], "customer_type": a["customer_type"],
                     "billing_address": a["billing_address"], "tags": a["tags"]}
                    for a in chunk])
                s.contacts.add_many([dict(c, account_id=acc.id)
                                     for acc, a in zip(made, chunk) for c in a["contacts"]])
    return timed(run)


def ndjson_line(a):
    return json.dumps({"company_name": a["company_name"], "customer_type": a["customer_type"],
                       "billing_address": a["billing_address"], "tags": a["tags"],
                       "contacts": a["contacts"]}, separators=(",", ":"))


def import_bindings_io(path, data, batch, work):
    source = os.path.join(work, "py-accounts.ndjson")
    with open(source, "w", encoding="utf-8") as f:
        for a in data:
            f.write(ndjson_line(a) + "\n")
    s = custmgmt.open(path).session(USER)
    report = []
    seconds = timed(lambda: report.append(custmgmt.import_accounts(s, source, format="ndjson",
                                                                   batch_size=batch)))
    os.remove(source)
    r = report[0]
    contacts = sum(len(a["contacts"]) for a in data)
    if (r.rejected or not r.committed or r.accounts_created != len(data)
            or r.contacts_created != contacts):
        raise CheckFailed("import_accounts did not create every row: %r" % r.to_dict())
    return seconds


def import_orm(path, data, batch):
    schema = Schema(tags_carry_account_columns(path))
    engine = engine_for(path)
    now = int(time.time() * 1e6)
    Account, Contact, AccountTag = schema.Account, schema.Contact, schema.AccountTag

    def make(a):
        acc = Account(**account_row(a, now))
        acc.contacts = [Contact(**contact_row(c, now)) for c in a["contacts"]]
        acc.tag_rows = [AccountTag(**tag_row(a, t, schema.tag_columns)) for t in a["tags"]]
        return acc

    def run():
        for start in range(0, len(data), batch):
            with orm.Session(engine) as session, session.begin():
                objs = [make(a) for a in data[start:start + batch]]
                session.add_all(objs)
                session.flush()  # ids for the FTS5 rows
                session.execute(schema.accounts_fts.insert(),
                                [{"rowid": o.id, "company_name": o.company_name} for o in objs])
                fts = [{"rowid": c.id, "contact_name": c.contact_name}
                       for o in objs for c in o.contacts]
                if fts:
                    session.execute(schema.contacts_fts.insert(), fts)
    seconds = timed(run)
    engine.dispose()
    return seconds


def import_core(path, data, batch):
    schema = Schema(tags_carry_account_columns(path))
    engine = engine_for(path)
    now = int(time.time() * 1e6)

    def run():
        with engine.connect() as conn:
            account_id = conn.execute(sa.text(
                "SELECT coalesce(max(id), 0) FROM customer_accounts")).scalar()
            contact_id = conn.execute(sa.text(
                "SELECT coalesce(max(id), 0) FROM customer_contacts")).scalar()
            for start in range(0, len(data), batch):
                accounts, contacts, tags, afts, cfts = [], [], [], [], []
                for a in data[start:start + batch]:
                    account_id += 1
                    accounts.append(dict(account_row(a, now), id=account_id))
                    afts.append({"rowid": account_id, "company_name": a["company_name"]})
                    for t in a["tags"]:
                        tags.append(dict(tag_row(a, t, schema.tag_columns), account_id=account_id))
                    for c in a["contacts"]:
                        contact_id += 1
                        contacts.append(dict(contact_row(c, now), id=contact_id,
                                             customer_account_id=account_id))
                        cfts.append({"rowid": contact_id, "contact_name": c["contact_name"]})
                with conn.begin():
                    conn.execute(schema.accounts.insert(), accounts)
                    conn.execute(schema.accounts_fts.insert(), afts)
                    for table, rows in ((schema.tags, tags), (schema.contacts, contacts),
                                        (schema.contacts_fts, cfts)):
                        if rows:
                            conn.execute(table.insert(), rows)
    seconds = timed(run)
    engine.dispose()
    return seconds


def spread_created_at(path, data):
    """The generated created_at, which the library does not take, written raw."""
    with sqlite3.connect(path) as c:
        c.executemany("UPDATE customer_accounts SET created_at = ? WHERE id = ?",
                      [(a["created_at_us"], i + 1) for i, a in enumerate(data)])


# ---- store checks --------------------------------------------------------------

def fingerprint(path, accounts):
    """Digests of what a search can see in the first `accounts` accounts."""
    queries = {
        "accounts": "SELECT id, company_name, company_name_key, customer_type, "
                    "json(billing_address), json(service_address), account_notes, json(tags), "
                    "created_at, created_by, updated_by, archived_at, version "
                    "FROM customer_accounts WHERE id <= ? ORDER BY id",
        "contacts": "SELECT customer_account_id, contact_name, contact_name_key, email, email_key, "
                    "phone, phone_extension, phone_display, role, is_primary_contact, "
                    "contact_notes, created_by, updated_by, version FROM customer_contacts "
                    "WHERE customer_account_id <= ? ORDER BY customer_account_id, email_key",
        "tags": "SELECT * FROM customer_account_tags WHERE account_id <= ? "
                "ORDER BY account_id, tag",
    }
    out = {}
    with sqlite3.connect(path) as c:
        for name, sql in queries.items():
            h, n = hashlib.sha256(), 0
            for row in c.execute(sql, (accounts,)):
                h.update(repr(row).encode())
                n += 1
            out[name] = (n, h.hexdigest())
    return out


def check_store(path, name, reference, accounts):
    problems = custmgmt.verify(custmgmt.open(path).service())
    if problems:
        raise CheckFailed("%s store: custmgmt.verify: %s" % (name, problems))
    got = fingerprint(path, accounts)
    for table, (n, digest) in reference.items():
        if got[table] != (n, digest):
            raise CheckFailed("%s store: %s rows differ from the bindings' store (%d rows there, "
                              "%d here)" % (name, table, n, got[table][0]))


# ---- search ------------------------------------------------------------------

def bindings_kw(q):
    return dict(text=q.get("text"), customer_type=q.get("customer_type"),
                tags_any=q.get("tags_any", ()), tags_all=q.get("tags_all", ()),
                created_after=utc(q["created_from_us"]) if "created_from_us" in q else None,
                created_before=utc(q["created_to_us"]) if "created_to_us" in q else None)


def bindings_search(s, q, cursor):
    return [a.id for a in s.accounts.search_page(cursor=cursor, page_size=PAGE, **bindings_kw(q))]


def bindings_all(s, q):
    return [a.id for a in s.accounts.search(page_size=1000, **bindings_kw(q))]


def match_of(text):
    return " AND ".join('"%s"*' % w for w in re.findall(r"[a-z0-9]+", text.lower()))


def core_sql(q, limited):
    """The straightforward SQL of the C++ bench: bm25 over every FTS match, or
    type + range + json_each tag filters by created_at; OFFSET for page two."""
    params = {"uid": USER}
    page = " LIMIT :limit OFFSET :offset" if limited else ""
    if "text" in q:
        params["match"] = match_of(q["text"])
        sql = ("SELECT a.* FROM customer_accounts_fts f JOIN customer_accounts a ON a.id = f.rowid "
               "WHERE customer_accounts_fts MATCH :match AND (a.created_by = :uid OR "
               "a.updated_by = :uid) AND a.archived_at IS NULL "
               "ORDER BY bm25(customer_accounts_fts)" + page)
    else:
        params.update(ct=q["customer_type"], lo=q["created_from_us"], hi=q["created_to_us"])
        tags = q.get("tags_any") or q["tags_all"]
        names = []
        for i, t in enumerate(tags):
            params["t%d" % i] = t
            names.append(":t%d" % i)
        if "tags_any" in q:
            tag_sql = ("EXISTS (SELECT 1 FROM json_each(a.tags) j WHERE j.value IN (%s))"
                       % ", ".join(names))
        else:
            tag_sql = ("(SELECT count(DISTINCT j.value) FROM json_each(a.tags) j WHERE j.value IN "
                       "(%s)) = %d" % (", ".join(names), len(tags)))
        sql = ("SELECT a.* FROM customer_accounts a WHERE (a.created_by = :uid OR a.updated_by = "
               ":uid) AND a.archived_at IS NULL AND a.customer_type = :ct AND a.created_at >= :lo "
               "AND a.created_at < :hi AND " + tag_sql + " ORDER BY a.created_at DESC" + page)
    return sa.text(sql), params


def core_search(conn, q, second):
    stmt, params = core_sql(q, True)
    params.update(limit=PAGE, offset=PAGE if second else 0)
    return [r.id for r in conn.execute(stmt, params).all()]


def core_all(conn, q):
    stmt, params = core_sql(q, False)
    return [r.id for r in conn.execute(stmt, params).all()]


def orm_query(schema, session, q):
    """The same filters written with the ORM (FTS through a text() clause)."""
    Account = schema.Account
    query = session.query(Account).filter(
        sa.or_(Account.created_by == USER, Account.updated_by == USER),
        Account.archived_at.is_(None))
    if "text" in q:
        return query.filter(Account.id.in_(sa.text(
            "SELECT rowid FROM customer_accounts_fts WHERE customer_accounts_fts MATCH :match")
            .bindparams(match=match_of(q["text"])))).order_by(Account.company_name_key,
                                                                Account.id)
    query = query.filter(Account.customer_type == q["customer_type"],
                         Account.created_at >= q["created_from_us"],
                         Account.created_at < q["created_to_us"])
    if "tags_any" in q:
        query = query.filter(sa.or_(*[Account.tags.like('%%"%s"%%' % t) for t in q["tags_any"]]))
    else:
        query = query.filter(*[Account.tags.like('%%"%s"%%' % t) for t in q["tags_all"]])
    return query.order_by(Account.created_at.desc(), Account.id.desc())


def orm_search(schema, session, q, second):
    ids = [a.id for a in orm_query(schema, session, q).offset(PAGE if second else 0).limit(PAGE)]
    session.expunge_all()
    return ids


def orm_all(schema, session, q):
    ids = [a.id for a in orm_query(schema, session, q)]
    session.expunge_all()
    return ids


def describe(q):
    return json.dumps({k: v for k, v in q.items() if k != "inner"})


def check_searches(s, conn, schema, session, queries):
    """Every client matches the same accounts, and a first page is the first
    min(50, matches) of them in the client's own order."""
    for q in queries:
        full = {"bindings": bindings_all(s, q), "core": core_all(conn, q),
                "orm": orm_all(schema, session, q)}
        ref = sorted(full["bindings"])
        for name, ids in full.items():
            if sorted(ids) != ref:
                raise CheckFailed("search %s: %s matches %d accounts, the bindings %d (first "
                                  "differences: %s)" % (describe(q), name, len(ids), len(ref),
                                                        sorted(set(ids) ^ set(ref))[:10]))
        pages = {"bindings": bindings_search(s, q, None), "core": core_search(conn, q, False),
                 "orm": orm_search(schema, session, q, False)}
        for name, ids in pages.items():
            if len(ids) != min(PAGE, len(ref)) or not set(ids) <= set(ref):
                raise CheckFailed("search %s: %s's first page has %d rows of %d matches"
                                  % (describe(q), name, len(ids), len(ref)))
        if pages["bindings"] != full["bindings"][:PAGE]:
            raise CheckFailed("search %s: search_page and search disagree" % describe(q))


def run_searches(s, conn, schema, session, queries, orm_queries):
    """Latency of each client on each query (the ORM on the first
    `orm_queries` only); a second-page query is kept when the bindings' first
    page has a next cursor (for every client)."""
    lat = {shape: {name: ([], []) for name in CLIENTS} for shape in SHAPES}

    def measure(shape, name, fn):
        w, c = time.perf_counter(), time.thread_time()
        fn()
        cpu = time.thread_time() - c
        lat[shape][name][0].append((time.perf_counter() - w) * 1e6)
        lat[shape][name][1].append(cpu * 1e6)

    for index, q in enumerate(queries):
        cursor = None
        if q["shape"] == "second_page":
            cursor = s.accounts.search_page(page_size=PAGE, **bindings_kw(q)).next_cursor
            if cursor is None:
                continue
        second = cursor is not None
        measure(q["shape"], "bindings", lambda: bindings_search(s, q, cursor))
        measure(q["shape"], "core", lambda: core_search(conn, q, second))
        if index < orm_queries:
            measure(q["shape"], "orm", lambda: orm_search(schema, session, q, second))
    return lat


def search_results(lat):
    def merged(name, shapes):
        return summary([x for sh in shapes for x in lat[sh][name][0]],
                       [x for sh in shapes for x in lat[sh][name][1]])

    def ratios(d):
        b = d["bindings"]
        return {"speedup_p99_vs_core": d["core"]["p99_ms"] / b["p99_ms"] if b["p99_ms"] else 0,
                "speedup_p99_vs_orm": d["orm"]["p99_ms"] / b["p99_ms"] if b["p99_ms"] else 0,
                "speedup_cpu_p99_vs_core": (d["core"]["cpu_p99_ms"] / b["cpu_p99_ms"]
                                            if b["cpu_p99_ms"] else 0),
                "speedup_cpu_p99_vs_orm": (d["orm"]["cpu_p99_ms"] / b["cpu_p99_ms"]
                                           if b["cpu_p99_ms"] else 0)}

    out = {name: merged(name, SHAPES) for name in CLIENTS}
    out.update(ratios(out))
    out["by_shape"] = {}
    for shape in SHAPES:
        d = {name: merged(name, [shape]) for name in CLIENTS}
        d.update(ratios(d))
        out["by_shape"][shape] = d
    return out


# ---- profile -----------------------------------------------------------------

def profile_bindings_import(path, data, batch, top=12):
    """cProfile of the bindings' bulk import: how much of it is inside the two
    C++ calls (argument conversion, validation, SQLite, result objects) and how
    much is Python around them."""
    profiler = cProfile.Profile()
    profiler.enable()
    import_bindings(path, data, batch)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values())  # tottime of every function
    core = {}
    for (_file, _line, func), v in stats.stats.items():
        for name in ("create_many", "add_many"):
            if func.endswith("_core.%s>" % name):  # <built-in method custmgmt._core.add_many>
                core[name] = core.get(name, 0) + v[2]
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return {"total_s": total, "in_core_create_many_s": core.get("create_many", 0.0),
            "in_core_add_many_s": core.get("add_many", 0.0),
            "python_side_s": total - sum(core.values()),
            "top_tottime": [{"function": "%s:%d(%s)" % (os.path.basename(f), ln, fn),
                             "calls": v[1], "tottime_s": round(v[2], 4)}
                            for (f, ln, fn), v in rows]}


# ---- main --------------------------------------------------------------------

def rate(seconds, rows, accounts):
    wall, cpu = seconds
    return {"seconds": wall, "cpu_seconds": cpu, "accounts": accounts, "rows": rows,
            "rows_per_s": rows / wall, "accounts_per_s": accounts / wall}


def rows_of(data):
    return sum(1 + len(a["contacts"]) for a in data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=10000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--batch", type=int, default=1000, help="accounts per batch/transaction")
    ap.add_argument("--orm-limit", type=int, default=20000,
                    help="time the ORM import on at most this many accounts")
    ap.add_argument("--orm-queries", type=int,
                    help="run the ORM searches on the first N queries only (default: all up "
                         "to 100,000 accounts, 200 above: an ORM query reads every match)")
    ap.add_argument("--check-queries", type=int, default=50,
                    help="queries whose full match sets are compared across clients")
    ap.add_argument("--profile", action="store_true",
                    help="also cProfile the bindings' import (extra store)")
    ap.add_argument("--dir")
    ap.add_argument("--out")
    args = ap.parse_args()
    started = time.perf_counter()
    work = args.dir or tempfile.mkdtemp(prefix="custmgmt-pybench-")
    data = [make_account(args.seed, i) for i in range(args.scale)]
    rows = rows_of(data)
    orm_n = min(args.scale, args.orm_limit)
    result = {"scale": args.scale, "rows": rows, "queries": args.queries, "batch": args.batch,
              "python": sys.version.split()[0], "sqlalchemy": sa.__version__,
              "sqlite": sqlite3.sqlite_version, "import": {}}
    imp = result["import"]

    def log(msg):
        print("python_bench: %s (%.0f s)" % (msg, time.perf_counter() - started), file=sys.stderr)

    paths = {k: os.path.join(work, "py-%s.db" % k) for k in ("bindings", "io", "orm", "core")}
    log("import: bindings create_many + add_many")
    imp["bindings"] = rate(import_bindings(fresh(paths["bindings"]), data, args.batch),
                           rows, args.scale)
    spread_created_at(paths["bindings"], data)
    reference = fingerprint(paths["bindings"], args.scale)
    prefix_reference = fingerprint(paths["bindings"], orm_n)
    problems = custmgmt.verify(custmgmt.open(paths["bindings"]).service())
    if problems:
        raise CheckFailed("bindings store: custmgmt.verify: %s" % problems)

    log("import: bindings import_accounts (NDJSON)")
    imp["bindings_import_accounts"] = rate(
        import_bindings_io(fresh(paths["io"]), data, args.batch, work), rows, args.scale)
    spread_created_at(paths["io"], data)
    check_store(paths["io"], "import_accounts", reference, args.scale)
    remove_store(paths["io"])

    log("import: SQLAlchemy ORM (%d accounts)" % orm_n)
    imp["orm"] = rate(import_orm(fresh(paths["orm"]), data[:orm_n], args.batch),
                      rows_of(data[:orm_n]), orm_n)
    imp["orm"]["prefix"] = orm_n < args.scale
    check_store(paths["orm"], "SQLAlchemy ORM", prefix_reference, orm_n)
    remove_store(paths["orm"])

    log("import: SQLAlchemy Core")
    imp["core"] = rate(import_core(fresh(paths["core"]), data, args.batch), rows, args.scale)
    check_store(paths["core"], "SQLAlchemy Core", reference, args.scale)
    # Ratios of accounts per second, wall-clock and on process CPU time.
    for k, other in (("bindings", "orm"), ("bindings_import_accounts", "orm"), ("core", "orm"),
                     ("bindings", "core"), ("bindings_import_accounts", "core")):
        a, b = imp[k], imp[other]
        imp["ratio_%s_to_%s" % (k, other)] = a["accounts_per_s"] / b["accounts_per_s"]
        imp["cpu_ratio_%s_to_%s" % (k, other)] = ((b["cpu_seconds"] / b["accounts"])
                                                  / (a["cpu_seconds"] / a["accounts"]))

    if args.profile:
        log("profile: bindings import under cProfile")
        result["profile"] = profile_bindings_import(fresh(paths["io"]), data, args.batch)
        remove_store(paths["io"])

    log("search: checks")
    s = custmgmt.open(paths["bindings"]).session(USER)
    schema = Schema(tags_carry_account_columns(paths["core"]))
    engine = engine_for(paths["core"])
    queries = make_queries(args.seed, args.queries)
    with engine.connect() as conn, orm.Session(engine) as session:
        check_searches(s, conn, schema, session, queries[:args.check_queries])
        log("search: warm-up")
        for q in queries:  # the ORM reads the Core store, warmed by Core
            bindings_search(s, q, None)
            core_search(conn, q, False)
        log("search: %d queries" % len(queries))
        orm_queries = (args.orm_queries if args.orm_queries is not None
                       else len(queries) if args.scale <= 100000 else 200)
        lat = run_searches(s, conn, schema, session, queries, orm_queries)
    engine.dispose()
    result["search"] = search_results(lat)
    result["checks"] = {"search_queries_compared": min(args.check_queries, len(queries)),
                        "stores_compared": ["import_accounts", "SQLAlchemy ORM", "SQLAlchemy Core"]}
    remove_store(paths["core"])
    remove_store(paths["bindings"])
    result["seconds"] = time.perf_counter() - started
    log("done")
    text = json.dumps(result, indent=1)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as e:
        print("python_bench: CHECK FAILED: %s" % e, file=sys.stderr)
        sys.exit(1)
