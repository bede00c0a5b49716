// The migration runner, shared by every backend: each step runs in its own
// transaction and re-reads the applied versions inside it, so two processes
// opening the same new database do not apply a step twice.
#include <algorithm>
#include <string>
#include <vector>

#include "custmgmt/error.hpp"
#include "domain/session_impl.hpp"

namespace custmgmt::detail {

namespace {
bool applied(const std::vector<int>& versions, int v) {
  return std::find(versions.begin(), versions.end(), v) != versions.end();
}

template <typename Step>
void in_own_transaction(backend::Connection& conn, Step&& step) {
  conn.begin();
  try {
    step();
    conn.commit();
  } catch (...) {
    conn.rollback();
    throw;
  }
}
}  // namespace

int current_schema_version(backend::Connection& conn) {
  int version = 0;
  in_own_transaction(conn, [&] {
    const auto versions = conn.applied_migrations();
    version = versions.empty() ? 0 : versions.back();
  });
  return version;
}

void run_migrations(backend::Connection& conn, const std::vector<backend::Migration>& migrations,
                    int target) {
  const int latest = static_cast<int>(migrations.size());
  if (target < 0 || target > latest) {
    throw ValidationError({{"target", "migration.unknown_version",
                            "no migration has version " + std::to_string(target) + " (latest is " +
                                std::to_string(latest) + ")"}});
  }
  const int current = current_schema_version(conn);
  if (current > latest) {
    throw BackendError("backend.schema_newer",
                       "the database schema (version " + std::to_string(current) +
                           ") is newer than this library knows (" + std::to_string(latest) + ")");
  }
  for (int v = current + 1; v <= target; ++v) {
    const auto& m = migrations[static_cast<std::size_t>(v - 1)];
    in_own_transaction(conn, [&] {
      if (applied(conn.applied_migrations(), v)) return;
      conn.execute_script(m.up);
      conn.record_migration(m, true);
    });
  }
  for (int v = current; v > target; --v) {
    const auto& m = migrations[static_cast<std::size_t>(v - 1)];
    in_own_transaction(conn, [&] {
      if (!applied(conn.applied_migrations(), v)) return;
      conn.execute_script(m.down);
      conn.record_migration(m, false);
    });
  }
  if (target == 0) {
    in_own_transaction(conn, [&] { conn.drop_migrations_table(); });
  }
}

}  // namespace custmgmt::detail
