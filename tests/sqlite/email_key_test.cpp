// The stored email_key: SQLite's lower() folds only ASCII, so the backend
// folds case itself with FTS5's Unicode tables and compares that key.
#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sqlite_test_support.hpp"

namespace custmgmt::sqlite_test {
namespace {

struct EmailStore {
  TempDir dir;
  std::string path = dir.path("email.db");
  Store store = Store::open("sqlite:" + path);
  Session session = store.session(kUserA);
  Id account = session.accounts().create(make_account("Acme")).id;

  Contact add(const std::string& name, const std::string& email) {
    auto contact = make_contact(account, name);
    contact.email = email;
    return session.contacts().add(contact);
  }

  // The code of the Conflict that adding `email` raises, or "" when none.
  std::string conflict_of(const std::string& email) {
    try {
      add("Someone", email);
    } catch (const Conflict& e) {
      return e.code();
    }
    return "";
  }

  std::vector<Id> by_email(const std::string& email) {
    ContactQuery query;
    query.email = email;
    std::vector<Id> found;
    for (const auto& c : session.contacts().search(query).items) found.push_back(c.id);
    return found;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(sqlite_email_key)

BOOST_AUTO_TEST_CASE(the_key_folds_the_case_of_every_script_and_nothing_else) {
  EmailStore s;
  const auto jurgen = s.add("Jürgen", "Jürgen@example.com");
  const auto ivan = s.add("Иван", "ИВАН@example.com");
  s.add("Dots", "a.b+c@example.com");

  RawDb raw(s.path);
  BOOST_TEST(
      raw.texts("SELECT email_key FROM customer_contacts ORDER BY id") ==
          (std::vector<std::string>{"jürgen@example.com", "иван@example.com", "a.b+c@example.com"}),
      boost::test_tools::per_element());
  // The address itself is stored as given.
  BOOST_TEST(s.session.contacts().get(jurgen.id).email.value_or("") == "Jürgen@example.com");

  BOOST_TEST(s.conflict_of("JÜRGEN@example.com") == "contact.duplicate_email");
  BOOST_TEST(s.conflict_of("иван@example.com") == "contact.duplicate_email");
  BOOST_TEST(s.by_email("jÜRGEN@EXAMPLE.COM") == std::vector<Id>{jurgen.id},
             boost::test_tools::per_element());
  BOOST_TEST(s.by_email("Иван@example.com") == std::vector<Id>{ivan.id},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(diacritics_and_punctuation_still_tell_addresses_apart) {
  EmailStore s;
  s.add("Jürgen", "jürgen@example.com");
  s.add("Dots", "a.b@example.com");
  BOOST_TEST(s.conflict_of("jurgen@example.com").empty());
  BOOST_TEST(s.conflict_of("ab@example.com").empty());
  BOOST_TEST(s.conflict_of("a-b@example.com").empty());
  BOOST_TEST(s.by_email("jurgen@example.com").size() == 1u);
  BOOST_TEST(s.by_email("jürgen@example.com").size() == 1u);
}

BOOST_AUTO_TEST_CASE(unique_violations_from_the_database_become_conflicts) {
  EmailStore s;
  auto first = make_contact(s.account, "First");
  first.is_primary_contact = true;
  s.session.contacts().add(first);
  auto second = make_contact(s.account, "Second");
  second.is_primary_contact = true;
  try {
    s.session.contacts().add(second);
    BOOST_ERROR("expected contact.duplicate_primary");
  } catch (const Conflict& e) {
    BOOST_TEST(e.code() == "contact.duplicate_primary");
  }

  // Behind the API the indexes enforce the same rules.
  s.add("Third", "third@example.com");
  RawDb raw(s.path);
  BOOST_CHECK_THROW(raw.exec("UPDATE customer_contacts SET is_primary_contact = 1"),
                    std::runtime_error);
  BOOST_CHECK_THROW(raw.exec("UPDATE customer_contacts SET email = 'THIRD@example.com', "
                             "email_key = 'third@example.com' WHERE contact_name = 'First'"),
                    std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace custmgmt::sqlite_test
