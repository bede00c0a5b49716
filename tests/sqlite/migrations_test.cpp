// The SQLite migrations: up, down and up again, and nothing left behind.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "sqlite_test_support.hpp"

namespace custmgmt::sqlite_test {
namespace {

// Every schema object, with its SQL, in a stable order.
std::vector<std::string> schema_of(RawDb& raw) {
  return raw.texts(
      "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master "
      "ORDER BY type, name");
}

// What a full rollback may leave: SQLite creates sqlite_sequence for
// AUTOINCREMENT tables and refuses to drop it.
std::vector<std::string> objects_other_than_sqlite_sequence(RawDb& raw) {
  return raw.texts(
      "SELECT type || ' ' || name FROM sqlite_master WHERE name <> 'sqlite_sequence' "
      "ORDER BY type, name");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sqlite_migrations)

BOOST_AUTO_TEST_CASE(a_new_file_is_created_at_the_latest_version) {
  TempDir dir;
  auto store = Store::open("sqlite:" + dir.path("new.db"));
  BOOST_TEST(store.backend_name() == "sqlite");
  BOOST_TEST(store.latest_schema_version() >= 1);
  BOOST_TEST(store.schema_version() == store.latest_schema_version());

  RawDb raw(dir.path("new.db"));
  const auto tables = raw.texts("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1");
  for (const char* expected :
       {"customer_accounts", "customer_contacts", "customer_account_tags", "customer_accounts_fts",
        "customer_contacts_fts", "schema_migrations"}) {
    BOOST_TEST((std::find(tables.begin(), tables.end(), expected) != tables.end()),
               "missing table " << expected);
  }
  BOOST_TEST(raw.integer("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = "
                         "'idx_customer_contacts_primary' AND sql LIKE '%UNIQUE%'") == 1);
}

BOOST_AUTO_TEST_CASE(a_full_rollback_leaves_no_schema_object) {
  TempDir dir;
  const auto path = dir.path("down.db");
  auto store = Store::open("sqlite:" + path);
  auto session = store.session(kUserA);
  const auto account = session.accounts().create(make_account("Acme", {"vip"}));
  session.contacts().add(make_contact(account.id, "Jane Doe"));

  store.migrate(0);
  BOOST_TEST(store.schema_version() == 0);

  RawDb raw(path);
  // schema_version() above recreated the empty bookkeeping table, like any
  // caller asking for the version would; drop it to look at what the
  // migrations themselves leave.
  raw.exec("DROP TABLE IF EXISTS schema_migrations");
  BOOST_TEST(objects_other_than_sqlite_sequence(raw).empty());
  BOOST_TEST(raw.integer("SELECT count(*) FROM sqlite_sequence") == 0);
}

BOOST_AUTO_TEST_CASE(the_migrations_table_is_dropped_by_a_rollback_to_zero) {
  TempDir dir;
  const auto path = dir.path("bookkeeping.db");
  auto store = Store::open("sqlite:" + path);
  store.migrate(0);
  RawDb raw(path);
  BOOST_TEST(objects_other_than_sqlite_sequence(raw).empty());
}

BOOST_AUTO_TEST_CASE(up_down_up_gives_the_schema_of_a_new_database) {
  TempDir dir;
  auto fresh = Store::open("sqlite:" + dir.path("fresh.db"));
  RawDb fresh_raw(dir.path("fresh.db"));
  const auto expected = schema_of(fresh_raw);

  const auto path = dir.path("cycled.db");
  auto store = Store::open("sqlite:" + path);
  {
    auto session = store.session(kUserA);
    session.accounts().create(make_account("Before", {"x"}));
  }
  store.migrate(0);
  store.migrate(store.latest_schema_version());
  BOOST_TEST(store.schema_version() == store.latest_schema_version());

  RawDb raw(path);
  BOOST_TEST(schema_of(raw) == expected, boost::test_tools::per_element());

  // And it works: triggers, FTS and tag table are back.
  auto session = store.session(kUserA);
  const auto account = session.accounts().create(make_account("Zenith Works", {"vip"}));
  AccountQuery query;
  query.text = "zen";
  BOOST_TEST(session.accounts().search(query).items.size() == 1u);
  query = AccountQuery{};
  query.tags_any = {"vip"};
  BOOST_TEST(session.accounts().search(query).items.size() == 1u);
  BOOST_TEST(raw.integer("SELECT count(*) FROM customer_accounts") == 1);
  BOOST_TEST(account.version == 1);
}

BOOST_AUTO_TEST_CASE(each_down_script_undoes_exactly_its_up_script) {
  TempDir dir;
  const auto path = dir.path("steps.db");
  auto store = Store::open("sqlite:" + path);
  const int latest = store.latest_schema_version();
  store.migrate(0);
  RawDb raw(path);
  for (int v = 1; v <= latest; ++v) {
    store.migrate(v - 1);
    const auto before = schema_of(raw);
    store.migrate(v);
    store.migrate(v - 1);
    BOOST_TEST(schema_of(raw) == before, boost::test_tools::per_element());
    store.migrate(v);
  }
}

BOOST_AUTO_TEST_CASE(a_memory_store_migrates_down_and_up) {
  auto store = Store::open(":memory:");
  store.migrate(0);
  BOOST_TEST(store.schema_version() == 0);
  store.migrate(store.latest_schema_version());
  auto session = store.session(kUserA);
  BOOST_TEST(session.accounts().create(make_account("Acme")).id == 1);
}

BOOST_AUTO_TEST_CASE(a_store_behind_the_library_does_not_open_without_migrating) {
  TempDir dir;
  const auto path = dir.path("behind.db");
  Store::open("sqlite:" + path).migrate(0);
  StoreOptions options;
  options.migrate_on_open = false;
  try {
    Store::open("sqlite:" + path, options);
    BOOST_ERROR("expected backend.schema_outdated");
  } catch (const BackendError& e) {
    BOOST_TEST(e.code() == "backend.schema_outdated");
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace custmgmt::sqlite_test
