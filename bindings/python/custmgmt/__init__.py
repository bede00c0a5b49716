"""custmgmt: customer accounts and contacts, embedded.

Python bindings over the custmgmt C++ library. Quick start::

    import custmgmt

    store = custmgmt.open("customers.db")                 # SQLite file, created and migrated
    s = store.session(user="6f1c2a4e-7f2b-4f4e-9d1a-2b8e5f0c9a11")
    acme = s.accounts.create(company_name="Acme Plumbing", customer_type="Commercial",
                             tags=["vip"], billing_address={"city": "Springfield",
                                                            "state": "IL", "country": "US"})
    s.contacts.add(account_id=acme.id, contact_name="Ann Lee", email="ann@acme.example",
                   phone="(415) 555-2671", is_primary_contact=True)
    for account in s.accounts.search(text="acm plu"):     # follows cursors transparently
        print(account.company_name)
    with s.transaction():                                 # rolled back if the block raises
        s.accounts.archive(acme)

Conventions:

* Errors are the :class:`Error` family: :class:`ValidationError` (``.errors``: every
  :class:`FieldError` ``(field, code, message)`` of the record at once; also a
  ``ValueError``), :class:`NotFound`, :class:`Conflict`, :class:`PermissionDenied`,
  :class:`BackendError` (``.backend_code``). Each has a stable ``.code``.
* Timestamps are timezone-aware ``datetime`` objects in UTC. Datetimes passed in must be
  aware (any zone); a naive datetime raises ``ValueError`` rather than being guessed at.
* Addresses are dicts with the keys ``street``, ``city``, ``state``, ``zip``, ``country``
  (only the non-empty ones are returned; ``{}`` is the empty address).
* Every call that touches the database releases the GIL, so threads run in parallel.
  Use one session per thread: a session shared between threads is safe, but its calls
  are serialised.
"""

from __future__ import annotations

import collections.abc as _abc
import datetime as _datetime
import enum as _enum
import io as _io
import operator as _operator
import os as _os
import typing as _typing

from . import _core
from ._core import (
    Account,
    AccountPage,
    AccountStats,
    BackendError,
    Conflict,
    Contact,
    ContactPage,
    Error,
    ExportReport,
    FieldError,
    ImportProblem,
    ImportReport,
    IntegrityProblem,
    MonthCount,
    NotFound,
    PermissionDenied,
    PhoneNumber,
    RestoreReport,
    StoreStats,
    TagCount,
    Transaction,
    ValidationError,
    address_to_json,
    country_alpha2,
    csv_columns,
    format_timestamp,
    is_uuid,
    limits,
    normalize_address,
    normalize_email,
    normalize_phone,
    parse_address,
    parse_timestamp,
    validate_address,
    validate_address_json,
    validate_email,
    validate_phone,
)

__version__ = _core.version()

__all__ = [
    "Account",
    "AccountPage",
    "AccountStats",
    "Accounts",
    "BackendError",
    "BackupKind",
    "Conflict",
    "Contact",
    "ContactPage",
    "Contacts",
    "DataFormat",
    "Error",
    "ExportReport",
    "FieldError",
    "ImportProblem",
    "ImportReport",
    "IntegrityProblem",
    "MonthCount",
    "NotFound",
    "PageIterator",
    "PermissionDenied",
    "PhoneNumber",
    "RestoreReport",
    "Session",
    "Store",
    "StoreStats",
    "TagCount",
    "Transaction",
    "ValidationError",
    "__version__",
    "address_to_json",
    "archive_older_than",
    "backup",
    "country_alpha2",
    "csv_columns",
    "export_accounts",
    "format_timestamp",
    "import_accounts",
    "is_uuid",
    "limits",
    "normalize_address",
    "normalize_email",
    "normalize_phone",
    "open",
    "parse_address",
    "parse_timestamp",
    "restore_account",
    "validate_address",
    "validate_address_json",
    "validate_email",
    "validate_phone",
    "verify",
]

# Fields a caller may give to create()/add() and change through update().
_ACCOUNT_CREATE_FIELDS = frozenset(
    {
        "company_name",
        "customer_type",
        "billing_address",
        "service_address",
        "account_notes",
        "tags",
        "created_by",
    }
)
_ACCOUNT_UPDATE_FIELDS = (_ACCOUNT_CREATE_FIELDS - {"created_by"}) | {"version"}
_CONTACT_CREATE_FIELDS = frozenset(
    {
        "customer_account_id",
        "contact_name",
        "email",
        "phone",
        "phone_extension",
        "phone_display",
        "role",
        "is_primary_contact",
        "contact_notes",
    }
)
_CONTACT_UPDATE_FIELDS = _CONTACT_CREATE_FIELDS | {"version"}

_T = _typing.TypeVar("_T")


