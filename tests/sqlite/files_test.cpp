// Database files: WAL, sharing between stores, locks, read-only and damaged
// files, and the URI forms the SQLite backend accepts.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "sqlite_test_support.hpp"

namespace custmgmt::sqlite_test {
namespace {

// Runs `action` and returns the BackendError it throws; fails the test when
// it throws something else or nothing.
template <typename Action>
BackendError backend_error_of(Action&& action) {
  try {
    action();
  } catch (const BackendError& e) {
    return e;
  } catch (const std::exception& e) {
    BOOST_ERROR("expected BackendError, got: " << e.what());
    return BackendError("none", "");
  }
  BOOST_ERROR("expected BackendError, nothing was thrown");
  return BackendError("none", "");
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sqlite_files)

BOOST_AUTO_TEST_CASE(a_file_database_is_in_wal_mode) {
  TempDir dir;
  auto store = Store::open("sqlite:" + dir.path("wal.db"));
  RawDb raw(dir.path("wal.db"));
  BOOST_TEST(raw.texts("PRAGMA journal_mode") == std::vector<std::string>{"wal"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(two_stores_on_one_file_see_each_others_writes) {
  TempDir dir;
  const auto path = dir.path("shared.db");
  auto first = Store::open("sqlite:" + path);
  auto second = Store::open(path);  // a plain path is the same file
  auto a1 = first.session(kUserA);
  auto a2 = second.session(kUserA);

  const auto created = a1.accounts().create(make_account("Written by one"));
  BOOST_TEST(a2.accounts().get(created.id).company_name == "Written by one");

  auto changed = a2.accounts().get(created.id);
  changed.company_name = "Changed by two";
  a2.accounts().update(changed);
  BOOST_TEST(a1.accounts().get(created.id).company_name == "Changed by two");
  AccountQuery query;
  query.text = "changed";
  BOOST_TEST(a1.accounts().search(query).items.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_held_write_lock_makes_a_write_fail_busy_after_the_timeout) {
  TempDir dir;
  const auto path = dir.path("busy.db");
  StoreOptions options;
  options.busy_timeout = std::chrono::milliseconds(150);
  auto store = Store::open("sqlite:" + path, options);
  auto session = store.session(kUserA);

  RawDb holder(path);
  holder.exec("BEGIN IMMEDIATE");
  const auto start = std::chrono::steady_clock::now();
  const auto error = backend_error_of([&] { session.accounts().create(make_account("Blocked")); });
  const auto waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
  BOOST_TEST(error.code() == "backend.busy");
  BOOST_TEST(starts_with(error.backend_code(), "SQLITE_BUSY"), error.backend_code());
  BOOST_TEST(waited_ms >= 100);

  holder.exec("ROLLBACK");
  // The session recovers once the lock is gone.
  BOOST_TEST(session.accounts().create(make_account("Unblocked")).id > 0);
}

BOOST_AUTO_TEST_CASE(readers_are_not_blocked_by_a_writer) {
  TempDir dir;
  const auto path = dir.path("readers.db");
  StoreOptions options;
  options.busy_timeout = std::chrono::milliseconds(50);
  auto store = Store::open("sqlite:" + path, options);
  auto session = store.session(kUserA);
  const auto account = session.accounts().create(make_account("Readable"));

  RawDb writer(path);
  writer.exec("BEGIN IMMEDIATE");
  writer.exec("UPDATE customer_accounts SET company_name = 'Uncommitted'");
  BOOST_TEST(session.accounts().get(account.id).company_name == "Readable");
  BOOST_TEST(session.accounts().search().items.size() == 1u);
  writer.exec("ROLLBACK");
}

BOOST_AUTO_TEST_CASE(a_read_only_uri_allows_reads_and_refuses_writes) {
  TempDir dir;
  const auto path = dir.path("ro.db");
  Id id = 0;
  {
    auto store = Store::open("sqlite:" + path);
    id = store.session(kUserA).accounts().create(make_account("Frozen")).id;
  }
  // mode=ro rather than chmod: tests may run as root, whom permissions do
  // not stop.
  auto store = Store::open("file:" + path + "?mode=ro");
  auto session = store.session(kUserA);
  BOOST_TEST(session.accounts().get(id).company_name == "Frozen");

  const auto error = backend_error_of([&] { session.accounts().create(make_account("Nope")); });
  BOOST_TEST(error.code() == "backend.readonly");
  BOOST_TEST(starts_with(error.backend_code(), "SQLITE_READONLY"), error.backend_code());
  // Still usable for reads after the failed write.
  BOOST_TEST(session.accounts().get(id).company_name == "Frozen");
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_database_is_reported_corrupt) {
  TempDir dir;
  const auto path = dir.path("garbage.db");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 8192; ++i) out.put(static_cast<char>((i * 37 + 11) & 0xff));
  }
  const auto error = backend_error_of([&] { Store::open("sqlite:" + path); });
  BOOST_TEST(error.code() == "backend.corrupt");
  BOOST_TEST(error.backend_code() == "SQLITE_NOTADB");
}

BOOST_AUTO_TEST_CASE(a_damaged_page_is_reported_corrupt) {
  TempDir dir;
  const auto path = dir.path("damaged.db");
  {
    auto store = Store::open("sqlite:" + path);
    auto session = store.session(kUserA);
    for (int i = 0; i < 200; ++i) {
      session.accounts().create(make_account("Company number " + std::to_string(i)));
    }
  }
  {
    RawDb raw(path);
    raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    raw.exec("PRAGMA journal_mode = DELETE");
  }
  {
    // Overwrite every page after the schema with garbage, header intact.
    std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
    file.seekg(0, std::ios::end);
    const auto size = static_cast<long>(file.tellg());
    for (long offset = 4096; offset < size; offset += 4096) {
      file.seekp(offset);
      for (int i = 0; i < 4096; ++i) file.put(static_cast<char>(0xa5));
    }
  }
  const auto error = backend_error_of([&] {
    auto store = Store::open("sqlite:" + path);
    auto session = store.session(kUserA);
    session.accounts().search();
  });
  BOOST_TEST(error.code() == "backend.corrupt");
  BOOST_TEST(starts_with(error.backend_code(), "SQLITE_CORRUPT"), error.backend_code());
}

BOOST_AUTO_TEST_CASE(a_missing_directory_is_an_io_error) {
  TempDir dir;
  const auto error =
      backend_error_of([&] { Store::open("sqlite:" + dir.path("no/such/dir/x.db")); });
  BOOST_TEST(error.code() == "backend.io");
  BOOST_TEST(starts_with(error.backend_code(), "SQLITE_CANTOPEN"), error.backend_code());
}

BOOST_AUTO_TEST_CASE(uri_forms_name_the_same_file) {
  TempDir dir;
  const auto path = dir.path("forms.db");  // absolute
  const auto id =
      Store::open("sqlite:" + path).session(kUserA).accounts().create(make_account("Same file")).id;
  for (const std::string& uri :
       std::vector<std::string>{path, "sqlite:" + path, "sqlite://" + path, "file:" + path,
                                "file:" + path + "?mode=rw"}) {
    auto store = Store::open(uri);
    BOOST_TEST(store.session(kUserA).accounts().get(id).company_name == "Same file", uri);
  }
}

BOOST_AUTO_TEST_CASE(an_empty_sqlite_path_is_an_invalid_uri) {
  try {
    Store::open("sqlite:");
    BOOST_ERROR("expected ValidationError");
  } catch (const ValidationError& e) {
    BOOST_TEST(e.errors().at(0).code == "store.uri_invalid");
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace custmgmt::sqlite_test
