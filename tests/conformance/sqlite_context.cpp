// SQLite context of the conformance suite: every fresh store is a new database
// file in a per-process temporary directory, so the sessions of a store are
// real, separate connections. The directory is removed at exit (kept when
// CUSTMGMT_KEEP_TEST_DB is set). It is made under $CUSTMGMT_TEST_DIR, else
// /dev/shm when present (durability is not under test, and skipping fsync
// makes the suite several times faster), else the system temporary directory.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>

#include "conformance/context.hpp"

namespace custmgmt::test {
namespace {

std::filesystem::path base_directory() {
  if (const char* dir = std::getenv("CUSTMGMT_TEST_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0) {
    return "/dev/shm";
  }
  return std::filesystem::temp_directory_path();
}

class TempDatabases {
 public:
  ~TempDatabases() {
    if (dir_.empty() || std::getenv("CUSTMGMT_KEEP_TEST_DB") != nullptr) return;
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string next_path() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (dir_.empty()) {
      std::string pattern = (base_directory() / "custmgmt-conformance-XXXXXX").string();
      if (mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("cannot create a temporary directory for test databases");
      }
      dir_ = pattern;
    }
    return (dir_ / ("store-" + std::to_string(++counter_) + ".db")).string();
  }

  // Stores are identified by the address of their options, which every copy
  // of a Store shares with the handle it was copied from.
  void remember(const Store& store, const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    paths_[&store.options()] = path;
  }

  std::string path_of(const Store& store) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = paths_.find(&store.options());
    if (it == paths_.end()) throw std::logic_error("reopen: store not opened by this context");
    return it->second;
  }

 private:
  std::mutex mutex_;
  std::filesystem::path dir_;
  int counter_ = 0;
  std::map<const StoreOptions*, std::string> paths_;
};

TempDatabases& databases() {
  static TempDatabases instance;
  return instance;
}

Store open_path(const std::string& path, const StoreOptions& options) {
  Store store = Store::open("sqlite:" + path, options);
  databases().remember(store, path);
  return store;
}

}  // namespace

Store open_fresh_store(const StoreOptions& options) {
  return open_path(databases().next_path(), options);
}

Store reopen(const Store& store) {
  return open_path(databases().path_of(store), store.options());
}

std::string backend_label() {
  return "sqlite";
}

std::string database_location(const Store& store) {
  return databases().path_of(store);
}

}  // namespace custmgmt::test
