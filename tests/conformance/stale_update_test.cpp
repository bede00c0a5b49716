// Optimistic concurrency: a write based on an old version is a Conflict and
// never a lost update.
#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

BOOST_FIXTURE_TEST_SUITE(stale_update, Fixture)

BOOST_AUTO_TEST_CASE(stale_account_update_is_a_conflict) {
  Account created = create_account(a, "Race Co");
  Session other = store.session(kUserA);

  Account mine = a.accounts().get(created.id);
  Account theirs = other.accounts().get(created.id);
  mine.account_notes = "first writer";
  theirs.account_notes = "second writer";

  Account stored = a.accounts().update(mine);
  BOOST_TEST(stored.version == 2);
  CHECK_THROWS_CODE(other.accounts().update(theirs), Conflict, "conflict.stale_version");

  Account now = other.accounts().get(created.id);
  BOOST_TEST(now == stored);
  BOOST_TEST(now.account_notes == "first writer");

  // Re-reading and writing again works.
  now.account_notes = "second writer, retried";
  Account retried = other.accounts().update(now);
  BOOST_TEST(retried.version == 3);
  BOOST_TEST(a.accounts().get(created.id).account_notes == "second writer, retried");
}

BOOST_AUTO_TEST_CASE(update_with_a_future_version_is_a_conflict) {
  Account created = create_account(a, "Future Co");
  Account edit = created;
  edit.version = created.version + 5;
  edit.account_notes = "from the future";
  CHECK_THROWS_CODE(a.accounts().update(edit), Conflict, "conflict.stale_version");
  BOOST_TEST(a.accounts().get(created.id) == created);
}

BOOST_AUTO_TEST_CASE(archive_makes_an_earlier_read_stale) {
  Account created = create_account(a, "Archive Race Co");
  a.accounts().archive(created.id);
  Account edit = created;
  edit.account_notes = "based on version 1";
  CHECK_THROWS_CODE(a.accounts().update(edit), Conflict, "conflict.stale_version");
  BOOST_TEST(a.accounts().get(created.id).account_notes == std::nullopt);
}

BOOST_AUTO_TEST_CASE(stale_update_of_a_deleted_account_is_not_found) {
  Account created = create_account(a, "Deleted Co");
  a.accounts().remove(created.id);
  Account edit = created;
  edit.account_notes = "too late";
  CHECK_THROWS_CODE(a.accounts().update(edit), NotFound, "account.not_found");
}

BOOST_AUTO_TEST_CASE(stale_contact_update_is_a_conflict) {
  Account account = create_account(a, "Contact Race Co");
  Contact created = a.contacts().add(make_contact(account.id, "Racer", "racer@example.com"));
  Session other = store.session(kUserA);

  Contact mine = a.contacts().get(created.id);
  Contact theirs = other.contacts().get(created.id);
  mine.role = "first";
  theirs.role = "second";

  Contact stored = a.contacts().update(mine);
  BOOST_TEST(stored.version == 2);
  CHECK_THROWS_CODE(other.contacts().update(theirs), Conflict, "conflict.stale_version");
  BOOST_TEST(other.contacts().get(created.id) == stored);

  Contact again = other.contacts().get(created.id);
  again.role = "second, retried";
  BOOST_TEST(other.contacts().update(again).version == 3);
}

BOOST_AUTO_TEST_CASE(set_primary_makes_an_earlier_contact_read_stale) {
  Account account = create_account(a, "Primary Race Co");
  Contact contact = a.contacts().add(make_contact(account.id, "Soon Primary"));
  a.contacts().set_primary(contact.id);
  Contact edit = contact;
  edit.role = "based on version 1";
  CHECK_THROWS_CODE(a.contacts().update(edit), Conflict, "conflict.stale_version");
  Contact now = a.contacts().get(contact.id);
  BOOST_TEST(now.is_primary_contact);
  BOOST_TEST(now.role == std::nullopt);
}

BOOST_AUTO_TEST_SUITE_END()
