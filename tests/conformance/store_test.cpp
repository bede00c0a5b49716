// The Store: a second handle on the same database, schema migrations, and
// opening sessions.
#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

BOOST_FIXTURE_TEST_SUITE(store_handle, Fixture)

BOOST_AUTO_TEST_CASE(backend_name_matches_the_context) {
  BOOST_TEST(store.backend_name() == backend_label());
}

BOOST_AUTO_TEST_CASE(second_store_handle_sees_committed_data) {
  Account created = create_account(a, "Shared Co");
  Contact contact = a.contacts().add(make_contact(created.id, "Shared Contact", "s@example.com"));

  Store second = reopen(store);
  BOOST_TEST(second.schema_version() == store.schema_version());
  Session a2 = second.session(kUserA);
  BOOST_TEST(a2.accounts().get(created.id) == created);
  BOOST_TEST(a2.contacts().get(contact.id) == contact);
  Session b2 = second.session(kUserB);
  BOOST_TEST(b2.accounts().find(created.id) == std::nullopt);

  // Writes through the second handle are seen through the first.
  Account edit = created;
  edit.account_notes = "from the second handle";
  Account updated = a2.accounts().update(edit);
  BOOST_TEST(a.accounts().get(created.id) == updated);
  Account other = create_account(a2, "Second Handle Co");
  BOOST_TEST(a.accounts().get(other.id) == other);
}

BOOST_AUTO_TEST_CASE(second_store_handle_sees_nothing_uncommitted) {
  Store second = reopen(store);
  Session a2 = second.session(kUserA);
  Id id = 0;
  {
    auto tx = a.transaction();
    id = create_account(a, "Pending Co").id;
    BOOST_TEST(!a2.accounts().find(id).has_value());
    tx.commit();
  }
  BOOST_TEST(a2.accounts().find(id).has_value());
}

BOOST_AUTO_TEST_CASE(copies_of_a_store_share_the_database) {
  Store copy = store;
  Session a2 = copy.session(kUserA);
  Account created = create_account(a2, "Copy Co");
  BOOST_TEST(a.accounts().get(created.id) == created);
}

BOOST_AUTO_TEST_CASE(fresh_stores_are_independent) {
  create_account(a, "Only Here");
  Store other = open_fresh_store();
  Session s = other.service();
  BOOST_TEST(search_all(s).empty());
}

BOOST_AUTO_TEST_CASE(session_needs_a_uuid) {
  CHECK_VALIDATION_CODES(store.session("nope"), {"uuid.invalid"});
  CHECK_VALIDATION_CODES(store.service(std::string_view("nope")), {"uuid.invalid"});
}

BOOST_AUTO_TEST_CASE(options_are_kept) {
  StoreOptions options;
  options.default_region = "DE";
  Store german = open_fresh_store(options);
  BOOST_TEST(german.options().default_region == "DE");
  Session s = german.session(kUserA);
  Account account = create_account(s, "Berlin GmbH");
  Contact contact = s.contacts().add(make_contact(account.id, "Hans", std::nullopt, "030 123456"));
  BOOST_TEST(contact.phone == "+4930123456");
  BOOST_TEST(contact.phone_display == "030 123456");
  ContactQuery query;
  query.phone = "030 123456";
  BOOST_TEST(ids(search_all(s, query)) == (std::vector<Id>{contact.id}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(migrations)

BOOST_AUTO_TEST_CASE(fresh_store_is_at_the_latest_schema_version) {
  Store store = open_fresh_store();
  BOOST_TEST(store.latest_schema_version() >= 1);
  BOOST_TEST(store.schema_version() == store.latest_schema_version());
}

BOOST_AUTO_TEST_CASE(migrating_down_to_zero_and_up_again_gives_a_working_empty_store) {
  Store store = open_fresh_store();
  const int latest = store.latest_schema_version();
  {
    Session a = store.session(kUserA);
    create_account(a, "Before Migration");
  }
  store.migrate(0);
  BOOST_TEST(store.schema_version() == 0);
  store.migrate(latest);
  BOOST_TEST(store.schema_version() == latest);

  Session a = store.session(kUserA);
  BOOST_TEST(search_all(a).empty());
  Account created = create_account(a, "After Migration");
  BOOST_TEST(created.version == 1);
  a.contacts().add(make_contact(created.id, "Works", "works@example.com", std::nullopt, true));
  BOOST_TEST(find_names(a, "after") == (std::vector<std::string>{"After Migration"}),
             boost::test_tools::per_element());
  BOOST_TEST(a.accounts().stats().total_contacts == 1);
}

BOOST_AUTO_TEST_CASE(migrating_step_by_step_reaches_every_version) {
  Store store = open_fresh_store();
  const int latest = store.latest_schema_version();
  for (int v = latest - 1; v >= 0; --v) {
    store.migrate(v);
    BOOST_TEST(store.schema_version() == v);
  }
  for (int v = 1; v <= latest; ++v) {
    store.migrate(v);
    BOOST_TEST(store.schema_version() == v);
  }
  Session a = store.session(kUserA);
  BOOST_TEST(create_account(a, "Stepped").id > 0);
}

BOOST_AUTO_TEST_CASE(migrating_to_the_current_version_keeps_data) {
  Store store = open_fresh_store();
  Session a = store.session(kUserA);
  Account created = create_account(a, "Keep Me");
  store.migrate(store.latest_schema_version());
  BOOST_TEST(store.schema_version() == store.latest_schema_version());
  BOOST_TEST(a.accounts().get(created.id) == created);
}

BOOST_AUTO_TEST_CASE(unknown_migration_version_is_rejected) {
  Store store = open_fresh_store();
  const int latest = store.latest_schema_version();
  for (int target : {latest + 1, -1, 9999}) {
    BOOST_TEST_CONTEXT("target " << target) {
      CHECK_VALIDATION_CODES(store.migrate(target), {"migration.unknown_version"});
    }
  }
  BOOST_TEST(store.schema_version() == latest);
}

BOOST_AUTO_TEST_CASE(reopened_store_after_migration_round_trip_is_current) {
  Store store = open_fresh_store();
  store.migrate(0);
  Store second = reopen(store);  // migrate_on_open brings it back up
  BOOST_TEST(second.schema_version() == second.latest_schema_version());
  BOOST_TEST(store.schema_version() == store.latest_schema_version());
  Session a = second.session(kUserA);
  BOOST_TEST(create_account(a, "Reopened").id > 0);
}

BOOST_AUTO_TEST_SUITE_END()
