#include "postgres/pg_test_env.hpp"

#include <unistd.h>

#include <cstdlib>
#include <pqxx/connection>
#include <pqxx/errorhandler>
#include <pqxx/nontransaction>
#include <stdexcept>

#include "custmgmt/store.hpp"

namespace custmgmt::test::pg {

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string("PostgreSQL tests need ") + name +
                             " (start a cluster with: eval \"$(scripts/pg-cluster start DIR)\")");
  }
  return value;
}

std::optional<std::string> optional_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string with_database(const std::string& uri, const std::string& db) {
  const auto scheme = uri.find("://");
  if (scheme == std::string::npos) {
    throw std::runtime_error("the test PostgreSQL URIs must be postgresql:// URIs");
  }
  const auto query = uri.find('?', scheme + 3);
  const auto slash = uri.find('/', scheme + 3);
  const std::string base =
      uri.substr(0, slash != std::string::npos && slash < query ? slash : query);
  const std::string params = query == std::string::npos ? "" : uri.substr(query);
  return base + "/" + db + params;
}

std::string admin_exec(const std::string& db, const std::string& sql) {
  pqxx::connection conn(with_database(required_env("CUSTMGMT_TEST_PG_ADMIN_URI"), db));
  pqxx::quiet_errorhandler quiet(conn);
  pqxx::nontransaction tx(conn);
  const auto r = tx.exec(sql);
  if (r.empty() || r.columns() == 0 || r[0][0].is_null()) return {};
  return r[0][0].c_str();
}

namespace {
std::string slot_name(std::size_t slot) {
  return "cm_test_" + std::to_string(::getpid()) + "_" + std::to_string(slot);
}
}  // namespace

// A superuser connection kept open to the slot's database: connections are
// the slow part of a reset (a new backend process each).
struct DatabasePool::Slot {
  explicit Slot(const std::string& name)
      : name(name),
        admin(with_database(required_env("CUSTMGMT_TEST_PG_ADMIN_URI"), name)),
        quiet(admin) {}
  std::string name;
  pqxx::connection admin;
  pqxx::quiet_errorhandler quiet;
};

DatabasePool::DatabasePool() = default;

DatabasePool::~DatabasePool() = default;

void DatabasePool::drop_all() noexcept {
  const std::size_t count = slots_.size();
  slots_.clear();
  next_ = 0;
  if (std::getenv("CUSTMGMT_KEEP_TEST_DB") != nullptr) return;
  for (std::size_t slot = 0; slot < count; ++slot) {
    try {
      admin_exec("postgres", "DROP DATABASE IF EXISTS " + slot_name(slot) + " WITH (FORCE)");
    } catch (...) {
      // The cluster may be gone already; it is throwaway.
    }
  }
}

std::string DatabasePool::fresh_database() {
  const std::size_t slot = static_cast<std::size_t>(next_);
  next_ = (next_ + 1) % kSlots;
  bool migrated = false;
  if (slot >= slots_.size()) {
    const std::string name = slot_name(slot);
    admin_exec("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    admin_exec("postgres", "CREATE DATABASE " + name + " OWNER service_role");
    slots_.push_back(std::make_unique<Slot>(name));
  } else {
    // Ends connections a previous test left (none, normally), then empties
    // the tables. A test may have migrated down: then there is nothing to
    // empty and the database is migrated again below.
    pqxx::nontransaction tx(slots_[slot]->admin);
    const auto r = tx.exec(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid(); "
        "DO $$ BEGIN IF to_regclass('customer_accounts') IS NOT NULL THEN "
        "TRUNCATE customer_contacts, customer_accounts RESTART IDENTITY CASCADE; END IF; "
        "IF to_regclass('auth.users') IS NOT NULL THEN TRUNCATE auth.users CASCADE; "
        "END IF; END $$; "
        "SELECT to_regclass('customer_accounts') IS NOT NULL "
        "AND to_regclass('schema_migrations') IS NOT NULL");
    migrated = r.at(0)[0].as<bool>();
  }
  const std::string& name = slots_[slot]->name;
  // Migrates through the library, as the application role (service_role).
  if (!migrated) Store::open(with_database(required_env("CUSTMGMT_TEST_PG_URI"), name));
  return name;
}

DatabasePool& pool() {
  static DatabasePool instance;
  return instance;
}

}  // namespace custmgmt::test::pg
