// Validation through the repositories: one field error per bad field, all of
// them at once, and nothing written when a record is rejected.
#include <string>

#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

Account with_name(const std::string& name) {
  return make_account(name);
}

std::int64_t visible_accounts(Session& session) {
  AccountQuery query;
  query.archived = ArchivedFilter::Include;
  return static_cast<std::int64_t>(search_all(session, query).size());
}

// Writes that must fail leave the service's view of the store unchanged.
struct Counts {
  std::int64_t accounts;
  std::int64_t contacts;
  bool operator==(const Counts& o) const {
    return accounts == o.accounts && contacts == o.contacts;
  }
};

Counts counts(Session& service) {
  AccountStats stats = service.accounts().stats();
  return {stats.total_accounts + stats.archived_accounts, stats.total_contacts};
}

std::ostream& boost_test_print_type(std::ostream& os, const Counts& c) {
  return os << c.accounts << " accounts, " << c.contacts << " contacts";
}

std::vector<std::string> tags(std::size_t count) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back("tag" + std::to_string(i));
  return out;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(validation, Fixture)

BOOST_AUTO_TEST_CASE(empty_company_name_is_required) {
  CHECK_VALIDATION_ERRORS(a.accounts().create(with_name("")), {"company_name|text.required"});
}

BOOST_AUTO_TEST_CASE(company_name_longer_than_limit_is_too_long) {
  CHECK_VALIDATION_ERRORS(
      a.accounts().create(with_name(std::string(limits::kCompanyName + 1, 'x'))),
      {"company_name|text.too_long"});
}

BOOST_AUTO_TEST_CASE(company_name_at_limit_is_accepted) {
  std::string name(limits::kCompanyName, 'x');
  BOOST_TEST(a.accounts().create(with_name(name)).company_name == name);
  std::string accented;
  for (std::size_t i = 0; i < limits::kCompanyName / 2; ++i) accented += "é";
  BOOST_TEST(a.accounts().create(with_name(accented)).company_name == accented);
}

BOOST_AUTO_TEST_CASE(company_name_with_invalid_utf8_is_rejected) {
  CHECK_VALIDATION_ERRORS(a.accounts().create(with_name("Acme \xff\xfe Co")),
                          {"company_name|text.invalid_utf8"});
  CHECK_VALIDATION_ERRORS(a.accounts().create(with_name("Overlong \xc0\xaf")),
                          {"company_name|text.invalid_utf8"});
}

BOOST_AUTO_TEST_CASE(company_name_with_nul_or_control_character_is_rejected) {
  CHECK_VALIDATION_ERRORS(a.accounts().create(with_name(std::string("Acme\0Co", 7))),
                          {"company_name|text.control_character"});
  CHECK_VALIDATION_ERRORS(a.accounts().create(with_name("Acme\nCo")),
                          {"company_name|text.control_character"});
}

BOOST_AUTO_TEST_CASE(notes_allow_newlines_and_tabs_but_not_nul_and_have_a_limit) {
  Account ok = with_name("Notes Ok");
  ok.account_notes = "line 1\r\nline 2\tend";
  BOOST_TEST(a.accounts().create(ok).account_notes == "line 1\r\nline 2\tend");

  Account nul = with_name("Notes Nul");
  nul.account_notes = std::string("a\0b", 3);
  CHECK_VALIDATION_ERRORS(a.accounts().create(nul), {"account_notes|text.control_character"});

  Account big = with_name("Notes Big");
  big.account_notes = std::string(limits::kNotes + 1, 'n');
  CHECK_VALIDATION_ERRORS(a.accounts().create(big), {"account_notes|text.too_long"});
  big.account_notes = std::string(limits::kNotes, 'n');
  BOOST_TEST(a.accounts().create(big).account_notes->size() == limits::kNotes);
}

