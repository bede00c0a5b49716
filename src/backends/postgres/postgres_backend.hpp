// The PostgreSQL backend (libpqxx): factory and Backend.
//
// Connection policy: every backend::Connection (so every Session, and the
// short-lived service connections of Store::open/migrate/schema_version) owns
// one libpq connection to the primary, opened when the Connection is made and
// closed with it; there is no pool. Connections never share state, so the
// Backend is thread-safe and each Connection is used by one thread at a time.
// The login role of the URI should be NOINHERIT and a member of
// `authenticated` and `service_role` (Supabase's `authenticator` model):
// every transaction switches to `authenticated` with the acting user's JWT
// claims, or to `service_role` for service sessions, with SET LOCAL ROLE, so
// row-level security is enforced by PostgreSQL itself.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "custmgmt/backend.hpp"
#include "custmgmt/store.hpp"

namespace custmgmt::detail {

// Everything a PostgreSQL connection needs to know; immutable once the
// backend is made, shared by its connections.
struct PostgresConfig {
  std::string uri;                               // libpq URI or key=value string of the primary
  std::vector<std::string> replica_uris;         // read replicas, tried in order
  std::chrono::milliseconds busy_timeout{5000};  // becomes lock_timeout
};

// Observable counters of a backend, for tests and monitoring. Thread-safe.
struct PostgresStats {
  std::uint64_t replica_reads = 0;      // reads served by a replica
  std::uint64_t replica_fallbacks = 0;  // reads sent to the primary because no replica answered
  std::uint64_t reconnects = 0;         // connections re-opened after a loss
};

class PostgresBackend final : public backend::Backend {
 public:
  explicit PostgresBackend(PostgresConfig config);
  ~PostgresBackend() override;

  std::string name() const override;
  std::unique_ptr<backend::Connection> connect(const backend::Actor& actor) override;
  const std::vector<backend::Migration>& migrations() const override;

  bool supports_read_replicas() const override { return true; }
  StoreStats stats() const override;

  // A snapshot of the counters of every connection made by this backend.
  PostgresStats counters() const;

  // Configuration and counters, shared with the connections (which may
  // outlive the backend object only while the store is being destroyed).
  struct Shared {
    explicit Shared(PostgresConfig c) : config(std::move(c)) {}
    const PostgresConfig config;
    std::atomic<std::uint64_t> replica_reads{0};
    std::atomic<std::uint64_t> replica_fallbacks{0};
    std::atomic<std::uint64_t> reconnects{0};
    std::atomic<std::size_t> next_replica{0};  // round robin over replica_uris
  };

 private:
  std::shared_ptr<Shared> shared_;
};

// Makes the backend for a `postgresql://` or `postgres://` URI (anything
// libpq accepts). Does not connect: the first Connection does.
// @throws ValidationError (`store.uri_invalid`) for a URI libpq rejects.
std::unique_ptr<backend::Backend> make_postgres_backend(const std::string& uri,
                                                        const StoreOptions& options);

// Same, with settings that have no public StoreOptions field yet.
std::unique_ptr<backend::Backend> make_postgres_backend_from_config(PostgresConfig config);

// The embedded migrations/postgres/*.sql (generated at build time).
const std::vector<backend::Migration>& postgres_migrations();

}  // namespace custmgmt::detail
