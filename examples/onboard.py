"""Onboarding a commercial customer with the custmgmt Python package.

    python3 onboard.py [PATH]   (default: onboard.db; created and migrated when missing)

The same task as onboard.c, through the pythonic API: creates a commercial account and
two contacts in one transaction, makes one contact the primary, finds the account again
by a name prefix and the contact by its phone number typed another way, shows a rejected
record with its field errors, archives and restores the account, prints statistics,
exports the account as NDJSON, and finally removes the account (and so its contacts) so
that the script can run any number of times on the same file.

Errors are exceptions of the custmgmt.Error family; main() reports any unexpected one
with its stable code and exits with 1.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import tempfile

import custmgmt

# The acting user (the spec's auth.uid()): a session sees only the accounts its user
# created or last updated.
AGENT = "3d9f0c52-8b1e-4f6a-a7c4-5e2b1d0c9f87"


def onboard(s: custmgmt.Session) -> tuple[custmgmt.Account, custmgmt.Contact, custmgmt.Contact]:
    """Creates the account and both contacts atomically: if anything raises inside the
    block, the transaction rolls back and nothing is stored."""
    with s.transaction():
        account = s.accounts.create(
            company_name="Northwind Traders",
            customer_type="Commercial",
            billing_address={"street": "1 Harbor Way", "city": "Seattle",
                             "state": "washington", "zip": "98101", "country": "USA"},
            tags=["wholesale", "new"],
        )
        maria = s.contacts.add(account_id=account.id, contact_name="Maria Anders",
                               email="Maria.Anders@NORTHWIND.example",
                               phone="(206) 555-0143", role="Purchasing")
        thomas = s.contacts.add(account_id=account.id, contact_name="Thomas Hardy",
                                email="thomas.hardy@northwind.example",
                                phone="+1 206 555 0178 ext. 12", role="Accounts payable")
    print(f"Onboarded account #{account.id} {account.company_name}")
    for c in (maria, thomas):
        print(f"  contact #{c.id} {c.contact_name} <{c.email}> {c.phone}")
    return account, maria, thomas


def make_primary(s: custmgmt.Session, account: custmgmt.Account,
                 contact: custmgmt.Contact) -> None:
    """Makes `contact` the primary one (clearing the previous primary, if any,
    atomically) and lists the contacts, primary first."""
    s.contacts.set_primary(contact)
    print("Contacts, primary first:")
    for c in s.contacts.list(account):
        print(f"  {'*' if c.is_primary_contact else ' '} {c.contact_name}")


def search_accounts(s: custmgmt.Session, text: str, label: str) -> list[custmgmt.Account]:
    """Searches the accounts created in the last day by name prefix (the iterator
    follows the cursors). Datetimes are timezone-aware; naive ones are refused."""
    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    found = list(s.accounts.search(text=text, created_after=since))
    print(f"Search {label}: {len(found)} found")
    for a in found:
        print(f"  #{a.id} {a.company_name}")
    return found


def find_by_phone(s: custmgmt.Session, maria: custmgmt.Contact) -> None:
    """Phones are compared as E.164; the typed form is kept in phone_display."""
    found = list(s.contacts.search(phone="206.555.0143"))
    print(f'Phone "206.555.0143": {len(found)} found')
    for c in found:
        print(f'  {c.contact_name} {c.phone} (typed "{c.phone_display}")')
    assert [c.id for c in found] == [maria.id], found


def show_validation_error(s: custmgmt.Session, account: custmgmt.Account) -> None:
    """A contact with three bad fields is rejected whole, every field error at once."""
    try:
        s.contacts.add(account_id=account.id, contact_name="", email="maria@", phone="555")
    except custmgmt.ValidationError as e:
        print(f"Rejected contact: {type(e).__name__} {e.code}, {len(e.errors)} field errors")
        for field, code, message in e.errors:
            print(f"  {field or '(document)'}: {code} ({message})")
    else:
        raise AssertionError("the invalid contact was stored")


def archive_and_restore(s: custmgmt.Session, account: custmgmt.Account) -> None:
    """An archived account is hidden from search until it is restored."""
    archived = s.accounts.archive(account)
    assert archived.archived and archived.archived_at is not None
    print(f"Archived #{account.id}")
    assert not search_accounts(s, "northw", '"northw" after archiving')
    s.accounts.restore(account)
    print(f"Restored #{account.id}")
    assert len(search_accounts(s, "northw", '"northw" after restoring')) == 1


def print_stats(s: custmgmt.Session) -> None:
    stats = s.accounts.stats(months=1, top_tags=5)
    keys = ("total_accounts", "commercial_accounts", "archived_accounts", "total_contacts",
            "accounts_without_primary_contact")
    print("Stats:", " ".join(f"{k}={getattr(stats, k)}" for k in keys))


def export_account(s: custmgmt.Session, account: custmgmt.Account) -> None:
    """Exports the account with its contacts as NDJSON (one JSON object per line) to a
    temporary file; import_accounts() reads such a file back."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "northwind.ndjson")
        report = custmgmt.export_accounts(s, path, account_id=account)
        with open(path, encoding="utf-8") as f:
            record = json.loads(f.readline())
    print(f"Exported {report.accounts} account, {report.contacts} contacts: "
          f"{record['company_name']} with {len(record['contacts'])} contacts")


def remove_account(s: custmgmt.Session, account: custmgmt.Account) -> None:
    """Deletes the account and, with it, its contacts."""
    s.accounts.remove(account)
    gone = s.accounts.find(account.id) is None
    print(f"Removed #{account.id} and its contacts: {'gone' if gone else 'still there'}")
    assert gone


def main(path: str) -> int:
    try:
        store = custmgmt.open(path, default_region="US")  # numbers written without +country
        print(f"custmgmt {custmgmt.__version__}, {store.backend_name} store {path}")
        s = store.session(user=AGENT)

        account, maria, thomas = onboard(s)
        make_primary(s, account, thomas)
        assert len(search_accounts(s, "northw", '"northw"')) == 1
        find_by_phone(s, maria)
        show_validation_error(s, account)
        archive_and_restore(s, account)
        print_stats(s)
        export_account(s, account)
        remove_account(s, account)
    except custmgmt.Error as e:
        print(f"error: {type(e).__name__} {e.code}: {e}", file=sys.stderr)
        for field, code, message in getattr(e, "errors", ()):
            print(f"  {field or '(document)'}: {code} ({message})", file=sys.stderr)
        return 1
    print("Done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "onboard.db"))
