#include "backends/postgres/postgres_backend.hpp"

#include <libpq-fe.h>

#include <memory>
#include <string>

#include "backends/postgres/postgres_connection.hpp"
#include "custmgmt/error.hpp"

namespace custmgmt::detail {

namespace {

// Checks the connection string the way libpq will read it, without
// connecting, so that a malformed URI is a ValidationError of Store::open()
// rather than a connection failure later. The message never repeats the
// URI, which may hold a password.
void check_uri(const std::string& uri) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    std::string message = "not a valid PostgreSQL connection URI";
    if (error != nullptr) {
      std::string detail(error);
      while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
      message += ": " + detail;
      PQfreemem(error);
    }
    throw ValidationError({{"uri", "store.uri_invalid", message}});
  }
  PQconninfoFree(options);
}

}  // namespace

PostgresBackend::PostgresBackend(PostgresConfig config)
    : shared_(std::make_shared<Shared>(std::move(config))) {}

PostgresBackend::~PostgresBackend() = default;

std::string PostgresBackend::name() const {
  return "postgresql";
}

std::unique_ptr<backend::Connection> PostgresBackend::connect(const backend::Actor& actor) {
  return std::make_unique<PostgresConnection>(shared_, actor);
}

const std::vector<backend::Migration>& PostgresBackend::migrations() const {
  return postgres_migrations();
}

StoreStats PostgresBackend::stats() const {
  const auto c = counters();
  StoreStats out;
  out.replica_reads = c.replica_reads;
  out.replica_fallbacks = c.replica_fallbacks;
  return out;
}

PostgresStats PostgresBackend::counters() const {
  PostgresStats s;
  s.replica_reads = shared_->replica_reads.load();
  s.replica_fallbacks = shared_->replica_fallbacks.load();
  s.reconnects = shared_->reconnects.load();
  return s;
}

std::unique_ptr<backend::Backend> make_postgres_backend_from_config(PostgresConfig config) {
  check_uri(config.uri);
  for (const auto& replica : config.replica_uris) check_uri(replica);
  return std::make_unique<PostgresBackend>(std::move(config));
}

std::unique_ptr<backend::Backend> make_postgres_backend(const std::string& uri,
                                                        const StoreOptions& options) {
  PostgresConfig config;
  config.uri = uri;
  config.busy_timeout = options.busy_timeout;
  config.replica_uris = options.read_replicas;
  return make_postgres_backend_from_config(std::move(config));
}

}  // namespace custmgmt::detail