def open(  # noqa: A001 - custmgmt.open() mirrors Store::open()
    uri: str | _os.PathLike[str],
    *,
    default_region: str = "US",
    busy_timeout: float | _datetime.timedelta = 5.0,
    migrate_on_open: bool = True,
    read_replicas: _typing.Iterable[str] = (),
) -> Store:
    """Opens (and by default creates and migrates) a store.

    ``uri`` selects the backend: ``sqlite:PATH``, a plain file path (``str`` or
    ``os.PathLike``), or ``:memory:`` (a private in-memory database shared by this
    store's sessions) for SQLite; ``postgresql://…`` / ``postgres://…`` for PostgreSQL
    when the library was built with it.

    :param default_region: region (ISO 3166-1 alpha-2) for phone numbers written
        without ``+country``.
    :param busy_timeout: how long a session waits for a lock held by another
        connection before failing with BackendError ``backend.busy``; seconds or a
        ``timedelta``.
    :param migrate_on_open: apply pending migrations when opening. When false, a store
        whose schema is behind the library fails with BackendError
        ``backend.schema_outdated``.
    :param read_replicas: URIs of PostgreSQL read replicas: reads outside a transaction
        go to them (round robin; they may lag slightly behind), falling back to the
        primary when none answers (counted in :meth:`Store.stats`). Other backends
        refuse a non-empty list (``store.option_invalid``).
    :raises ValidationError: ``store.uri_invalid``, ``phone.region_invalid``,
        ``store.option_invalid`` for a bad URI or option.
    :raises BackendError: when the database cannot be opened or migrated.
    """
    if isinstance(busy_timeout, _datetime.timedelta):
        busy_timeout = busy_timeout.total_seconds()
    return Store(
        _core.Store.open(
            _os.fspath(uri),
            default_region=default_region,
            busy_timeout_ms=int(round(float(busy_timeout) * 1000)),
            migrate_on_open=migrate_on_open,
            read_replicas=_list_of_str("read_replicas", read_replicas),
        )
    )


def _id_of(record: object) -> int:
    """The id of an Account/Contact, or the int itself."""
    if isinstance(record, (Account, Contact)):
        return record.id
    return _operator.index(record)  # type: ignore[arg-type]


def _check_fields(method: str, fields: dict, allowed: frozenset) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(f"{method}() got unexpected keyword argument(s): {', '.join(unknown)}")


def _list_of_str(name: str, value: object) -> list:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a list of strings, not a single {type(value).__name__}")
    return list(value)  # type: ignore[call-overload]


def _clean_account_fields(fields: dict) -> dict:
    if fields.get("tags") is not None:
        fields["tags"] = _list_of_str("tags", fields["tags"])
    elif "tags" in fields:
        fields["tags"] = []
    return fields


def _clean_contact_fields(fields: dict) -> dict:
    if "account_id" in fields:
        account_id = fields.pop("account_id")
        if "customer_account_id" in fields and fields["customer_account_id"] != account_id:
            raise TypeError("account_id and customer_account_id name different accounts")
        fields["customer_account_id"] = account_id
    if isinstance(fields.get("customer_account_id"), Account):
        fields["customer_account_id"] = fields["customer_account_id"].id
    return fields


# The keyword arguments of Accounts.search_page(), which export_accounts(query=...) takes
# as a mapping.
_ACCOUNT_QUERY_FIELDS = frozenset(
    {
        "text",
        "customer_type",
        "tags_any",
        "tags_all",
        "created_after",
        "created_before",
        "archived",
        "sort",
        "cursor",
        "page_size",
    }
)


def _account_query(
    *,
    text=None,
    customer_type=None,
    tags_any=(),
    tags_all=(),
    created_after=None,
    created_before=None,
    archived="exclude",
    sort="default",
    cursor=None,
    page_size=50,
):
    """The core AccountQuery of the keyword arguments of Accounts.search_page()."""
    return _core.AccountQuery(
        text=text,
        customer_type=customer_type,
        tags_any=_list_of_str("tags_any", tags_any),
        tags_all=_list_of_str("tags_all", tags_all),
        created_from=created_after,
        created_to=created_before,
        archived=archived,
        sort=sort,
        cursor=cursor,
        limit=page_size,
    )


class PageIterator(_typing.Generic[_T]):
    """Iterates over every row of a search, fetching page after page.

    Returned by :meth:`Accounts.search`, :meth:`Contacts.search` and
    :meth:`Contacts.list`. The first page is fetched when the search is made (so a
    bad query raises at once); each further page is fetched, with the next cursor,
    when the rows of the current one are used up. Pagination is keyset-based: a row
    that is present and unchanged for the whole iteration is returned exactly once,
    even while other rows are added or removed. For explicit pages and cursors (e.g.
    to resume later), use the ``search_page``/``list_page`` methods instead.
    """

    __slots__ = ("_fetch", "_page", "_items", "_index")

    def __init__(self, fetch, first_page) -> None:
        self._fetch = fetch
        self._page = first_page
        self._items = first_page.items
        self._index = 0

    def __iter__(self) -> PageIterator[_T]:
        return self

    def __next__(self) -> _T:
        while self._index >= len(self._items):
            if self._page.next_cursor is None:
                raise StopIteration
            self._page = self._fetch(self._page.next_cursor)
            self._items = self._page.items
            self._index = 0
        item = self._items[self._index]
        self._index += 1
        return item


