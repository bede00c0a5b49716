// Per-backend context of the conformance suite (SOCI-style): the suite is
// written once against the public API; each backend provides one small
// context file implementing these functions, linked into its own
// executable (conformance_sqlite, conformance_postgres).
#pragma once

#include <string>

#include "custmgmt/store.hpp"

namespace custmgmt::test {

// Opens a fresh, empty, fully migrated store private to the calling test.
// Two calls return two independent stores. For file-backed or server
// backends, sessions opened from the returned store use separate real
// connections to the same database.
custmgmt::Store open_fresh_store(const custmgmt::StoreOptions& options = {});

// Opens a second Store handle (its own backend instance and connections) on
// the same database as `store`, as a second process would.
custmgmt::Store reopen(const custmgmt::Store& store);

// "sqlite" or "postgresql".
std::string backend_label();

// Where a store of this context lives, for tests that look below the
// library: the SQLite file's path, or the PostgreSQL URI (application role)
// naming its database.
std::string database_location(const custmgmt::Store& store);

}  // namespace custmgmt::test
