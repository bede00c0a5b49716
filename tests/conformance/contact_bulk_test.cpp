// ContactRepository::add_many, the bulk path import uses: rows stored in
// input order as add() stores them, and the rules of add() across the batch
// (all or nothing).
#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

struct BulkFixture : Fixture {
  BulkFixture() : first(create_account(a, "Acme Plumbing")), second(create_account(a, "Bolt Co")) {}
  Account first;
  Account second;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(contact_bulk, BulkFixture)

BOOST_AUTO_TEST_CASE(add_many_stores_every_row_in_input_order_as_add_does) {
  std::vector<Contact> in = {
      make_contact(first.id, "Jane Doe", "Jane.Doe@Example.COM", "(201) 555-0123 x45", true),
      make_contact(second.id, "Bob Roe", std::nullopt, "+12015550199"),
      make_contact(first.id, "Ann Lee", "ann@example.com")};
  in[0].role = "Office Manager";
  const std::vector<Contact> added = a.contacts().add_many(in);
  BOOST_REQUIRE(added.size() == 3u);
  BOOST_TEST(added[0].id < added[1].id);
  BOOST_TEST(added[1].id < added[2].id);
  BOOST_TEST(added[0].customer_account_id == first.id);
  BOOST_TEST(added[1].customer_account_id == second.id);
  BOOST_TEST(added[0].email == "Jane.Doe@example.com");
  BOOST_TEST(added[0].phone == "+12015550123");
  BOOST_TEST(added[0].phone_extension == "45");
  BOOST_TEST(added[0].role == "Office Manager");
  BOOST_TEST(added[0].is_primary_contact);
  for (const auto& c : added) {
    BOOST_TEST(c.version == 1);
    BOOST_TEST(c.created_by == kUserA);
    BOOST_TEST(c.updated_by == kUserA);
    // What add_many returns is what a read returns.
    BOOST_TEST(a.contacts().get(c.id) == c);
  }
  // Found by name search like any other contact (the full-text index).
  ContactQuery q;
  q.text = "bob";
  const auto page = a.contacts().search(q);
  BOOST_REQUIRE(page.items.size() == 1u);
  BOOST_TEST(page.items[0].id == added[1].id);
  BOOST_TEST(a.contacts().add_many({}).empty());
}

BOOST_AUTO_TEST_CASE(add_many_reports_every_invalid_row_and_writes_nothing) {
  std::vector<Contact> in = {make_contact(first.id, "Fine"),
                             make_contact(first.id, "Bad Mail", "not an email"),
                             make_contact(first.id, "")};
  try {
    a.contacts().add_many(in);
    BOOST_FAIL("expected ValidationError");
  } catch (const ValidationError& e) {
    bool email = false, name = false;
    for (const auto& f : e.errors()) {
      email = email || f.field == "[1].email";
      name = name || f.field == "[2].contact_name";
    }
    BOOST_TEST(email);
    BOOST_TEST(name);
  }
  BOOST_TEST(list_all(a, first.id).empty());
}

BOOST_AUTO_TEST_CASE(add_many_keeps_one_primary_and_unique_emails_all_or_nothing) {
  a.contacts().add(make_contact(first.id, "Stored", "stored@example.com", std::nullopt, true));
  // A second primary within the batch.
  CHECK_THROWS_CODE(
      a.contacts().add_many(
          {make_contact(second.id, "P1", std::nullopt, std::nullopt, true),
           make_contact(second.id, "P2", std::nullopt, std::nullopt, true)}),
      Conflict, "contact.duplicate_primary");
  // An email the account already uses, differing in case.
  CHECK_THROWS_CODE(a.contacts().add_many({make_contact(second.id, "New"),
                                           make_contact(first.id, "Again", "STORED@example.com")}),
                    Conflict, "contact.duplicate_email");
  // A second primary against the stored one.
  CHECK_THROWS_CODE(a.contacts().add_many({make_contact(first.id, "Another Primary", std::nullopt,
                                                        std::nullopt, true)}),
                    Conflict, "contact.duplicate_primary");
  BOOST_TEST(list_all(a, second.id).empty());
  BOOST_TEST(list_all(a, first.id).size() == 1u);
}

BOOST_AUTO_TEST_CASE(add_many_into_an_invisible_account_is_not_found_and_writes_nothing) {
  const Account foreign = create_account(b, "Foreign Co");
  CHECK_THROWS_CODE(a.contacts().add_many({make_contact(first.id, "Mine"),
                                           make_contact(foreign.id, "Theirs")}),
                    NotFound, "account.not_found");
  BOOST_TEST(list_all(a, first.id).empty());
  BOOST_TEST(list_all(b, foreign.id).empty());
}

BOOST_AUTO_TEST_SUITE_END()