class Accounts:
    """The accounts visible to one session (``session.accounts``).

    Rights follow the spec's policies: a user reads and updates an account he created
    or last updated, creates accounts only as himself, and deletes only accounts he
    created; the service role may do everything. An account the user may not read is
    reported as :class:`NotFound`, never as :class:`PermissionDenied`. Every write
    validates and normalises the whole record first and raises a
    :class:`ValidationError` listing all field errors; nothing is written then.

    Methods taking an id also accept the :class:`Account` itself.
    """

    __slots__ = ("_core",)

    def __init__(self, core) -> None:
        self._core = core

    def create(self, account: Account | None = None, /, **fields) -> Account:
        """Validates, normalises and inserts a new account.

        Give the fields as keywords (``company_name``, ``customer_type``,
        ``billing_address``, ``service_address``, ``account_notes``, ``tags``, and for
        the service role ``created_by``), or an :class:`Account` whose editable fields
        are used (keywords then override them).

        :return: the stored account (id, timestamps, audit fields, version 1).
        :raises ValidationError: listing every field error.
        :raises PermissionDenied: when a user session names another user in
            ``created_by``.
        :raises BackendError: when the storage fails.
        """
        _check_fields("create", fields, _ACCOUNT_CREATE_FIELDS)
        _clean_account_fields(fields)
        record = account.replace(**fields) if account is not None else Account(**fields)
        return self._core.create(record)

    def create_many(
        self, accounts: _typing.Iterable[Account | _typing.Mapping[str, _typing.Any]]
    ) -> list:
        """Validates every account, then inserts them all in one transaction through the
        backend's bulk path (the import fast path). Nothing is written unless every
        account is valid.

        :param accounts: :class:`Account` objects, or mappings of the fields
            :meth:`create` takes as keywords.
        :return: the stored accounts, in input order.
        :raises ValidationError: listing the errors of every account, fields prefixed
            with the index (``[3].company_name``).
        :raises PermissionDenied: when a user session names another user in
            ``created_by``.
        :raises TypeError: for an item that is neither an Account nor a mapping.
        """
        records = []
        for index, item in enumerate(accounts):
            if isinstance(item, Account):
                records.append(item)
            elif isinstance(item, _abc.Mapping):
                fields = dict(item)
                _check_fields("create_many", fields, _ACCOUNT_CREATE_FIELDS)
                records.append(Account(**_clean_account_fields(fields)))
            else:
                raise TypeError(
                    "create_many() takes Account objects or mappings of fields; "
                    f"item {index} is a {type(item).__name__}"
                )
        return self._core.create_many(records)

    def get(self, account_id: int | Account) -> Account:
        """The account with this id.

        :raises NotFound: ``account.not_found`` (also when the user may not see it).
        """
        return self._core.get(_id_of(account_id))

    def find(self, account_id: int | Account) -> Account | None:
        """The account with this id, or None."""
        return self._core.find(_id_of(account_id))

    def update(self, account: Account | int, /, **changes) -> Account:
        """Replaces the editable fields of an account.

        ``update(account)`` writes the given :class:`Account` (with the changes given as
        keywords applied to a copy); its ``version`` must equal the stored version, the
        one the caller read, or nothing changes and :class:`Conflict`
        ``conflict.stale_version`` is raised. ``update(account_id, **changes)`` reads the
        current account and changes only the given fields; pass ``version=`` to insist
        that the stored version is still the one you saw. ``created_by`` cannot be
        changed.

        :return: the stored account (version + 1, new updated_at/updated_by).
        :raises ValidationError, NotFound, Conflict, BackendError:
        """
        _check_fields("update", changes, _ACCOUNT_UPDATE_FIELDS)
        _clean_account_fields(changes)
        if isinstance(account, Account):
            record = account.replace(**changes)
        else:
            record = self._core.get(_operator.index(account)).replace(**changes)
        return self._core.update(record)

    def remove(self, account_id: int | Account) -> None:
        """Deletes the account and, by cascade, its contacts.

        :raises NotFound: when the account does not exist or is not visible.
        :raises PermissionDenied: when the user can see the account but did not
            create it.
        """
        self._core.remove(_id_of(account_id))

    def archive(self, account_id: int | Account) -> Account:
        """Archives the account: hidden from search unless asked for. Archiving an
        archived account changes nothing.

        :return: the stored account.
        :raises NotFound:
        """
        return self._core.archive(_id_of(account_id))

    def restore(self, account_id: int | Account) -> Account:
        """Restores an archived account. Restoring an active account changes nothing.

        :return: the stored account.
        :raises NotFound:
        """
        return self._core.restore(_id_of(account_id))

    def search_page(
        self,
        *,
        text: str | None = None,
        customer_type: str | None = None,
        tags_any=(),
        tags_all=(),
        created_after: _datetime.datetime | None = None,
        created_before: _datetime.datetime | None = None,
        archived: str = "exclude",
        sort: str = "default",
        cursor: str | None = None,
        page_size: int = 50,
    ) -> AccountPage:
        """One page of an account search; see :meth:`search` for the filters.

        Pass the page's ``next_cursor`` back as ``cursor`` with the same filters and
        sort to get the next page; ``next_cursor`` is None on the last page.

        :raises ValidationError: ``cursor.invalid``, ``query.limit_invalid``,
            ``query.range_invalid``, ``query.sort_invalid``, ``query.archived_invalid``,
            ``customer_type.invalid``, ``text.*``, ``tag.*``.
        """
        return self._core.search(
            _account_query(
                text=text,
                customer_type=customer_type,
                tags_any=tags_any,
                tags_all=tags_all,
                created_after=created_after,
                created_before=created_before,
                archived=archived,
                sort=sort,
                cursor=cursor,
                page_size=page_size,
            )
        )

    def search(
        self,
        *,
        text: str | None = None,
        customer_type: str | None = None,
        tags_any=(),
        tags_all=(),
        created_after: _datetime.datetime | None = None,
        created_before: _datetime.datetime | None = None,
        archived: str = "exclude",
        sort: str = "default",
        page_size: int = 50,
    ) -> PageIterator:
        """Searches accounts; returns an iterator over every match that follows the
        cursors transparently. All given filters must hold.

        :param text: words to match in company_name: every word must be a prefix of
            some word of the name, case- and accent-insensitively (``"acm plu"`` finds
            ``"Acme Plumbing"``). Text with no word in it matches nothing.
        :param customer_type: ``"Residential"`` or ``"Commercial"``.
        :param tags_any: at least one of these tags.
        :param tags_all: all of these tags.
        :param created_after: ``created_at >= created_after`` (aware datetime).
        :param created_before: ``created_at < created_before`` (aware datetime).
        :param archived: ``"exclude"`` (default), ``"include"`` or ``"only"``.
        :param sort: ``"default"`` (relevance with text, else newest first),
            ``"relevance"`` (needs text), ``"created_desc"``, ``"created_asc"``,
            ``"name_asc"``, ``"updated_desc"``. Every order ends with the id.
        :param page_size: rows fetched per round trip, 1-1000.
        :raises ValidationError: as for :meth:`search_page`, when the search is made.
        """
        query = dict(
            text=text,
            customer_type=customer_type,
            tags_any=tags_any,
            tags_all=tags_all,
            created_after=created_after,
            created_before=created_before,
            archived=archived,
            sort=sort,
            page_size=page_size,
        )
        return PageIterator(
            lambda cursor: self.search_page(cursor=cursor, **query), self.search_page(**query)
        )

    def stats(self, *, months: int = 12, top_tags: int = 10) -> AccountStats:
        """Statistics over the accounts this session can see.

        :param months: how many calendar months (UTC) of new accounts, 1-120.
        :param top_tags: how many of the most used tags, 0-100.
        :raises ValidationError: ``stats.months_invalid``, ``stats.top_tags_invalid``.
        """
        return self._core.stats(months=months, top_tags=top_tags)


