// One libpq connection acting as one Actor: the backend::Connection of the
// PostgreSQL backend.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <pqxx/connection>
#include <pqxx/errorhandler>
#include <pqxx/transaction>
#include <string>
#include <utility>
#include <vector>

#include "backends/postgres/postgres_backend.hpp"
#include "backends/postgres/postgres_rows.hpp"
#include "backends/postgres/postgres_statements.hpp"
#include "custmgmt/backend.hpp"

namespace custmgmt::detail {

// Owns one connection to the primary (opened by the constructor) and, when
// replicas are configured, one to a replica (opened on the first read).
// Used by one thread at a time.
//
// Every transaction first switches role and claims (statement cm_actor):
// user actors run as `authenticated` with `request.jwt.claims` naming the
// user, so PostgreSQL's RLS policies decide what they see; service actors run
// as `service_role` (BYPASSRLS), or as the login role itself when it is not
// a member of service_role (a superuser or owner URI, e.g. for migrations on
// a fresh cluster).
//
// A call outside begin()/commit() runs in a transaction of its own. Reads
// outside an explicit transaction go to a replica when one is configured and
// reachable, else to the primary (counted as a fallback).
//
// When the connection is lost, the failing call throws BackendError
// `backend.connection` and the connection is discarded; the next call opens
// a new one (a loss noticed while starting a transaction, where no work can
// be lost, is retried at once on a new connection).
class PostgresConnection final : public backend::Connection {
 public:
  // @throws BackendError when the primary cannot be reached.
  PostgresConnection(std::shared_ptr<PostgresBackend::Shared> shared, backend::Actor actor);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  void savepoint(const std::string& name) override;
  void release_savepoint(const std::string& name) override;
  void rollback_to_savepoint(const std::string& name) override;
  // REPEATABLE READ, READ ONLY, on the primary (SET TRANSACTION before the
  // first statement, so the snapshot is taken by the actor switch).
  void begin_snapshot() override;

  Account insert_account(const Account& account, const std::string& name_key) override;
  // The bulk fast path: one INSERT … SELECT from a JSON array per batch of
  // at most 1000 rows (not COPY: PostgreSQL refuses COPY FROM into a table
  // whose row-level security applies to the role, and COPY returns no rows).
  // The insert policy checks every row, so under RLS each must name the
  // acting user as created_by; one refused row fails the whole call. Runs in
  // the current transaction or in one of its own, so a failure in any batch
  // leaves nothing behind. Returns the stored rows in input order.
  std::vector<Account> insert_accounts(const std::vector<Account>& accounts,
                                       const std::vector<std::string>& name_keys) override;
  std::optional<Account> select_account(Id id) override;
  std::vector<Account> select_accounts_by_name_keys(
      const std::vector<std::string>& name_keys) override;
  std::optional<Account> update_account(const Account& account, const std::string& name_key,
                                        std::int64_t expected_version) override;
  std::optional<Account> set_archived(Id id, bool archived) override;
  bool delete_account(Id id) override;
  std::vector<Account> search_accounts(const backend::AccountSearch& search) override;
  AccountStats account_stats(const backend::StatsSpec& spec) override;

  std::optional<Contact> insert_contact(const Contact& contact,
                                        const std::string& name_key) override;
  // One INSERT … SELECT from a JSON array per batch of at most 1000 rows
  // (as insert_accounts()), joined with customer_accounts under RLS so that
  // rows of invisible accounts drop out. Returns rows in input order.
  std::vector<std::optional<Contact>> insert_contacts(
      const std::vector<Contact>& contacts, const std::vector<std::string>& name_keys) override;
  std::optional<Contact> select_contact(Id id) override;
  std::vector<Contact> select_contacts_of_accounts(const std::vector<Id>& account_ids) override;
  std::optional<Contact> update_contact(const Contact& contact, const std::string& name_key,
                                        std::int64_t expected_version) override;
  bool delete_contact(Id id) override;
  std::optional<Contact> set_primary_contact(Id id) override;
  std::vector<Contact> search_contacts(const backend::ContactSearch& search) override;

  std::vector<int> applied_migrations() override;
  void execute_script(const std::string& sql) override;
  void record_migration(const backend::Migration& migration, bool applied) override;
  void drop_migrations_table() override;

  // No native file backup (backup_to_file keeps
  // the default: io writes an NDJSON export in a snapshot). The checks:
  // indexes left invalid or not ready (a failed CREATE INDEX CONCURRENTLY),
  // constraints NOT VALID, contacts whose account is gone (foreign keys
  // bypassed, e.g. session_replication_role = replica), and row-level
  // security switched off or not forced on the two tables. Search indexes
  // are expression indexes over the rows, so there is no stored tsvector
  // that could drift from its table.
  std::vector<IntegrityProblem> check_integrity() override;

 private:
  // A live libpq connection and what its login role may become.
  struct Link {
    std::unique_ptr<pqxx::connection> conn;
    std::unique_ptr<pqxx::quiet_errorhandler> quiet;  // server notices are not ours to print
    bool can_authenticated = false;
    bool can_service = false;
    ~Link();
  };
  enum class Route { kPrimary, kRead };

  std::unique_ptr<Link> open_link(const std::string& uri);
  Link& primary();
  void discard_primary() noexcept;
  // Starts the transaction tx_ on the primary, retrying once on a fresh
  // connection when the old one turns out to be dead.
  void open_transaction(const char* what, bool snapshot = false);
  void apply_actor(pqxx::transaction_base& tx, const Link& link);
  // Translates the exception in flight and discards the connection when it
  // was lost. Call only inside a catch block.
  [[noreturn]] void fail(const char* what);

  // Runs `work(tx)` in the current transaction, or in one of its own
  // (committed on return); reads may go to a replica.
  template <typename Work>
  auto run(const char* what, Route route, Work&& work)
      -> decltype(work(std::declval<pqxx::transaction_base&>()));

  pqxx::result exec(pqxx::transaction_base& tx, postgres::Stmt id, postgres::Params& params);
  pqxx::result exec(pqxx::transaction_base& tx, postgres::Stmt id);

  std::shared_ptr<PostgresBackend::Shared> shared_;
  backend::Actor actor_;
  std::string claims_;  // JSON for request.jwt.claims, "" for none
  std::unique_ptr<Link> primary_;
  std::unique_ptr<Link> replica_;
  std::unique_ptr<pqxx::work> tx_;  // the explicit or implicit transaction
};

}  // namespace custmgmt::detail
