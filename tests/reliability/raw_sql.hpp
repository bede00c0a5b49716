// SQL run below the library on a store of the conformance contexts
// (conformance/context.hpp), for checks the public API cannot make: on
// SQLite a raw connection to the store's file, on PostgreSQL the superuser
// on the store's database. One implementation per backend:
// raw_sql_sqlite.cpp (reliability_sqlite), raw_sql_postgres.cpp
// (reliability_postgres).
#pragma once

#include <string>

#include "custmgmt/store.hpp"

namespace custmgmt::test::raw {

// The first column of the first row of `sql` as text ("" when there is no
// row or it is NULL). A failing statement fails the test (BOOST_REQUIRE).
std::string scalar(const Store& store, const std::string& sql);

// The same on the SQLite file at `path` (reliability_sqlite only).
std::string sqlite_scalar(const std::string& path, const std::string& sql);

}  // namespace custmgmt::test::raw
