"""Searches: filters, sorting, and pagination through cursors and the iterator."""

from __future__ import annotations

import datetime as dt

import pytest

import custmgmt


@pytest.fixture
def ten_accounts(make_account):
    names = ["Acme Plumbing", "Acme Electric", "Beta Bakery", "Gamma Garage", "Delta Dental",
             "Echo Events", "Foxtrot Foods", "Golf Gear", "Hotel Hope", "India Imports"]
    made = []
    for i, name in enumerate(names):
        made.append(make_account(
            company_name=name,
            customer_type="Residential" if i % 3 == 0 else "Commercial",
            tags=["even"] if i % 2 == 0 else ["odd", "vip"] if i % 4 == 1 else ["odd"],
        ))
    return made


def test_iterator_follows_cursors_without_repeats_or_gaps(session, ten_accounts):
    results = session.accounts.search(sort="name_asc", page_size=3)
    assert isinstance(results, custmgmt.PageIterator)
    names = [a.company_name for a in results]
    assert names == sorted((a.company_name for a in ten_accounts), key=str.lower)
    assert len(set(names)) == 10


def test_pages_and_cursors_by_hand(session, ten_accounts):
    seen = []
    cursor = None
    pages = 0
    while True:
        page = session.accounts.search_page(sort="created_asc", page_size=4, cursor=cursor)
        assert isinstance(page, custmgmt.AccountPage)
        pages += 1
        seen.extend(a.id for a in page)
        assert len(page) == len(page.items) <= 4
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 3
    assert seen == [a.id for a in ten_accounts]
    assert "AccountPage(" in repr(page)


def test_rows_added_during_iteration_do_not_disturb_it(session, ten_accounts, make_account):
    results = session.accounts.search(sort="created_asc", page_size=2)
    first = [next(results).id for _ in range(3)]
    make_account(company_name="Latecomer")  # sorts after every existing row
    rest = [a.id for a in results]
    ids = first + rest
    assert ids[:10] == [a.id for a in ten_accounts]
    assert len(ids) == len(set(ids))


def test_text_search_ranks_exact_and_prefix_matches(session, ten_accounts):
    assert [a.company_name for a in session.accounts.search(text="acm plu")] == ["Acme Plumbing"]
    assert [a.company_name for a in session.accounts.search(text="ACME")] == [
        "Acme Electric", "Acme Plumbing"]
    assert list(session.accounts.search(text="zzz")) == []
    assert list(session.accounts.search(text="!!!")) == []  # no word: matches nothing


def test_filters_combine(session, ten_accounts):
    def names(**query):
        return sorted(a.company_name for a in session.accounts.search(**query))

    assert len(names(customer_type="Residential")) == 4
    assert names(tags_all=["odd", "vip"]) == ["Acme Electric", "Echo Events", "India Imports"]
    assert len(names(tags_any=["even", "vip"])) == 8
    assert names(customer_type="residential", tags_any=["vip"]) == ["India Imports"]
    assert names(text="acme", customer_type="Commercial") == ["Acme Electric"]


def test_created_range_filters_take_aware_datetimes(session, ten_accounts):
    pivot = ten_accounts[5].created_at
    after = [a.id for a in session.accounts.search(created_after=pivot, sort="created_asc")]
    before = [a.id for a in session.accounts.search(created_before=pivot, sort="created_asc")]
    assert set(after).isdisjoint(before)
    assert sorted(after + before) == sorted(a.id for a in ten_accounts)
    assert ten_accounts[5].id in after
    # Another zone, same instant: same result.
    zone = dt.timezone(dt.timedelta(hours=-5))
    assert [a.id for a in session.accounts.search(created_after=pivot.astimezone(zone),
                                                  sort="created_asc")] == after
    with pytest.raises(custmgmt.ValidationError) as info:
        session.accounts.search_page(created_after=pivot, created_before=pivot)
    assert info.value.errors[0].code == "query.range_invalid"


def test_sort_orders(session, ten_accounts):
    newest = [a.id for a in session.accounts.search(sort="created_desc")]
    assert newest == [a.id for a in reversed(ten_accounts)]
    assert [a.id for a in session.accounts.search()] == newest  # default without text
    session.accounts.update(ten_accounts[0], account_notes="touched")
    assert next(session.accounts.search(sort="UpdatedDesc")).id == ten_accounts[0].id


def test_contact_search_by_name_email_phone_and_list_pages(session, make_account):
    a = make_account(company_name="Contacts Inc")
    for i in range(7):
        session.contacts.add(account_id=a.id, contact_name=f"Person {i:02d}",
                             email=f"p{i}@example.com", phone=f"+1 415 555 26{i:02d}")
    by_phone = list(session.contacts.search(phone="(415) 555-2603"))
    assert [c.contact_name for c in by_phone] == ["Person 03"]
    assert [c.contact_name for c in session.contacts.search(email="P5@EXAMPLE.COM")] == [
        "Person 05"]
    assert len(list(session.contacts.search(text="person", page_size=2))) == 7
    assert len(list(session.contacts.search(account_id=a, page_size=3))) == 7
    listed = list(session.contacts.list(a.id, page_size=2))
    assert [c.contact_name for c in listed] == [f"Person {i:02d}" for i in range(7)]
    page = session.contacts.list_page(a, page_size=5)
    assert isinstance(page, custmgmt.ContactPage) and len(page) == 5 and page.next_cursor
    rest = session.contacts.list_page(a, cursor=page.next_cursor, page_size=5)
    assert len(rest) == 2 and rest.next_cursor is None
