// Contact search by name, email and phone, and listing the contacts of an
// account (primary first).
#include <algorithm>

#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

using Names = std::vector<std::string>;

struct ContactSearchFixture : Fixture {
  ContactSearchFixture()
      : acme(create_account(a, "Acme Plumbing")),
        zenith(create_account(a, "Zenith Corp")),
        jane(a.contacts().add(
            make_contact(acme.id, "Jane Doe", "Jane.Doe@Example.com", "+1 415 555 2671", true))),
        john(a.contacts().add(make_contact(acme.id, "John Doe", "john@example.com"))),
        janet(a.contacts().add(
            make_contact(zenith.id, "Janet Müller", "janet@zenith.example", "+1 201 555 0123"))) {}

  Account acme;
  Account zenith;
  Contact jane;
  Contact john;
  Contact janet;
};

Names by_text(Session& session, const std::string& text) {
  ContactQuery query;
  query.text = text;
  return names(search_all(session, query));
}

std::vector<Id> by_email(Session& session, const std::string& email) {
  ContactQuery query;
  query.email = email;
  return ids(search_all(session, query));
}

std::vector<Id> by_phone(Session& session, const std::string& phone) {
  ContactQuery query;
  query.phone = phone;
  return ids(search_all(session, query));
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(contact_search, ContactSearchFixture)

BOOST_AUTO_TEST_CASE(name_prefix_finds_contacts_ranked) {
  BOOST_TEST(by_text(a, "jan") == (Names{"Jane Doe", "Janet Müller"}),
             boost::test_tools::per_element());
  BOOST_TEST(by_text(a, "doe") == (Names{"Jane Doe", "John Doe"}),
             boost::test_tools::per_element());
  BOOST_TEST(by_text(a, "doe j") == (Names{"Jane Doe", "John Doe"}),
             boost::test_tools::per_element());
  BOOST_TEST(by_text(a, "JANE DOE") == (Names{"Jane Doe"}), boost::test_tools::per_element());
  BOOST_TEST(by_text(a, "muller") == (Names{"Janet Müller"}), boost::test_tools::per_element());
  BOOST_TEST(by_text(a, "xyz").empty());
  BOOST_TEST(by_text(a, "*").empty());
  BOOST_TEST(by_text(a, "\"jane\" OR john").empty());
}

BOOST_AUTO_TEST_CASE(exact_name_ranks_before_prefix_matches) {
  a.contacts().add(make_contact(zenith.id, "Jan"));
  a.contacts().add(make_contact(zenith.id, "Bob Jan"));
  BOOST_TEST(by_text(a, "jan") == (Names{"Jan", "Jane Doe", "Janet Müller", "Bob Jan"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(email_is_matched_whole_and_case_insensitively) {
  BOOST_TEST(by_email(a, "JANE.DOE@EXAMPLE.COM") == (std::vector<Id>{jane.id}),
             boost::test_tools::per_element());
  BOOST_TEST(by_email(a, "jane.doe@example.com") == (std::vector<Id>{jane.id}),
             boost::test_tools::per_element());
  BOOST_TEST(by_email(a, "  john@EXAMPLE.com ") == (std::vector<Id>{john.id}),
             boost::test_tools::per_element());
  BOOST_TEST(by_email(a, "jane@example.com").empty());
  BOOST_TEST(by_email(a, "doe@example.com").empty());
}

BOOST_AUTO_TEST_CASE(email_search_has_no_wildcards) {
  Contact abc = a.contacts().add(make_contact(zenith.id, "Abc", "abc@example.com"));
  BOOST_TEST(by_email(a, "a_c@example.com").empty());
  BOOST_TEST(by_email(a, "a%c@example.com").empty());
  BOOST_TEST(by_email(a, "abc@example.com") == (std::vector<Id>{abc.id}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(email_search_ignores_case_of_non_ascii_letters) {
  Contact jurgen = a.contacts().add(make_contact(zenith.id, "Jürgen", "jürgen@example.com"));
  BOOST_TEST(by_email(a, "JÜRGEN@EXAMPLE.COM") == (std::vector<Id>{jurgen.id}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(phone_is_matched_in_any_format) {
  for (const char* typed :
       {"(415) 555-2671", "415-555-2671", "+14155552671", "4155552671", "+1 (415) 555 2671"}) {
    BOOST_TEST_CONTEXT("phone [" << typed << "]") {
      BOOST_TEST(by_phone(a, typed) == (std::vector<Id>{jane.id}),
                 boost::test_tools::per_element());
    }
  }
  BOOST_TEST(by_phone(a, "201 555 0123") == (std::vector<Id>{janet.id}),
             boost::test_tools::per_element());
  BOOST_TEST(by_phone(a, "+44 121 234 5678").empty());
}

BOOST_AUTO_TEST_CASE(invalid_email_or_phone_criteria_are_validation_errors) {
  ContactQuery email;
  email.email = "not-an-email";
  CHECK_VALIDATION_ERRORS(a.contacts().search(email), {"email|email.invalid"});
  ContactQuery phone;
  phone.phone = "call me maybe";
  CHECK_VALIDATION_ERRORS(a.contacts().search(phone), {"phone|phone.unparsable"});
}

BOOST_AUTO_TEST_CASE(criteria_combine) {
  ContactQuery query;
  query.text = "doe";
  query.account_id = acme.id;
  query.email = "john@example.com";
  BOOST_TEST(ids(search_all(a, query)) == (std::vector<Id>{john.id}),
             boost::test_tools::per_element());
  query.account_id = zenith.id;
  BOOST_TEST(search_all(a, query).empty());

  ContactQuery account_only;
  account_only.account_id = acme.id;
  BOOST_TEST(names(search_all(a, account_only)) == (Names{"Jane Doe", "John Doe"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(search_without_criteria_is_rejected) {
  CHECK_VALIDATION_CODES(a.contacts().search(ContactQuery{}), {"query.empty"});
}

BOOST_AUTO_TEST_CASE(contact_search_limit_and_cursor_are_validated) {
  ContactQuery query;
  query.text = "doe";
  query.limit = 0;
  CHECK_VALIDATION_ERRORS(a.contacts().search(query), {"limit|query.limit_invalid"});
  query.limit = 1001;
  CHECK_VALIDATION_ERRORS(a.contacts().search(query), {"limit|query.limit_invalid"});
  query.limit = 10;
  query.cursor = "garbage";
  CHECK_VALIDATION_ERRORS(a.contacts().search(query), {"cursor|cursor.invalid"});
}

BOOST_AUTO_TEST_CASE(contact_search_pages_cover_every_match_once) {
  for (int i = 0; i < 7; ++i) {
    a.contacts().add(make_contact(zenith.id, "Pager " + std::to_string(i)));
  }
  ContactQuery query;
  query.text = "pager";
  query.limit = 1000;
  std::vector<Id> expected = ids(a.contacts().search(query).items);
  BOOST_TEST(expected.size() == 7u);
  query.limit = 2;
  BOOST_TEST(ids(search_all(a, query)) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(list_gives_primary_first_then_by_name) {
  Account fresh = create_account(a, "Fresh Co");
  Contact bob = a.contacts().add(make_contact(fresh.id, "bob"));
  Contact zoe = a.contacts().add(make_contact(fresh.id, "Zoe", std::nullopt, std::nullopt, true));
  Contact adam = a.contacts().add(make_contact(fresh.id, "Adam"));
  Contact bob2 = a.contacts().add(make_contact(fresh.id, "Bob"));
  std::vector<Id> expected = {zoe.id, adam.id, bob.id, bob2.id};
  BOOST_TEST(ids(list_all(a, fresh.id)) == expected, boost::test_tools::per_element());
  BOOST_TEST(ids(list_all(a, fresh.id, 1)) == expected, boost::test_tools::per_element());
  BOOST_TEST(ids(list_all(a, fresh.id, 3)) == expected, boost::test_tools::per_element());

  a.contacts().set_primary(bob2.id);
  BOOST_TEST(ids(list_all(a, fresh.id)) == (std::vector<Id>{bob2.id, adam.id, bob.id, zoe.id}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(list_of_an_account_without_contacts_is_empty) {
  Account empty = create_account(a, "Empty Co");
  Page<Contact> page = a.contacts().list(empty.id);
  BOOST_TEST(page.items.empty());
  BOOST_TEST(!page.next_cursor.has_value());
}

BOOST_AUTO_TEST_CASE(list_validates_limit_and_cursor) {
  CHECK_VALIDATION_ERRORS(a.contacts().list(acme.id, "", 0), {"limit|query.limit_invalid"});
  CHECK_VALIDATION_ERRORS(a.contacts().list(acme.id, "", 1001), {"limit|query.limit_invalid"});
  CHECK_VALIDATION_ERRORS(a.contacts().list(acme.id, "garbage", 10), {"cursor|cursor.invalid"});
}

BOOST_AUTO_TEST_SUITE_END()
