/// @file backend.hpp
/// @brief The storage seam: the interface a backend implements, and the
/// registry that maps URI schemes to backends.
///
/// This header is for backend implementers; applications use store.hpp.
/// The domain layer (repositories) validates and normalises every record,
/// decides rights and error kinds, builds cursors, and runs the migration
/// runner; a backend holds only SQL and connection code. Backends must:
/// - apply the spec's visibility rules for the connection's Actor in every
///   statement (or let the database do it, e.g. PostgreSQL RLS): a user sees
///   an account when he is its `created_by` or `updated_by`, contacts follow
///   their account, a user deletes only accounts he created; the service role
///   sees everything;
/// - set `created_at`/`updated_at` themselves, make `version` start at 1 and
///   grow by 1 on every write, set `updated_by` to the actor's user (left
///   unchanged for a service actor without user);
/// - translate every engine error into the custmgmt::Error family: unique
///   violations of the primary-contact and per-account email indexes into
///   Conflict `contact.duplicate_primary` / `contact.duplicate_email`,
///   everything else into BackendError with the engine's code;
/// - order every search by the key the domain asks for, ending with `id`,
///   comparing text keys bytewise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custmgmt/account.hpp"
#include "custmgmt/contact.hpp"
#include "custmgmt/export.hpp"
#include "custmgmt/io.hpp"
#include "custmgmt/query.hpp"
#include "custmgmt/store.hpp"

namespace custmgmt {
namespace backend {

/// @brief Who a connection acts as: the spec's `auth.uid()`.
struct Actor {
  std::optional<std::string> user;  ///< Lower-case UUID; for service, the audit user.
  bool service = false;             ///< Service role: bypasses visibility rules.
};

/// @brief A keyset position: the sort key of the last row of a page.
/// Which members are used depends on the order (see AccountSearch).
struct SortKey {
  std::int64_t number = 0;  ///< Timestamp in µs, relevance tier or primary flag.
  std::string text;         ///< Name key (see search_key()).
  Id id = 0;                ///< Row id (always the last tie-breaker).
  /// @brief Field-wise equality.
  bool operator==(const SortKey& o) const {
    return number == o.number && text == o.text && id == o.id;
  }
};

/// @brief A validated account search, ready for SQL.
///
/// Orders and their keys (rows strictly after `after` in this order):
/// - Relevance: (tier ASC, name_key ASC, id ASC), tier from relevance_tier()
///   computed in SQL as: 0 when name_key = text_key, 1 when name_key starts
///   with text_key, else 2; SortKey{number = tier, text = name_key, id}.
/// - CreatedDesc: (created_at DESC, id DESC); SortKey{number = µs, id}.
/// - CreatedAsc: (created_at ASC, id ASC); SortKey{number = µs, id}.
/// - NameAsc: (name_key ASC, id ASC); SortKey{text = name_key, id}.
/// - UpdatedDesc: (updated_at DESC, id DESC); SortKey{number = µs, id}.
struct AccountSearch {
  std::vector<std::string> words;             ///< From search_words(); empty = no text filter.
  std::string text_key;                       ///< search_key() of the text.
  std::optional<CustomerType> customer_type;  ///< Type filter.
  std::vector<std::string> tags_any;          ///< Any of these tags.
  std::vector<std::string> tags_all;          ///< All of these tags.
  std::optional<Timestamp> created_from;      ///< created_at >= this.
  std::optional<Timestamp> created_to;        ///< created_at < this.
  ArchivedFilter archived = ArchivedFilter::Exclude;  ///< Archive filter.
  AccountSort sort = AccountSort::CreatedDesc;        ///< Never Default.
  std::optional<SortKey> after;                       ///< Keyset position.
  std::size_t limit = 51;                             ///< Rows to return at most.
};

/// @brief Order of a contact search.
enum class ContactOrder {
  Relevance,        ///< (tier ASC, name_key ASC, id ASC), as for accounts.
  Name,             ///< (name_key ASC, id ASC); SortKey{text, id}.
  PrimaryThenName,  ///< (is_primary DESC, name_key ASC, id ASC);
                    ///< SortKey{number = 1 for primary else 0, text, id}.
};

/// @brief A validated contact search, ready for SQL.
struct ContactSearch {
  std::vector<std::string> words;           ///< From search_words(); empty = no text filter.
  std::string text_key;                     ///< search_key() of the text.
  std::optional<std::string> email;         ///< Normalised; compare lower(email) = lower(this).
  std::optional<std::string> phone;         ///< E.164; compare phone = this.
  std::optional<Id> account_id;             ///< Only this account.
  ContactOrder order = ContactOrder::Name;  ///< Sort order.
  std::optional<SortKey> after;             ///< Keyset position.
  std::size_t limit = 51;                   ///< Rows to return at most.
};

/// @brief Parameters of Connection::account_stats().
struct StatsSpec {
  int months = 12;    ///< Months of history.
  int top_tags = 10;  ///< Tags to return.
  Timestamp since{};  ///< First instant of the oldest month (UTC).
};

/// @brief One versioned schema step, SQL text embedded at build time.
struct Migration {
  int version = 0;   ///< 1, 2, 3 … without gaps.
  std::string name;  ///< e.g. `customer_management_schema`.
  std::string up;    ///< SQL applying the step.
  std::string down;  ///< SQL undoing it exactly.
};

/// @brief One connection to the database, acting as one Actor. Used by one
/// thread at a time. All methods throw only custmgmt::Error types.
class CUSTMGMT_API Connection {
 public:
  virtual ~Connection();

