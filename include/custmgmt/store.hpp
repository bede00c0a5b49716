/// @file store.hpp
/// @brief Store (an open database), Session (an acting user) and Transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custmgmt/export.hpp"

namespace custmgmt {

class AccountRepository;
class ContactRepository;
class Session;
class Transaction;

namespace detail {
class StoreImpl;
class SessionImpl;
/// @brief The implementation behind a session (library-internal; not part
/// of the API and not exported).
SessionImpl& session_impl(Session& session);
}  // namespace detail

/// @brief Options for Store::open().
struct StoreOptions {
  /// Region (ISO 3166-1 alpha-2) for phone numbers written without `+country`.
  std::string default_region = "US";
  /// How long a session waits for a lock held by another connection before
  /// failing with BackendError code `backend.busy`.
  std::chrono::milliseconds busy_timeout{5000};
  /// Apply pending migrations when opening (as the service role). When false
  /// a store whose schema is behind the library fails to open with
  /// BackendError code `backend.schema_outdated` unless Store::migrate() is
  /// called first through a store opened with `migrate_on_open = true`.
  bool migrate_on_open = true;
  /// Read replicas (PostgreSQL only; other backends reject a non-empty list
  /// with ValidationError `store.option_invalid`). Reads outside a
  /// transaction go to a replica (round robin) and may lag slightly behind
  /// the primary; writes and every statement inside a transaction go to the
  /// primary. When no replica answers, the read falls back to the primary
  /// and StoreStats::replica_fallbacks grows.
  std::vector<std::string> read_replicas;
};

/// @brief Counters of a Store since it was opened (shared by its copies).
struct StoreStats {
  std::uint64_t replica_reads = 0;      ///< Reads served by a read replica.
  std::uint64_t replica_fallbacks = 0;  ///< Reads sent to the primary because no replica answered.
};

/// @brief An open customer database. Cheap to copy: copies share the same
/// underlying database handle and options. Thread-safe: sessions may be opened
/// from any thread.
class CUSTMGMT_API Store {
 public:
  /// @brief Opens (and by default creates and migrates) a store.
  ///
  /// `uri` selects the backend: `sqlite:PATH`, a plain file path, or
  /// `:memory:` (a private in-memory database shared by this store's
  /// sessions) for SQLite; `postgresql://…` / `postgres://…` for PostgreSQL
  /// when built with it. Other schemes are looked up in the backend registry
  /// (see backend.hpp).
  /// @throws ValidationError (`store.uri_invalid`, `phone.region_invalid`) for a
  ///         bad URI or option; BackendError when the database cannot be
  ///         opened or migrated.
  static Store open(std::string_view uri, const StoreOptions& options = {});

  /// @brief Opens a session acting as the user `user_id` (a UUID, the spec's
  /// `auth.uid()`). The user sees and changes only what the spec's policies
  /// allow.
  /// @throws ValidationError (`uuid.invalid`) when `user_id` is not a UUID;
  ///         BackendError when no connection can be made.
  Session session(std::string_view user_id) const;

  /// @brief Opens a session as the service role: sees every row, may act for
  /// any user (Account::created_by), runs imports and cross-user stats.
  /// @param audit_user when set, the UUID recorded as `updated_by` on writes
  ///        (and as `created_by` when the record names none); when unset,
  ///        writes leave `updated_by` as it was.
  /// @throws ValidationError (`uuid.invalid`), BackendError.
  Session service(std::optional<std::string_view> audit_user = std::nullopt) const;

  /// @brief Version of the newest migration applied to the database.
  /// @throws BackendError.
  int schema_version() const;

  /// @brief Version of the newest migration compiled into the library.
  int latest_schema_version() const;

  /// @brief Migrates the schema up or down to `target` (0 removes every
  /// object the migrations created). Each step runs in its own transaction
  /// where the engine allows.
  /// @throws ValidationError (`migration.unknown_version`) for a version that
  ///         does not exist; BackendError when a step fails (the failed step
  ///         is rolled back).
  void migrate(int target) const;