class Contacts:
    """The contacts of the accounts visible to one session (``session.contacts``).

    A contact follows its account: whoever may read the account may read, add, change
    and delete its contacts. Contacts of accounts the user cannot read are reported as
    :class:`NotFound`. At most one contact per account is primary and an email is used
    once per account (case-insensitively). ``account_id=`` may be used for
    ``customer_account_id=``. Methods taking an id also accept the :class:`Contact`
    (or, for accounts, the :class:`Account`) itself.
    """

    __slots__ = ("_core",)

    def __init__(self, core) -> None:
        self._core = core

    def add(self, contact: Contact | None = None, /, **fields) -> Contact:
        """Validates, normalises and adds a contact to ``account_id``.

        Fields: ``account_id`` (or ``customer_account_id``), ``contact_name``,
        ``email``, ``phone`` (any format the phone validator accepts; stored as
        E.164), ``phone_extension``, ``role``, ``is_primary_contact``,
        ``contact_notes``.

        :return: the stored contact.
        :raises ValidationError: listing every field error.
        :raises NotFound: ``account.not_found`` when the account is not visible.
        :raises Conflict: ``contact.duplicate_primary``, ``contact.duplicate_email``.
        """
        _clean_contact_fields(fields)
        _check_fields("add", fields, _CONTACT_CREATE_FIELDS)
        record = contact.replace(**fields) if contact is not None else Contact(**fields)
        return self._core.add(record)

    def add_many(
        self, contacts: _typing.Iterable[Contact | _typing.Mapping[str, _typing.Any]]
    ) -> list:
        """Validates every contact, then adds them all in one transaction through the
        backend's bulk path (the import fast path). Nothing is written unless every
        contact is valid and every insert succeeds; the rules of :meth:`add` hold across
        the batch too (two primaries or one email twice for an account, within the batch
        or against stored contacts, is a :class:`Conflict`).

        :param contacts: :class:`Contact` objects, or mappings of the fields :meth:`add`
            takes as keywords (``account_id=`` included).
        :return: the stored contacts, in input order.
        :raises ValidationError: listing the errors of every contact, fields prefixed with
            the index (``[3].email``).
        :raises NotFound: ``account.not_found`` when an account is not visible.
        :raises Conflict: ``contact.duplicate_primary``, ``contact.duplicate_email``.
        :raises TypeError: for an item that is neither a Contact nor a mapping.
        """
        records = []
        for index, item in enumerate(contacts):
            if isinstance(item, Contact):
                records.append(item)
            elif isinstance(item, _abc.Mapping):
                fields = _clean_contact_fields(dict(item))
                _check_fields("add_many", fields, _CONTACT_CREATE_FIELDS)
                records.append(Contact(**fields))
            else:
                raise TypeError(
                    "add_many() takes Contact objects or mappings of fields; "
                    f"item {index} is a {type(item).__name__}"
                )
        return self._core.add_many(records)

    def get(self, contact_id: int | Contact) -> Contact:
        """The contact with this id.

        :raises NotFound: ``contact.not_found``.
        """
        return self._core.get(_id_of(contact_id))

    def find(self, contact_id: int | Contact) -> Contact | None:
        """The contact with this id, or None."""
        return self._core.find(_id_of(contact_id))

    def update(self, contact: Contact | int, /, **changes) -> Contact:
        """Replaces the editable fields of a contact; like :meth:`Accounts.update`.

        Changing ``account_id`` moves the contact; the target account must be visible
        too.

        :raises ValidationError, NotFound, BackendError:
        :raises Conflict: ``conflict.stale_version``, ``contact.duplicate_primary``,
            ``contact.duplicate_email``.
        """
        _clean_contact_fields(changes)
        _check_fields("update", changes, _CONTACT_UPDATE_FIELDS)
        if isinstance(contact, Contact):
            record = contact.replace(**changes)
        else:
            record = self._core.get(_operator.index(contact)).replace(**changes)
        return self._core.update(record)

    def remove(self, contact_id: int | Contact) -> None:
        """Deletes the contact.

        :raises NotFound:
        """
        self._core.remove(_id_of(contact_id))

    def set_primary(self, contact_id: int | Contact) -> Contact:
        """Makes this contact the primary one of its account, atomically clearing the
        previous primary.

        :return: the stored contact.
        :raises NotFound:
        """
        return self._core.set_primary(_id_of(contact_id))

    def list_page(
        self, account_id: int | Account, *, cursor: str | None = None, page_size: int = 50
    ) -> ContactPage:
        """One page of the contacts of one account: the primary contact first, then by
        name, then id.

        :raises NotFound: ``account.not_found``.
        :raises ValidationError: ``cursor.invalid``, ``query.limit_invalid``.
        """
        return self._core.list(_id_of(account_id), cursor=cursor, limit=page_size)

    def list(self, account_id: int | Account, *, page_size: int = 50) -> PageIterator:
        """Every contact of one account (primary first, then by name), following
        cursors transparently.

        :raises NotFound: ``account.not_found``.
        """
        account = _id_of(account_id)
        return PageIterator(
            lambda cursor: self.list_page(account, cursor=cursor, page_size=page_size),
            self.list_page(account, page_size=page_size),
        )

    def search_page(
        self,
        *,
        text: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        account_id: int | Account | None = None,
        cursor: str | None = None,
        page_size: int = 50,
    ) -> ContactPage:
        """One page of a contact search; see :meth:`search`.

        :raises ValidationError: ``query.empty``, ``cursor.invalid``,
            ``query.limit_invalid``, ``email.*``, ``phone.*``.
        """
        return self._core.search(
            text=text,
            email=email,
            phone=phone,
            account_id=None if account_id is None else _id_of(account_id),
            cursor=cursor,
            limit=page_size,
        )

    def search(
        self,
        *,
        text: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        account_id: int | Account | None = None,
        page_size: int = 50,
    ) -> PageIterator:
        """Searches contacts by name, email or phone; returns an iterator that follows
        cursors transparently. At least one of the filters must be given.

        ``text`` matches words of contact_name like :meth:`Accounts.search`; ``email``
        matches the whole address case-insensitively after normalisation; ``phone`` is
        normalised like stored numbers, so ``(415) 555-2671`` finds ``+14155552671``.
        Without text the order is by name, then id.
        """
        query = dict(text=text, email=email, phone=phone, account_id=account_id, page_size=page_size)
        return PageIterator(
            lambda cursor: self.search_page(cursor=cursor, **query), self.search_page(**query)
        )


