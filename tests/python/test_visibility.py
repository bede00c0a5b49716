"""What one user sees of another's accounts and contacts (the spec's RLS policies)."""

from __future__ import annotations

import pytest

import custmgmt
from conftest import new_user


@pytest.fixture
def alice(store):
    return store.session(user=new_user())


@pytest.fixture
def bob(store):
    return store.session(user=new_user())


def test_a_user_does_not_see_another_users_accounts(alice, bob):
    a = alice.accounts.create(company_name="Alice Private Ltd", tags=["secret"])
    c = alice.contacts.add(account_id=a.id, contact_name="Alice Contact",
                           email="contact@alice.example")

    assert bob.accounts.find(a.id) is None
    with pytest.raises(custmgmt.NotFound):
        bob.accounts.get(a.id)
    assert list(bob.accounts.search(text="Alice Private")) == []
    assert list(bob.accounts.search(tags_any=["secret"])) == []
    assert bob.accounts.stats().total_accounts == 0

    assert bob.contacts.find(c.id) is None
    assert list(bob.contacts.search(email="contact@alice.example")) == []
    with pytest.raises(custmgmt.NotFound):
        list(bob.contacts.list(a.id))
    with pytest.raises(custmgmt.NotFound):
        bob.contacts.add(account_id=a.id, contact_name="Intruder")


def test_a_user_cannot_change_or_delete_another_users_account(alice, bob):
    a = alice.accounts.create(company_name="Alice Only")
    with pytest.raises(custmgmt.NotFound):
        bob.accounts.update(a, company_name="Hijacked")
    with pytest.raises(custmgmt.NotFound):
        bob.accounts.remove(a.id)
    with pytest.raises(custmgmt.NotFound):
        bob.accounts.archive(a.id)
    assert alice.accounts.get(a.id).company_name == "Alice Only"


def test_service_role_sees_everyone_and_acts_for_users(store, alice, bob):
    a = alice.accounts.create(company_name="Alice Co")
    service = store.service()
    assert service.is_service and service.user is None
    assert service.accounts.get(a.id) == a
    made_for_bob = service.accounts.create(company_name="For Bob", created_by=bob.user)
    assert made_for_bob.created_by == bob.user
    assert bob.accounts.get(made_for_bob.id).company_name == "For Bob"
    assert alice.accounts.find(made_for_bob.id) is None


def test_last_writer_sees_the_account_but_may_not_delete_it(store, alice, bob):
    a = alice.accounts.create(company_name="Shared Later")
    # The service role writes on bob's behalf: bob becomes updated_by.
    audited = store.service(audit_user=bob.user)
    assert audited.user == bob.user
    changed = audited.accounts.update(a, account_notes="handed to bob")
    assert changed.updated_by == bob.user and changed.created_by == alice.user

    seen = bob.accounts.get(a.id)
    assert seen.account_notes == "handed to bob"
    with pytest.raises(custmgmt.PermissionDenied) as info:
        bob.accounts.remove(a.id)
    assert info.value.code == "permission.denied"
    alice.accounts.remove(a.id)  # the creator may
    assert bob.accounts.find(a.id) is None
