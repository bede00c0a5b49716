// Crashes: a child process killed with SIGKILL in the middle of a batched
// import leaves a database that opens and holds only whole batches, with no
// contact whose account is missing. (PostgreSQL's pg_terminate_backend of a
// session mid-transaction -- BackendError, no partial rows, the next call
// reconnects -- is covered by tests/postgres, connections suite.)
#include <chrono>

#include "conformance/fixtures.hpp"
#include "reliability/killed_import.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

BOOST_AUTO_TEST_SUITE(crashes)

BOOST_AUTO_TEST_CASE(a_killed_import_leaves_only_whole_batches) {
  const Store store = open_fresh_store();
  for (const auto extra : {std::chrono::microseconds(0), std::chrono::microseconds(1500),
                           std::chrono::microseconds(7000)}) {
    BOOST_TEST_CONTEXT("killed " << extra.count() << " us after the 2nd commit") {
      const auto run = crash::run_killed_import([&] { return reopen(store); }, 2, extra);
      crash::check_whole_batches(reopen(store), run);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
