"""Type stubs of the custmgmt package (the public API; custmgmt._core is private)."""

import builtins
import datetime
import enum
import os
from types import ModuleType, TracebackType
from typing import (
    Any,
    Callable,
    Iterable,
    Iterator,
    Literal,
    Mapping,
    NamedTuple,
    Protocol,
    TypeVar,
)

__version__: str

_T = TypeVar("_T")

# Matched case-insensitively; "CreatedDesc" and "created-desc" work too.
_ArchivedFilter = Literal["exclude", "include", "only"]
_AccountSort = Literal[
    "default", "relevance", "created_desc", "created_asc", "name_asc", "updated_desc"
]
# Keys street, city, state, zip, country; values str (None on input means absent).
_AddressDict = dict[str, str]
_AddressInput = Mapping[str, str | None] | None

# ---- errors

class FieldError(NamedTuple):
    """One problem with one field of a record."""

    field: str
    code: str
    message: str

class Error(Exception):
    """Root of the custmgmt errors; ``code`` is a stable machine-readable code."""

    code: str

class ValidationError(Error, ValueError):
    """Input rejected by validation; ``errors`` lists every field error at once."""

    errors: builtins.list[FieldError] | tuple[FieldError, ...]

class NotFound(Error):
    """The record does not exist, or the acting user may not see it."""

class Conflict(Error):
    """Stale version, second primary contact, or email already used in the account."""

class PermissionDenied(Error):
    """The acting user can see the record but may not do this to it."""

class BackendError(Error):
    """The storage engine failed; ``backend_code`` is the SQLSTATE / SQLite code name."""

    backend_code: str

# ---- records

class Account:
    """One row of ``customer_accounts``."""

    id: int
    company_name: str
    customer_type: str
    account_notes: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    created_by: str | None
    updated_by: str | None
    archived_at: datetime.datetime | None
    version: int
    def __init__(
        self,
        *,
        id: int = 0,
        company_name: str = "",
        customer_type: str = "Commercial",
        billing_address: _AddressInput = None,
        service_address: _AddressInput = None,
        account_notes: str | None = None,
        tags: Iterable[str] = ...,
        created_at: datetime.datetime | None = None,
        updated_at: datetime.datetime | None = None,
        created_by: str | None = None,
        updated_by: str | None = None,
        archived_at: datetime.datetime | None = None,
        version: int = 0,
    ) -> None: ...
    @property
    def billing_address(self) -> _AddressDict: ...
    @billing_address.setter
    def billing_address(self, value: _AddressInput) -> None: ...
    @property
    def service_address(self) -> _AddressDict: ...
    @service_address.setter
    def service_address(self, value: _AddressInput) -> None: ...
    @property
    def tags(self) -> builtins.list[str]: ...
    @tags.setter
    def tags(self, value: Iterable[str]) -> None: ...
    @property
    def archived(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(json: str) -> Account: ...
    def replace(self, **changes: Any) -> Account: ...
    def __eq__(self, other: object) -> bool: ...
    def __ne__(self, other: object) -> bool: ...
    def __copy__(self) -> Account: ...
    def __deepcopy__(self, memo: Any) -> Account: ...

class Contact:
    """One row of ``customer_contacts``."""

    id: int
    customer_account_id: int
    account_id: int  # alias of customer_account_id
    contact_name: str
    email: str | None
    phone: str | None
    phone_extension: str | None
    phone_display: str | None
    role: str | None
    is_primary_contact: bool
    contact_notes: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    created_by: str | None
    updated_by: str | None
    version: int
    def __init__(
        self,
        *,
        id: int = 0,
        customer_account_id: int = 0,
        contact_name: str = "",
        email: str | None = None,
        phone: str | None = None,
        phone_extension: str | None = None,
        phone_display: str | None = None,
        role: str | None = None,
        is_primary_contact: bool = False,
        contact_notes: str | None = None,
        created_at: datetime.datetime | None = None,
        updated_at: datetime.datetime | None = None,
        created_by: str | None = None,
        updated_by: str | None = None,
        version: int = 0,
    ) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(json: str) -> Contact: ...
    def replace(self, **changes: Any) -> Contact: ...
    def __eq__(self, other: object) -> bool: ...
    def __ne__(self, other: object) -> bool: ...
    def __copy__(self) -> Contact: ...
    def __deepcopy__(self, memo: Any) -> Contact: ...

class AccountPage:
    """One page of accounts and the cursor of the next one."""

    @property
    def items(self) -> builtins.list[Account]: ...
    @property
    def next_cursor(self) -> str | None: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Account]: ...
    def to_json(self) -> str: ...