BOOST_AUTO_TEST_CASE(bad_us_billing_zip_is_reported_under_billing_address_zip) {
  Account account = with_name("Zip Co");
  account.billing_address = {"1 Main St", "Springfield", "IL", "ABCDE", "US"};
  CHECK_VALIDATION_ERRORS(a.accounts().create(account),
                          {"billing_address.zip|address.zip_invalid"});
}

BOOST_AUTO_TEST_CASE(bad_state_and_unknown_country_are_reported_per_address) {
  Account account = with_name("Geo Co");
  account.billing_address = {"1 Main St", "Springfield", "Narnia", "62701", "US"};
  account.service_address = {"1 Main St", "Nowhere", "", "", "Atlantis"};
  CHECK_VALIDATION_ERRORS(a.accounts().create(account),
                          {"billing_address.state|address.state_invalid",
                           "service_address.country|address.country_unknown"});
}

BOOST_AUTO_TEST_CASE(address_field_longer_than_limit_is_too_long) {
  Account account = with_name("Long Street Co");
  account.service_address = {std::string(limits::kAddressField + 1, 's'), "Berlin", "", "10115",
                             "DE"};
  CHECK_VALIDATION_ERRORS(a.accounts().create(account), {"service_address.street|text.too_long"});
}

BOOST_AUTO_TEST_CASE(too_many_tags_are_rejected) {
  Account ok = make_account("Fifty Tags", CustomerType::Commercial, tags(limits::kTagCount));
  BOOST_TEST(a.accounts().create(ok).tags.size() == limits::kTagCount);
  Account bad = make_account("Many Tags", CustomerType::Commercial, tags(limits::kTagCount + 1));
  CHECK_VALIDATION_ERRORS(a.accounts().create(bad), {"tags|tags.too_many"});
}

BOOST_AUTO_TEST_CASE(too_long_tag_is_rejected_under_its_index) {
  Account ok =
      make_account("Tag Ok", CustomerType::Commercial, {"short", std::string(limits::kTag, 't')});
  BOOST_TEST(a.accounts().create(ok).tags.size() == 2u);
  Account bad = make_account("Tag Long", CustomerType::Commercial,
                             {"short", "fine", std::string(limits::kTag + 1, 't')});
  CHECK_VALIDATION_ERRORS(a.accounts().create(bad), {"tags[2]|text.too_long"});
}

BOOST_AUTO_TEST_CASE(account_with_several_bad_fields_lists_all_errors) {
  Account account =
      make_account("", CustomerType::Commercial, {"ok", std::string(limits::kTag + 1, 't')});
  account.billing_address = {"1 Main St", "Springfield", "IL", "1234", "US"};
  account.service_address = {"", "", "", "", "Atlantis"};
  account.account_notes = std::string("bad\0note", 8);
  CHECK_VALIDATION_ERRORS(a.accounts().create(account),
                          {"company_name|text.required", "billing_address.zip|address.zip_invalid",
                           "service_address.country|address.country_unknown",
                           "account_notes|text.control_character", "tags[1]|text.too_long"});
}

BOOST_AUTO_TEST_CASE(rejected_account_writes_nothing) {
  Counts before = counts(service);
  Account account = with_name("");
  account.billing_address.zip = "nope";
  account.billing_address.country = "US";
  BOOST_CHECK_THROW(a.accounts().create(account), ValidationError);
  BOOST_TEST(counts(service) == before);
  BOOST_TEST(visible_accounts(a) == 0);
}

BOOST_AUTO_TEST_CASE(rejected_update_changes_nothing) {
  Account created = a.accounts().create(with_name("Stable Co"));
  Account edit = created;
  edit.company_name = "";
  edit.billing_address = {"", "", "", "00000-", "US"};
  CHECK_VALIDATION_ERRORS(a.accounts().update(edit), {"company_name|text.required",
                                                      "billing_address.zip|address.zip_invalid"});
  BOOST_TEST(a.accounts().get(created.id) == created);
}

