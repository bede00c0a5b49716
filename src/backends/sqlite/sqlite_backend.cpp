#include "backends/sqlite/sqlite_backend.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>
#include <utility>

#include "backends/sqlite/sqlite_connection.hpp"
#include "backends/sqlite/sqlite_database.hpp"
#include "custmgmt/error.hpp"

namespace custmgmt::detail {

namespace {

struct Target {
  std::string filename;  // path or file: URI for sqlite3_open_v2
  bool memory = false;
};

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

[[noreturn]] void invalid_uri(const std::string& why) {
  throw ValidationError({{"uri", "store.uri_invalid", why}});
}

// A process-wide unique name in the memdb VFS. Names starting with "/" are
// shared by every connection of the process that opens them; nothing else
// opens ours, so all connections of one backend meet in one database.
std::string memdb_uri(const void* owner) {
  static std::atomic<std::uint64_t> counter{0};
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  return "file:/custmgmt-" + std::to_string(++counter) + "-" +
         std::to_string(reinterpret_cast<std::uintptr_t>(owner)) + "-" + std::to_string(stamp) +
         "?vfs=memdb";
}

Target parse_target(const std::string& uri) {
  if (uri.find('\0') != std::string::npos) invalid_uri("the store URI contains a NUL byte");
  std::string rest = uri;
  if (starts_with_nocase(rest, "sqlite:")) {
    rest.erase(0, 7);
    // "sqlite:///abs/path" and "sqlite://rel/path", for URL-minded callers.
    if (rest.compare(0, 2, "//") == 0) rest.erase(0, 2);
  }
  if (rest.empty()) invalid_uri("the SQLite store URI names no database file");
  Target target;
  // "file::memory:" would give every connection its own private database.
  target.memory = rest == ":memory:" || rest == "file::memory:";
  target.filename = std::move(rest);
  return target;
}

class SqliteBackend final : public backend::Backend {
 public:
  SqliteBackend(const Target& target, std::chrono::milliseconds busy_timeout)
      : filename_(target.memory ? memdb_uri(this) : target.filename),
        memory_(target.memory),
        busy_timeout_(busy_timeout) {
    // Opening once now reports a missing directory, a locked or non-database
    // file at Store::open() and switches a new file to WAL. For memory the
    // handle is kept: memdb frees a database with its last connection.
    auto db = sqlite::open_database(filename_, !memory_, busy_timeout_);
    if (memory_) keeper_ = std::move(db);
  }

  std::string name() const override { return "sqlite"; }

  // Thread-safe: reads only members fixed at construction; the new handle
  // belongs to the returned connection alone.
  std::unique_ptr<backend::Connection> connect(const backend::Actor& actor) override {
    return std::make_unique<SqliteConnection>(
        sqlite::open_database(filename_, !memory_, busy_timeout_), actor);
  }

  const std::vector<backend::Migration>& migrations() const override { return sqlite_migrations(); }

 private:
  const std::string filename_;
  const bool memory_;
  const std::chrono::milliseconds busy_timeout_;
  sqlite::DatabasePtr keeper_;  // never used for statements, only held
};

}  // namespace

std::unique_ptr<backend::Backend> make_sqlite_backend(const std::string& uri,
                                                      const StoreOptions& options) {
  return std::make_unique<SqliteBackend>(parse_target(uri), options.busy_timeout);
}

}  // namespace custmgmt::detail