class Session:
    """A connection acting as one user or as the service role.

    Obtained from :meth:`Store.session` or :meth:`Store.service`. Every repository call
    outside an explicit transaction runs in its own transaction. Use one session per
    thread for parallel work; a session shared between threads is safe but serialises
    their calls.
    """

    __slots__ = ("_core", "accounts", "contacts")

    def __init__(self, core) -> None:
        self._core = core
        #: The accounts of this session (:class:`Accounts`).
        self.accounts = Accounts(core.accounts)
        #: The contacts of this session (:class:`Contacts`).
        self.contacts = Contacts(core.contacts)

    def transaction(self) -> Transaction:
        """Begins a transaction (a savepoint when one is already open).

        Use it as ``with session.transaction(): ...``: committed when the block ends
        normally, rolled back when it raises. Or call ``commit()``/``rollback()`` on the
        returned :class:`Transaction`; one dropped while active rolls back.

        :raises BackendError:
        """
        return self._core.transaction()

    def snapshot(self) -> Transaction:
        """Begins a read-only snapshot transaction: every read made through this session
        until it ends sees the database as it was when ``snapshot()`` returned, whatever
        other sessions commit meanwhile (PostgreSQL: REPEATABLE READ, READ ONLY, on the
        primary). Use it as ``with session.snapshot(): ...``, e.g. around several
        searches or an export that must agree with each other. A write inside it raises
        :class:`BackendError` ``backend.readonly``; inside it, ``snapshot()`` and
        :meth:`transaction` nest as savepoints.

        :raises RuntimeError: inside a read-write :meth:`transaction` of this session.
        :raises BackendError:
        """
        return self._core.snapshot()

    @property
    def user(self) -> str | None:
        """The acting user, or the audit user of a service session."""
        return self._core.user

    @property
    def is_service(self) -> bool:
        """True for a service-role session."""
        return self._core.is_service

    def __repr__(self) -> str:
        if self.is_service:
            return f"<custmgmt.Session service audit_user={self.user!r}>"
        return f"<custmgmt.Session user={self.user!r}>"