BOOST_AUTO_TEST_CASE(user_creating_for_another_user_is_permission_denied) {
  Account account = with_name("Not Mine");
  account.created_by = kUserB;
  CHECK_THROWS_CODE(a.accounts().create(account), PermissionDenied, "permission.denied");
  BOOST_TEST(counts(service).accounts == 0);
  BOOST_TEST(visible_accounts(b) == 0);
}

BOOST_AUTO_TEST_CASE(empty_contact_name_is_required) {
  Id account = a.accounts().create(with_name("Contact Co")).id;
  CHECK_VALIDATION_ERRORS(a.contacts().add(make_contact(account, "")),
                          {"contact_name|text.required"});
  CHECK_VALIDATION_ERRORS(
      a.contacts().add(make_contact(account, std::string(limits::kContactName + 1, 'c'))),
      {"contact_name|text.too_long"});
}

BOOST_AUTO_TEST_CASE(bad_email_is_reported_under_email) {
  Id account = a.accounts().create(with_name("Mail Co")).id;
  CHECK_VALIDATION_ERRORS(a.contacts().add(make_contact(account, "Jo", "not-an-email")),
                          {"email|email.invalid"});
  CHECK_VALIDATION_ERRORS(a.contacts().add(make_contact(account, "Jo", "jo@@example.com")),
                          {"email|email.invalid"});
}

BOOST_AUTO_TEST_CASE(bad_phone_is_reported_under_phone) {
  Id account = a.accounts().create(with_name("Phone Co")).id;
  CHECK_VALIDATION_ERRORS(
      a.contacts().add(make_contact(account, "Jo", std::nullopt, "+1 000 000 0000")),
      {"phone|phone.invalid"});
  CHECK_VALIDATION_ERRORS(
      a.contacts().add(make_contact(account, "Jo", std::nullopt, "call me maybe")),
      {"phone|phone.unparsable"});
}

BOOST_AUTO_TEST_CASE(role_and_contact_notes_have_limits) {
  Id account = a.accounts().create(with_name("Role Co")).id;
  Contact contact = make_contact(account, "Jo");
  contact.role = std::string(limits::kRole + 1, 'r');
  contact.contact_notes = std::string(limits::kNotes + 1, 'n');
  CHECK_VALIDATION_ERRORS(a.contacts().add(contact),
                          {"role|text.too_long", "contact_notes|text.too_long"});
}

BOOST_AUTO_TEST_CASE(contact_with_several_bad_fields_lists_all_errors) {
  Id account = a.accounts().create(with_name("Multi Co")).id;
  Contact contact = make_contact(account, "", "no-at-sign", "call me maybe");
  contact.role = std::string(limits::kRole + 1, 'r');
  CHECK_VALIDATION_ERRORS(a.contacts().add(contact),
                          {"contact_name|text.required", "email|email.invalid",
                           "phone|phone.unparsable", "role|text.too_long"});
}

BOOST_AUTO_TEST_CASE(rejected_contact_writes_nothing) {
  Account account = a.accounts().create(with_name("Quiet Co"));
  Counts before = counts(service);
  BOOST_CHECK_THROW(a.contacts().add(make_contact(account.id, "", "bad")), ValidationError);
  BOOST_TEST(counts(service) == before);
  BOOST_TEST(list_all(a, account.id).empty());
  BOOST_TEST(a.accounts().get(account.id) == account);
}

BOOST_AUTO_TEST_CASE(rejected_contact_update_changes_nothing) {
  Id account = a.accounts().create(with_name("Edit Co")).id;
  Contact contact = a.contacts().add(make_contact(account, "Jo", "jo@example.com"));
  Contact edit = contact;
  edit.email = "broken";
  CHECK_VALIDATION_ERRORS(a.contacts().update(edit), {"email|email.invalid"});
  BOOST_TEST(a.contacts().get(contact.id) == contact);
}

BOOST_AUTO_TEST_SUITE_END()
