// Keyset pagination of account search: every row exactly once, in the same
// order as one big page, and stable while other rows are added and removed.
#include <algorithm>
#include <set>

#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

const std::vector<AccountSort> kAllSorts = {AccountSort::Relevance, AccountSort::CreatedDesc,
                                            AccountSort::CreatedAsc, AccountSort::NameAsc,
                                            AccountSort::UpdatedDesc};

const char* label(AccountSort sort) {
  switch (sort) {
    case AccountSort::Default:
      return "Default";
    case AccountSort::Relevance:
      return "Relevance";
    case AccountSort::CreatedDesc:
      return "CreatedDesc";
    case AccountSort::CreatedAsc:
      return "CreatedAsc";
    case AccountSort::NameAsc:
      return "NameAsc";
    case AccountSort::UpdatedDesc:
      return "UpdatedDesc";
  }
  return "?";
}

// Names that all match "pag", spread over the three relevance tiers, with
// duplicates so that ties are broken by id.
const std::vector<std::string> kOriginalNames = {
    "Pag",         "Kilo Pag", "Pag Bravo", "Pag Delta", "Alpha Pag",        "Pag",
    "Pag Foxtrot", "Mike Pag", "Pag Hotel", "Pag Delta", "Oscar Pagination", "Pagoda Juliet",
    "Pag Lima",    "Kilo Pag"};

struct PagingFixture : Fixture {
  PagingFixture() : writer(store.session(kUserA)) {
    for (const auto& name : kOriginalNames) originals.push_back(create_account(a, name).id);
    // An account that never matches the text filter.
    create_account(a, "Unrelated Co");
  }

  AccountQuery query_for(AccountSort sort, std::size_t limit) const {
    AccountQuery query;
    query.text = "pag";
    query.sort = sort;
    query.limit = limit;
    return query;
  }

  // The ids of the original rows in the order one page of 1000 gives.
  std::vector<Id> reference(AccountSort sort) {
    Page<Account> page = a.accounts().search(query_for(sort, 1000));
    BOOST_TEST(!page.next_cursor.has_value());
    return ids(page.items);
  }

  Session writer;  // a second connection of the same user, writing between pages
  std::vector<Id> originals;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pagination, PagingFixture)

BOOST_AUTO_TEST_CASE(walking_all_pages_returns_every_row_once_in_order) {
  for (AccountSort sort : kAllSorts) {
    BOOST_TEST_CONTEXT("sort " << label(sort)) {
      std::vector<Id> expected = reference(sort);
      BOOST_TEST(expected.size() == kOriginalNames.size());
      for (std::size_t limit : {1u, 3u, 5u, 14u}) {
        BOOST_TEST_CONTEXT("limit " << limit) {
          BOOST_TEST(ids(search_all(a, query_for(sort, limit))) == expected,
                     boost::test_tools::per_element());
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(every_page_but_the_last_is_full) {
  AccountQuery query = query_for(AccountSort::NameAsc, 4);
  std::vector<std::size_t> sizes;
  for (int guard = 0; guard < 100; ++guard) {
    Page<Account> page = a.accounts().search(query);
    sizes.push_back(page.items.size());
    if (!page.next_cursor) break;
    query.cursor = *page.next_cursor;
  }
  BOOST_REQUIRE(sizes.size() >= 4u);
  BOOST_TEST(sizes[0] == 4u);
  BOOST_TEST(sizes[1] == 4u);
  BOOST_TEST(sizes[2] == 4u);
  BOOST_TEST(sizes[3] == 2u);
}

BOOST_AUTO_TEST_CASE(pagination_respects_filters_and_archiving) {
  a.accounts().archive(originals[2]);
  AccountQuery query = query_for(AccountSort::NameAsc, 3);
  std::vector<Id> active = ids(search_all(a, query));
  BOOST_TEST(active.size() == kOriginalNames.size() - 1);
  BOOST_TEST(std::count(active.begin(), active.end(), originals[2]) == 0);
  query.archived = ArchivedFilter::Only;
  BOOST_TEST(ids(search_all(a, query)) == (std::vector<Id>{originals[2]}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(pages_are_stable_under_concurrent_inserts_and_deletes) {
  for (AccountSort sort : kAllSorts) {
    BOOST_TEST_CONTEXT("sort " << label(sort)) {
      std::vector<Id> expected = reference(sort);
      AccountQuery query = query_for(sort, 3);
      std::vector<Id> seen;
      std::set<Id> removed_originals;
      std::vector<Id> extras;
      bool finished = false;
      for (int round = 0; round < 100 && !finished; ++round) {
        Page<Account> page = a.accounts().search(query);
        for (const auto& row : page.items) seen.push_back(row.id);
        finished = !page.next_cursor;
        if (finished) break;
        query.cursor = *page.next_cursor;
        if (round >= 4) continue;

        // Between two page fetches another connection inserts rows that sort
        // before, between and after the cursor in every order...
        std::string n = std::to_string(round);
        for (const std::string& name :
             {"Aaa Pag " + n, std::string("Pag"), "Pag Echo " + n, "Zzz Pag " + n, "Pagz " + n}) {
          extras.push_back(create_account(writer, name).id);
        }
        // ...and removes an extra row added earlier and an original already seen.
        writer.accounts().remove(extras.front());
        extras.erase(extras.begin());
        if (round == 0) {
          writer.accounts().remove(seen.front());
          removed_originals.insert(seen.front());
        }
      }
      BOOST_TEST(finished);

      std::set<Id> unique(seen.begin(), seen.end());
      BOOST_TEST(unique.size() == seen.size(), "a row was returned twice");
      std::set<Id> original_set(expected.begin(), expected.end());
      std::vector<Id> seen_originals;
      for (Id id : seen) {
        if (original_set.count(id) != 0) seen_originals.push_back(id);
      }
      BOOST_TEST(seen_originals == expected, boost::test_tools::per_element());

      // Back to the original set (with fresh rows for removed ones) for the
      // next order.
      for (Id id : extras) writer.accounts().remove(id);
      for (Id id : removed_originals) {
        auto it = std::find(originals.begin(), originals.end(), id);
        std::size_t index = static_cast<std::size_t>(it - originals.begin());
        *it = create_account(writer, kOriginalNames[index]).id;
      }
      BOOST_TEST(reference(sort).size() == kOriginalNames.size());
    }
  }
}

BOOST_AUTO_TEST_CASE(cursor_survives_deletion_of_the_row_it_points_at) {
  for (AccountSort sort : kAllSorts) {
    BOOST_TEST_CONTEXT("sort " << label(sort)) {
      std::vector<Id> expected = reference(sort);
      AccountQuery query = query_for(sort, 4);
      Page<Account> first = a.accounts().search(query);
      BOOST_REQUIRE(first.next_cursor.has_value());
      BOOST_REQUIRE(first.items.size() == 4u);
      Account last = first.items.back();
      writer.accounts().remove(last.id);
      query.cursor = *first.next_cursor;
      std::vector<Id> rest = ids(search_all(a, query));
      std::vector<Id> want(expected.begin() + 4, expected.end());
      BOOST_TEST(rest == want, boost::test_tools::per_element());
      // Put a replacement back so the next order sees a full set.
      auto it = std::find(originals.begin(), originals.end(), last.id);
      *it = create_account(writer, last.company_name).id;
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
