#!/usr/bin/env python3
"""Python peer of custmgmt-bench: the same import and search workloads through
the custmgmt bindings and through SQLAlchemy (ORM and Core), on SQLite files
with the library's schema (each file is created by custmgmt.open, so triggers,
FTS5 tables and indexes are the same for every client).

usage: PYTHONPATH=<build>/bindings/python python3 bench/python_bench.py \
           [--scale N] [--queries N] [--seed N] [--dir DIR] [--out FILE.json]

Data: a seeded generator with the same vocabulary and distributions as the
C++ bench (accounts with 0-4 contacts, tags, addresses, created_at over five
years), not byte-identical to it; all three clients get identical data within
one run. created_at is set by the library, so after the import it is spread
over five years with one raw UPDATE, as in the C++ bench, before searching.
"""
import argparse
import datetime as dt
import json
import os
import random
import re
import sqlite3
import sys
import tempfile
import time

import custmgmt
import sqlalchemy as sa
from sqlalchemy import orm

USER = "6f1c2a4e-7f2b-4f4e-9d1a-2b8e5f0c9a11"
END_US = 1767225600 * 1000000
FIVE_YEARS_US = 5 * 365 * 24 * 3600 * 1000000
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
    # The library's search key for ASCII names: lower-case words joined by spaces.
    return " ".join(re.findall(r"[a-z0-9]+|[^\x00-\x7f]+", name.lower()))


def fresh(path):
    for p in (path, path + "-wal", path + "-shm"):
        if os.path.exists(p):
            os.remove(p)
    custmgmt.open(path)  # creates the library's schema
    return path