class Store:
    """An open customer database (see :func:`open`).

    Thread-safe: sessions may be opened from any thread. Sessions keep the database
    open; it is closed when the store and all its sessions are gone.
    """

    __slots__ = ("_core",)

    def __init__(self, core) -> None:
        self._core = core

    def session(self, user: str) -> Session:
        """Opens a session acting as the user ``user`` (a UUID, the spec's
        ``auth.uid()``). The user sees and changes only what the spec's policies allow.

        :raises ValidationError: ``uuid.invalid``.
        :raises BackendError: when no connection can be made.
        """
        return Session(self._core.session(user))

    def service(self, audit_user: str | None = None) -> Session:
        """Opens a session as the service role: sees every row, may act for any user
        (``created_by``), runs cross-user stats.

        :param audit_user: when set, the UUID recorded as ``updated_by`` on writes (and
            as ``created_by`` when the record names none); when unset, writes leave
            ``updated_by`` as it was.
        :raises ValidationError: ``uuid.invalid``.
        :raises BackendError:
        """
        return Session(self._core.service(audit_user))

    def schema_version(self) -> int:
        """Version of the newest migration applied to the database."""
        return self._core.schema_version()

    def latest_schema_version(self) -> int:
        """Version of the newest migration compiled into the library."""
        return self._core.latest_schema_version()

    def migrate(self, target: int) -> None:
        """Migrates the schema up or down to ``target`` (0 removes every object the
        migrations created). Each step runs in its own transaction where the engine
        allows.

        :raises ValidationError: ``migration.unknown_version``.
        :raises BackendError: when a step fails (the failed step is rolled back).
        """
        self._core.migrate(target)

    @property
    def backend_name(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._core.backend_name()

    @property
    def default_region(self) -> str:
        """Region assumed for phone numbers written without ``+country``."""
        return self._core.default_region

    @property
    def busy_timeout(self) -> float:
        """Seconds a session waits for a lock held by another connection."""
        return self._core.busy_timeout_ms / 1000.0

    @property
    def migrate_on_open(self) -> bool:
        """Whether pending migrations were applied when opening."""
        return self._core.migrate_on_open

    @property
    def read_replicas(self) -> list:
        """The read replica URIs the store was opened with."""
        return self._core.read_replicas

    def stats(self) -> StoreStats:
        """Counters since the store was opened: ``replica_reads`` (reads served by a
        read replica) and ``replica_fallbacks`` (reads sent to the primary because no
        replica answered)."""
        return self._core.stats()

    def __repr__(self) -> str:
        return f"<custmgmt.Store backend={self.backend_name!r}>"


# ---- import, export, backup, recovery, verify, archive (C++: custmgmt/io.hpp)


class DataFormat(str, _enum.Enum):
    """File format of :func:`export_accounts` and :func:`import_accounts`
    (docs/import-export.md).

    A ``str`` enum, like the module's other enumerated values (``customer_type``,
    ``archived``, ``sort``): ``DataFormat.CSV == "csv"``, and the functions also take
    the strings ``"ndjson"`` (or ``"jsonl"``) and ``"csv"``, in any case.
    """

    #: One JSON account per line (the record JSON), with a ``contacts`` array.
    NDJSON = "ndjson"
    #: RFC 4180, one row per contact, columns :func:`csv_columns`.
    CSV = "csv"


class BackupKind(str, _enum.Enum):
    """How :func:`backup` wrote the backup (a ``str`` enum, like :class:`DataFormat`)."""

    #: A SQLite database file made with SQLite's online backup API (every user's rows).
    SQLITE_FILE = "sqlite_file"
    #: An NDJSON export of every account the session sees, read in one snapshot.
    NDJSON = "ndjson"


def _session_core(function: str, session: object):
    if not isinstance(session, Session):
        raise TypeError(f"{function}() needs a custmgmt.Session, not {type(session).__name__}")
    return session._core


def _is_path(value: object) -> bool:
    return isinstance(value, (str, _os.PathLike))


def _path_arg(function: str, name: str, value: object):
    if not _is_path(value):
        raise TypeError(f"{function}(): {name} must be a str or os.PathLike, not {type(value).__name__}")
    return _os.fspath(value)  # type: ignore[arg-type]


def _format_arg(format: object, file: object) -> str:  # noqa: A002 - the public keyword
    """The core's name of the format: ``format`` checked, or the one of ``file``'s
    extension (NDJSON for a file object). Raises ValueError for an unknown name."""
    if format is None:
        return _core.data_format_of(_os.fspath(file)) if _is_path(file) else "ndjson"
    if not isinstance(format, str):  # DataFormat members are str
        raise TypeError(f"format must be a DataFormat or str, not {type(format).__name__}")
    return _core.data_format(format)


def _callable_arg(name: str, value: object) -> None:
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be callable or None, not {type(value).__name__}")


def export_accounts(
    session: Session,
    dest,
    *,
    format: DataFormat | str | None = None,  # noqa: A002 - mirrors ExportOptions::format
    account_id: int | Account | None = None,
    query: _typing.Mapping[str, _typing.Any] | None = None,
    progress: _typing.Callable[[int], object] | None = None,
) -> ExportReport:
    """Writes accounts with their contacts, as NDJSON or CSV (docs/import-export.md).

    By default every account the session can see, archived ones included, oldest
    first; or the one account ``account_id``; or every page of the search ``query``,
    given as a mapping of the keyword arguments of :meth:`Accounts.search_page`
    (``{"text": "acme", "archived": "include"}``; ``cursor`` is the starting point,
    ``page_size`` the page size). Outside a transaction the export reads one
    consistent snapshot of the store. An exception raised by ``dest.write()`` or
    ``progress`` stops the export and is raised as itself. ``progress`` must not use
    ``session`` itself (RuntimeError); it may use another session.

    :param dest: a path (``str`` or ``os.PathLike``; created or truncated, and left
        partly written if the export fails), or a file object with ``write()``:
        binary, or text (an ``io.TextIOBase``, which is given ``str``). Written in
        64 KiB chunks; not closed or flushed.
    :param format: :class:`DataFormat` or its name; by default CSV for a path ending in
        ``.csv``, else NDJSON.
    :param progress: called with the number of accounts written so far, after each.
    :return: the counts of accounts and contacts written.
    :raises NotFound: ``account.not_found`` for an ``account_id`` the session cannot
        see.
    :raises ValidationError: for a bad query.
    :raises BackendError:
    :raises TypeError: for arguments of the wrong type, or unknown query keys.
    :raises ValueError: for an unknown format name, or both ``account_id`` and
        ``query``.
    """
    core = _session_core("export_accounts", session)
    fmt = _format_arg(format, dest)
    if account_id is not None and query is not None:
        raise ValueError("export_accounts() takes account_id or query, not both")
    account = None if account_id is None else _id_of(account_id)
    search = None
    if query is not None:
        if not isinstance(query, _abc.Mapping):
            raise TypeError(
                "query must be a mapping of Accounts.search_page() keyword arguments, "
                f"not {type(query).__name__}"
            )
        unknown = sorted(set(query) - _ACCOUNT_QUERY_FIELDS)
        if unknown:
            raise TypeError(f"export_accounts(): unknown query key(s): {', '.join(map(str, unknown))}")
        search = _account_query(**query)
    _callable_arg("progress", progress)
    options = dict(format=fmt, account_id=account, query=search, progress=progress)
    if _is_path(dest):
        with _io.open(dest, "wb") as file:
            return _core.export_accounts(core, file, text=False, **options)
    if not callable(getattr(dest, "write", None)):
        raise TypeError(
            "dest must be a path (str or os.PathLike) or a file object with write(), "
            f"not {type(dest).__name__}"
        )
    return _core.export_accounts(core, dest, text=isinstance(dest, _io.TextIOBase), **options)


def import_accounts(
    session: Session,
    source,
    *,
    format: DataFormat | str | None = None,  # noqa: A002 - mirrors ImportOptions::format
    batch_size: int = 1000,
    strict: bool = False,
    ignore_unknown_columns: bool = False,
    max_errors_kept: int = 1000,
    on_error: _typing.Callable[[ImportProblem], object] | None = None,
    progress: _typing.Callable[[int], object] | None = None,
) -> ImportReport:
    """Imports accounts with their contacts from NDJSON or CSV (docs/import-export.md).

    Every row is validated and normalised like a call made by hand; a row with any
    invalid field is rejected whole and reported (line, field, code, message), the
    other rows go on. Valid rows are written in batches of ``batch_size`` rows, one
    transaction each. Accounts are matched on company name and billing address,
    contacts by email (or name): a match is updated when it differs, so importing the
    same file twice creates nothing the second time. A broken file (CSV header or
    quoting) stops the import; rows of committed batches stay unless ``strict``.

    An exception raised by ``source.read()``, ``on_error`` or ``progress`` stops the
    import and is raised as itself: the batch in progress is rolled back, earlier
    batches stay (nothing stays with ``strict``). A callback must not use ``session``
    itself (RuntimeError); it may use another session.

    :param source: a path (``str`` or ``os.PathLike``) or a file object whose
        ``read(n)`` returns bytes or str (read in 64 KiB chunks, not closed).
    :param format: :class:`DataFormat` or its name; by default CSV for a path ending in
        ``.csv``, else NDJSON.
    :param strict: all or nothing: any rejected row rolls back the whole import
        (``committed`` is then false and every count of written rows 0).
    :param ignore_unknown_columns: CSV: skip columns the library does not know instead
        of stopping (``csv.unknown_column``).
    :param max_errors_kept: most errors kept in :attr:`ImportReport.errors`; all are
        counted and passed to ``on_error``.
    :param on_error: called with an :class:`ImportProblem` for every error as it is
        found.
    :param progress: called with the number of input rows read so far, after each
        batch.
    :raises ValidationError: ``import.batch_invalid`` for a ``batch_size`` below 1.
    :raises BackendError: when the database fails (the current batch is rolled back).
    :raises TypeError: for arguments of the wrong type.
    :raises ValueError: for an unknown format name or a negative ``max_errors_kept``.
    """
    core = _session_core("import_accounts", session)
    _callable_arg("on_error", on_error)
    _callable_arg("progress", progress)
    options = dict(
        format=_format_arg(format, source),
        batch_size=_operator.index(batch_size),
        strict=strict,
        ignore_unknown_columns=ignore_unknown_columns,
        max_errors_kept=_operator.index(max_errors_kept),
        on_error=on_error,
        progress=progress,
    )
    if _is_path(source):
        with _io.open(source, "rb") as file:
            return _core.import_accounts(core, file, **options)
    if not callable(getattr(source, "read", None)):
        raise TypeError(
            "source must be a path (str or os.PathLike) or a file object with read(), "
            f"not {type(source).__name__}"
        )
    return _core.import_accounts(core, source, **options)


def backup(session: Session, path: str | _os.PathLike[str]) -> BackupKind:
    """Writes a consistent snapshot of the session's store to ``path`` (replacing it;
    written to ``PATH.partial`` first, then renamed; nothing is left behind on error).

    For a service session on SQLite (in-memory stores included) a complete database
    file with every user's rows (:attr:`BackupKind.SQLITE_FILE`); otherwise
    (PostgreSQL, or a user session, who may copy only what he sees) an NDJSON export
    of every account the session sees (:attr:`BackupKind.NDJSON`). Either can be
    restored from with :func:`restore_account`.

    :raises BackendError: ``backend.io`` and others when copying fails.
    :raises RuntimeError: inside a read-write transaction of the session.
    """
    core = _session_core("backup", session)
    return BackupKind(_core.backup(core, _path_arg("backup", "path", path)))


def restore_account(
    session: Session, path: str | _os.PathLike[str], account_id: int | Account
) -> RestoreReport:
    """Restores one account and all its contacts as they are in a backup (SQLite file
    or NDJSON from :func:`backup`, or an NDJSON export), in one transaction.

    When the account still exists (same id) its fields, archive state and contacts are
    set back to the backup (contacts not in the backup are deleted); when it was
    deleted it is created again, with a new id (:attr:`RestoreReport.account_id`).

    :param account_id: the account's id in the backup.
    :raises NotFound: ``account.not_found`` when the backup has no such account.
    :raises ValidationError: ``restore.format_invalid`` for a file that is neither
        backup format; the errors of the repositories.
    :raises BackendError:
    """
    core = _session_core("restore_account", session)
    return _core.restore_account(
        core, _path_arg("restore_account", "path", path), _id_of(account_id)
    )


def verify(session: Session) -> list:
    """Checks the store: for a service session the backend's own checks of the whole
    database (SQLite: integrity, foreign keys, full-text indexes), then, over what the
    session sees, at most one primary contact and unique emails per account.

    :return: the :class:`IntegrityProblem` list; empty when the store is sound.
    :raises BackendError: when the store cannot be read.
    """
    return _core.verify(_session_core("verify", session))


def archive_older_than(session: Session, cutoff: _datetime.datetime) -> int:
    """Archives every active account the session sees whose ``updated_at`` is before
    ``cutoff`` (an aware datetime); reversible with :meth:`Accounts.restore`.

    :return: the number of accounts archived.
    :raises TypeError: when ``cutoff`` is not a datetime.
    :raises ValueError: for a naive datetime.
    :raises BackendError:
    """
    core = _session_core("archive_older_than", session)
    if not isinstance(cutoff, _datetime.datetime):
        raise TypeError(f"cutoff must be a datetime.datetime, not {type(cutoff).__name__}")
    return _core.archive_older_than(core, cutoff)
