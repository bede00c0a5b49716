// One SQLite connection acting as one Actor: the backend::Connection of the
// SQLite backend.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "backends/sqlite/sqlite_database.hpp"
#include "backends/sqlite/sqlite_fts.hpp"
#include "backends/sqlite/sqlite_statement.hpp"
#include "backends/sqlite/sqlite_statements.hpp"
#include "backends/sqlite/sqlite_tokenizer.hpp"
#include "custmgmt/backend.hpp"

namespace custmgmt::detail {

// Owns one sqlite3 handle and its prepared statements. Used by one thread at
// a time (the handle is opened without SQLite's mutex). Every statement
// carries the spec's visibility predicates for the actor given at
// construction, which never changes.
class SqliteConnection final : public backend::Connection {
 public:
  SqliteConnection(sqlite::DatabasePtr db, backend::Actor actor);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  void savepoint(const std::string& name) override;
  void release_savepoint(const std::string& name) override;
  void rollback_to_savepoint(const std::string& name) override;
  void begin_snapshot() override;

  Account insert_account(const Account& account, const std::string& name_key) override;
  // One prepared VALUES statement per table reused row by row, the FTS5 and
  // tag rows written by the connection's own statements (see kInsertAccount
  // in sqlite_statements.cpp). Every write is a single-row statement without
  // a statement journal, so run it inside a transaction: a failure leaves
  // earlier rows of the call for the caller's rollback.
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
  // As insert_accounts(); each distinct target account is checked once.
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

  // sqlite_maintenance.cpp: the online backup API from this connection's
  // handle (so it copies what the current snapshot sees, in-memory stores
  // included), and PRAGMA integrity_check, PRAGMA foreign_key_check and
  // FTS5's 'integrity-check' of every full-text table.
  bool backup_to_file(const std::filesystem::path& file) override;
  std::vector<IntegrityProblem> check_integrity() override;

 private:
  // A named statement of this connection, prepared on first use and kept.
  sqlite::BoundStatement statement(sqlite::Sql id, const char* what);
  // A search statement, cached by its text (which depends only on the
  // query's shape).
  sqlite::BoundStatement search_statement(const std::string& sql, const char* what);
  // Binds :uid where the statement checks visibility, :actor_user and :now
  // where it writes.
  void bind_actor(sqlite::BoundStatement& stmt) const;
  void bind_contact_fields(sqlite::BoundStatement& stmt, const Contact& contact,
                           const std::string& name_key);
  // The key emails are compared by: case-folded, nothing else changed.
  std::optional<std::string> email_key(const std::optional<std::string>& email);
  void exec(const std::string& sql, const char* what);

  // Destroyed in reverse order: statements and the tokenizer before the
  // handle they belong to.
  sqlite::DatabasePtr db_;
  backend::Actor actor_;
  bool snapshot_ = false;  // the open transaction is begin_snapshot()'s: query_only is on
  std::array<sqlite::StatementPtr, sqlite::kSqlCount> named_;
  std::unordered_map<std::string, sqlite::StatementPtr> searches_;
  sqlite::FtsQueryBuilder fts_;
  sqlite::Unicode61Tokenizer case_folder_;
};

}  // namespace custmgmt::detail
