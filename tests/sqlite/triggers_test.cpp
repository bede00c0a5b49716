// The triggers that keep the FTS5 indexes and the tag table in step with the
// rows, checked from behind the API with a raw connection.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "sqlite_test_support.hpp"

namespace custmgmt::sqlite_test {
namespace {

struct FileStore {
  TempDir dir;
  std::string path = dir.path("store.db");
  Store store = Store::open("sqlite:" + path);
  Session session = store.session(kUserA);
  RawDb raw{path};

  // FTS5's own consistency check of an external-content index against its
  // content table; throws (SQLITE_CORRUPT_VTAB) when they differ.
  void check_fts(const std::string& table) {
    raw.exec("INSERT INTO " + table + "(" + table + ", rank) VALUES ('integrity-check', 1)");
  }

  std::vector<std::string> fts_ids(const std::string& table, const std::string& match) {
    return raw.texts("SELECT rowid FROM " + table + " WHERE " + table + " MATCH '" + match +
                     "' ORDER BY rowid");
  }

  std::vector<std::string> tag_rows() {
    return raw.texts(
        "SELECT account_id || ':' || tag FROM customer_account_tags ORDER BY account_id, tag");
  }
};

std::vector<std::string> ids(std::initializer_list<Id> values) {
  std::vector<std::string> out;
  for (const auto v : values) out.push_back(std::to_string(v));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sqlite_triggers)

BOOST_AUTO_TEST_CASE(account_fts_follows_renames_and_deletes) {
  FileStore s;
  auto acme = s.session.accounts().create(make_account("Acme Plumbing"));
  const auto bolt = s.session.accounts().create(make_account("Bolt Electric"));
  BOOST_TEST(s.fts_ids("customer_accounts_fts", "acme") == ids({acme.id}));

  acme.company_name = "Zenith Works";
  acme = s.session.accounts().update(acme);
  s.session.accounts().remove(bolt.id);

  s.check_fts("customer_accounts_fts");
  BOOST_TEST(s.fts_ids("customer_accounts_fts", "acme").empty());
  BOOST_TEST(s.fts_ids("customer_accounts_fts", "bolt").empty());
  BOOST_TEST(s.fts_ids("customer_accounts_fts", "zenith") == ids({acme.id}));

  // An update that keeps the name must not disturb the index either.
  acme.account_notes = "notes only";
  s.session.accounts().update(acme);
  s.check_fts("customer_accounts_fts");
  BOOST_TEST(s.fts_ids("customer_accounts_fts", "zenith") == ids({acme.id}));
}

BOOST_AUTO_TEST_CASE(contact_fts_follows_renames_deletes_and_the_account_cascade) {
  FileStore s;
  const auto account = s.session.accounts().create(make_account("Acme"));
  auto jane = s.session.contacts().add(make_contact(account.id, "Jane Doe"));
  const auto john = s.session.contacts().add(make_contact(account.id, "John Smith"));
  const auto other = s.session.accounts().create(make_account("Other"));
  const auto kept = s.session.contacts().add(make_contact(other.id, "Kept Person"));

  jane.contact_name = "Janet Doe";
  s.session.contacts().update(jane);
  s.session.contacts().remove(john.id);
  s.check_fts("customer_contacts_fts");
  BOOST_TEST(s.fts_ids("customer_contacts_fts", "\"jane\"").empty());
  BOOST_TEST(s.fts_ids("customer_contacts_fts", "janet") == ids({jane.id}));
  BOOST_TEST(s.fts_ids("customer_contacts_fts", "john").empty());

  // Deleting the account deletes its contacts by cascade; their delete
  // trigger must run for those rows as well.
  s.session.accounts().remove(account.id);
  BOOST_TEST(s.raw.integer("SELECT count(*) FROM customer_contacts") == 1);
  s.check_fts("customer_contacts_fts");
  BOOST_TEST(s.fts_ids("customer_contacts_fts", "janet").empty());
  BOOST_TEST(s.fts_ids("customer_contacts_fts", "kept") == ids({kept.id}));
}

BOOST_AUTO_TEST_CASE(tag_table_follows_the_tags_column) {
  FileStore s;
  auto a = s.session.accounts().create(make_account("A", {"vip", "north"}));
  const auto b = s.session.accounts().create(make_account("B", {"vip"}));
  const auto c = s.session.accounts().create(make_account("C", {"south"}));
  const std::string ia = std::to_string(a.id), ib = std::to_string(b.id), ic = std::to_string(c.id);
  BOOST_TEST(s.tag_rows() ==
                 (std::vector<std::string>{ia + ":north", ia + ":vip", ib + ":vip", ic + ":south"}),
             boost::test_tools::per_element());

  a.tags = {"north", "east"};
  a = s.session.accounts().update(a);
  s.session.accounts().remove(b.id);
  BOOST_TEST(s.tag_rows() == (std::vector<std::string>{ia + ":east", ia + ":north", ic + ":south"}),
             boost::test_tools::per_element());

  a.tags.clear();
  s.session.accounts().update(a);
  BOOST_TEST(s.tag_rows() == (std::vector<std::string>{ic + ":south"}),
             boost::test_tools::per_element());

  // Both directions agree with the JSON column.
  BOOST_TEST(s.raw.integer("SELECT count(*) FROM customer_accounts a, json_each(a.tags) j "
                           "WHERE NOT EXISTS (SELECT 1 FROM customer_account_tags t "
                           "WHERE t.account_id = a.id AND t.tag = j.value)") == 0);
  BOOST_TEST(s.raw.integer("SELECT count(*) FROM customer_account_tags t "
                           "WHERE NOT EXISTS (SELECT 1 FROM customer_accounts a, json_each(a.tags) "
                           "j WHERE a.id = t.account_id AND j.value = t.tag)") == 0);
}

BOOST_AUTO_TEST_CASE(tag_rows_copy_created_at_and_type_and_follow_their_changes) {
  FileStore s;
  auto a = s.session.accounts().create(make_account("A", {"vip", "north"}));
  const auto b = s.session.accounts().create(make_account("B", {"vip"}, CustomerType::Residential));
  const std::string ia = std::to_string(a.id), ib = std::to_string(b.id);
  const auto copies = [&] {
    return s.raw.texts(
        "SELECT t.account_id || ':' || t.tag || ':' || (t.created_at = a.created_at) || ':' || "
        "t.customer_type FROM customer_account_tags t JOIN customer_accounts a ON a.id = "
        "t.account_id ORDER BY t.account_id, t.tag");
  };
  BOOST_TEST(
      copies() == (std::vector<std::string>{ia + ":north:1:Commercial", ia + ":vip:1:Commercial",
                                            ib + ":vip:1:Residential"}),
      boost::test_tools::per_element());

  // Through the library: type and tags in one update.
  a.customer_type = CustomerType::Residential;
  a.tags = {"vip", "east"};
  a = s.session.accounts().update(a);
  BOOST_TEST(
      copies() == (std::vector<std::string>{ia + ":east:1:Residential", ia + ":vip:1:Residential",
                                            ib + ":vip:1:Residential"}),
      boost::test_tools::per_element());

  // Through raw SQL below the library: created_at and the type alone.
  s.raw.exec(
      "UPDATE customer_accounts SET created_at = 42, customer_type = 'Commercial' "
      "WHERE id = " +
      ib);
  BOOST_TEST(s.raw.texts("SELECT created_at || ':' || customer_type FROM customer_account_tags "
                         "WHERE account_id = " +
                         ib) == (std::vector<std::string>{"42:Commercial"}),
             boost::test_tools::per_element());
  auto service = s.store.service();
  BOOST_TEST(verify(service).empty());
}

BOOST_AUTO_TEST_CASE(verify_reports_tag_rows_out_of_step_with_their_account) {
  FileStore s;
  const auto a = s.session.accounts().create(make_account("A", {"vip", "north"}));
  const auto b = s.session.accounts().create(make_account("B", {"south"}));
  const std::string ia = std::to_string(a.id), ib = std::to_string(b.id);
  // A raw writer that forgot one row, left one that is no tag of the account
  // and copied a wrong created_at.
  s.raw.exec("DELETE FROM customer_account_tags WHERE account_id = " + ia + " AND tag = 'north'");
  s.raw.exec(
      "INSERT INTO customer_account_tags (account_id, tag, created_at, customer_type) "
      "SELECT id, 'stale', created_at, customer_type FROM customer_accounts WHERE id = " +
      ib);
  s.raw.exec("UPDATE customer_account_tags SET created_at = created_at + 1 WHERE account_id = " +
             ib + " AND tag = 'south'");
  auto service = s.store.service();
  std::vector<std::string> found;
  for (const auto& p : verify(service)) {
    if (p.check == "tag_sync") found.push_back(p.message);
  }
  std::sort(found.begin(), found.end());
  BOOST_TEST(found == (std::vector<std::string>{
                          "customer_account_tags lacks account " + ia + " tag 'north'",
                          "customer_account_tags row account " + ib +
                              " tag 'south' differs from the account in created_at or "
                              "customer_type",
                          "customer_account_tags row account " + ib +
                              " tag 'stale' is not among the account's tags"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(tags_with_json_special_characters_survive_the_round_trip) {
  FileStore s;
  const std::vector<std::string> tags = {"quote\"d", "back\\slash", "ünï cödé", "😀"};
  const auto a = s.session.accounts().create(make_account("Tagged", tags));
  BOOST_TEST(s.session.accounts().get(a.id).tags == tags, boost::test_tools::per_element());
  for (const auto& tag : tags) {
    AccountQuery query;
    query.tags_all = {tag};
    BOOST_TEST(s.session.accounts().search(query).items.size() == 1u, "tag " << tag);
  }
}

BOOST_AUTO_TEST_CASE(integrity_check_is_ok_after_a_mixed_workload) {
  FileStore s;
  std::vector<Account> accounts;
  for (int i = 0; i < 30; ++i) {
    accounts.push_back(s.session.accounts().create(
        make_account("Company " + std::to_string(i), {"t" + std::to_string(i % 4)})));
    auto c = make_contact(accounts.back().id, "Person " + std::to_string(i));
    c.is_primary_contact = true;
    c.email = "p" + std::to_string(i) + "@example.com";
    s.session.contacts().add(c);
    s.session.contacts().add(make_contact(accounts.back().id, "Second " + std::to_string(i)));
  }
  for (int i = 0; i < 30; i += 3) s.session.accounts().remove(accounts[i].id);
  for (int i = 1; i < 30; i += 3) {
    auto a = s.session.accounts().get(accounts[i].id);
    a.company_name += " Renamed";
    a.tags = {"renamed"};
    s.session.accounts().update(a);
    s.session.accounts().archive(a.id);
  }
  BOOST_TEST(s.raw.texts("PRAGMA integrity_check") == std::vector<std::string>{"ok"},
             boost::test_tools::per_element());
  BOOST_TEST(s.raw.texts("PRAGMA foreign_key_check").empty());
  s.check_fts("customer_accounts_fts");
  s.check_fts("customer_contacts_fts");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace custmgmt::sqlite_test