  /// @brief The backend name: `"sqlite"` or `"postgresql"`.
  std::string backend_name() const;

  /// @brief The options the store was opened with.
  const StoreOptions& options() const;

  /// @brief Counters since the store was opened (read-replica routing).
  StoreStats stats() const;

 private:
  explicit Store(std::shared_ptr<detail::StoreImpl> impl);
  std::shared_ptr<detail::StoreImpl> impl_;
};

/// @brief A connection acting as one user or as the service role.
///
/// Move-only. Not thread-safe: use one session per thread (sessions are
/// cheap; each holds its own connection). A session keeps its store's
/// database alive. Every repository call outside an explicit transaction runs
/// in its own transaction.
class CUSTMGMT_API Session {
 public:
  /// @brief Move construction; the moved-from session may only be destroyed.
  Session(Session&&) noexcept;
  /// @brief Move assignment; the moved-from session may only be destroyed.
  Session& operator=(Session&&) noexcept;
  /// @brief Closes the session; a transaction still open is rolled back
  /// (end every Transaction before its session).
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// @brief The accounts of this session. Valid while the session lives.
  AccountRepository& accounts();
  /// @brief The contacts of this session. Valid while the session lives.
  ContactRepository& contacts();

  /// @brief Begins a transaction (a savepoint when one is already open).
  /// Calls made through this session until commit()/rollback() belong to it.
  /// @throws BackendError.
  Transaction transaction();

  /// @brief Begins a read-only snapshot transaction: every read made through
  /// this session until its commit()/rollback() sees the database as it was
  /// when snapshot() returned; what other sessions commit meanwhile stays
  /// invisible to it. PostgreSQL runs it as REPEATABLE READ, READ ONLY
  /// (on the primary, never a read replica); SQLite as a deferred
  /// transaction whose read starts at once, with `PRAGMA query_only`.
  /// A write inside it (also inside a transaction() nested in it) fails with
  /// BackendError `backend.readonly`. End it with commit() or rollback();
  /// neither changes anything.
  ///
  /// Nesting: inside a snapshot transaction, snapshot() and transaction()
  /// open savepoints of the same snapshot. Inside a read-write transaction()
  /// it throws std::logic_error: a savepoint cannot change the isolation of
  /// the transaction around it, so it could not be a snapshot.
  /// @throws BackendError when the transaction cannot start; std::logic_error
  ///         inside a read-write transaction of this session.
  Transaction snapshot();

  /// @brief The acting user, or the audit user of a service session.
  const std::optional<std::string>& user() const;
  /// @brief True for a service-role session.
  bool is_service() const;

 private:
  friend class Store;
  friend detail::SessionImpl& detail::session_impl(Session& session);
  explicit Session(std::unique_ptr<detail::SessionImpl> impl);
  std::unique_ptr<detail::SessionImpl> impl_;
};

/// @brief RAII transaction: rolls back on destruction unless commit() ran.
///
/// Move-only. Transactions nest (as savepoints) and must end in reverse order
/// of creation. After a rollback caused by an exception the session is
/// usable again.
class CUSTMGMT_API Transaction {
 public:
  /// @brief Move construction; the moved-from transaction is no longer active.
  Transaction(Transaction&&) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  /// @brief Rolls back if still active; never throws.
  ~Transaction();

  /// @brief Makes the work permanent (or releases the savepoint).
  /// @throws Conflict or BackendError when the commit fails; the
  ///         transaction is then rolled back. Throws std::logic_error when not
  ///         active or not the innermost transaction.
  void commit();
  /// @brief Undoes the work of this transaction.
  /// @throws BackendError; std::logic_error when not active or not innermost.
  void rollback();
  /// @brief True until commit() or rollback().
  bool active() const noexcept { return session_ != nullptr; }

 private:
  friend class Session;
  Transaction(detail::SessionImpl* session, int depth) : session_(session), depth_(depth) {}
  detail::SessionImpl* session_;
  int depth_;
};

}  // namespace custmgmt
