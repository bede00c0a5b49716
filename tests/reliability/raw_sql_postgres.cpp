// raw_sql.hpp on PostgreSQL: the superuser on the store's database.
#include <boost/test/unit_test.hpp>

#include <exception>

#include "conformance/context.hpp"
#include "postgres/pg_test_env.hpp"
#include "reliability/raw_sql.hpp"

namespace custmgmt::test::raw {

std::string scalar(const Store& store, const std::string& sql) {
  // postgresql://user:password@host:port/DATABASE?params
  const std::string uri = database_location(store);
  const auto authority = uri.find("://");
  BOOST_REQUIRE(authority != std::string::npos);
  const auto slash = uri.find('/', authority + 3);
  BOOST_REQUIRE(slash != std::string::npos);
  const std::string db = uri.substr(slash + 1, uri.find('?', slash) - slash - 1);
  try {
    return pg::admin_exec(db, sql);
  } catch (const std::exception& e) {
    BOOST_FAIL(sql << ": " << e.what());
  }
  return {};
}

}  // namespace custmgmt::test::raw
