// Code shown in docs/migrations.md, built and run by ctest (docs_snippet_migrations).
//   migrations WORK_DIR
#include <custmgmt/custmgmt.hpp>

#include <filesystem>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "snippet-data";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  try {
    // [migrate]
    // A store opened with the defaults is created and migrated to the newest schema.
    auto store = custmgmt::Store::open(dir + "/migrations.db");
    std::cout << store.schema_version() << " of " << store.latest_schema_version() << "\n";

    // Roll back to nothing (every table, index, trigger and policy the
    // migrations created is dropped, with the data), then up again.
    store.migrate(0);
    std::cout << store.schema_version() << "\n";  // 0
    store.migrate(store.latest_schema_version());
    // [migrate]
    if (store.schema_version() != store.latest_schema_version()) return 1;

    // [no-auto-migrate]
    // Deployments that migrate as a separate step open with migrate_on_open =
    // false: a schema behind the library is then an error, not a silent change.
    store.migrate(0);
    custmgmt::StoreOptions options;
    options.migrate_on_open = false;
    try {
      custmgmt::Store::open(dir + "/migrations.db", options);
    } catch (const custmgmt::BackendError& e) {
      std::cout << e.code() << "\n";  // backend.schema_outdated
    }
    // [no-auto-migrate]

    // [unknown-version]
    try {
      store.migrate(99);
    } catch (const custmgmt::ValidationError& e) {
      std::cout << e.errors().front().code << "\n";  // migration.unknown_version
    }
    // [unknown-version]
  } catch (const custmgmt::Error& e) {
    std::cerr << "error (" << e.code() << "): " << e.what() << "\n";
    return 1;
  }
  return 0;
}