  /// @brief Starts a transaction that may write.
  virtual void begin() = 0;
  /// @brief Commits the current transaction.
  virtual void commit() = 0;
  /// @brief Rolls back the current transaction; must not throw.
  virtual void rollback() noexcept = 0;
  /// @brief Creates a savepoint inside the current transaction.
  virtual void savepoint(const std::string& name) = 0;
  /// @brief Releases (keeps the work of) a savepoint.
  virtual void release_savepoint(const std::string& name) = 0;
  /// @brief Rolls back to and releases a savepoint.
  virtual void rollback_to_savepoint(const std::string& name) = 0;
  /// @brief Starts a read-only transaction in which every read sees one
  /// consistent snapshot of the database, taken before this returns
  /// (PostgreSQL: REPEATABLE READ, READ ONLY; SQLite: a deferred
  /// transaction whose read is started at once, with `query_only` set).
  /// Commits of other connections made after it started stay invisible to
  /// it. A write inside it fails with BackendError `backend.readonly`.
  /// Ended by commit() or rollback(); savepoints nest inside it.
  /// @throws BackendError.
  virtual void begin_snapshot() = 0;

  /// @brief Inserts a normalised account; `created_by`/`updated_by` are
  /// already decided by the domain. `name_key` = search_key(company_name).
  virtual Account insert_account(const Account& account, const std::string& name_key) = 0;
  /// @brief Inserts many normalised accounts at once, in order, within the
  /// current transaction (`name_keys[i]` belongs to `accounts[i]`). The
  /// default calls insert_account() for each; backends override it with a
  /// bulk path (multi-row insert, COPY).
  virtual std::vector<Account> insert_accounts(const std::vector<Account>& accounts,
                                               const std::vector<std::string>& name_keys);
  /// @brief The visible account with this id.
  virtual std::optional<Account> select_account(Id id) = 0;
  /// @brief Every visible account (archived included) whose stored name key
  /// (`company_name_key`, see insert_account()) is one of `name_keys`,
  /// ordered by id: the candidates of a batch of natural-key lookups, in
  /// one statement (or a few for a long list) through the name-key index.
  /// Duplicate and empty keys are allowed; empty keys match nothing.
  virtual std::vector<Account> select_accounts_by_name_keys(
      const std::vector<std::string>& name_keys) = 0;
  /// @brief Writes the editable fields when the row is visible and its
  /// version equals `expected_version`.
  /// @return the new row, or std::nullopt when no row matched.
  virtual std::optional<Account> update_account(const Account& account, const std::string& name_key,
                                                std::int64_t expected_version) = 0;
  /// @brief Sets or clears `archived_at` (now) of a visible account; a write.
  /// @return the new row, or std::nullopt when no row matched.
  virtual std::optional<Account> set_archived(Id id, bool archived) = 0;
  /// @brief Deletes an account the actor may delete (contacts cascade).
  /// @return false when no row matched.
  virtual bool delete_account(Id id) = 0;
  /// @brief Accounts matching `search`, in its order, at most `limit`.
  virtual std::vector<Account> search_accounts(const AccountSearch& search) = 0;
  /// @brief Statistics; months without accounts may be omitted.
  virtual AccountStats account_stats(const StatsSpec& spec) = 0;

