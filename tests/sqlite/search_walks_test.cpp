// The SQLite search statements that walk an index in the page's order
// instead of sorting every match: tag filters in created order (the tag
// table's idx_customer_account_tags_created, migration 0003). Each query is
// paged through with small pages and compared with the straightforward SQL
// (every match, sorted) run on a raw connection.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "sqlite_test_support.hpp"

namespace custmgmt::sqlite_test {
namespace {

constexpr std::int64_t kBase = 1600000000000000;  // µs

struct WalkStore {
  TempDir dir;
  std::string path = dir.path("walks.db");
  Store store = Store::open("sqlite:" + path);
  RawDb raw{path};

  WalkStore() {
    const std::vector<std::string> tags = {"red", "green", "blue", "amber", "violet"};
    for (const auto& user : {kUserA, kUserB}) {
      auto session = store.session(user);
      std::vector<Account> batch;
      for (int i = 0; i < 300; ++i) {
        std::vector<std::string> mine;
        for (std::size_t t = 0; t < tags.size(); ++t) {
          if ((i * 7 + static_cast<int>(t) * 3) % (static_cast<int>(t) + 2) == 0) {
            mine.push_back(tags[t]);
          }
        }
        batch.push_back(
            make_account("Company " + std::to_string(i), mine,
                         i % 3 == 0 ? CustomerType::Residential : CustomerType::Commercial));
      }
      session.accounts().create_many(batch);
    }
    // Many accounts share a created_at (ties broken by id), set below the
    // library: the triggers must carry it to the tag rows.
    raw.exec("UPDATE customer_accounts SET created_at = " + std::to_string(kBase) +
             " + (id * 7919 % 41) * 1000000");
    raw.exec("UPDATE customer_accounts SET archived_at = 1 WHERE id % 9 = 0");
  }

  // The straightforward statement: every visible match, sorted.
  std::vector<Id> expected(const std::string& user, const AccountQuery& q) {
    std::string sql = "SELECT id FROM customer_accounts a WHERE (a.created_by = '" + user +
                      "' OR a.updated_by = '" + user + "')";
    if (q.customer_type)
      sql += " AND a.customer_type = '" + std::string(to_string(*q.customer_type)) + "'";
    if (!q.tags_any.empty()) {
      std::string list;
      for (const auto& t : q.tags_any) list += (list.empty() ? "'" : ", '") + t + "'";
      sql += " AND EXISTS (SELECT 1 FROM json_each(a.tags) j WHERE j.value IN (" + list + "))";
    }
    for (const auto& t : q.tags_all) {
      sql += " AND EXISTS (SELECT 1 FROM json_each(a.tags) j WHERE j.value = '" + t + "')";
    }
    if (q.created_from) sql += " AND a.created_at >= " + std::to_string(micros(*q.created_from));
    if (q.created_to) sql += " AND a.created_at < " + std::to_string(micros(*q.created_to));
    if (q.archived == ArchivedFilter::Exclude) sql += " AND a.archived_at IS NULL";
    if (q.archived == ArchivedFilter::Only) sql += " AND a.archived_at IS NOT NULL";
    sql += q.sort == AccountSort::CreatedAsc ? " ORDER BY a.created_at, a.id"
                                             : " ORDER BY a.created_at DESC, a.id DESC";
    std::vector<Id> ids;
    for (const auto& text : raw.texts(sql)) ids.push_back(std::stoll(text));
    return ids;
  }

  // The library's pages, concatenated.
  std::vector<Id> paged(const std::string& user, AccountQuery q, std::size_t page_size) {
    auto session = store.session(user);
    q.limit = page_size;
    std::vector<Id> ids;
    for (int pages = 0; pages < 1000; ++pages) {
      const auto page = session.accounts().search(q);
      BOOST_TEST(page.items.size() <= page_size);
      for (const auto& a : page.items) ids.push_back(a.id);
      if (!page.next_cursor) break;
      q.cursor = *page.next_cursor;
    }
    return ids;
  }

