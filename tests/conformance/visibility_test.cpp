// The spec's row-level policies through the public API: owner A, another
// user B and the service role, for every operation.
#include <cctype>

#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

// A owns an account with two contacts (one primary); B owns one account.
struct TwoUsers : Fixture {
  TwoUsers()
      : mine(create_account(a, "Alpha Owned Co", CustomerType::Commercial, {"a-tag"})),
        primary(a.contacts().add(make_contact(mine.id, "Alpha Primary", "primary@alpha.example",
                                              "+1 201 555 0123", true))),
        other(a.contacts().add(make_contact(mine.id, "Alpha Other", "other@alpha.example"))),
        theirs(create_account(b, "Beta Owned Co", CustomerType::Residential, {"b-tag"})) {}

  Account mine;
  Contact primary;
  Contact other;
  Account theirs;

  // A's data is exactly as created.
  void check_a_untouched() {
    BOOST_TEST(a.accounts().get(mine.id) == mine);
    BOOST_TEST(a.contacts().get(primary.id) == primary);
    BOOST_TEST(a.contacts().get(other.id) == other);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(visibility, TwoUsers)

BOOST_AUTO_TEST_CASE(other_user_cannot_read_an_account) {
  CHECK_THROWS_CODE(b.accounts().get(mine.id), NotFound, "account.not_found");
  BOOST_TEST(b.accounts().find(mine.id) == std::nullopt);
  CHECK_THROWS_CODE(a.accounts().get(theirs.id), NotFound, "account.not_found");
}

BOOST_AUTO_TEST_CASE(other_user_cannot_update_an_account) {
  Account edit = mine;
  edit.account_notes = "hijacked";
  CHECK_THROWS_CODE(b.accounts().update(edit), NotFound, "account.not_found");
  check_a_untouched();
}

BOOST_AUTO_TEST_CASE(other_user_cannot_delete_an_account) {
  CHECK_THROWS_CODE(b.accounts().remove(mine.id), NotFound, "account.not_found");
  check_a_untouched();
}

BOOST_AUTO_TEST_CASE(other_user_cannot_archive_or_restore_an_account) {
  CHECK_THROWS_CODE(b.accounts().archive(mine.id), NotFound, "account.not_found");
  check_a_untouched();
  a.accounts().archive(mine.id);
  CHECK_THROWS_CODE(b.accounts().restore(mine.id), NotFound, "account.not_found");
  BOOST_TEST(a.accounts().get(mine.id).archived());
}

BOOST_AUTO_TEST_CASE(other_user_cannot_add_or_list_contacts) {
  CHECK_THROWS_CODE(b.contacts().add(make_contact(mine.id, "Intruder")), NotFound,
                    "account.not_found");
  CHECK_THROWS_CODE(b.contacts().list(mine.id), NotFound, "account.not_found");
  BOOST_TEST(list_all(a, mine.id).size() == 2u);
}

BOOST_AUTO_TEST_CASE(other_user_cannot_read_update_or_delete_contacts) {
  CHECK_THROWS_CODE(b.contacts().get(primary.id), NotFound, "contact.not_found");
  BOOST_TEST(b.contacts().find(primary.id) == std::nullopt);
  Contact edit = other;
  edit.role = "hijacked";
  CHECK_THROWS_CODE(b.contacts().update(edit), NotFound, "contact.not_found");
  CHECK_THROWS_CODE(b.contacts().remove(other.id), NotFound, "contact.not_found");
  CHECK_THROWS_CODE(b.contacts().set_primary(other.id), NotFound, "contact.not_found");
  check_a_untouched();
}

BOOST_AUTO_TEST_CASE(other_user_cannot_move_a_contact_into_an_invisible_account) {
  Contact bs = b.contacts().add(make_contact(theirs.id, "Beta Person"));
  Contact edit = bs;
  edit.customer_account_id = mine.id;
  BOOST_CHECK_THROW(b.contacts().update(edit), NotFound);
  BOOST_TEST(b.contacts().get(bs.id) == bs);
  BOOST_TEST(list_all(a, mine.id).size() == 2u);
}

BOOST_AUTO_TEST_CASE(other_user_search_and_stats_exclude_foreign_data) {
  AccountQuery all;
  all.archived = ArchivedFilter::Include;
  BOOST_TEST(ids(search_all(b, all)) == (std::vector<Id>{theirs.id}),
             boost::test_tools::per_element());
  BOOST_TEST(find_names(b, "alpha").empty());
  AccountQuery tagged;
  tagged.tags_any = {"a-tag"};
  BOOST_TEST(search_all(b, tagged).empty());

  ContactQuery by_email;
  by_email.email = "primary@alpha.example";
  BOOST_TEST(search_all(b, by_email).empty());
  ContactQuery by_phone;
  by_phone.phone = "+12015550123";
  BOOST_TEST(search_all(b, by_phone).empty());
  ContactQuery by_text;
  by_text.text = "alpha";
  BOOST_TEST(search_all(b, by_text).empty());
  ContactQuery by_account;
  by_account.account_id = mine.id;
  BOOST_TEST(search_all(b, by_account).empty());

  AccountStats stats = b.accounts().stats();
  BOOST_TEST(stats.total_accounts == 1);
  BOOST_TEST(stats.commercial_accounts == 0);
  BOOST_TEST(stats.residential_accounts == 1);
  BOOST_TEST(stats.total_contacts == 0);
  BOOST_TEST(stats.top_tags == (std::vector<TagCount>{{"b-tag", 1}}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(owner_search_sees_only_own_accounts) {
  BOOST_TEST(ids(search_all(a)) == (std::vector<Id>{mine.id}), boost::test_tools::per_element());
  BOOST_TEST(find_names(a, "beta").empty());
}

BOOST_AUTO_TEST_CASE(service_role_sees_and_does_everything) {
  BOOST_TEST(service.accounts().get(mine.id) == mine);
  BOOST_TEST(service.accounts().get(theirs.id) == theirs);
  BOOST_TEST(search_all(service).size() == 2u);
  BOOST_TEST(service.accounts().stats().total_accounts == 2);
  BOOST_TEST(list_all(service, mine.id).size() == 2u);
  BOOST_TEST(service.contacts().get(primary.id) == primary);
  ContactQuery by_email;
  by_email.email = "primary@alpha.example";
  BOOST_TEST(ids(search_all(service, by_email)) == (std::vector<Id>{primary.id}),
             boost::test_tools::per_element());

  Account edit = mine;
  edit.account_notes = "serviced";
  Account updated = service.accounts().update(edit);
  BOOST_TEST(updated.account_notes == "serviced");
  BOOST_TEST(updated.version == 2);
  BOOST_TEST(updated.updated_by == kUserA);  // no audit user: updated_by unchanged
  BOOST_TEST(service.accounts().archive(mine.id).archived());
  BOOST_TEST(!service.accounts().restore(mine.id).archived());

  Contact added = service.contacts().add(make_contact(mine.id, "Service Added"));
  Contact cedit = other;
  cedit.role = "Serviced";
  BOOST_TEST(service.contacts().update(cedit).role == "Serviced");
  BOOST_TEST(service.contacts().set_primary(other.id).is_primary_contact);
  BOOST_TEST(!a.contacts().get(primary.id).is_primary_contact);
  service.contacts().remove(added.id);
  BOOST_TEST(a.contacts().find(added.id) == std::nullopt);

  service.accounts().remove(theirs.id);
  BOOST_TEST(b.accounts().find(theirs.id) == std::nullopt);
  service.accounts().remove(mine.id);
  BOOST_TEST(a.accounts().find(mine.id) == std::nullopt);
  BOOST_TEST(a.contacts().find(primary.id) == std::nullopt);
}

BOOST_AUTO_TEST_CASE(account_created_by_service_for_a_user_is_visible_to_that_user) {
  Account input = make_account("Made For A");
  input.created_by = kUserA;
  Account created = service.accounts().create(input);
  BOOST_TEST(created.created_by == kUserA);
  BOOST_TEST(a.accounts().get(created.id).company_name == "Made For A");
  BOOST_TEST(b.accounts().find(created.id) == std::nullopt);
  a.accounts().remove(created.id);
}

BOOST_AUTO_TEST_CASE(service_with_audit_user_records_it_as_creator_and_writer) {
  Session audited = store.service(kUserB);
  BOOST_TEST(audited.is_service());
  BOOST_TEST(audited.user() == kUserB);
  Account created = audited.accounts().create(make_account("Audited Co"));
  BOOST_TEST(created.created_by == kUserB);
  BOOST_TEST(created.updated_by == kUserB);

  Account for_a = make_account("For A By B");
  for_a.created_by = kUserA;
  Account both = audited.accounts().create(for_a);
  BOOST_TEST(both.created_by == kUserA);
  BOOST_TEST(both.updated_by == kUserB);
  BOOST_TEST(a.accounts().find(both.id).has_value());
  BOOST_TEST(b.accounts().find(both.id).has_value());
}

BOOST_AUTO_TEST_CASE(last_writer_can_read_and_update_but_not_delete) {
  Session audited = store.service(kUserB);
  Account edit = audited.accounts().get(mine.id);
  edit.account_notes = "touched by B";
  Account touched = audited.accounts().update(edit);
  BOOST_TEST(touched.created_by == kUserA);
  BOOST_TEST(touched.updated_by == kUserB);

  BOOST_TEST(b.accounts().get(mine.id) == touched);
  BOOST_TEST(list_all(b, mine.id).size() == 2u);
  Account b_edit = touched;
  b_edit.account_notes = "edited by B";
  Account b_updated = b.accounts().update(b_edit);
  BOOST_TEST(b_updated.updated_by == kUserB);
  BOOST_TEST(b_updated.version == touched.version + 1);

  CHECK_THROWS_CODE(b.accounts().remove(mine.id), PermissionDenied, "permission.denied");
  BOOST_TEST(a.accounts().get(mine.id) == b_updated);
  BOOST_TEST(list_all(a, mine.id).size() == 2u);

  AccountQuery by_name;
  by_name.sort = AccountSort::NameAsc;
  BOOST_TEST(ids(search_all(b, by_name)) == (std::vector<Id>{mine.id, theirs.id}),
             boost::test_tools::per_element());
  BOOST_TEST(b.accounts().stats().total_accounts == 2);
  ContactQuery by_email;
  by_email.email = "primary@alpha.example";
  BOOST_TEST(ids(search_all(b, by_email)) == (std::vector<Id>{primary.id}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(visibility_follows_the_last_writer) {
  Session audited = store.service(kUserB);
  Account edit = audited.accounts().get(mine.id);
  edit.account_notes = "touched by B";
  Account touched = audited.accounts().update(edit);
  BOOST_TEST(b.accounts().find(mine.id).has_value());

  // A, the creator, writes again: B is neither creator nor last writer now.
  Account a_edit = touched;
  a_edit.account_notes = "back to A";
  BOOST_TEST(a.accounts().update(a_edit).updated_by == kUserA);
  BOOST_TEST(b.accounts().find(mine.id) == std::nullopt);
  CHECK_THROWS_CODE(b.contacts().get(primary.id), NotFound, "contact.not_found");
}

BOOST_AUTO_TEST_CASE(last_writer_may_manage_contacts_of_the_account) {
  Session audited = store.service(kUserB);
  Account edit = audited.accounts().get(mine.id);
  edit.account_notes = "touched by B";
  audited.accounts().update(edit);

  Contact added = b.contacts().add(make_contact(mine.id, "Added By B"));
  BOOST_TEST(added.created_by == kUserB);
  BOOST_TEST(b.contacts().set_primary(added.id).is_primary_contact);
  b.contacts().remove(other.id);
  BOOST_TEST(a.contacts().find(other.id) == std::nullopt);
  BOOST_TEST(a.contacts().get(added.id).is_primary_contact);
}

BOOST_AUTO_TEST_CASE(user_ids_are_compared_case_insensitively) {
  std::string upper_a = kUserA;
  for (char& c : upper_a) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Session shouting = store.session(upper_a);
  BOOST_TEST(shouting.accounts().get(mine.id) == mine);
  Account input = make_account("Upper Case Co");
  input.created_by = upper_a;
  Account created = shouting.accounts().create(input);
  BOOST_TEST(created.created_by == kUserA);
  BOOST_TEST(created.updated_by == kUserA);
  BOOST_TEST(a.accounts().get(created.id) == created);
}

BOOST_AUTO_TEST_CASE(sessions_report_their_actor) {
  BOOST_TEST(a.user() == kUserA);
  BOOST_TEST(!a.is_service());
  BOOST_TEST(service.is_service());
  BOOST_TEST(service.user() == std::nullopt);
}

BOOST_AUTO_TEST_SUITE_END()
