// Prepared statements: ownership, and one execution with named parameters.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace custmgmt::detail::sqlite {

struct StatementDeleter {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};

// Owns a prepared statement.
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

// Prepares `sql` (one statement) on `db`. `persistent` tells SQLite the
// statement is kept and reused (SQLITE_PREPARE_PERSISTENT).
// @throws BackendError.
StatementPtr prepare(sqlite3* db, const std::string& sql, bool persistent);

// One execution of a prepared statement owned elsewhere (the connection's
// cache). Binds by parameter name, steps, reads columns; on destruction
// resets the statement and clears its bindings so that it holds no lock, no
// user data, and can be reused.
class BoundStatement {
 public:
  // `what` names the operation in error messages (library text only).
  BoundStatement(sqlite3* db, sqlite3_stmt* stmt, const char* what) noexcept
      : db_(db), stmt_(stmt), what_(what) {}
  ~BoundStatement();
  BoundStatement(const BoundStatement&) = delete;
  BoundStatement& operator=(const BoundStatement&) = delete;

  // Each throws BackendError when the statement has no such parameter (a
  // bug in the SQL or the caller), so that no value is silently left NULL.
  void bind(const char* name, std::int64_t value);
  void bind(const char* name, std::string_view value);
  void bind(const char* name, const std::string& value) { bind(name, std::string_view(value)); }
  void bind(const char* name, const std::optional<std::string>& value);
  void bind_null(const char* name);
  // Binds only when the statement uses the parameter (e.g. `:uid`, absent
  // from the service role's statements).
  void bind_if_used(const char* name, const std::optional<std::string>& value);
  void bind_if_used(const char* name, std::int64_t value);

  // Advances: true with a row to read, false when done.
  // @throws the translated custmgmt error.
  bool step();
  // Steps until done (for statements without result rows).
  void run();

  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::optional<std::int64_t> optional_int64(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;

 private:
  int index_of(const char* name) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  const char* what_;
};

}  // namespace custmgmt::detail::sqlite
