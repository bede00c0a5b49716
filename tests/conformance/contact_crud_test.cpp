// Create, read, update and delete of contacts: every field round-trips, email
// and phone are normalised, audit fields and versions follow every write.
#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

struct ContactFixture : Fixture {
  ContactFixture() : account(create_account(a, "Acme Plumbing")) {}
  Account account;

  Contact full_contact() const {
    Contact contact =
        make_contact(account.id, "Jane Doe", "Jane.Doe@Example.COM", "(201) 555-0123 x45", true);
    contact.role = "Office Manager";
    contact.contact_notes = "Prefers email.\nNo calls after 5pm.";
    return contact;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(contact_crud, ContactFixture)

BOOST_AUTO_TEST_CASE(add_stores_every_field_normalised_with_audit_fields) {
  Contact added = a.contacts().add(full_contact());
  BOOST_TEST(added.id > 0);
  BOOST_TEST(added.customer_account_id == account.id);
  BOOST_TEST(added.contact_name == "Jane Doe");
  BOOST_TEST(added.email == "Jane.Doe@example.com");
  BOOST_TEST(added.phone == "+12015550123");
  BOOST_TEST(added.phone_extension == "45");
  BOOST_TEST(added.phone_display == "(201) 555-0123 x45");
  BOOST_TEST(added.role == "Office Manager");
  BOOST_TEST(added.contact_notes == "Prefers email.\nNo calls after 5pm.");
  BOOST_TEST(added.is_primary_contact);
  BOOST_TEST(added.created_by == kUserA);
  BOOST_TEST(added.updated_by == kUserA);
  BOOST_TEST(added.version == 1);
  BOOST_TEST(added.created_at <= added.updated_at);
  BOOST_TEST(a.contacts().get(added.id) == added);
  auto found = a.contacts().find(added.id);
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(*found == added);
}

BOOST_AUTO_TEST_CASE(phone_typed_as_e164_has_no_display_form) {
  Contact contact = make_contact(account.id, "Max Mustermann", std::nullopt, "+12015550123");
  contact.phone_extension = "77";
  Contact added = a.contacts().add(contact);
  BOOST_TEST(added.phone == "+12015550123");
  BOOST_TEST(added.phone_extension == "77");
  BOOST_TEST(added.phone_display == std::nullopt);
  BOOST_TEST(added.email == std::nullopt);
  BOOST_TEST(a.contacts().get(added.id) == added);
}

BOOST_AUTO_TEST_CASE(international_phone_is_stored_as_e164_with_typed_display) {
  Contact added =
      a.contacts().add(make_contact(account.id, "Hans Berliner", std::nullopt, "+49 30 123456"));
  BOOST_TEST(added.phone == "+4930123456");
  BOOST_TEST(added.phone_extension == std::nullopt);
  BOOST_TEST(added.phone_display == "+49 30 123456");
}

BOOST_AUTO_TEST_CASE(phone_without_country_uses_the_default_region) {
  Contact added =
      a.contacts().add(make_contact(account.id, "Local Number", std::nullopt, "201.555.0123"));
  BOOST_TEST(added.phone == "+12015550123");
  BOOST_TEST(added.phone_display == "201.555.0123");
}

BOOST_AUTO_TEST_CASE(contact_without_optional_fields_round_trips) {
  Contact added = a.contacts().add(make_contact(account.id, "Just A Name"));
  BOOST_TEST(added.email == std::nullopt);
  BOOST_TEST(added.phone == std::nullopt);
  BOOST_TEST(added.phone_extension == std::nullopt);
  BOOST_TEST(added.phone_display == std::nullopt);
  BOOST_TEST(added.role == std::nullopt);
  BOOST_TEST(added.contact_notes == std::nullopt);
  BOOST_TEST(!added.is_primary_contact);
  BOOST_TEST(a.contacts().get(added.id) == added);
}

BOOST_AUTO_TEST_CASE(update_replaces_every_editable_field) {
  Contact added = a.contacts().add(full_contact());
  Contact edit = added;
  edit.contact_name = "Jane Roe";
  edit.email = "jane@NEW.example.ORG";
  edit.phone = "+44 121 234 5678";
  edit.phone_extension = std::nullopt;
  edit.role = "Owner";
  edit.contact_notes = std::nullopt;
  edit.is_primary_contact = false;

  Contact updated = a.contacts().update(edit);
  BOOST_TEST(updated.id == added.id);
  BOOST_TEST(updated.customer_account_id == account.id);
  BOOST_TEST(updated.contact_name == "Jane Roe");
  BOOST_TEST(updated.email == "jane@new.example.org");
  BOOST_TEST(updated.phone == "+441212345678");
  BOOST_TEST(updated.phone_extension == std::nullopt);
  BOOST_TEST(updated.phone_display == "+44 121 234 5678");
  BOOST_TEST(updated.role == "Owner");
  BOOST_TEST(updated.contact_notes == std::nullopt);
  BOOST_TEST(!updated.is_primary_contact);
  BOOST_TEST(updated.version == 2);
  BOOST_TEST(updated.created_at == added.created_at);
  BOOST_TEST(updated.updated_at > added.updated_at);
  BOOST_TEST(updated.created_by == kUserA);
  BOOST_TEST(updated.updated_by == kUserA);
  BOOST_TEST(a.contacts().get(added.id) == updated);
}

BOOST_AUTO_TEST_CASE(read_modify_write_of_other_fields_keeps_the_phone_as_typed) {
  Contact added = a.contacts().add(full_contact());
  Contact edit = a.contacts().get(added.id);
  edit.role = "Head of Office";
  Contact updated = a.contacts().update(edit);
  BOOST_TEST(updated.role == "Head of Office");
  BOOST_TEST(updated.phone == added.phone);
  BOOST_TEST(updated.phone_extension == added.phone_extension);
  BOOST_TEST(updated.phone_display == added.phone_display);
  BOOST_TEST(updated.email == added.email);
}

BOOST_AUTO_TEST_CASE(clearing_email_and_phone_stores_nothing) {
  Contact added = a.contacts().add(full_contact());
  Contact edit = added;
  edit.email = std::nullopt;
  edit.phone = std::nullopt;
  edit.phone_extension = std::nullopt;
  edit.phone_display = std::nullopt;
  Contact updated = a.contacts().update(edit);
  BOOST_TEST(updated.email == std::nullopt);
  BOOST_TEST(updated.phone == std::nullopt);
  BOOST_TEST(updated.phone_extension == std::nullopt);
  BOOST_TEST(updated.phone_display == std::nullopt);
  BOOST_TEST(a.contacts().get(added.id) == updated);
}

BOOST_AUTO_TEST_CASE(update_can_move_a_contact_to_another_visible_account) {
  Account other = create_account(a, "Other Co");
  Contact added = a.contacts().add(make_contact(account.id, "Mover", "mover@example.com"));
  Contact edit = added;
  edit.customer_account_id = other.id;
  Contact moved = a.contacts().update(edit);
  BOOST_TEST(moved.customer_account_id == other.id);
  BOOST_TEST(list_all(a, account.id).empty());
  BOOST_TEST(ids(list_all(a, other.id)) == (std::vector<Id>{added.id}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(remove_deletes_the_contact) {
  Contact added = a.contacts().add(full_contact());
  a.contacts().remove(added.id);
  CHECK_THROWS_CODE(a.contacts().get(added.id), NotFound, "contact.not_found");
  BOOST_TEST(a.contacts().find(added.id) == std::nullopt);
  BOOST_TEST(service.contacts().find(added.id) == std::nullopt);
  BOOST_TEST(list_all(a, account.id).empty());
  CHECK_THROWS_CODE(a.contacts().remove(added.id), NotFound, "contact.not_found");
}

BOOST_AUTO_TEST_CASE(ids_of_removed_contacts_are_never_reused) {
  Contact first = a.contacts().add(full_contact());
  a.contacts().remove(first.id);
  BOOST_TEST(a.contacts().add(full_contact()).id > first.id);
}

BOOST_AUTO_TEST_CASE(missing_contact_is_not_found_for_every_operation) {
  Contact ghost = full_contact();
  ghost.id = 515151;
  ghost.version = 1;
  CHECK_THROWS_CODE(a.contacts().get(515151), NotFound, "contact.not_found");
  BOOST_TEST(a.contacts().find(515151) == std::nullopt);
  CHECK_THROWS_CODE(a.contacts().update(ghost), NotFound, "contact.not_found");
  CHECK_THROWS_CODE(a.contacts().remove(515151), NotFound, "contact.not_found");
  CHECK_THROWS_CODE(a.contacts().set_primary(515151), NotFound, "contact.not_found");
}

BOOST_AUTO_TEST_CASE(adding_to_a_missing_account_is_account_not_found) {
  CHECK_THROWS_CODE(a.contacts().add(make_contact(777777, "Nobody")), NotFound,
                    "account.not_found");
  CHECK_THROWS_CODE(a.contacts().list(777777), NotFound, "account.not_found");
}

BOOST_AUTO_TEST_SUITE_END()
