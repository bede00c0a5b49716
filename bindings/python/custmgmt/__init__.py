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

import datetime as _datetime
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
    FieldError,
    MonthCount,
    NotFound,
    PermissionDenied,
    PhoneNumber,
    TagCount,
    Transaction,
    ValidationError,
    address_to_json,
    country_alpha2,
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
    "Conflict",
    "Contact",
    "ContactPage",
    "Contacts",
    "Error",
    "FieldError",
    "MonthCount",
    "NotFound",
    "PageIterator",
    "PermissionDenied",
    "PhoneNumber",
    "Session",
    "Store",
    "TagCount",
    "Transaction",
    "ValidationError",
    "__version__",
    "address_to_json",
    "country_alpha2",
    "format_timestamp",
    "is_uuid",
    "limits",
    "normalize_address",
    "normalize_email",
    "normalize_phone",
    "open",
    "parse_address",
    "parse_timestamp",
    "validate_address",
    "validate_address_json",
    "validate_email",
    "validate_phone",
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

    def __repr__(self) -> str:
        return f"<custmgmt.Store backend={self.backend_name!r}>"
