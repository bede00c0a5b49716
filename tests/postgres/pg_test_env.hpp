// The PostgreSQL server the tests use, and a per-process pool of test
// databases on it.
//
// The server comes from the environment, as `scripts/pg-cluster start`
// prints it:
//   CUSTMGMT_TEST_PG_URI                the application login (NOINHERIT, member
//                                       of authenticated and service_role; no
//                                       rights of its own), e.g.
//                                       postgresql://u:p@127.0.0.1:5432/db
//   CUSTMGMT_TEST_PG_ADMIN_URI          a superuser, for fixtures (CREATE
//                                       DATABASE, TRUNCATE, pg_terminate_backend)
// and, for the read_replicas suite of postgres_test only:
//   CUSTMGMT_TEST_PG_REPLICA_URI        the application login on a streaming
//                                       replica of the same cluster
//   CUSTMGMT_TEST_PG_REPLICA_ADMIN_URI  a superuser on that replica (pauses WAL
//                                       replay)
//   CUSTMGMT_TEST_PG_REPLICA_DIR        the replica's data directory, which the
//                                       test stops and starts with pg_ctl
//   CUSTMGMT_TEST_PG_BIN                pg_ctl's directory (default
//                                       /usr/lib/postgresql/15/bin)
// To use an existing server, set these yourself (URI form only: the
// database name is swapped per test database); docs/postgresql.md says what
// the server needs. Without them every PostgreSQL test fails with a message
// saying so: nothing is skipped.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
}

namespace custmgmt::test::pg {

// The variable's value; throws std::runtime_error naming it when unset.
std::string required_env(const char* name);
std::optional<std::string> optional_env(const char* name);

// `uri` (postgresql://…/olddb?params) with its database replaced by `db`.
std::string with_database(const std::string& uri, const std::string& db);

// Databases private to this process, named cm_test_<pid>_<n>, owned by
// service_role (so that the library's migrations, run as service_role, may
// create objects), created on first use and dropped at exit.
class DatabasePool {
 public:
  DatabasePool();
  ~DatabasePool();
  // The name of a database that is empty and migrated to the latest schema.
  // Databases are reused round-robin among `kSlots`, so that many stores
  // from one test (up to kSlots) are still independent; reusing one
  // truncates it (and ends connections left to it) instead of creating a new
  // database, which costs a checkpoint each time.
  std::string fresh_database();
  // Drops the databases and closes the connections. Call before exit (a
  // Boost.Test global fixture does): at static destruction time libpq's
  // OpenSSL has already been cleaned up, and connecting crashes.
  void drop_all() noexcept;
  static constexpr int kSlots = 4;

 private:
  struct Slot;
  int next_ = 0;
  std::vector<std::unique_ptr<Slot>> slots_;  // created so far
};

DatabasePool& pool();

// Boost.Test global fixture that calls pool().drop_all() at the end.
struct DropTestDatabases {
  DropTestDatabases() = default;
  ~DropTestDatabases() { pool().drop_all(); }
};

// Runs SQL as the superuser on database `db` (no parameters: fixture SQL
// only). Returns the first column of the first row, or "" when none.
std::string admin_exec(const std::string& db, const std::string& sql);

}  // namespace custmgmt::test::pg
