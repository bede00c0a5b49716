#include "sqlite_test_support.hpp"

#include <stdlib.h>

#include <stdexcept>
#include <system_error>
#include <utility>

namespace custmgmt::sqlite_test {

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "custmgmt-sqlite-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a temporary directory");
  }
  dir_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

Account make_account(const std::string& name, std::vector<std::string> tags, CustomerType type) {
  Account account;
  account.company_name = name;
  account.customer_type = type;
  account.tags = std::move(tags);
  return account;
}

Contact make_contact(Id account_id, const std::string& name) {
  Contact contact;
  contact.customer_account_id = account_id;
  contact.contact_name = name;
  return contact;
}

RawDb::RawDb(const std::string& filename, int flags) {
  if (sqlite3_open_v2(filename.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open " + filename + ": " + message);
  }
}

RawDb::~RawDb() {
  sqlite3_close_v2(db_);
}

void RawDb::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error(sql + ": " + text);
  }
}

namespace {
template <typename Row>
void for_each_row(sqlite3* db, const std::string& sql, Row&& row) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    throw std::runtime_error(sql + ": " + message);
  }
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
  const std::string message = sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) throw std::runtime_error(sql + ": " + message);
}
}  // namespace

std::int64_t RawDb::integer(const std::string& sql) {
  std::int64_t value = 0;
  bool first = true;
  for_each_row(db_, sql, [&](sqlite3_stmt* stmt) {
    if (first) value = sqlite3_column_int64(stmt, 0);
    first = false;
  });
  return value;
}

std::vector<std::string> RawDb::texts(const std::string& sql) {
  std::vector<std::string> out;
  for_each_row(db_, sql, [&](sqlite3_stmt* stmt) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    out.emplace_back(text != nullptr ? text : "NULL");
  });
  return out;
}

}  // namespace custmgmt::sqlite_test