class ContactPage:
    """One page of contacts and the cursor of the next one."""

    @property
    def items(self) -> builtins.list[Contact]: ...
    @property
    def next_cursor(self) -> str | None: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Contact]: ...
    def to_json(self) -> str: ...

class MonthCount:
    @property
    def year(self) -> int: ...
    @property
    def month(self) -> int: ...
    @property
    def count(self) -> int: ...
    def to_dict(self) -> dict[str, int]: ...

class TagCount:
    @property
    def tag(self) -> str: ...
    @property
    def count(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

class AccountStats:
    """Statistics over the accounts a session can see."""

    @property
    def total_accounts(self) -> int: ...
    @property
    def residential_accounts(self) -> int: ...
    @property
    def commercial_accounts(self) -> int: ...
    @property
    def archived_accounts(self) -> int: ...
    @property
    def total_contacts(self) -> int: ...
    @property
    def accounts_without_primary_contact(self) -> int: ...
    @property
    def new_accounts_per_month(self) -> builtins.list[MonthCount]: ...
    @property
    def top_tags(self) -> builtins.list[TagCount]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...

class PhoneNumber:
    """A phone number normalised by libphonenumber."""

    def __init__(self, *, e164: str = "", extension: str = "", region: str = "") -> None: ...
    @property
    def e164(self) -> str: ...
    @property
    def extension(self) -> str: ...
    @property
    def region(self) -> str: ...
    def to_dict(self) -> dict[str, str]: ...

# ---- store, sessions, transactions

class Transaction:
    """``with session.transaction(): ...`` commits on normal exit, rolls back on error."""

    @property
    def active(self) -> bool: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def __enter__(self) -> Transaction: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool: ...

class PageIterator(Iterator[_T]):
    """Iterates over every row of a search, fetching page after page."""

    def __init__(self, fetch: Callable[[str], Any], first_page: Any) -> None: ...
    def __iter__(self) -> PageIterator[_T]: ...
    def __next__(self) -> _T: ...

class Accounts:
    """The accounts visible to one session (``session.accounts``)."""

    def create(
        self,
        account: Account | None = None,
        /,
        *,
        company_name: str = ...,
        customer_type: str = ...,
        billing_address: _AddressInput = ...,
        service_address: _AddressInput = ...,
        account_notes: str | None = ...,
        tags: Iterable[str] | None = ...,
        created_by: str | None = ...,
    ) -> Account: ...
    def create_many(
        self, accounts: Iterable[Account | Mapping[str, Any]]
    ) -> builtins.list[Account]: ...
    def get(self, account_id: int | Account) -> Account: ...
    def find(self, account_id: int | Account) -> Account | None: ...
    def update(
        self,
        account: Account | int,
        /,
        *,
        company_name: str = ...,
        customer_type: str = ...,
        billing_address: _AddressInput = ...,
        service_address: _AddressInput = ...,
        account_notes: str | None = ...,
        tags: Iterable[str] | None = ...,
        version: int = ...,
    ) -> Account: ...
    def remove(self, account_id: int | Account) -> None: ...
    def archive(self, account_id: int | Account) -> Account: ...
    def restore(self, account_id: int | Account) -> Account: ...
    def search_page(
        self,
        *,
        text: str | None = None,
        customer_type: str | None = None,
        tags_any: Iterable[str] = (),
        tags_all: Iterable[str] = (),
        created_after: datetime.datetime | None = None,
        created_before: datetime.datetime | None = None,
        archived: _ArchivedFilter | str = "exclude",
        sort: _AccountSort | str = "default",
        cursor: str | None = None,
        page_size: int = 50,
    ) -> AccountPage: ...
    def search(
        self,
        *,
        text: str | None = None,
        customer_type: str | None = None,
        tags_any: Iterable[str] = (),
        tags_all: Iterable[str] = (),
        created_after: datetime.datetime | None = None,
        created_before: datetime.datetime | None = None,
        archived: _ArchivedFilter | str = "exclude",
        sort: _AccountSort | str = "default",
        page_size: int = 50,
    ) -> PageIterator[Account]: ...
    def stats(self, *, months: int = 12, top_tags: int = 10) -> AccountStats: ...

class Contacts:
    """The contacts of the accounts visible to one session (``session.contacts``)."""

    def add(
        self,
        contact: Contact | None = None,
        /,
        *,
        account_id: int | Account = ...,
        customer_account_id: int | Account = ...,
        contact_name: str = ...,
        email: str | None = ...,
        phone: str | None = ...,
        phone_extension: str | None = ...,
        phone_display: str | None = ...,
        role: str | None = ...,
        is_primary_contact: bool = ...,
        contact_notes: str | None = ...,
    ) -> Contact: ...
    def add_many(
        self, contacts: Iterable[Contact | Mapping[str, Any]]
    ) -> builtins.list[Contact]: ...
    def get(self, contact_id: int | Contact) -> Contact: ...
    def find(self, contact_id: int | Contact) -> Contact | None: ...
    def update(
        self,
        contact: Contact | int,
        /,
        *,
        account_id: int | Account = ...,
        customer_account_id: int | Account = ...,
        contact_name: str = ...,
        email: str | None = ...,
        phone: str | None = ...,
        phone_extension: str | None = ...,
        phone_display: str | None = ...,
        role: str | None = ...,
        is_primary_contact: bool = ...,
        contact_notes: str | None = ...,
        version: int = ...,
    ) -> Contact: ...
    def remove(self, contact_id: int | Contact) -> None: ...
    def set_primary(self, contact_id: int | Contact) -> Contact: ...
    def list_page(
        self, account_id: int | Account, *, cursor: str | None = None, page_size: int = 50
    ) -> ContactPage: ...
    def list(self, account_id: int | Account, *, page_size: int = 50) -> PageIterator[Contact]: ...
    def search_page(
        self,
        *,
        text: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        account_id: int | Account | None = None,
        cursor: str | None = None,
        page_size: int = 50,
    ) -> ContactPage: ...
    def search(
        self,
        *,
        text: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        account_id: int | Account | None = None,
        page_size: int = 50,
    ) -> PageIterator[Contact]: ...

class Session:
    """A connection acting as one user or as the service role."""

    accounts: Accounts
    contacts: Contacts
    def transaction(self) -> Transaction: ...
    def snapshot(self) -> Transaction: ...
    @property
    def user(self) -> str | None: ...
    @property
    def is_service(self) -> bool: ...

class Store:
    """An open customer database."""

    def session(self, user: str) -> Session: ...
    def service(self, audit_user: str | None = None) -> Session: ...
    def schema_version(self) -> int: ...
    def latest_schema_version(self) -> int: ...
    def migrate(self, target: int) -> None: ...
    @property
    def backend_name(self) -> str: ...
    @property
    def default_region(self) -> str: ...
    @property
    def busy_timeout(self) -> float: ...
    @property
    def migrate_on_open(self) -> bool: ...
    @property
    def read_replicas(self) -> builtins.list[str]: ...
    def stats(self) -> StoreStats: ...

class StoreStats:
    """Counters of a store since it was opened (read-replica routing)."""

    @property
    def replica_reads(self) -> int: ...
    @property
    def replica_fallbacks(self) -> int: ...
    def to_dict(self) -> dict[str, int]: ...

def open(
    uri: str | os.PathLike[str],
    *,
    default_region: str = "US",
    busy_timeout: float | datetime.timedelta = 5.0,
    migrate_on_open: bool = True,
    read_replicas: Iterable[str] = (),
) -> Store: ...

# ---- validators and helpers

def validate_email(email: str) -> builtins.list[FieldError]: ...
def normalize_email(email: str) -> str: ...
def validate_phone(phone: str, region: str = "US") -> builtins.list[FieldError]: ...
def normalize_phone(phone: str, region: str = "US") -> PhoneNumber: ...
def validate_address(address: _AddressInput) -> builtins.list[FieldError]: ...
def normalize_address(address: _AddressInput) -> _AddressDict: ...
def validate_address_json(json: str) -> builtins.list[FieldError]: ...
def parse_address(json: str) -> _AddressDict: ...
def address_to_json(address: _AddressInput) -> str: ...
def country_alpha2(code_or_name: str) -> str | None: ...
def is_uuid(text: str) -> bool: ...
def format_timestamp(when: datetime.datetime) -> str: ...
def parse_timestamp(text: str) -> datetime.datetime | None: ...

class _Limits(ModuleType):
    COMPANY_NAME: int
    CONTACT_NAME: int
    NOTES: int
    ROLE: int
    TAG: int
    TAG_COUNT: int
    EMAIL: int
    EMAIL_LOCAL: int
    PHONE_INPUT: int
    ADDRESS_FIELD: int
    SEARCH_TEXT: int

limits: _Limits

# ---- import, export, backup, recovery, verify, archive

class DataFormat(str, enum.Enum):
    """File format of export_accounts() and import_accounts(); also given as a str."""

    NDJSON = "ndjson"
    CSV = "csv"

class BackupKind(str, enum.Enum):
    """How backup() wrote the backup."""

    SQLITE_FILE = "sqlite_file"
    NDJSON = "ndjson"

class ExportReport:
    """What export_accounts() wrote."""

    @property
    def accounts(self) -> int: ...
    @property
    def contacts(self) -> int: ...
    def to_dict(self) -> dict[str, int]: ...

class ImportProblem:
    """One rejected input row, or a problem with the whole file (line 0)."""

    @property
    def line(self) -> int: ...
    @property
    def field(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

class ImportReport:
    """What import_accounts() did."""

    @property
    def rows(self) -> int: ...
    @property
    def accounts_created(self) -> int: ...
    @property
    def accounts_updated(self) -> int: ...
    @property
    def accounts_unchanged(self) -> int: ...
    @property
    def contacts_created(self) -> int: ...
    @property
    def contacts_updated(self) -> int: ...
    @property
    def contacts_unchanged(self) -> int: ...
    @property
    def rejected(self) -> int: ...
    @property
    def committed(self) -> bool: ...
    @property
    def errors(self) -> builtins.list[ImportProblem]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...

class RestoreReport:
    """What restore_account() did."""

    @property
    def account_id(self) -> int: ...
    @property
    def recreated(self) -> bool: ...
    @property
    def contacts_created(self) -> int: ...
    @property
    def contacts_updated(self) -> int: ...
    @property
    def contacts_deleted(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

class IntegrityProblem:
    """One problem found by verify()."""

    @property
    def check(self) -> str: ...
    @property
    def message(self) -> str: ...
    def to_dict(self) -> dict[str, str]: ...

class _Writable(Protocol):
    def write(self, data: Any, /) -> object: ...

class _Readable(Protocol):
    def read(self, size: int, /) -> bytes | bytearray | memoryview | str: ...

# Matched case-insensitively; "jsonl" is NDJSON.
_Format = DataFormat | Literal["ndjson", "jsonl", "csv"] | str

def export_accounts(
    session: Session,
    dest: str | os.PathLike[str] | _Writable,
    *,
    format: _Format | None = None,
    account_id: int | Account | None = None,
    query: Mapping[str, Any] | None = None,
    progress: Callable[[int], object] | None = None,
) -> ExportReport: ...
def import_accounts(
    session: Session,
    source: str | os.PathLike[str] | _Readable,
    *,
    format: _Format | None = None,
    batch_size: int = 1000,
    strict: bool = False,
    ignore_unknown_columns: bool = False,
    max_errors_kept: int = 1000,
    on_error: Callable[[ImportProblem], object] | None = None,
    progress: Callable[[int], object] | None = None,
) -> ImportReport: ...
def backup(session: Session, path: str | os.PathLike[str]) -> BackupKind: ...
def restore_account(
    session: Session, path: str | os.PathLike[str], account_id: int | Account
) -> RestoreReport: ...
def verify(session: Session) -> builtins.list[IntegrityProblem]: ...
def archive_older_than(session: Session, cutoff: datetime.datetime) -> int: ...
def csv_columns() -> builtins.list[str]: ...
