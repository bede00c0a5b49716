// raw_sql.hpp on SQLite: a connection of its own to the store's file.
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>

#include "conformance/context.hpp"
#include "reliability/raw_sql.hpp"

namespace custmgmt::test::raw {

std::string sqlite_scalar(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  const int open_rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  if (open_rc != SQLITE_OK) {
    sqlite3_close(db);
    BOOST_FAIL("cannot open " << path << ": " << sqlite3_errstr(open_rc));
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  std::string result;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  std::string error;
  if (rc == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(stmt, 0);
    result = text != nullptr ? reinterpret_cast<const char*>(text) : "";
  } else if (rc != SQLITE_DONE) {
    error = sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (!error.empty()) BOOST_FAIL(sql << ": " << error);
  return result;
}

std::string scalar(const Store& store, const std::string& sql) {
  return sqlite_scalar(database_location(store), sql);
}

}  // namespace custmgmt::test::raw
