"""Create, read, update, delete, archive: accounts and contacts."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import pickle

import pytest

import custmgmt

ADDRESS = {"street": " 1 Main Street ", "city": "Springfield", "state": "illinois",
           "zip": "62701", "country": "USA"}


def test_created_account_has_identity_audit_fields_and_normalised_data(session, user):
    a = session.accounts.create(
        company_name="  Acme Plumbing ",
        customer_type="commercial",
        tags=["vip", "north", "vip"],
        billing_address=ADDRESS,
        account_notes="Pays on time.",
    )
    assert a.id > 0
    assert a.version == 1
    assert a.company_name == "Acme Plumbing"
    assert a.customer_type == "Commercial"
    assert a.tags == ["vip", "north"]
    assert a.billing_address == {"street": "1 Main Street", "city": "Springfield",
                                 "state": "IL", "zip": "62701", "country": "US"}
    assert a.service_address == {}
    assert a.account_notes == "Pays on time."
    assert a.created_by == user and a.updated_by == user
    assert not a.archived and a.archived_at is None
    assert session.accounts.get(a.id) == a
    assert session.accounts.get(a) == a  # an Account is accepted for its id


def test_account_has_repr_to_dict_equality_copy_and_pickle(session):
    a = session.accounts.create(company_name="Repr Co", customer_type="Residential",
                                tags=["x"])
    text = repr(a)
    assert text.startswith("Account(") and "'Repr Co'" in text and "Residential" in text
    d = a.to_dict()
    assert set(d) == {"id", "company_name", "customer_type", "billing_address",
                      "service_address", "account_notes", "tags", "created_at", "updated_at",
                      "created_by", "updated_by", "archived_at", "version"}
    assert d["customer_type"] == "Residential" and d["tags"] == ["x"]
    assert custmgmt.Account(**d) == a
    assert copy.copy(a) == a and copy.deepcopy(a) == a and copy.copy(a) is not a
    assert pickle.loads(pickle.dumps(a)) == a
    b = a.replace(company_name="Other")
    assert b != a and b.company_name == "Other" and a.company_name == "Repr Co"
    assert a != "not an account"
    with pytest.raises(AttributeError):
        a.replace(no_such_field=1)
    with pytest.raises(TypeError):
        hash(a)  # mutable: unhashable


def test_find_returns_none_and_get_raises_not_found(session):
    assert session.accounts.find(987654321) is None
    with pytest.raises(custmgmt.NotFound) as info:
        session.accounts.get(987654321)
    assert info.value.code == "account.not_found"
    assert isinstance(info.value, custmgmt.Error)
    with pytest.raises(custmgmt.NotFound) as info:
        session.contacts.get(987654321)
    assert info.value.code == "contact.not_found"


def test_update_with_account_or_id_and_keywords(session, make_account):
    a = make_account(company_name="Before", tags=["a"])
    b = session.accounts.update(a, company_name="After")
    assert b.company_name == "After" and b.version == 2 and b.tags == ["a"]
    assert b.updated_at >= a.updated_at

    a2 = a.replace(tags=["b", "c"], version=2)
    c = session.accounts.update(a2)
    assert c.tags == ["b", "c"] and c.company_name == "Before" and c.version == 3

    d = session.accounts.update(c.id, account_notes="patched", billing_address=ADDRESS)
    assert d.account_notes == "patched" and d.company_name == "Before" and d.version == 4
    assert d.billing_address["country"] == "US"

    with pytest.raises(TypeError):
        session.accounts.update(d.id, created_by="someone")
    with pytest.raises(TypeError):
        session.accounts.update(d.id, no_such_field=1)


def test_stale_update_is_a_conflict_and_changes_nothing(session, make_account):
    a = make_account()
    session.accounts.update(a, company_name="First writer")
    with pytest.raises(custmgmt.Conflict) as info:
        session.accounts.update(a, company_name="Second writer")
    assert info.value.code == "conflict.stale_version"
    assert session.accounts.get(a.id).company_name == "First writer"
    with pytest.raises(custmgmt.Conflict):
        session.accounts.update(a.id, company_name="Third", version=1)


def test_archive_hides_from_search_and_restore_brings_back(session, make_account):
    a = make_account(company_name="Archivable")
    archived = session.accounts.archive(a)
    assert archived.archived and isinstance(archived.archived_at, dt.datetime)
    assert session.accounts.archive(a.id).version == archived.version  # idempotent
    assert [x.id for x in session.accounts.search()] == []
    assert [x.id for x in session.accounts.search(archived="only")] == [a.id]
    assert [x.id for x in session.accounts.search(archived="include")] == [a.id]
    restored = session.accounts.restore(a.id)
    assert not restored.archived and restored.archived_at is None
    assert [x.id for x in session.accounts.search()] == [a.id]


def test_remove_deletes_the_account_and_its_contacts(session, make_account):
    a = make_account()
    c = session.contacts.add(account_id=a.id, contact_name="Gone Soon")
    session.accounts.remove(a)
    assert session.accounts.find(a.id) is None
    assert session.contacts.find(c.id) is None
    with pytest.raises(custmgmt.NotFound):
        session.accounts.remove(a.id)


def test_contact_add_normalises_email_and_phone(session, make_account, user):
    a = make_account()
    c = session.contacts.add(account_id=a.id, contact_name="Ann Lee", email="Ann@ACME.Example",
                             phone="(415) 555-2671 ext. 12", role="Owner",
                             is_primary_contact=True)
    assert c.id > 0 and c.version == 1
    assert c.customer_account_id == a.id and c.account_id == a.id
    assert c.email == "Ann@acme.example"
    assert c.phone == "+14155552671"
    assert c.phone_extension == "12"
    assert c.phone_display == "(415) 555-2671 ext. 12"
    assert c.is_primary_contact and c.role == "Owner"
    assert c.created_by == user
    assert session.contacts.get(c) == c
    d = c.to_dict()
    assert custmgmt.Contact(**d) == c
    assert pickle.loads(pickle.dumps(c)) == c
    assert "Ann Lee" in repr(c)


def test_contact_add_accepts_a_contact_object_and_the_account_object(session, make_account):
    a = make_account()
    template = custmgmt.Contact(contact_name="Template", role="Billing")
    c = session.contacts.add(template, account_id=a)
    assert c.customer_account_id == a.id and c.role == "Billing"


def test_contact_update_set_primary_list_and_remove(session, make_account):
    a = make_account()
    first = session.contacts.add(account_id=a.id, contact_name="Zed", is_primary_contact=True)
    second = session.contacts.add(account_id=a.id, contact_name="Amy")
    assert [c.contact_name for c in session.contacts.list(a.id)] == ["Zed", "Amy"]

    promoted = session.contacts.set_primary(second)
    assert promoted.is_primary_contact
    assert not session.contacts.get(first.id).is_primary_contact
    assert [c.contact_name for c in session.contacts.list(a)] == ["Amy", "Zed"]

    renamed = session.contacts.update(first.id, contact_name="Zoe", email="zoe@example.com")
    assert renamed.contact_name == "Zoe" and renamed.version > first.version
    with pytest.raises(custmgmt.Conflict) as info:
        session.contacts.update(first, contact_name="Stale")
    assert info.value.code == "conflict.stale_version"

    session.contacts.remove(renamed)
    assert [c.id for c in session.contacts.list(a.id)] == [second.id]
    with pytest.raises(custmgmt.NotFound):
        session.contacts.remove(renamed.id)


def test_second_primary_and_duplicate_email_are_conflicts(session, make_account):
    a = make_account()
    session.contacts.add(account_id=a.id, contact_name="One", email="same@example.com",
                         is_primary_contact=True)
    with pytest.raises(custmgmt.Conflict) as info:
        session.contacts.add(account_id=a.id, contact_name="Two", is_primary_contact=True)
    assert info.value.code == "contact.duplicate_primary"
    with pytest.raises(custmgmt.Conflict) as info:
        session.contacts.add(account_id=a.id, contact_name="Three", email="SAME@example.com")
    assert info.value.code == "contact.duplicate_email"
    # Another account may use the same email.
    b = make_account()
    session.contacts.add(account_id=b.id, contact_name="Four", email="same@example.com")


def test_contact_of_unknown_account_is_not_found(session):
    with pytest.raises(custmgmt.NotFound) as info:
        session.contacts.add(account_id=987654321, contact_name="Orphan")
    assert info.value.code == "account.not_found"


def test_stats_count_the_users_accounts(session, make_account):
    a = make_account(customer_type="Commercial", tags=["vip", "north"])
    make_account(customer_type="Residential", tags=["vip"])
    archived = make_account(customer_type="Residential")
    session.accounts.archive(archived)
    session.contacts.add(account_id=a.id, contact_name="P", is_primary_contact=True)
    session.contacts.add(account_id=a.id, contact_name="Q")

    stats = session.accounts.stats(months=3, top_tags=5)
    assert stats.total_accounts == 2
    assert stats.commercial_accounts == 1 and stats.residential_accounts == 1
    assert stats.archived_accounts == 1
    assert stats.total_contacts == 2
    assert stats.accounts_without_primary_contact == 1
    assert [(t.tag, t.count) for t in stats.top_tags] == [("vip", 2), ("north", 1)]
    assert len(stats.new_accounts_per_month) == 3
    now = dt.datetime.now(dt.timezone.utc)
    last = stats.new_accounts_per_month[-1]
    assert (last.year, last.month, last.count) == (now.year, now.month, 2)  # active only
    d = stats.to_dict()
    assert d["total_accounts"] == 2 and d["top_tags"][0] == {"tag": "vip", "count": 2}
    assert stats == session.accounts.stats(months=3, top_tags=5)
    assert "total_accounts=2" in repr(stats)


def test_service_role_stats_cover_every_user(sqlite_store):
    a = sqlite_store.session(user="11111111-1111-1111-1111-111111111111")
    b = sqlite_store.session(user="22222222-2222-2222-2222-222222222222")
    a.accounts.create(company_name="A")
    b.accounts.create(company_name="B")
    assert a.accounts.stats().total_accounts == 1
    assert sqlite_store.service().accounts.stats().total_accounts == 2


def test_store_reports_backend_schema_and_options(store, backend):
    assert store.backend_name == backend
    assert store.schema_version() == store.latest_schema_version() >= 1
    assert store.default_region == "US"
    assert store.busy_timeout == 5.0
    assert store.migrate_on_open is True
    assert backend in repr(store)


def test_open_accepts_path_objects_and_options(tmp_path):
    store = custmgmt.open(tmp_path / "p.db", default_region="GB",
                          busy_timeout=dt.timedelta(milliseconds=250))
    assert store.default_region == "GB" and store.busy_timeout == 0.25
    s = store.session(user="33333333-3333-3333-3333-333333333333")
    a = s.accounts.create(company_name="UK Ltd")
    c = s.contacts.add(account_id=a.id, contact_name="Bob", phone="020 7946 0958")
    assert c.phone == "+442079460958"


def test_in_memory_store_is_shared_by_its_sessions():
    store = custmgmt.open(":memory:")
    s1 = store.session(user="44444444-4444-4444-4444-444444444444")
    a = s1.accounts.create(company_name="Memory")
    s2 = store.session(user="44444444-4444-4444-4444-444444444444")
    assert s2.accounts.get(a.id) == a


def test_store_stats_count_reads_served_by_read_replicas(backend, tmp_path):
    if backend == "sqlite":
        with pytest.raises(custmgmt.ValidationError) as info:
            custmgmt.open(str(tmp_path / "r.db"), read_replicas=["sqlite:other.db"])
        assert "store.option_invalid" in {e.code for e in info.value.errors}
        store = custmgmt.open(str(tmp_path / "r.db"))
        assert store.read_replicas == []
        assert store.stats().to_dict() == {"replica_reads": 0, "replica_fallbacks": 0}
        return
    replica = os.environ.get("CUSTMGMT_TEST_PG_REPLICA_URI")
    if not replica:
        pytest.skip("no read replica (CUSTMGMT_TEST_PG_REPLICA_URI)")
    primary = os.environ["CUSTMGMT_TEST_PG_URI"]
    user = "55555555-5555-5555-5555-555555555555"
    store = custmgmt.open(primary, read_replicas=[replica])
    assert store.read_replicas == [replica]
    store.session(user=user).accounts.find(1)  # a read outside a transaction
    stats = store.stats()
    assert stats.replica_reads >= 1 and stats.replica_fallbacks == 0
    assert repr(stats).startswith("StoreStats(replica_reads=")

    # A replica that does not answer: the read falls back to the primary.
    dead = custmgmt.open(primary, read_replicas=["postgresql://127.0.0.1:1/none"])
    dead.session(user=user).accounts.find(1)
    assert dead.stats().replica_fallbacks >= 1 and dead.stats().replica_reads == 0


def test_records_pages_and_stats_have_their_json_form(session, make_account):
    a = make_account(company_name="Json Co", tags=["t"], billing_address={"city": "Austin"})
    c = session.contacts.add(account_id=a, contact_name="Jo", email="jo@json.example")
    doc = json.loads(a.to_json())
    assert doc["company_name"] == "Json Co" and doc["billing_address"] == {"city": "Austin"}
    assert custmgmt.Account.from_json(a.to_json()) == a
    assert custmgmt.Contact.from_json(c.to_json()) == c
    assert json.loads(c.to_json())["customer_account_id"] == a.id
    with pytest.raises(custmgmt.ValidationError) as info:
        custmgmt.Account.from_json('{"company_name": 5, "customer_type": "Alien"}')
    assert len(info.value.errors) == 2
    page = session.accounts.search_page(page_size=1)
    assert [i["id"] for i in json.loads(page.to_json())["items"]] == [a.id]
    assert json.loads(session.contacts.list_page(a).to_json())["next_cursor"] is None
    stats = session.accounts.stats()
    assert json.loads(stats.to_json())["total_accounts"] == stats.total_accounts == 1
