#include "backends/sqlite/sqlite_statement.hpp"

#include <limits>

#include "backends/sqlite/sqlite_error.hpp"
#include "custmgmt/error.hpp"

namespace custmgmt::detail::sqlite {

StatementPtr prepare(sqlite3* db, const std::string& sql, bool persistent) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    persistent ? SQLITE_PREPARE_PERSISTENT : 0, &raw, nullptr);
  StatementPtr stmt(raw);
  if (rc != SQLITE_OK) throw_error(db, rc, "preparing a statement");
  return stmt;
}

BoundStatement::~BoundStatement() {
  // The error of a failed step is reported by step(); reset() repeats it.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int BoundStatement::index_of(const char* name) const {
  const int index = sqlite3_bind_parameter_index(stmt_, name);
  if (index == 0) {
    throw BackendError("backend.error",
                       std::string("sqlite: ") + what_ + ": statement has no parameter " + name,
                       "SQLITE_RANGE");
  }
  return index;
}

void BoundStatement::bind(const char* name, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index_of(name), value);
  if (rc != SQLITE_OK) throw_error(db_, rc, what_);
}

void BoundStatement::bind(const char* name, std::string_view value) {
  if (value.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw_error_message(SQLITE_TOOBIG, what_, "value too large");
  }
  // SQLITE_TRANSIENT: callers bind temporaries (JSON text built on the fly).
  const int rc = sqlite3_bind_text(stmt_, index_of(name), value.data(),
                                   static_cast<int>(value.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw_error(db_, rc, what_);
}

void BoundStatement::bind(const char* name, const std::optional<std::string>& value) {
  if (value) {
    bind(name, std::string_view(*value));
  } else {
    bind_null(name);
  }
}

void BoundStatement::bind_null(const char* name) {
  const int rc = sqlite3_bind_null(stmt_, index_of(name));
  if (rc != SQLITE_OK) throw_error(db_, rc, what_);
}

void BoundStatement::bind_if_used(const char* name, const std::optional<std::string>& value) {
  if (sqlite3_bind_parameter_index(stmt_, name) != 0) bind(name, value);
}

void BoundStatement::bind_if_used(const char* name, std::int64_t value) {
  if (sqlite3_bind_parameter_index(stmt_, name) != 0) bind(name, value);
}

bool BoundStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_error(db_, rc, what_);
}

void BoundStatement::run() {
  while (step()) {
  }
}

std::optional<std::int64_t> BoundStatement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::string BoundStatement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (data == nullptr) return {};
  return std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> BoundStatement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

}  // namespace custmgmt::detail::sqlite