def pct(values, p):
    v = sorted(values)
    if not v:
        return 0.0
    k = max(0, min(len(v) - 1, -(-len(v) * p // 100) - 1))
    return v[int(k)]


def summary(us):
    return {"n": len(us), "mean_ms": sum(us) / len(us) / 1000 if us else 0,
            "p50_ms": pct(us, 50) / 1000, "p95_ms": pct(us, 95) / 1000,
            "p99_ms": pct(us, 99) / 1000}


def utc(us):
    return dt.datetime.fromtimestamp(us / 1e6, tz=dt.timezone.utc)


# ---- import ------------------------------------------------------------------

def import_bindings(path, data):
    store = custmgmt.open(path)
    s = store.service(audit_user=USER)
    t0 = time.perf_counter()
    with s.transaction():
        for a in data:
            acc = s.accounts.create(company_name=a["company_name"],
                                    customer_type=a["customer_type"],
                                    billing_address=a["billing_address"], tags=a["tags"])
            for c in a["contacts"]:
                s.contacts.add(account_id=acc.id, **c)
    return time.perf_counter() - t0


def tables(meta):
    accounts = sa.Table(
        "customer_accounts", meta, sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("company_name", sa.Text), sa.Column("company_name_key", sa.Text),
        sa.Column("customer_type", sa.Text), sa.Column("billing_address", sa.Text),
        sa.Column("service_address", sa.Text), sa.Column("account_notes", sa.Text),
        sa.Column("tags", sa.Text), sa.Column("created_at", sa.BigInteger),
        sa.Column("updated_at", sa.BigInteger), sa.Column("created_by", sa.Text),
        sa.Column("updated_by", sa.Text), sa.Column("archived_at", sa.BigInteger),
        sa.Column("version", sa.BigInteger))
    contacts = sa.Table(
        "customer_contacts", meta, sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_account_id", sa.Integer, sa.ForeignKey("customer_accounts.id")),
        sa.Column("contact_name", sa.Text), sa.Column("contact_name_key", sa.Text),
        sa.Column("email", sa.Text), sa.Column("email_key", sa.Text), sa.Column("phone", sa.Text),
        sa.Column("role", sa.Text), sa.Column("is_primary_contact", sa.Integer),
        sa.Column("created_at", sa.BigInteger), sa.Column("updated_at", sa.BigInteger),
        sa.Column("created_by", sa.Text), sa.Column("updated_by", sa.Text),
        sa.Column("version", sa.BigInteger))
    return accounts, contacts


META = sa.MetaData()
ACCOUNTS, CONTACTS = tables(META)
Base = orm.declarative_base(metadata=META)


class Account(Base):
    __table__ = ACCOUNTS
    contacts = orm.relationship("Contact")


class Contact(Base):
    __table__ = CONTACTS


def account_row(a, now):
    return dict(company_name=a["company_name"], company_name_key=name_key(a["company_name"]),
                customer_type=a["customer_type"], billing_address=json.dumps(a["billing_address"]),
                service_address="{}", tags=json.dumps(a["tags"]), created_at=now,
                updated_at=now, created_by=USER, updated_by=USER, version=1)


def contact_row(c, now):
    return dict(contact_name=c["contact_name"], contact_name_key=name_key(c["contact_name"]),
                email=c["email"], email_key=c["email"].lower(), phone=c["phone"], role=c["role"],
                is_primary_contact=int(c["is_primary_contact"]), created_at=now, updated_at=now,
                created_by=USER, updated_by=USER, version=1)


def import_orm(path, data):
    engine = sa.create_engine("sqlite:///" + path)
    now = int(time.time() * 1e6)
    t0 = time.perf_counter()
    with orm.Session(engine) as session, session.begin():
        for a in data:
            acc = Account(**account_row(a, now))
            acc.contacts = [Contact(**contact_row(c, now)) for c in a["contacts"]]
            session.add(acc)
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return elapsed


def import_core(path, data):
    engine = sa.create_engine("sqlite:///" + path)
    now = int(time.time() * 1e6)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        for start in range(0, len(data), 1000):
            batch = data[start:start + 1000]
            conn.execute(ACCOUNTS.insert(), [dict(account_row(a, now), id=start + k + 1)
                                             for k, a in enumerate(batch)])
            conn.execute(CONTACTS.insert(), [dict(contact_row(c, now),
                                                  customer_account_id=start + k + 1)
                                             for k, a in enumerate(batch) for c in a["contacts"]])
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return elapsed


# ---- search ------------------------------------------------------------------

def bindings_search(s, q, second):
    kw = dict(text=q.get("text"), customer_type=q.get("customer_type"),
              tags_any=q.get("tags_any", ()), tags_all=q.get("tags_all", ()),
              created_after=utc(q["created_from_us"]) if "created_from_us" in q else None,
              created_before=utc(q["created_to_us"]) if "created_to_us" in q else None,
              page_size=50)
    cursor = None
    if second:
        first = s.accounts.search_page(**kw)
        if first.next_cursor is None:
            return None
        cursor = first.next_cursor
    t0 = time.perf_counter()
    page = s.accounts.search_page(cursor=cursor, **kw)
    us = (time.perf_counter() - t0) * 1e6
    return us if page is not None else None


def match_of(text):
    return " AND ".join('"%s"*' % w for w in re.findall(r"[a-z0-9]+", text.lower()))


def core_sql(q):
    """The straightforward SQL of the C++ bench: bm25 over every FTS match, or
    type + range + json_each tag filters by created_at; OFFSET for page two."""
    params = {"uid": USER}
    if "text" in q:
        params["match"] = match_of(q["text"])
        sql = ("SELECT a.* FROM customer_accounts_fts f JOIN customer_accounts a ON a.id = f.rowid "
               "WHERE customer_accounts_fts MATCH :match AND (a.created_by = :uid OR "
               "a.updated_by = :uid) AND a.archived_at IS NULL "
               "ORDER BY bm25(customer_accounts_fts) LIMIT 50 OFFSET :offset")
    else:
        params.update(ct=q["customer_type"], lo=q["created_from_us"], hi=q["created_to_us"])
        tags = q.get("tags_any") or q["tags_all"]
        names = []
        for i, t in enumerate(tags):
            params["t%d" % i] = t
            names.append(":t%d" % i)
        if "tags_any" in q:
            tag_sql = "EXISTS (SELECT 1 FROM json_each(a.tags) j WHERE j.value IN (%s))" % ", ".join(names)
        else:
            tag_sql = ("(SELECT count(DISTINCT j.value) FROM json_each(a.tags) j WHERE j.value IN "
                       "(%s)) = %d" % (", ".join(names), len(tags)))
        sql = ("SELECT a.* FROM customer_accounts a WHERE (a.created_by = :uid OR a.updated_by = "
               ":uid) AND a.archived_at IS NULL AND a.customer_type = :ct AND a.created_at >= :lo "
               "AND a.created_at < :hi AND " + tag_sql +
               " ORDER BY a.created_at DESC LIMIT 50 OFFSET :offset")
    return sa.text(sql), params


def core_search(conn, q, second):
    stmt, params = core_sql(q)
    params["offset"] = 50 if second else 0
    t0 = time.perf_counter()
    rows = conn.execute(stmt, params).all()
    us = (time.perf_counter() - t0) * 1e6
    return us if (rows or not second) else None


def orm_search(session, q, second):
    """The same filters written with the ORM (FTS through a text() clause)."""
    query = session.query(Account).filter(
        sa.or_(Account.created_by == USER, Account.updated_by == USER),
        Account.archived_at.is_(None))
    if "text" in q:
        query = query.filter(Account.id.in_(sa.text(
            "SELECT rowid FROM customer_accounts_fts WHERE customer_accounts_fts MATCH :match")
            .bindparams(match=match_of(q["text"])))).order_by(Account.company_name_key,
                                                                Account.id)
    else:
        query = query.filter(Account.customer_type == q["customer_type"],
                             Account.created_at >= q["created_from_us"],
                             Account.created_at < q["created_to_us"])
        if "tags_any" in q:
            query = query.filter(sa.or_(*[Account.tags.like('%%"%s"%%' % t) for t in q["tags_any"]]))
        else:
            query = query.filter(*[Account.tags.like('%%"%s"%%' % t) for t in q["tags_all"]])
        query = query.order_by(Account.created_at.desc(), Account.id.desc())
    t0 = time.perf_counter()
    rows = query.offset(50 if second else 0).limit(50).all()
    us = (time.perf_counter() - t0) * 1e6
    session.expunge_all()
    return us if (rows or not second) else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=10000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--dir")
    ap.add_argument("--out")
    args = ap.parse_args()
    work = args.dir or tempfile.mkdtemp(prefix="custmgmt-pybench-")
    data = [make_account(args.seed, i) for i in range(args.scale)]
    rows = sum(1 + len(a["contacts"]) for a in data)
    result = {"scale": args.scale, "rows": rows, "queries": args.queries,
              "python": sys.version.split()[0], "sqlalchemy": sa.__version__, "import": {}}

    timings = {}
    for name, fn in (("bindings", import_bindings), ("orm", import_orm), ("core", import_core)):
        print("python: import (%s)" % name, file=sys.stderr)
        path = fresh(os.path.join(work, "py-%s.db" % name))
        timings[name] = fn(path, data)
        result["import"][name] = {"seconds": timings[name], "rows_per_s": rows / timings[name],
                                  "accounts_per_s": args.scale / timings[name]}
        if name != "bindings":
            os.remove(path)
    imp = result["import"]
    imp["ratio_bindings_to_orm"] = imp["bindings"]["rows_per_s"] / imp["orm"]["rows_per_s"]
    imp["ratio_bindings_to_core"] = imp["bindings"]["rows_per_s"] / imp["core"]["rows_per_s"]

    path = os.path.join(work, "py-bindings.db")
    with sqlite3.connect(path) as c:
        c.executemany("UPDATE customer_accounts SET created_at = ? WHERE id = ?",
                      [(a["created_at_us"], i + 1) for i, a in enumerate(data)])
    print("python: search", file=sys.stderr)
    store = custmgmt.open(path)
    s = store.session(USER)
    engine = sa.create_engine("sqlite:///" + path)
    queries = make_queries(args.seed, args.queries)
    lat = {"bindings": [], "core": [], "orm": []}
    with engine.connect() as conn, orm.Session(engine) as session:
        for q in queries:  # warm-up pass
            bindings_search(s, q, False)
            core_search(conn, q, False)
        for q in queries:
            second = q["shape"] == "second_page"
            for name, fn, handle in (("bindings", bindings_search, s), ("core", core_search, conn),
                                     ("orm", orm_search, session)):
                us = fn(handle, q, second)
                if us is not None:
                    lat[name].append(us)
    engine.dispose()
    result["search"] = {k: summary(v) for k, v in lat.items()}
    result["search"]["speedup_p99_vs_core"] = (result["search"]["core"]["p99_ms"] /
                                              result["search"]["bindings"]["p99_ms"])
    result["search"]["speedup_p99_vs_orm"] = (result["search"]["orm"]["p99_ms"] /
                                             result["search"]["bindings"]["p99_ms"])
    text = json.dumps(result, indent=1)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
