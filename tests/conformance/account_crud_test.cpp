// Create, read, update and delete of accounts: every field round-trips,
// addresses are normalised, audit fields and versions follow every write.
#include <chrono>

#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

Account full_account() {
  Account account;
  account.company_name = "Acme Plumbing";
  account.customer_type = CustomerType::Commercial;
  account.billing_address = {"  1 Market St  ", "San Francisco", "california", "94105", "USA"};
  account.service_address = {"200 King St W", "Toronto", "Ontario", "M5H 3T4", "Canada"};
  account.account_notes = "Gate code 1234\nAsk for Bob";
  account.tags = {"plumbing", "vip"};
  return account;
}

bool near_now(Timestamp t) {
  auto now = std::chrono::system_clock::now();
  return t > now - std::chrono::minutes(5) && t < now + std::chrono::minutes(5);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(account_crud, Fixture)

BOOST_AUTO_TEST_CASE(create_stores_every_field_normalised_with_audit_fields) {
  Account created = a.accounts().create(full_account());

  BOOST_TEST(created.id > 0);
  BOOST_TEST(created.company_name == "Acme Plumbing");
  BOOST_TEST(created.customer_type == CustomerType::Commercial);
  BOOST_TEST(created.billing_address ==
             (Address{"1 Market St", "San Francisco", "CA", "94105", "US"}));
  BOOST_TEST(created.service_address ==
             (Address{"200 King St W", "Toronto", "ON", "M5H 3T4", "CA"}));
  BOOST_TEST(created.account_notes == "Gate code 1234\nAsk for Bob");
  BOOST_TEST(created.tags == (std::vector<std::string>{"plumbing", "vip"}),
             boost::test_tools::per_element());
  BOOST_TEST(created.created_by == kUserA);
  BOOST_TEST(created.updated_by == kUserA);
  BOOST_TEST(created.version == 1);
  BOOST_TEST(!created.archived());
  BOOST_TEST(created.created_at <= created.updated_at);
  BOOST_TEST(near_now(created.created_at));
}

BOOST_AUTO_TEST_CASE(get_returns_exactly_what_create_returned) {
  Account created = a.accounts().create(full_account());
  BOOST_TEST(a.accounts().get(created.id) == created);
  auto found = a.accounts().find(created.id);
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(*found == created);
}

BOOST_AUTO_TEST_CASE(create_ignores_id_version_timestamps_and_updated_by_of_the_input) {
  Account input = full_account();
  input.id = 987654;
  input.version = 42;
  input.updated_by = kUserB;
  input.created_at = from_micros(1000);
  input.updated_at = from_micros(2000);
  input.archived_at = from_micros(3000);
  Account created = a.accounts().create(input);
  BOOST_TEST(created.version == 1);
  BOOST_TEST(created.updated_by == kUserA);
  BOOST_TEST(created.created_by == kUserA);
  BOOST_TEST(!created.archived());
  BOOST_TEST(near_now(created.created_at));
  BOOST_TEST(near_now(created.updated_at));
  BOOST_TEST(a.accounts().get(created.id) == created);
}

BOOST_AUTO_TEST_CASE(create_naming_oneself_as_created_by_is_allowed) {
  Account input = full_account();
  input.created_by = kUserA;
  BOOST_TEST(a.accounts().create(input).created_by == kUserA);
}

BOOST_AUTO_TEST_CASE(residential_type_and_empty_addresses_round_trip) {
  Account input = make_account("Jane Smith", CustomerType::Residential);
  Account created = a.accounts().create(input);
  Account read = a.accounts().get(created.id);
  BOOST_TEST(read.customer_type == CustomerType::Residential);
  BOOST_TEST(read.billing_address.empty());
  BOOST_TEST(read.service_address.empty());
  BOOST_TEST(read.account_notes == std::nullopt);
  BOOST_TEST(read.tags.empty());
}

BOOST_AUTO_TEST_CASE(non_ascii_text_round_trips_byte_exact) {
  Account input = make_account("Café Ünal — Ёлка 株式会社");
  input.account_notes = "Notiz: Grüße 🎉\ttab";
  input.tags = {"größe", "日本"};
  input.billing_address = {"Straße 1", "München", "Bayern", "80331", "Germany"};
  Account created = a.accounts().create(input);
  Account read = a.accounts().get(created.id);
  BOOST_TEST(read.company_name == "Café Ünal — Ёлка 株式会社");
  BOOST_TEST(read.account_notes == "Notiz: Grüße 🎉\ttab");
  BOOST_TEST(read.tags == (std::vector<std::string>{"größe", "日本"}),
             boost::test_tools::per_element());
  BOOST_TEST(read.billing_address == (Address{"Straße 1", "München", "Bayern", "80331", "DE"}));
}

BOOST_AUTO_TEST_CASE(update_replaces_every_editable_field) {
  Account created = a.accounts().create(full_account());
  Account edit = created;
  edit.company_name = "Acme Plumbing & Heating";
  edit.customer_type = CustomerType::Residential;
  edit.billing_address = {"5 Elm St", "Austin", "texas", "73301-0001", "united states"};
  edit.service_address = {};
  edit.account_notes = std::nullopt;
  edit.tags = {"heating"};

  Account updated = a.accounts().update(edit);
  BOOST_TEST(updated.id == created.id);
  BOOST_TEST(updated.company_name == "Acme Plumbing & Heating");
  BOOST_TEST(updated.customer_type == CustomerType::Residential);
  BOOST_TEST(updated.billing_address == (Address{"5 Elm St", "Austin", "TX", "73301-0001", "US"}));
  BOOST_TEST(updated.service_address.empty());
  BOOST_TEST(updated.account_notes == std::nullopt);
  BOOST_TEST(updated.tags == (std::vector<std::string>{"heating"}),
             boost::test_tools::per_element());
  BOOST_TEST(updated.version == 2);
  BOOST_TEST(updated.created_at == created.created_at);
  BOOST_TEST(updated.updated_at > created.updated_at);
  BOOST_TEST(updated.created_by == kUserA);
  BOOST_TEST(updated.updated_by == kUserA);
  BOOST_TEST(a.accounts().get(created.id) == updated);
}

BOOST_AUTO_TEST_CASE(every_update_increments_version_and_strictly_increases_updated_at) {
  Account current = a.accounts().create(full_account());
  for (int i = 0; i < 5; ++i) {
    Account edit = current;
    edit.account_notes = "note " + std::to_string(i);
    Account next = a.accounts().update(edit);
    BOOST_TEST(next.version == current.version + 1);
    BOOST_TEST(next.updated_at > current.updated_at);
    BOOST_TEST(next.created_at == current.created_at);
    current = next;
  }
  BOOST_TEST(current.version == 6);
  BOOST_TEST(a.accounts().get(current.id) == current);
}

BOOST_AUTO_TEST_CASE(update_cannot_change_created_by) {
  Account created = a.accounts().create(full_account());
  Account edit = created;
  edit.created_by = kUserB;
  try {
    a.accounts().update(edit);
  } catch (const Error&) {
    // Rejecting the change is as good as ignoring it; a write may not happen.
  }
  Account read = a.accounts().get(created.id);
  BOOST_TEST(read.created_by == kUserA);
  BOOST_TEST(b.accounts().find(created.id) == std::nullopt);
}

BOOST_AUTO_TEST_CASE(remove_deletes_the_account) {
  Account created = a.accounts().create(full_account());
  a.accounts().remove(created.id);
  CHECK_THROWS_CODE(a.accounts().get(created.id), NotFound, "account.not_found");
  BOOST_TEST(a.accounts().find(created.id) == std::nullopt);
  BOOST_TEST(service.accounts().find(created.id) == std::nullopt);
  BOOST_TEST(search_all(a).empty());
}

BOOST_AUTO_TEST_CASE(ids_of_removed_accounts_are_never_reused) {
  Account first = a.accounts().create(full_account());
  a.accounts().remove(first.id);
  Account second = a.accounts().create(full_account());
  BOOST_TEST(second.id > first.id);
}

BOOST_AUTO_TEST_CASE(missing_account_is_not_found_for_every_operation) {
  Account ghost = full_account();
  ghost.id = 424242;
  ghost.version = 1;
  CHECK_THROWS_CODE(a.accounts().get(424242), NotFound, "account.not_found");
  BOOST_TEST(a.accounts().find(424242) == std::nullopt);
  CHECK_THROWS_CODE(a.accounts().update(ghost), NotFound, "account.not_found");
  CHECK_THROWS_CODE(a.accounts().remove(424242), NotFound, "account.not_found");
  CHECK_THROWS_CODE(a.accounts().archive(424242), NotFound, "account.not_found");
  CHECK_THROWS_CODE(a.accounts().restore(424242), NotFound, "account.not_found");
}

BOOST_AUTO_TEST_CASE(removing_twice_is_not_found) {
  Account created = a.accounts().create(full_account());
  a.accounts().remove(created.id);
  CHECK_THROWS_CODE(a.accounts().remove(created.id), NotFound, "account.not_found");
}

BOOST_AUTO_TEST_CASE(archive_and_restore_are_writes_and_idempotent) {
  Account created = a.accounts().create(full_account());
  Account archived = a.accounts().archive(created.id);
  BOOST_TEST(archived.archived());
  BOOST_TEST(archived.version == 2);
  BOOST_TEST(archived.updated_at > created.updated_at);
  BOOST_TEST(a.accounts().get(created.id) == archived);

  Account again = a.accounts().archive(created.id);
  BOOST_TEST(again == archived);

  Account restored = a.accounts().restore(created.id);
  BOOST_TEST(!restored.archived());
  BOOST_TEST(restored.version == 3);
  BOOST_TEST(restored.updated_at > archived.updated_at);
  BOOST_TEST(a.accounts().restore(created.id) == restored);
  BOOST_TEST(a.accounts().get(created.id) == restored);
}

BOOST_AUTO_TEST_CASE(archived_account_can_still_be_read_and_updated_by_id) {
  Account archived = a.accounts().archive(a.accounts().create(full_account()).id);
  BOOST_TEST(a.accounts().get(archived.id).archived());
  Account edit = archived;
  edit.account_notes = "still editable";
  Account updated = a.accounts().update(edit);
  BOOST_TEST(updated.archived());
  BOOST_TEST(updated.account_notes == "still editable");
}

BOOST_AUTO_TEST_SUITE_END()