  static std::int64_t micros(Timestamp t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  }
};

Timestamp at_second(int s) {
  return Timestamp(std::chrono::microseconds(kBase + std::int64_t{s} * 1000000));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sqlite_search_walks)

BOOST_AUTO_TEST_CASE(tag_walks_page_like_the_sorted_statement) {
  WalkStore s;
  std::vector<AccountQuery> queries;
  for (const auto sort :
       {AccountSort::Default, AccountSort::CreatedDesc, AccountSort::CreatedAsc}) {
    for (const auto archived :
         {ArchivedFilter::Exclude, ArchivedFilter::Include, ArchivedFilter::Only}) {
      AccountQuery q;
      q.sort = sort;
      q.archived = archived;
      q.tags_any = {"red"};
      queries.push_back(q);
      q.tags_any = {"green", "blue", "green", "nosuchtag"};  // duplicates and a tag nobody has
      queries.push_back(q);
      q.customer_type = CustomerType::Residential;
      q.created_from = at_second(5);
      q.created_to = at_second(30);
      queries.push_back(q);
      q.tags_any.clear();
      q.tags_all = {"blue", "green"};
      queries.push_back(q);
      q.tags_any = {"red", "amber"};
      q.customer_type = CustomerType::Commercial;
      queries.push_back(q);
      q.tags_any.clear();
      q.tags_all = {"violet", "red", "violet"};
      q.customer_type.reset();
      q.created_from.reset();
      queries.push_back(q);
    }
  }
  std::size_t nonempty = 0;
  for (const auto& user : {kUserA, kUserB}) {
    for (const auto& q : queries) {
      const auto want = s.expected(user, q);
      if (want.size() > 7) ++nonempty;
      for (const std::size_t page_size : {std::size_t{7}, std::size_t{1000}}) {
        BOOST_TEST(s.paged(user, q, page_size) == want, boost::test_tools::per_element());
      }
    }
  }
  // The data set exercises multi-page walks, not only empty results.
  BOOST_TEST(nonempty >= queries.size());
}

BOOST_AUTO_TEST_CASE(the_service_role_walks_every_users_accounts) {
  WalkStore s;
  auto service = s.store.service();
  AccountQuery q;
  q.tags_any = {"red", "blue"};
  q.limit = 1000;
  const auto a = s.expected(kUserA, q);
  const auto b = s.expected(kUserB, q);
  std::size_t found = 0;
  for (const auto& account : service.accounts().search(q).items) {
    found += 1;
    BOOST_TEST(account.tags.size() >= 1u);
  }
  BOOST_TEST(found == a.size() + b.size());
}

// Tier 2 of the relevance order (matches whose name does not start with the
// text) is walked in name order when the match list is long (more than
// max(32, √N) matches) and sorted otherwise; both give the order of the
// straightforward statement.
BOOST_AUTO_TEST_CASE(tier_two_is_walked_for_many_matches_and_sorted_for_few) {
  TempDir dir;
  const auto path = dir.path("tiers.db");
  {
    auto store = Store::open("sqlite:" + path);
    for (const auto& user : {kUserA, kUserB}) {
      auto session = store.session(user);
      std::vector<Account> batch;
      const char* const firsts[] = {"Acme", "Zenith", "Bolt", "Cedar", "Maple"};
      for (int i = 0; i < 200; ++i) {
        // Tier 2 for "plumb": the trade word is never first.
        batch.push_back(
            make_account(std::string(firsts[i % 5]) + " Plumbing " + std::to_string(i % 17), {},
                         i % 4 == 0 ? CustomerType::Residential : CustomerType::Commercial));
      }
      for (int i = 0; i < 12; ++i) {
        batch.push_back(make_account("Plumbing Works " + std::to_string(i)));  // tier 1
        batch.push_back(make_account("Cedar Zircon " + std::to_string(i)));    // few matches
      }
      batch.push_back(make_account("Plumb"));  // tier 0
      session.accounts().create_many(batch);
    }
  }
  RawDb raw(path);
  raw.exec("UPDATE customer_accounts SET archived_at = 1 WHERE id % 7 = 0");

  const auto expected = [&](const std::string& user, const std::string& word,
                            const AccountQuery& q) {
    std::string sql = "SELECT id FROM customer_accounts WHERE (created_by = '" + user +
                      "' OR updated_by = '" + user + "') AND (' ' || company_name_key) LIKE '% " +
                      word + "%'";
    if (q.customer_type) {
      sql += " AND customer_type = '" + std::string(to_string(*q.customer_type)) + "'";
    }
    if (q.archived == ArchivedFilter::Exclude) sql += " AND archived_at IS NULL";
    if (q.archived == ArchivedFilter::Only) sql += " AND archived_at IS NOT NULL";
    sql += " ORDER BY CASE WHEN company_name_key = '" + word +
           "' THEN 0 WHEN substr(company_name_key, 1, " + std::to_string(word.size()) + ") = '" +
           word + "' THEN 1 ELSE 2 END, company_name_key, id";
    std::vector<Id> ids;
    for (const auto& text : raw.texts(sql)) ids.push_back(std::stoll(text));
    return ids;
  };
  const auto paged = [](Session& session, AccountQuery q, std::size_t page_size) {
    q.limit = page_size;
    std::vector<Id> ids;
    for (int pages = 0; pages < 1000; ++pages) {
      const auto page = session.accounts().search(q);
      for (const auto& a : page.items) ids.push_back(a.id);
      if (!page.next_cursor) break;
      q.cursor = *page.next_cursor;
    }
    return ids;
  };

  auto store = Store::open("sqlite:" + path);
  for (const auto& user : {kUserA, kUserB}) {
    auto session = store.session(user);
    for (const std::string word : {"plumb", "plumbing", "zircon"}) {
      for (const auto archived :
           {ArchivedFilter::Exclude, ArchivedFilter::Include, ArchivedFilter::Only}) {
        for (const bool typed : {false, true}) {
          AccountQuery q;
          q.text = word;
          q.sort = AccountSort::Relevance;
          q.archived = archived;
          if (typed) q.customer_type = CustomerType::Residential;
          const auto want = expected(user, word, q);
          if (!typed) BOOST_TEST(!want.empty());
          for (const std::size_t size : {std::size_t{9}, std::size_t{1000}}) {
            BOOST_TEST(paged(session, q, size) == want, boost::test_tools::per_element());
          }
        }
      }
    }
  }

  // Which strategy ran: the walk names idx_customer_accounts_name_key with
  // INDEXED BY, so without that index it fails while the sort still works
  // (tiers 0 and 1 merely lose their index).
  raw.exec("DROP INDEX idx_customer_accounts_name_key");
  auto after_drop = Store::open("sqlite:" + path);
  auto session = after_drop.session(kUserA);
  AccountQuery few;
  few.text = "zircon";
  few.sort = AccountSort::Relevance;
  BOOST_TEST(session.accounts().search(few).items.size() == expected(kUserA, "zircon", few).size());
  AccountQuery many = few;
  many.text = "plumbing";
  BOOST_CHECK_THROW(session.accounts().search(many), BackendError);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace custmgmt::sqlite_test
