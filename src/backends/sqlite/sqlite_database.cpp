#include "backends/sqlite/sqlite_database.hpp"

#include <algorithm>
#include <climits>
#include <string>

#include "backends/sqlite/sqlite_error.hpp"
#include "backends/sqlite/sqlite_statements.hpp"

namespace custmgmt::detail::sqlite {

namespace {

void exec(sqlite3* db, const char* sql, const char* what) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw_error(db, rc, what);
}

// The journal mode a `PRAGMA journal_mode...` statement reports.
std::string journal_mode(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    throw_error(db, rc, "reading the journal mode");
  }
  std::string mode;
  rc = sqlite3_step(raw);
  if (rc == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    if (text != nullptr) mode = text;
  } else if (rc != SQLITE_DONE) {
    // Keep the connection's error message: finalize() would not replace it,
    // but read it before anything else runs.
    const int code = sqlite3_extended_errcode(db);
    const std::string message = sqlite3_errmsg(db);
    sqlite3_finalize(raw);
    throw_error_message(code, "opening the database", message);
  }
  sqlite3_finalize(raw);
  return mode;
}

}  // namespace

DatabasePtr open_database(const std::string& filename, bool enable_wal,
                          std::chrono::milliseconds busy_timeout) {
  // NOMUTEX: a connection is used by one thread at a time (the seam's
  // contract), so SQLite's per-connection mutex is not needed.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
#ifdef SQLITE_OPEN_EXRESCODE
  flags |= SQLITE_OPEN_EXRESCODE;
#endif
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(filename.c_str(), &raw, flags, nullptr);
  DatabasePtr db(raw);
  if (rc != SQLITE_OK) throw_error(db.get(), rc, "opening the database");

  sqlite3_extended_result_codes(db.get(), 1);
  // Busy handling: a connection that finds the database locked by another
  // connection (of this or another process) retries with back-off for up to
  // StoreOptions::busy_timeout, then fails with SQLITE_BUSY, reported as
  // BackendError `backend.busy`. Transactions begin IMMEDIATE, so the wait
  // happens at BEGIN, before any work, and never at a read-to-write upgrade
  // where SQLite would have to fail at once to avoid a deadlock.
  const auto ms = std::clamp<std::chrono::milliseconds::rep>(busy_timeout.count(), 0, INT_MAX);
  sqlite3_busy_timeout(db.get(), static_cast<int>(ms));
  // Defensive: no writable_schema tricks or other ways for SQL to corrupt
  // the file. DQS off: a misspelt identifier in "quotes" is an error, not a
  // string literal.
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  exec(db.get(), kForeignKeysOnSql, "enabling foreign keys");

  // Also the first read of the file: garbage fails here with SQLITE_NOTADB.
  std::string mode = journal_mode(db.get(), kJournalModeSql);
  if (enable_wal && mode != "wal" && sqlite3_db_readonly(db.get(), "main") == 0) {
    // WAL: readers do not block the writer nor it them. The mode is stored
    // in the file, so this runs once per database.
    mode = journal_mode(db.get(), kJournalModeWalSql);
  }
  if (mode == "wal") {
    // In WAL mode NORMAL cannot corrupt the database; it only risks losing
    // the last commits on power loss, and saves an fsync per commit.
    exec(db.get(), kSynchronousNormalSql, "setting synchronous");
  }
  return db;
}

}  // namespace custmgmt::detail::sqlite
