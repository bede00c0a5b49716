// Rules that hold on every backend for contacts: one primary per account,
// emails unique per account (case-insensitively), cascade delete.
#include <algorithm>

#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

struct RulesFixture : Fixture {
  RulesFixture() : account(create_account(a, "Acme Plumbing")) {}
  Account account;
};

long primaries(const std::vector<Contact>& contacts) {
  return std::count_if(contacts.begin(), contacts.end(),
                       [](const Contact& c) { return c.is_primary_contact; });
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(primary_contact, RulesFixture)

BOOST_AUTO_TEST_CASE(second_primary_contact_is_a_conflict) {
  Contact first =
      a.contacts().add(make_contact(account.id, "First", std::nullopt, std::nullopt, true));
  CHECK_THROWS_CODE(
      a.contacts().add(make_contact(account.id, "Second", std::nullopt, std::nullopt, true)),
      Conflict, "contact.duplicate_primary");
  std::vector<Contact> all = list_all(a, account.id);
  BOOST_TEST(ids(all) == (std::vector<Id>{first.id}), boost::test_tools::per_element());
  BOOST_TEST(all[0].is_primary_contact);
}

BOOST_AUTO_TEST_CASE(each_account_has_its_own_primary_contact) {
  Account other = create_account(a, "Other Co");
  a.contacts().add(make_contact(account.id, "First", std::nullopt, std::nullopt, true));
  Contact second =
      a.contacts().add(make_contact(other.id, "Second", std::nullopt, std::nullopt, true));
  BOOST_TEST(second.is_primary_contact);
}

BOOST_AUTO_TEST_CASE(set_primary_swaps_the_primary_contact) {
  Contact first =
      a.contacts().add(make_contact(account.id, "Bob", std::nullopt, std::nullopt, true));
  Contact second = a.contacts().add(make_contact(account.id, "Alice"));
  Contact third = a.contacts().add(make_contact(account.id, "Carol"));

  Contact promoted = a.contacts().set_primary(second.id);
  BOOST_TEST(promoted.id == second.id);
  BOOST_TEST(promoted.is_primary_contact);
  BOOST_TEST(promoted.version == second.version + 1);
  BOOST_TEST(!a.contacts().get(first.id).is_primary_contact);
  BOOST_TEST(!a.contacts().get(third.id).is_primary_contact);
  BOOST_TEST(a.contacts().get(second.id) == promoted);

  std::vector<Contact> all = list_all(a, account.id);
  BOOST_TEST(primaries(all) == 1);
  BOOST_TEST(ids(all) == (std::vector<Id>{second.id, first.id, third.id}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(set_primary_without_previous_primary_and_twice) {
  Contact only = a.contacts().add(make_contact(account.id, "Only"));
  BOOST_TEST(a.contacts().set_primary(only.id).is_primary_contact);
  BOOST_TEST(a.contacts().set_primary(only.id).is_primary_contact);
  BOOST_TEST(primaries(list_all(a, account.id)) == 1);
}

BOOST_AUTO_TEST_CASE(set_primary_does_not_touch_other_accounts) {
  Account other = create_account(a, "Other Co");
  Contact other_primary =
      a.contacts().add(make_contact(other.id, "Other Primary", std::nullopt, std::nullopt, true));
  Contact mine = a.contacts().add(make_contact(account.id, "Mine"));
  a.contacts().set_primary(mine.id);
  BOOST_TEST(a.contacts().get(other_primary.id) == other_primary);
}

BOOST_AUTO_TEST_CASE(update_making_a_second_primary_is_a_conflict) {
  a.contacts().add(make_contact(account.id, "First", std::nullopt, std::nullopt, true));
  Contact second = a.contacts().add(make_contact(account.id, "Second"));
  Contact edit = second;
  edit.is_primary_contact = true;
  CHECK_THROWS_CODE(a.contacts().update(edit), Conflict, "contact.duplicate_primary");
  BOOST_TEST(a.contacts().get(second.id) == second);
  BOOST_TEST(primaries(list_all(a, account.id)) == 1);
}

BOOST_AUTO_TEST_CASE(moving_a_primary_into_an_account_with_one_is_a_conflict) {
  Account other = create_account(a, "Other Co");
  a.contacts().add(make_contact(account.id, "Here", std::nullopt, std::nullopt, true));
  Contact there =
      a.contacts().add(make_contact(other.id, "There", std::nullopt, std::nullopt, true));
  Contact edit = there;
  edit.customer_account_id = account.id;
  CHECK_THROWS_CODE(a.contacts().update(edit), Conflict, "contact.duplicate_primary");
  BOOST_TEST(a.contacts().get(there.id) == there);
}

BOOST_AUTO_TEST_CASE(removing_the_primary_leaves_the_account_without_one) {
  Contact first =
      a.contacts().add(make_contact(account.id, "First", std::nullopt, std::nullopt, true));
  a.contacts().add(make_contact(account.id, "Second"));
  a.contacts().remove(first.id);
  BOOST_TEST(primaries(list_all(a, account.id)) == 0);
  BOOST_TEST(a.contacts()
                 .add(make_contact(account.id, "New", std::nullopt, std::nullopt, true))
                 .is_primary_contact);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(contact_email, RulesFixture)

BOOST_AUTO_TEST_CASE(same_email_differing_in_case_is_a_conflict) {
  Contact first = a.contacts().add(make_contact(account.id, "Upper", "A@x.com"));
  CHECK_THROWS_CODE(a.contacts().add(make_contact(account.id, "Lower", "a@X.COM")), Conflict,
                    "contact.duplicate_email");
  CHECK_THROWS_CODE(a.contacts().add(make_contact(account.id, "Same", "A@x.com")), Conflict,
                    "contact.duplicate_email");
  BOOST_TEST(ids(list_all(a, account.id)) == (std::vector<Id>{first.id}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(same_email_is_allowed_in_different_accounts) {
  Account other = create_account(a, "Other Co");
  Account foreign = create_account(b, "Foreign Co");
  a.contacts().add(make_contact(account.id, "One", "shared@example.com"));
  Contact two = a.contacts().add(make_contact(other.id, "Two", "Shared@Example.com"));
  Contact three = b.contacts().add(make_contact(foreign.id, "Three", "shared@example.com"));
  BOOST_TEST(two.email == "Shared@example.com");
  BOOST_TEST(three.email == "shared@example.com");
}

BOOST_AUTO_TEST_CASE(contacts_without_email_do_not_collide) {
  a.contacts().add(make_contact(account.id, "No Mail 1"));
  a.contacts().add(make_contact(account.id, "No Mail 2"));
  BOOST_TEST(list_all(a, account.id).size() == 2u);
}

BOOST_AUTO_TEST_CASE(update_to_an_email_used_in_the_account_is_a_conflict) {
  a.contacts().add(make_contact(account.id, "One", "one@example.com"));
  Contact two = a.contacts().add(make_contact(account.id, "Two", "two@example.com"));
  Contact edit = two;
  edit.email = "ONE@EXAMPLE.COM";
  CHECK_THROWS_CODE(a.contacts().update(edit), Conflict, "contact.duplicate_email");
  BOOST_TEST(a.contacts().get(two.id) == two);
}

BOOST_AUTO_TEST_CASE(updating_a_contact_keeping_its_own_email_is_fine) {
  Contact one = a.contacts().add(make_contact(account.id, "One", "one@example.com"));
  Contact edit = one;
  edit.email = "One@Example.com";
  edit.role = "Boss";
  Contact updated = a.contacts().update(edit);
  BOOST_TEST(updated.email == "One@example.com");
  BOOST_TEST(updated.role == "Boss");
}

BOOST_AUTO_TEST_CASE(email_uniqueness_ignores_case_of_non_ascii_letters) {
  Contact first = a.contacts().add(make_contact(account.id, "Jürgen", "jürgen@example.com"));
  CHECK_THROWS_CODE(a.contacts().add(make_contact(account.id, "JÜRGEN", "JÜRGEN@example.com")),
                    Conflict, "contact.duplicate_email");
  BOOST_TEST(ids(list_all(a, account.id)) == (std::vector<Id>{first.id}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(moving_a_contact_into_an_account_using_its_email_is_a_conflict) {
  Account other = create_account(a, "Other Co");
  a.contacts().add(make_contact(account.id, "Here", "same@example.com"));
  Contact there = a.contacts().add(make_contact(other.id, "There", "SAME@example.com"));
  Contact edit = there;
  edit.customer_account_id = account.id;
  CHECK_THROWS_CODE(a.contacts().update(edit), Conflict, "contact.duplicate_email");
  BOOST_TEST(a.contacts().get(there.id) == there);
}

BOOST_AUTO_TEST_CASE(email_of_a_removed_contact_can_be_reused) {
  Contact one = a.contacts().add(make_contact(account.id, "One", "one@example.com"));
  a.contacts().remove(one.id);
  BOOST_TEST(a.contacts().add(make_contact(account.id, "Again", "one@example.com")).id != one.id);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(cascade_delete, RulesFixture)

BOOST_AUTO_TEST_CASE(removing_an_account_removes_its_contacts) {
  Account kept = create_account(a, "Kept Co");
  Contact c1 = a.contacts().add(
      make_contact(account.id, "Gone One", "gone@example.com", "+1 201 555 0123", true));
  Contact c2 = a.contacts().add(make_contact(account.id, "Gone Two"));
  Contact survivor = a.contacts().add(make_contact(kept.id, "Survivor", "gone@example.com"));

  a.accounts().remove(account.id);

  CHECK_THROWS_CODE(a.contacts().get(c1.id), NotFound, "contact.not_found");
  CHECK_THROWS_CODE(a.contacts().get(c2.id), NotFound, "contact.not_found");
  BOOST_TEST(service.contacts().find(c1.id) == std::nullopt);
  BOOST_TEST(service.contacts().find(c2.id) == std::nullopt);

  ContactQuery by_text;
  by_text.text = "gone";
  BOOST_TEST(search_all(service, by_text).empty());
  ContactQuery by_email;
  by_email.email = "gone@example.com";
  BOOST_TEST(ids(search_all(service, by_email)) == (std::vector<Id>{survivor.id}),
             boost::test_tools::per_element());
  ContactQuery by_phone;
  by_phone.phone = "2015550123";
  BOOST_TEST(search_all(a, by_phone).empty());

  BOOST_TEST(a.contacts().get(survivor.id) == survivor);
  BOOST_TEST(service.accounts().stats().total_contacts == 1);
}

BOOST_AUTO_TEST_SUITE_END()
