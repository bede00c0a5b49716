// Crashes: a child process killed with SIGKILL in the middle of a batched
// import leaves a database that opens and holds only whole batches, with no
// contact whose account is missing: for batches written by hand
// (create_many + add in one transaction) and for custmgmt::import_accounts
// of an NDJSON file. On PostgreSQL the server ends the killed child's
// session and rolls its transaction back. (PostgreSQL's pg_terminate_backend
// of a session mid-transaction -- BackendError, no partial rows, the next
// call reconnects -- is covered by tests/postgres, connections suite.)
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "conformance/context.hpp"
#include "conformance/fixtures.hpp"
#include "reliability/killed_import.hpp"
#include "reliability/raw_sql.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

// Below the library: the file (SQLite) is sound, and no contact lost its
// account. On PostgreSQL, first waits until the server has ended every
// transaction of other sessions on the database (the killed child's).
void check_below_the_library(const Store& store) {
  const bool postgres = backend_label() == "postgresql";
  if (postgres) {
    const std::string open_transactions =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (raw::scalar(store, open_transactions) != "0" &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_TEST(raw::scalar(store, open_transactions) == "0",
               "the killed client's transaction is still open on the server");
  } else {
    BOOST_TEST(raw::scalar(store, "PRAGMA integrity_check") == "ok");
    BOOST_TEST(raw::scalar(store, "PRAGMA foreign_key_check") == "");
  }
  BOOST_TEST(
      raw::scalar(store,
                  "SELECT count(*) FROM customer_contacts c WHERE NOT EXISTS "
                  "(SELECT 1 FROM customer_accounts a WHERE a.id = c.customer_account_id)") == "0");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crashes)

BOOST_AUTO_TEST_CASE(a_killed_import_leaves_only_whole_batches) {
  const Store store = open_fresh_store();
  for (const auto extra : {std::chrono::microseconds(0), std::chrono::microseconds(1500),
                           std::chrono::microseconds(7000)}) {
    BOOST_TEST_CONTEXT("killed " << extra.count() << " us after the 2nd commit") {
      const auto run = crash::run_killed_import([&] { return reopen(store); }, 2, extra);
      check_below_the_library(store);
      crash::check_whole_batches(reopen(store), run);
    }
  }
}

// import_accounts in batches of 100 rows, killed at several points of the
// third batch (and later ones): only whole batches, each account with all
// its contacts from the file; importing the file again completes it.
BOOST_AUTO_TEST_CASE(a_killed_import_accounts_leaves_only_whole_batches) {
  const std::string file = (std::filesystem::temp_directory_path() /
                            ("custmgmt-killed-import-" + std::to_string(getpid()) + ".ndjson"))
                               .string();
  crash::write_import_file(file);
  const std::chrono::microseconds extras[] = {std::chrono::microseconds(0),
                                              std::chrono::microseconds(5000),
                                              std::chrono::microseconds(40000)};
  for (const auto extra : extras) {
    BOOST_TEST_CONTEXT("killed " << extra.count() << " us after the 2nd batch") {
      Store store = open_fresh_store();
      const auto run =
          crash::run_killed_ndjson_import([&] { return reopen(store); }, file, 2, extra);
      check_below_the_library(store);
      const std::size_t kept = crash::check_whole_import_batches(reopen(store), run);
      if (extra == extras[2]) {
        // The same file again: what was kept is matched, the rest created.
        Store again = reopen(store);
        const ImportReport report = crash::import_file(again, file);
        BOOST_TEST(report.rejected == 0u);
        BOOST_TEST(report.accounts_unchanged == kept);
        BOOST_TEST(report.accounts_created == crash::kImportAccounts - kept);
        Session service = again.service();
        BOOST_TEST(search_all(service).size() == static_cast<std::size_t>(crash::kImportAccounts));
      }
    }
  }
  std::filesystem::remove(file);
}

BOOST_AUTO_TEST_SUITE_END()
