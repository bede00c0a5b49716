// Account search: word-prefix matching, ranking, filters, archiving, sort
// orders, query validation and hostile search text.
#include <algorithm>
#include <chrono>
#include <thread>

#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

using Names = std::vector<std::string>;

Names sorted(Names v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Creates the accounts in order, a little apart so created_at differs.
std::vector<Account> create_spaced(Session& session, const Names& list) {
  std::vector<Account> out;
  for (const auto& name : list) {
    out.push_back(create_account(session, name));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return out;
}

Names search_names(Session& session, AccountQuery query) {
  return names(search_all(session, query));
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(account_search_text, Fixture)

BOOST_AUTO_TEST_CASE(word_prefix_finds_the_account) {
  for (const char* name : {"Acme Plumbing", "Best Bakery", "Zenith Acme"}) create_account(a, name);
  BOOST_TEST(sorted(find_names(a, "acm")) == (Names{"Acme Plumbing", "Zenith Acme"}),
             boost::test_tools::per_element());
  BOOST_TEST(find_names(a, "bak") == (Names{"Best Bakery"}), boost::test_tools::per_element());
  BOOST_TEST(find_names(a, "cme").empty());
  BOOST_TEST(find_names(a, "acmes").empty());
}

BOOST_AUTO_TEST_CASE(every_word_must_prefix_some_word_of_the_name) {
  for (const char* name : {"Acme Plumbing", "Acme", "Acme Electric", "Plumbing Acme Supply"}) {
    create_account(a, name);
  }
  BOOST_TEST(sorted(find_names(a, "acm plu")) == (Names{"Acme Plumbing", "Plumbing Acme Supply"}),
             boost::test_tools::per_element());
  BOOST_TEST(sorted(find_names(a, "plu acm")) == (Names{"Acme Plumbing", "Plumbing Acme Supply"}),
             boost::test_tools::per_element());
  BOOST_TEST(find_names(a, "acme plumbing supply") == (Names{"Plumbing Acme Supply"}),
             boost::test_tools::per_element());
  BOOST_TEST(find_names(a, "acme gas").empty());
}

BOOST_AUTO_TEST_CASE(matching_ignores_case) {
  create_account(a, "Acme Plumbing");
  BOOST_TEST(find_names(a, "ACME") == (Names{"Acme Plumbing"}), boost::test_tools::per_element());
  BOOST_TEST(find_names(a, "pLuMb") == (Names{"Acme Plumbing"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(matching_ignores_accents) {
  create_account(a, "Café Ünal");
  create_account(a, "Cafeteria Plus");
  BOOST_TEST(sorted(find_names(a, "cafe")) == (Names{"Cafeteria Plus", "Café Ünal"}),
             boost::test_tools::per_element());
  BOOST_TEST(find_names(a, "unal") == (Names{"Café Ünal"}), boost::test_tools::per_element());
  BOOST_TEST(find_names(a, "CAFÉ ÜN") == (Names{"Café Ünal"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(punctuation_separates_words_in_names_and_text) {
  create_account(a, "O'Brien-Smith & Co.");
  BOOST_TEST(find_names(a, "smith") == (Names{"O'Brien-Smith & Co."}),
             boost::test_tools::per_element());
  BOOST_TEST(find_names(a, "brien co") == (Names{"O'Brien-Smith & Co."}),
             boost::test_tools::per_element());
  BOOST_TEST(find_names(a, "o'brien") == (Names{"O'Brien-Smith & Co."}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(digits_are_words) {
  create_account(a, "24/7 Locksmiths");
  create_account(a, "247 Garage");
  BOOST_TEST(find_names(a, "24 7") == (Names{"24/7 Locksmiths"}), boost::test_tools::per_element());
  BOOST_TEST(sorted(find_names(a, "24")) == (Names{"24/7 Locksmiths", "247 Garage"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ranking_puts_exact_then_starting_then_other_matches_each_by_name) {
  // Created in an order unrelated to the expected ranking.
  for (const char* name : {"Zenith Acme", "Acmeville Tools", "Acme", "Aaron Acme Co",
                           "Acme Plumbing Supply", "acme", "Acme Plumbing", "Best Acme Services"}) {
    create_account(a, name);
  }
  AccountQuery query;
  query.text = "Acme";
  query.sort = AccountSort::Relevance;
  std::vector<Account> rows = search_all(a, query);
  BOOST_TEST(names(rows) ==
                 (Names{"Acme", "acme", "Acme Plumbing", "Acme Plumbing Supply", "Acmeville Tools",
                        "Aaron Acme Co", "Best Acme Services", "Zenith Acme"}),
             boost::test_tools::per_element());
  BOOST_REQUIRE(rows.size() == 8u);
  BOOST_TEST(rows[0].id < rows[1].id);  // equal keys: by id

  query.sort = AccountSort::Default;  // text set: relevance
  BOOST_TEST(ids(search_all(a, query)) == ids(rows), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ranking_with_several_words) {
  for (const char* name :
       {"Acme Plumbing", "Acme Plumbing Supply", "Plumbing Acme", "Acme Best Plumbing"}) {
    create_account(a, name);
  }
  AccountQuery query;
  query.text = "acme plumbing";
  BOOST_TEST(search_names(a, query) == (Names{"Acme Plumbing", "Acme Plumbing Supply",
                                              "Acme Best Plumbing", "Plumbing Acme"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(relevance_without_text_is_invalid) {
  create_account(a, "Acme");
  AccountQuery query;
  query.sort = AccountSort::Relevance;
  CHECK_VALIDATION_ERRORS(a.accounts().search(query), {"sort|query.sort_invalid"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(account_search_filters, Fixture)

BOOST_AUTO_TEST_CASE(customer_type_filter) {
  create_account(a, "Home One", CustomerType::Residential);
  create_account(a, "Shop One", CustomerType::Commercial);
  create_account(a, "Home Two", CustomerType::Residential);
  AccountQuery query;
  query.sort = AccountSort::NameAsc;
  query.customer_type = CustomerType::Residential;
  BOOST_TEST(search_names(a, query) == (Names{"Home One", "Home Two"}),
             boost::test_tools::per_element());
  query.customer_type = CustomerType::Commercial;
  BOOST_TEST(search_names(a, query) == (Names{"Shop One"}), boost::test_tools::per_element());
  query.text = "home";
  BOOST_TEST(search_names(a, query).empty());
}

BOOST_AUTO_TEST_CASE(tags_any_and_tags_all_filters) {
  create_account(a, "Gold Only", CustomerType::Commercial, {"gold"});
  create_account(a, "Gold Vip", CustomerType::Commercial, {"vip", "gold"});
  create_account(a, "Vip Only", CustomerType::Commercial, {"vip"});
  create_account(a, "Untagged", CustomerType::Commercial);
  create_account(a, "Gold Vip Pool", CustomerType::Commercial, {"gold", "pool", "vip"});

  AccountQuery query;
  query.sort = AccountSort::NameAsc;
  query.tags_any = {"vip", "gold"};
  BOOST_TEST(
      search_names(a, query) == (Names{"Gold Only", "Gold Vip", "Gold Vip Pool", "Vip Only"}),
      boost::test_tools::per_element());
  query.tags_any = {};
  query.tags_all = {"vip", "gold"};
  BOOST_TEST(search_names(a, query) == (Names{"Gold Vip", "Gold Vip Pool"}),
             boost::test_tools::per_element());
  query.tags_any = {"pool", "nothing"};
  BOOST_TEST(search_names(a, query) == (Names{"Gold Vip Pool"}), boost::test_tools::per_element());
  query.tags_any = {};
  query.tags_all = {"vip", "missing"};
  BOOST_TEST(search_names(a, query).empty());
  query.tags_all = {"VIP"};  // tags are compared exactly
  BOOST_TEST(search_names(a, query).empty());
}

BOOST_AUTO_TEST_CASE(tags_are_matched_literally) {
  create_account(a, "Vip", CustomerType::Commercial, {"vip"});
  create_account(a, "Underscore", CustomerType::Commercial, {"v_p"});
  create_account(a, "Percent", CustomerType::Commercial, {"50%"});
  create_account(a, "Fifty", CustomerType::Commercial, {"500"});
  AccountQuery query;
  query.sort = AccountSort::NameAsc;
  query.tags_any = {"v_p"};
  BOOST_TEST(search_names(a, query) == (Names{"Underscore"}), boost::test_tools::per_element());
  query.tags_any = {"50%"};
  BOOST_TEST(search_names(a, query) == (Names{"Percent"}), boost::test_tools::per_element());
  query.tags_any = {"%"};
  BOOST_TEST(search_names(a, query).empty());
  query.tags_any = {};
  query.tags_all = {"v%"};
  BOOST_TEST(search_names(a, query).empty());
  query.tags_all = {"\\"};
  BOOST_TEST(search_names(a, query).empty());
}

BOOST_AUTO_TEST_CASE(created_range_is_half_open) {
  std::vector<Account> rows = create_spaced(a, {"First", "Second", "Third"});
  Timestamp t1 = rows[0].created_at, t2 = rows[1].created_at, t3 = rows[2].created_at;
  BOOST_REQUIRE(t1 < t2);
  BOOST_REQUIRE(t2 < t3);

  AccountQuery query;
  query.sort = AccountSort::CreatedAsc;
  query.created_from = t2;
  query.created_to = t3;
  BOOST_TEST(search_names(a, query) == (Names{"Second"}), boost::test_tools::per_element());
  query.created_from = t1;
  BOOST_TEST(search_names(a, query) == (Names{"First", "Second"}),
             boost::test_tools::per_element());
  query.created_to = t3 + std::chrono::microseconds(1);
  BOOST_TEST(search_names(a, query) == (Names{"First", "Second", "Third"}),
             boost::test_tools::per_element());
  query.created_from = t1 + std::chrono::microseconds(1);
  BOOST_TEST(search_names(a, query) == (Names{"Second", "Third"}),
             boost::test_tools::per_element());

  AccountQuery open_start;
  open_start.sort = AccountSort::CreatedAsc;
  open_start.created_to = t2;
  BOOST_TEST(search_names(a, open_start) == (Names{"First"}), boost::test_tools::per_element());
  AccountQuery open_end;
  open_end.sort = AccountSort::CreatedAsc;
  open_end.created_from = t3;
  BOOST_TEST(search_names(a, open_end) == (Names{"Third"}), boost::test_tools::per_element());
  open_end.created_to = t1;
  CHECK_VALIDATION_ERRORS(a.accounts().search(open_end), {"created_to|query.range_invalid"});
}

BOOST_AUTO_TEST_CASE(archived_accounts_are_hidden_unless_asked_for) {
  Account kept = create_account(a, "Kept Acme");
  Account gone = create_account(a, "Gone Acme");
  a.accounts().archive(gone.id);

  AccountQuery query;
  query.sort = AccountSort::NameAsc;
  BOOST_TEST(search_names(a, query) == (Names{"Kept Acme"}), boost::test_tools::per_element());
  query.text = "acme";
  BOOST_TEST(search_names(a, query) == (Names{"Kept Acme"}), boost::test_tools::per_element());
  query.archived = ArchivedFilter::Include;
  BOOST_TEST(search_names(a, query) == (Names{"Gone Acme", "Kept Acme"}),
             boost::test_tools::per_element());
  query.archived = ArchivedFilter::Only;
  BOOST_TEST(search_names(a, query) == (Names{"Gone Acme"}), boost::test_tools::per_element());

  a.accounts().restore(gone.id);
  query.archived = ArchivedFilter::Exclude;
  BOOST_TEST(search_names(a, query) == (Names{"Gone Acme", "Kept Acme"}),
             boost::test_tools::per_element());
  query.archived = ArchivedFilter::Only;
  BOOST_TEST(search_names(a, query).empty());
  (void)kept;
}

BOOST_AUTO_TEST_CASE(all_filters_combine) {
  Account hit = create_account(a, "Acme Home", CustomerType::Residential, {"vip"});
  create_account(a, "Acme Shop", CustomerType::Commercial, {"vip"});
  create_account(a, "Acme House", CustomerType::Residential, {"gold"});
  create_account(a, "Other Home", CustomerType::Residential, {"vip"});
  Account archived = create_account(a, "Acme Hut", CustomerType::Residential, {"vip"});
  a.accounts().archive(archived.id);

  AccountQuery query;
  query.text = "acme";
  query.customer_type = CustomerType::Residential;
  query.tags_all = {"vip"};
  query.created_from = hit.created_at;
  BOOST_TEST(ids(search_all(a, query)) == (std::vector<Id>{hit.id}),
             boost::test_tools::per_element());
  query.archived = ArchivedFilter::Include;
  query.sort = AccountSort::CreatedAsc;
  BOOST_TEST(ids(search_all(a, query)) == (std::vector<Id>{hit.id, archived.id}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(account_search_sort, Fixture)

BOOST_AUTO_TEST_CASE(default_order_without_text_is_newest_first) {
  create_spaced(a, {"bravo", "Alpha", "charlie"});
  BOOST_TEST(search_names(a, {}) == (Names{"charlie", "Alpha", "bravo"}),
             boost::test_tools::per_element());
  AccountQuery query;
  query.sort = AccountSort::CreatedDesc;
  BOOST_TEST(search_names(a, query) == (Names{"charlie", "Alpha", "bravo"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(created_asc_is_oldest_first) {
  create_spaced(a, {"bravo", "Alpha", "charlie"});
  AccountQuery query;
  query.sort = AccountSort::CreatedAsc;
  BOOST_TEST(search_names(a, query) == (Names{"bravo", "Alpha", "charlie"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(name_asc_ignores_ascii_case) {
  create_spaced(a, {"bravo", "Alpha", "charlie", "ALPHA ONE", "Bravo"});
  AccountQuery query;
  query.sort = AccountSort::NameAsc;
  std::vector<Account> rows = search_all(a, query);
  BOOST_TEST(names(rows) == (Names{"Alpha", "ALPHA ONE", "bravo", "Bravo", "charlie"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(name_asc_orders_non_ascii_by_bytes) {
  create_spaced(a, {"Ärzte Zentrum", "zebra", "Apple", "Éclair"});
  AccountQuery query;
  query.sort = AccountSort::NameAsc;
  BOOST_TEST(search_names(a, query) == (Names{"Apple", "zebra", "Ärzte Zentrum", "Éclair"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(updated_desc_puts_the_last_changed_first) {
  std::vector<Account> rows = create_spaced(a, {"First", "Second", "Third"});
  Account edit = rows[0];
  edit.account_notes = "touched";
  a.accounts().update(edit);
  AccountQuery query;
  query.sort = AccountSort::UpdatedDesc;
  BOOST_TEST(search_names(a, query) == (Names{"First", "Third", "Second"}),
             boost::test_tools::per_element());
  a.accounts().archive(rows[1].id);
  query.archived = ArchivedFilter::Include;
  BOOST_TEST(search_names(a, query) == (Names{"Second", "First", "Third"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(explicit_sort_applies_to_text_search) {
  create_spaced(a, {"Acme Zeta", "Acme", "Acme Alpha"});
  AccountQuery query;
  query.text = "acme";
  query.sort = AccountSort::CreatedDesc;
  BOOST_TEST(search_names(a, query) == (Names{"Acme Alpha", "Acme", "Acme Zeta"}),
             boost::test_tools::per_element());
  query.sort = AccountSort::NameAsc;
  BOOST_TEST(search_names(a, query) == (Names{"Acme", "Acme Alpha", "Acme Zeta"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(account_search_validation, Fixture)

BOOST_AUTO_TEST_CASE(invalid_cursor_is_rejected) {
  create_account(a, "Acme");
  for (const char* cursor : {"garbage", "!!!", "eyJ4IjoxfQ==", "\xff\xfe"}) {
    AccountQuery query;
    query.cursor = cursor;
    std::vector<std::string> errors = validation_errors([&] { a.accounts().search(query); });
    BOOST_TEST(errors == (std::vector<std::string>{"cursor|cursor.invalid"}),
               boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(search_text_has_a_length_limit) {
  create_account(a, "Acme");
  AccountQuery query;
  query.text = std::string(limits::kSearchText + 1, 'a');
  CHECK_VALIDATION_ERRORS(a.accounts().search(query), {"text|text.too_long"});
  query.text = std::string(limits::kSearchText, 'a');
  BOOST_TEST(a.accounts().search(query).items.empty());
  query.text = "acme " + std::string(limits::kSearchText - 5, ' ');
  BOOST_TEST(a.accounts().search(query).items.size() == 1u);
}

BOOST_AUTO_TEST_CASE(limit_must_be_between_1_and_1000) {
  for (int i = 0; i < 3; ++i) create_account(a, "Acme " + std::to_string(i));
  AccountQuery query;
  query.limit = 0;
  CHECK_VALIDATION_ERRORS(a.accounts().search(query), {"limit|query.limit_invalid"});
  query.limit = 1001;
  CHECK_VALIDATION_ERRORS(a.accounts().search(query), {"limit|query.limit_invalid"});
  query.limit = 1000;
  BOOST_TEST(a.accounts().search(query).items.size() == 3u);
  query.limit = 1;
  Page<Account> page = a.accounts().search(query);
  BOOST_TEST(page.items.size() == 1u);
  BOOST_TEST(page.next_cursor.has_value());
}

BOOST_AUTO_TEST_CASE(limit_is_honoured_and_last_page_has_no_cursor) {
  for (int i = 0; i < 5; ++i) create_account(a, "Acme " + std::to_string(i));
  AccountQuery query;
  query.limit = 2;
  Page<Account> first = a.accounts().search(query);
  BOOST_TEST(first.items.size() == 2u);
  BOOST_REQUIRE(first.next_cursor.has_value());
  query.limit = 10;
  Page<Account> all = a.accounts().search(query);
  BOOST_TEST(all.items.size() == 5u);
  BOOST_TEST(!all.next_cursor.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(account_search_hostile_text, Fixture)

BOOST_AUTO_TEST_CASE(text_without_words_matches_nothing) {
  for (const char* name : {"Acme Plumbing", "Zenith Acme", "100% Organic"}) create_account(a, name);
  for (const char* text :
       {"\"",  "*",    "-",   "^",  "%",   "_", "\\", "'",  "(",  ")",  ":", "!!!",
        "...", "\"\"", "*:*", "()", "   ", "",  "%%", "_%", "--", "/*", ";"}) {
    BOOST_TEST_CONTEXT("text [" << text << "]") {
      Page<Account> page;
      BOOST_CHECK_NO_THROW(page = [&] {
        AccountQuery query;
        query.text = text;
        return a.accounts().search(query);
      }());
      BOOST_TEST(page.items.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(query_syntax_is_never_interpreted) {
  for (const char* name : {"Acme Plumbing", "Zenith Acme", "Orange Co", "Nearby Foods",
                           "100% Organic", "Under_Score Ltd", "Back\\Slash Inc"}) {
    create_account(a, name);
  }
  struct Case {
    const char* text;
    Names expected;
  };
  const std::vector<Case> cases = {
      {"acme*", {"Acme Plumbing", "Zenith Acme"}},
      {"\"acme plumbing\"", {"Acme Plumbing"}},
      {"\"acme", {"Acme Plumbing", "Zenith Acme"}},
      {"-acme", {"Acme Plumbing", "Zenith Acme"}},
      {"^acme", {"Acme Plumbing", "Zenith Acme"}},
      {"acme OR orange", {}},
      {"acme AND plumbing", {}},
      {"acme NOT plumbing", {}},
      {"acme NEAR plumbing", {}},
      {"NEAR(acme plumbing)", {}},
      {"NEAR", {"Nearby Foods"}},
      {"OR", {"100% Organic", "Orange Co"}},
      {"company_name:acme", {}},
      {"{company_name}:acme", {}},
      {"a%", {"Acme Plumbing", "Zenith Acme"}},
      {"%acme%", {"Acme Plumbing", "Zenith Acme"}},
      {"_cme", {}},
      {"under_score", {"Under_Score Ltd"}},
      {"back\\slash", {"Back\\Slash Inc"}},
      {"100%", {"100% Organic"}},
      {"🔧", {}},
      {"🔧 acme", {}},
      {"acme 🔧", {}},
      {"'; DROP TABLE customer_accounts; --", {}},
      {"acme' OR '1'='1", {}},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("text [" << c.text << "]") {
      Names found;
      BOOST_CHECK_NO_THROW(found = sorted(find_names(a, c.text)));
      BOOST_TEST(found == c.expected, boost::test_tools::per_element());
    }
  }
  BOOST_TEST(search_all(a).size() == 7u);
}

BOOST_AUTO_TEST_CASE(emoji_in_names_are_words) {
  create_account(a, "🔧 Fixers");
  create_account(a, "Plain Fixers");
  BOOST_TEST(find_names(a, "🔧") == (Names{"🔧 Fixers"}), boost::test_tools::per_element());
  BOOST_TEST(sorted(find_names(a, "fix")) == (Names{"Plain Fixers", "🔧 Fixers"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
