// PostgreSQL context of the conformance suite: every fresh store is a
// database of this process's pool (tests/postgres/pg_test_env.hpp), emptied
// and migrated, opened through the application login role, so row-level
// security is PostgreSQL's own. Needs CUSTMGMT_TEST_PG_URI and
// CUSTMGMT_TEST_PG_ADMIN_URI (scripts/pg-cluster prints them); without them
// every test fails, none is skipped.
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include <boost/test/unit_test.hpp>

#include "conformance/context.hpp"
#include "postgres/pg_test_env.hpp"

namespace custmgmt::test {
namespace {

// Stores are identified by the address of their options, which every copy
// of a Store shares with the handle it was copied from.
class OpenedStores {
 public:
  void remember(const Store& store, const std::string& uri) {
    std::lock_guard<std::mutex> lock(mutex_);
    uris_[&store.options()] = uri;
  }
  std::string uri_of(const Store& store) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = uris_.find(&store.options());
    if (it == uris_.end()) throw std::logic_error("reopen: store not opened by this context");
    return it->second;
  }

 private:
  std::mutex mutex_;
  std::map<const StoreOptions*, std::string> uris_;
};

OpenedStores& opened() {
  static OpenedStores instance;
  return instance;
}

Store open_uri(const std::string& uri, const StoreOptions& options) {
  Store store = Store::open(uri, options);
  opened().remember(store, uri);
  return store;
}

}  // namespace

// Drops this process's test databases when the suite ends.
using DropTestDatabases = pg::DropTestDatabases;
BOOST_TEST_GLOBAL_FIXTURE(DropTestDatabases);

Store open_fresh_store(const StoreOptions& options) {
  const std::string db = pg::pool().fresh_database();
  return open_uri(pg::with_database(pg::required_env("CUSTMGMT_TEST_PG_URI"), db), options);
}

Store reopen(const Store& store) {
  return open_uri(opened().uri_of(store), store.options());
}

std::string backend_label() {
  return "postgresql";
}

std::string database_location(const Store& store) {
  return opened().uri_of(store);
}

}  // namespace custmgmt::test