  /// @brief Inserts a normalised contact into a visible account.
  /// @return the row, or std::nullopt when the account is not visible.
  virtual std::optional<Contact> insert_contact(const Contact& contact,
                                                const std::string& name_key) = 0;
  /// @brief Inserts many normalised contacts at once, in order, within the
  /// current transaction (`name_keys[i]` belongs to `contacts[i]`).
  /// `created_by`/`updated_by` are already decided by the domain. Rows are
  /// checked as insert_contact() checks them; a violation of the
  /// primary-contact or per-account email index fails the whole call with
  /// the same Conflict as insert_contact() (the caller rolls back).
  /// @return one entry per input row, in input order: the stored row, or
  ///         std::nullopt when its account is not visible (nothing inserted
  ///         for it). The default calls insert_contact() for each; backends
  ///         override it with a bulk path.
  virtual std::vector<std::optional<Contact>> insert_contacts(
      const std::vector<Contact>& contacts, const std::vector<std::string>& name_keys);
  /// @brief The visible contact with this id.
  virtual std::optional<Contact> select_contact(Id id) = 0;
  /// @brief Every visible contact of the given accounts, ordered by
  /// account id, then as ContactOrder::PrimaryThenName orders (primary
  /// first, name key, id): the contacts of a batch of accounts in one
  /// statement (or a few for a long list). Unknown or invisible account ids
  /// contribute nothing.
  virtual std::vector<Contact> select_contacts_of_accounts(const std::vector<Id>& account_ids) = 0;
  /// @brief Writes the editable fields (including customer_account_id, which
  /// must also name a visible account) when visible and at
  /// `expected_version`.
  virtual std::optional<Contact> update_contact(const Contact& contact, const std::string& name_key,
                                                std::int64_t expected_version) = 0;
  /// @brief Deletes a visible contact; false when no row matched.
  virtual bool delete_contact(Id id) = 0;
  /// @brief Makes the contact primary and clears the previous primary of
  /// its account, within the current transaction.
  virtual std::optional<Contact> set_primary_contact(Id id) = 0;
  /// @brief Contacts matching `search`, in its order, at most `limit`.
  virtual std::vector<Contact> search_contacts(const ContactSearch& search) = 0;

  /// @brief Versions recorded in `schema_migrations`, ascending; empty when
  /// that table does not exist (a backend may create it here or in
  /// record_migration()).
  virtual std::vector<int> applied_migrations() = 0;
  /// @brief Runs one migration script (inside the current transaction).
  virtual void execute_script(const std::string& sql) = 0;
  /// @brief Records (`applied` true) or erases a version in
  /// `schema_migrations`, creating the table when missing.
  virtual void record_migration(const Migration& migration, bool applied) = 0;
  /// @brief Drops `schema_migrations` after a rollback to version 0.
  virtual void drop_migrations_table() = 0;

  /// @brief Writes a complete copy of the database to `file` (created or
  /// replaced) with the engine's native backup, as seen by the current
  /// transaction (io's backup() opens it with begin_snapshot()). Called for
  /// service actors only: the copy holds every user's rows.
  /// @return false when the engine has no native file backup (the default;
  ///         the caller then writes an NDJSON export instead).
  /// @throws BackendError when copying fails (`file` may be left partial).
  virtual bool backup_to_file(const std::filesystem::path& file);
  /// @brief The engine's own checks of the whole database (storage
  /// integrity, foreign keys, search indexes against their tables, …), one
  /// IntegrityProblem per finding, `check` naming the check. Called for
  /// service actors only; io's verify() adds the data invariants. Default:
  /// no checks, an empty list.
  /// @throws BackendError when a check cannot run.
  virtual std::vector<IntegrityProblem> check_integrity();
};

/// @brief A database opened by Store::open(): makes connections. Thread-safe.
class CUSTMGMT_API Backend {
 public:
  virtual ~Backend();
  /// @brief Short name, e.g. `"sqlite"`.
  virtual std::string name() const = 0;
  /// @brief Opens a connection acting as `actor`.
  /// @throws BackendError.
  virtual std::unique_ptr<Connection> connect(const Actor& actor) = 0;
  /// @brief The migrations of this backend, ascending, embedded at build time.
  virtual const std::vector<Migration>& migrations() const = 0;
  /// @brief Whether StoreOptions::read_replicas is supported (default false).
  virtual bool supports_read_replicas() const { return false; }
  /// @brief Counters for Store::stats() (default: all zero).
  virtual StoreStats stats() const { return {}; }
};

/// @brief Makes a Backend from the URI given to Store::open().
using BackendFactory =
    std::function<std::unique_ptr<Backend>(const std::string& uri, const StoreOptions& options)>;

/// @brief Registers `factory` for URIs starting with `scheme:` (e.g.
/// `"mysql"`). Replaces an earlier registration of the same scheme.
/// Thread-safe.
CUSTMGMT_API void register_backend(const std::string& scheme, BackendFactory factory);

/// @brief Splits search text into lower-case words: maximal runs of ASCII
/// letters and digits and of non-ASCII characters; everything else
/// separates words. At most 32 words are kept.
CUSTMGMT_API std::vector<std::string> search_words(std::string_view text);

/// @brief All words of `text` (not capped at 32) joined by single spaces:
/// the sort and ranking key stored beside company and contact names.
CUSTMGMT_API std::string search_key(std::string_view text);

/// @brief 0 when `name_key == text_key`, 1 when `name_key` starts with
/// `text_key`, else 2. Backends compute the same in SQL.
CUSTMGMT_API int relevance_tier(std::string_view name_key, std::string_view text_key) noexcept;

}  // namespace backend
}  // namespace custmgmt
