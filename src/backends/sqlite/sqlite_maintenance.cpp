// Backup and integrity checks of the SQLite backend (see
// SqliteConnection::backup_to_file / check_integrity).
#include <filesystem>
#include <new>
#include <string>
#include <vector>

#include "backends/sqlite/sqlite_connection.hpp"
#include "backends/sqlite/sqlite_error.hpp"
#include "custmgmt/error.hpp"

namespace custmgmt::detail {

namespace {

// Runs `sql` on `db` and returns each row's columns joined by spaces (NULL
// as "NULL").
std::vector<std::string> text_rows(sqlite3* db, const std::string& sql, const char* what) {
  auto stmt = sqlite::prepare(db, sql, false);
  std::vector<std::string> rows;
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(stmt.get()); ++i) {
      const auto* text = sqlite3_column_text(stmt.get(), i);
      if (i > 0) row += ' ';
      row += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) sqlite::throw_error(db, rc, what);
  return rows;
}

// One line per tag row out of step with its account (see check_integrity()).
constexpr const char* kTagSyncCheckSql =
    "SELECT 'customer_account_tags lacks account ' || a.id || ' tag ' || quote(j.value) "
    "FROM customer_accounts a, json_each(a.tags) j WHERE j.type = 'text' AND NOT EXISTS "
    "(SELECT 1 FROM customer_account_tags t WHERE t.tag = j.value AND t.account_id = a.id) "
    "UNION ALL "
    "SELECT 'customer_account_tags row account ' || t.account_id || ' tag ' || quote(t.tag) || "
    "CASE WHEN a.id IS NULL THEN ' has no account' "
    "WHEN NOT EXISTS (SELECT 1 FROM json_each(a.tags) j WHERE j.type = 'text' AND "
    "j.value = t.tag) THEN ' is not among the account''s tags' "
    "ELSE ' differs from the account in created_at or customer_type' END "
    "FROM customer_account_tags t LEFT JOIN customer_accounts a ON a.id = t.account_id "
    "WHERE a.id IS NULL OR t.created_at IS NOT a.created_at OR "
    "t.customer_type IS NOT a.customer_type OR NOT EXISTS (SELECT 1 FROM json_each(a.tags) j "
    "WHERE j.type = 'text' AND j.value = t.tag) "
    "LIMIT 100";

}  // namespace

bool SqliteConnection::backup_to_file(const std::filesystem::path& file) {
  if (!actor_.service) {
    throw PermissionDenied("permission.denied",
                           "only the service role may copy the whole database file");
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  sqlite::DatabasePtr target(raw);
  if (rc != SQLITE_OK) sqlite::throw_error(target.get(), rc, "opening the backup file");
  sqlite3_backup* job = sqlite3_backup_init(target.get(), "main", db_.get(), "main");
  if (job == nullptr) {
    sqlite::throw_error(target.get(), sqlite3_extended_errcode(target.get()), "backup");
  }
  // One step copies every page under one read transaction of this
  // connection: the snapshot of its current transaction when one is open
  // (backup() opens it), else a snapshot of its own.
  rc = sqlite3_backup_step(job, -1);
  sqlite3_backup_finish(job);
  if (rc != SQLITE_DONE) sqlite::throw_error(target.get(), rc, "backup");
  return true;
}

std::vector<IntegrityProblem> SqliteConnection::check_integrity() {
  if (!actor_.service) {
    throw PermissionDenied("permission.denied",
                           "only the service role may check the whole database");
  }
  std::vector<IntegrityProblem> problems;
  for (const auto& row : text_rows(db_.get(), "PRAGMA integrity_check", "integrity_check")) {
    if (row != "ok") problems.push_back({"integrity_check", row});
  }
  for (const auto& row : text_rows(db_.get(), "PRAGMA foreign_key_check", "foreign_key_check")) {
    problems.push_back({"foreign_key_check", "table rowid parent fkid: " + row});
  }
  // The tag table against the accounts' JSON tags and the columns it copies
  // (migration 0003): a row missing, left over, or with another created_at
  // or customer_type than its account. Rows written by raw SQL that forgot
  // them are the likely cause (the library writes them itself, migration
  // 0002). Reported up to a bound, like integrity_check.
  for (const auto& row : text_rows(db_.get(), kTagSyncCheckSql, "tag_sync_check")) {
    problems.push_back({"tag_sync", row});
  }
  // FTS5's own check compares an index with its content table. It is an
  // INSERT that changes nothing, run in a savepoint rolled back, so it works
  // inside or outside a transaction (not inside a read-only snapshot).
  const auto tables = text_rows(db_.get(),
                                "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                "sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%' ORDER BY name",
                                "listing full-text tables");
  // Inside a snapshot the check needs query_only off for its duration.
  if (snapshot_) exec("PRAGMA query_only = 0", "fts_check");
  exec("SAVEPOINT custmgmt_fts_check", "fts_check");
  try {
    for (const auto& table : tables) {
      // %w: SQLite's own quoting of an identifier.
      char* sql = sqlite3_mprintf("INSERT INTO \"%w\"(\"%w\", rank) VALUES ('integrity-check', 1)",
                                  table.c_str(), table.c_str());
      if (sql == nullptr) throw std::bad_alloc();
      char* error = nullptr;
      const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &error);
      sqlite3_free(sql);
      const std::string message = error != nullptr ? error : sqlite3_errstr(rc);
      sqlite3_free(error);
      // FTS5 reports a mismatch as SQLITE_CORRUPT_VTAB; anything else (busy,
      // I/O) is a failure to check, not a finding.
      if ((rc & 0xff) == SQLITE_CORRUPT) {
        problems.push_back({"fts_sync", table + " is out of sync with its table: " + message});
      } else if (rc != SQLITE_OK) {
        sqlite::throw_error_message(rc, "fts_check", message);
      }
    }
  } catch (...) {
    sqlite3_exec(db_.get(), "ROLLBACK TO custmgmt_fts_check; RELEASE custmgmt_fts_check", nullptr,
                 nullptr, nullptr);
    if (snapshot_) sqlite3_exec(db_.get(), "PRAGMA query_only = 1", nullptr, nullptr, nullptr);
    throw;
  }
  exec("ROLLBACK TO custmgmt_fts_check; RELEASE custmgmt_fts_check", "fts_check");
  if (snapshot_) exec("PRAGMA query_only = 1", "fts_check");
  return problems;
}

}  // namespace custmgmt::detail
