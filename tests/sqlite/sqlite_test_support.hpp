// Helpers of the SQLite backend tests: temporary database files, records,
// and a raw sqlite3 connection to look behind the public API.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "custmgmt/custmgmt.hpp"

namespace custmgmt::sqlite_test {

inline const std::string kUserA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
inline const std::string kUserB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

// A fresh temporary directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // A path inside the directory.
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

// A valid account.
Account make_account(const std::string& name, std::vector<std::string> tags = {},
                     CustomerType type = CustomerType::Commercial);

// A valid contact of `account_id`.
Contact make_contact(Id account_id, const std::string& name);

// A raw connection to a database file (or URI), for inspecting what the
// library stored and for holding locks. Throws std::runtime_error on errors.
class RawDb {
 public:
  explicit RawDb(const std::string& filename, int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI);
  ~RawDb();
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void exec(const std::string& sql);
  // The first column of the first row as an integer (0 when no row).
  std::int64_t integer(const std::string& sql);
  // The first column of every row as text ("NULL" for NULL).
  std::vector<std::string> texts(const std::string& sql);
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace custmgmt::sqlite_test
