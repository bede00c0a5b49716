/// @file io.hpp
/// @brief Export and import of accounts with their contacts (NDJSON and
/// CSV), backup, selective recovery of one account, and integrity checks.
///
/// Everything here goes through the public repositories of a Session, so an
/// import is validated, normalised and authorised exactly like calls made by
/// hand, and sees only what the session may see. Export and import stream:
/// one record (NDJSON line, CSV row) is held in memory at a time, plus one
/// import batch of matching state. See docs/import-export.md for the formats
/// and the matching rules.
///
/// Functions are reentrant; a Session is not thread-safe, so use one per
/// thread. They throw the custmgmt::Error family and std::bad_alloc only,
/// except backup(), which throws std::logic_error inside a read-write
/// transaction (see Session::snapshot()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custmgmt/error.hpp"
#include "custmgmt/export.hpp"
#include "custmgmt/query.hpp"
#include "custmgmt/store.hpp"
#include "custmgmt/types.hpp"

namespace custmgmt {

/// @brief File format of an export or import.
enum class DataFormat {
  Ndjson,  ///< One JSON account per line, with a `contacts` array.
  Csv,     ///< RFC 4180, one row per contact (see docs/import-export.md).
};

/// @brief Parses `"ndjson"`, `"jsonl"` or `"csv"` (case-insensitive).
/// @param text the format name.
/// @return the format, or std::nullopt for anything else.
CUSTMGMT_API std::optional<DataFormat> parse_data_format(std::string_view text) noexcept;

/// @brief The format implied by a file name: `.csv` is Csv, anything else
/// Ndjson.
/// @param path the file name.
/// @return the format.
CUSTMGMT_API DataFormat data_format_of(const std::filesystem::path& path);

/// @brief The CSV columns, in the order export writes them.
/// @return `company_name`, `customer_type`, `billing_street` … `tags`,
///         `account_notes`, `contact_name`, `email`, `phone`, `role`,
///         `is_primary_contact`, `contact_notes`.
CUSTMGMT_API const std::vector<std::string>& csv_columns();

/// @brief Called with the number of records (accounts for export, input rows
/// for import) handled so far; used for progress bars.
using ProgressCallback = std::function<void(std::uint64_t records)>;

/// @brief What to export.
struct ExportOptions {
  DataFormat format = DataFormat::Ndjson;  ///< Output format.
  /// Export only this account (NotFound when the session cannot see it).
  std::optional<Id> account_id;
  /// Export the accounts this search returns, every page of it (its
  /// `cursor` and `limit` are the starting point and page size). When
  /// neither this nor `account_id` is set, every visible account, archived
  /// ones included, oldest first.
  std::optional<AccountQuery> query;
  ProgressCallback progress;  ///< Called after each account; may be empty.
};

/// @brief What an export wrote.
struct ExportReport {
  std::uint64_t accounts = 0;  ///< Accounts written.
  std::uint64_t contacts = 0;  ///< Contacts written.
};

/// @brief Writes accounts with their contacts to `out`.
///
/// NDJSON lines are to_json(const Account&) objects with a `contacts` array
/// of to_json(const Contact&) objects. CSV starts with the header
/// csv_columns() and writes one row per contact (one row with empty contact
/// columns for an account without contacts); `phone` holds the number as
/// typed when it was kept, else E.164 (with ` ext. N` for an extension).
///
/// Outside a transaction the export reads in one Session::snapshot(), so it
/// is one consistent state of the store however long it runs (on PostgreSQL
/// on the primary, not a read replica); inside the caller's transaction it
/// reads in that one.
/// @param session the acting session; only what it can see is written.
/// @param out the stream to write to.
/// @param options what and how to export.
/// @return counts of what was written.
/// @throws NotFound for an invisible `account_id`; ValidationError for a bad
///         query; BackendError; BackendError `io.write_failed` when `out`
///         fails.
CUSTMGMT_API ExportReport export_accounts(Session& session, std::ostream& out,
                                          const ExportOptions& options = {});

/// @brief One rejected input row (or a problem with the whole file, line 0
/// meaning no particular line).
struct ImportError {
  std::uint64_t line = 0;  ///< 1-based line where the row starts.
  std::string field;       ///< Field (column) at fault; empty for the row.
  std::string code;        ///< Stable code, e.g. `email.invalid`, `csv.malformed`.
  std::string message;     ///< Human-readable explanation.
};

/// @brief How to import.
struct ImportOptions {
  DataFormat format = DataFormat::Ndjson;  ///< Input format.
  /// Valid rows per transaction, at least 1.
  std::size_t batch_size = 1000;
  /// All or nothing: any rejected row (or file error) rolls back the whole
  /// import.
  bool strict = false;
  /// CSV: ignore columns this library does not know instead of failing.
  bool ignore_unknown_columns = false;
  /// Most errors kept in ImportReport::errors (all are counted and passed
  /// to `on_error`).
  std::size_t max_errors_kept = 1000;
  /// Called for every error as it is found; may be empty.
  std::function<void(const ImportError&)> on_error;
  ProgressCallback progress;  ///< Called after each batch; may be empty.
};

/// @brief What an import did. In strict mode with rejected rows nothing is
/// kept and every created/updated/unchanged count is 0.
struct ImportReport {
  std::uint64_t rows = 0;                ///< Input rows (lines, CSV records) read.
  std::uint64_t accounts_created = 0;    ///< New accounts.
  std::uint64_t accounts_updated = 0;    ///< Existing accounts changed.
  std::uint64_t accounts_unchanged = 0;  ///< Existing accounts already equal.
  std::uint64_t contacts_created = 0;    ///< New contacts.
  std::uint64_t contacts_updated = 0;    ///< Existing contacts changed.
  std::uint64_t contacts_unchanged = 0;  ///< Existing contacts already equal.
  std::uint64_t rejected = 0;            ///< Rows rejected (plus file errors).
  bool committed = true;                 ///< False when strict mode rolled back.
  std::vector<ImportError> errors;       ///< The first ImportOptions::max_errors_kept errors.
};

/// @brief Imports accounts with their contacts from `in`.
///
/// Each row is validated by the repositories; a row with any invalid field
/// is rejected whole and reported (line, field, code, message), the other
/// rows go on. Valid rows are written in batches, one transaction each.
/// Accounts are matched on their natural key (company name and billing
/// address, compared after normalisation, case- and space-insensitively),
/// contacts within their account by email, or by name when they have no
/// email; a match is updated when a field differs, else left alone, so
/// importing the same file twice creates nothing the second time. A second
/// primary contact for an account, or an email already used in it by
/// another contact, rejects the row (`contact.duplicate_primary`,
/// `contact.duplicate_email`). For a service session `created_by` of NDJSON
/// records is kept; a user session imports everything as itself.
/// A file error (CSV header problem, broken quoting, unreadable stream) stops
/// the import: rows of committed batches stay (unless strict), the rest is
/// not read.
/// @param session the acting session.
/// @param in the input stream.
/// @param options how to import.
/// @return the counts and the errors.
/// @throws ValidationError (`import.batch_invalid`) for batch_size 0;
///         BackendError when the database fails (the current batch is rolled
///         back; earlier batches stay unless strict).
CUSTMGMT_API ImportReport import_accounts(Session& session, std::istream& in,
                                          const ImportOptions& options = {});

/// @brief Serialises an import report as a JSON object with the keys `rows`,
/// `accounts_created`, `accounts_updated`, `accounts_unchanged`,
/// `contacts_created`, `contacts_updated`, `contacts_unchanged`, `rejected`,
/// `committed` and `errors` (array of `{"line","field","code","message"}`).
/// @param report the report.
/// @return the JSON text.
/// @throws std::bad_alloc only.
CUSTMGMT_API std::string to_json(const ImportReport& report);

/// @brief How a backup was written.
enum class BackupKind {
  SqliteFile,  ///< A SQLite database file made with the online backup API.
  Ndjson,      ///< An NDJSON export written inside one snapshot transaction.
};

/// @brief Writes a consistent snapshot of the session's store to `file`
/// (replacing it; written to `FILE.partial` first, then renamed).
///
/// Everything is read inside one Session::snapshot() (PostgreSQL:
/// REPEATABLE READ, READ ONLY), so the backup is one state of the store
/// even while other sessions write. For a service session on a backend with
/// a native file backup (SQLite: the online backup API, in-memory stores
/// included) it is a complete database file with every user's rows.
/// Otherwise (PostgreSQL, or a user session, who may copy only what he sees)
/// it is an NDJSON export of every account the session sees, archived ones
/// included.
/// @param session a session on the store to copy, outside a transaction or
///        inside a snapshot() one.
/// @param file the backup file to write.
/// @return which kind of backup was written.
/// @throws BackendError (`backend.io` and others) when copying fails (no
///         file is left behind); std::logic_error inside a read-write
///         transaction of `session`.
CUSTMGMT_API BackupKind backup(Session& session, const std::filesystem::path& file);

/// @brief What restore_account() did.
struct RestoreReport {
  Id account_id = 0;                   ///< Id of the restored account in the store.
  bool recreated = false;              ///< True when the account had been deleted.
  std::uint64_t contacts_created = 0;  ///< Contacts added back.
  std::uint64_t contacts_updated = 0;  ///< Contacts set back to the backup.
  std::uint64_t contacts_deleted = 0;  ///< Contacts absent from the backup, removed.
};

/// @brief Restores one account and all its contacts, as they are in a backup
/// or NDJSON export file, in one transaction.
///
/// When the account still exists (same id) its fields, archive state and
/// contacts are set back to the backup (contacts matched by id, then by
/// email, then by name; contacts not in the backup are deleted). When it was
/// deleted it is created again (a new id, same data and, for a service
/// session, the same `created_by`).
/// @param session the acting session on the target store.
/// @param file a SQLite backup made by backup(), or an NDJSON export/backup.
/// @param account_id the account's id in the backup.
/// @return what was done.
/// @throws NotFound (`account.not_found`) when the backup has no such
///         account; ValidationError (`restore.format_invalid`) for a file
///         that is neither; the errors of the repositories; BackendError.
CUSTMGMT_API RestoreReport restore_account(Session& session, const std::filesystem::path& file,
                                           Id account_id);

/// @brief One problem found by verify().
struct IntegrityProblem {
  std::string check;    ///< e.g. `integrity_check`, `duplicate_primary`.
  std::string message;  ///< What is wrong, naming the rows.
};

/// @brief Checks a store.
///
/// For a service session, first the backend's own checks of the whole
/// database (backend::Connection::check_integrity()): on SQLite
/// `PRAGMA integrity_check` (`integrity_check`), `PRAGMA foreign_key_check`
/// (`foreign_key_check`) and FTS5's integrity check of every full-text
/// index (`fts_sync`) and the tag table against the accounts' tags,
/// created_at and customer_type (`tag_sync`); on PostgreSQL indexes left invalid
/// (`index_invalid`), constraints not validated (`constraint_not_valid`),
/// contacts without their account (`foreign_key_check`) and row-level
/// security off or not forced (`row_level_security`). Then, for every
/// session, over what it sees and in one snapshot (or in the caller's
/// transaction): at most one primary contact per account
/// (`duplicate_primary`) and emails unique per account, case-insensitively
/// (`duplicate_email`).
/// @param session a session on the store to check (the service role sees
///        all and runs the backend's checks).
/// @return the problems found; empty when the store is sound.
/// @throws BackendError when the store cannot be read.
CUSTMGMT_API std::vector<IntegrityProblem> verify(Session& session);

/// @brief Archives every active account not updated since `cutoff` (the
/// spec's archive strategy; reversible with AccountRepository::restore()).
/// @param session the acting session; only visible accounts are archived.
/// @param cutoff accounts with updated_at before this are archived.
/// @return the number of accounts archived.
/// @throws BackendError.
CUSTMGMT_API std::uint64_t archive_older_than(Session& session, Timestamp cutoff);

}  // namespace custmgmt
