// Account statistics, per user and for the service role.
#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

// The `count` calendar months ending with the current one, oldest first, each
// with count 0 except the current month, which gets `current`.
std::vector<MonthCount> months_ending_now(int count, std::int64_t current) {
  auto [year, month] = current_utc_month();
  std::vector<MonthCount> out(static_cast<std::size_t>(count));
  for (int i = count - 1; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = MonthCount{year, month, 0};
    if (--month == 0) {
      month = 12;
      --year;
    }
  }
  out.back().count = current;
  return out;
}

// A: five accounts (one archived) with contacts and tags; B: one account.
struct StatsFixture : Fixture {
  StatsFixture() {
    Account one = create_account(a, "Stats One", CustomerType::Commercial, {"vip", "gold"});
    Account two = create_account(a, "Stats Two", CustomerType::Commercial, {"vip"});
    create_account(a, "Stats Three", CustomerType::Residential, {"pool", "vip"});
    create_account(a, "Stats Four", CustomerType::Residential);
    Account five =
        create_account(a, "Stats Five", CustomerType::Commercial, {"vip", "gold", "archived-tag"});
    a.contacts().add(make_contact(one.id, "Alice", std::nullopt, std::nullopt, true));
    a.contacts().add(make_contact(one.id, "Bob"));
    a.contacts().add(make_contact(two.id, "Carol"));
    a.contacts().add(make_contact(five.id, "Dave", std::nullopt, std::nullopt, true));
    a.accounts().archive(five.id);

    Account theirs = create_account(b, "B Stats", CustomerType::Residential, {"vip", "bee"});
    b.contacts().add(make_contact(theirs.id, "Eve", std::nullopt, std::nullopt, true));
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(stats, StatsFixture)

BOOST_AUTO_TEST_CASE(user_stats_cover_only_the_users_accounts) {
  AccountStats s = a.accounts().stats();
  BOOST_TEST(s.total_accounts == 4);
  BOOST_TEST(s.commercial_accounts == 2);
  BOOST_TEST(s.residential_accounts == 2);
  BOOST_TEST(s.archived_accounts == 1);
  BOOST_TEST(s.total_contacts == 3);
  BOOST_TEST(s.accounts_without_primary_contact == 3);
  BOOST_TEST(s.top_tags == (std::vector<TagCount>{{"vip", 3}, {"gold", 1}, {"pool", 1}}),
             boost::test_tools::per_element());
  BOOST_TEST(s.new_accounts_per_month == months_ending_now(12, 4),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(other_user_stats_are_independent) {
  AccountStats s = b.accounts().stats();
  BOOST_TEST(s.total_accounts == 1);
  BOOST_TEST(s.commercial_accounts == 0);
  BOOST_TEST(s.residential_accounts == 1);
  BOOST_TEST(s.archived_accounts == 0);
  BOOST_TEST(s.total_contacts == 1);
  BOOST_TEST(s.accounts_without_primary_contact == 0);
  BOOST_TEST(s.top_tags == (std::vector<TagCount>{{"bee", 1}, {"vip", 1}}),
             boost::test_tools::per_element());
  BOOST_TEST(s.new_accounts_per_month == months_ending_now(12, 1),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(service_stats_cover_every_account) {
  AccountStats s = service.accounts().stats();
  BOOST_TEST(s.total_accounts == 5);
  BOOST_TEST(s.commercial_accounts == 2);
  BOOST_TEST(s.residential_accounts == 3);
  BOOST_TEST(s.archived_accounts == 1);
  BOOST_TEST(s.total_contacts == 4);
  BOOST_TEST(s.accounts_without_primary_contact == 3);
  BOOST_TEST(
      s.top_tags == (std::vector<TagCount>{{"vip", 4}, {"bee", 1}, {"gold", 1}, {"pool", 1}}),
      boost::test_tools::per_element());
  BOOST_TEST(s.new_accounts_per_month == months_ending_now(12, 5),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(options_select_months_and_top_tags) {
  StatsOptions options;
  options.months = 3;
  options.top_tags = 1;
  AccountStats s = a.accounts().stats(options);
  BOOST_TEST(s.new_accounts_per_month == months_ending_now(3, 4), boost::test_tools::per_element());
  BOOST_TEST(s.top_tags == (std::vector<TagCount>{{"vip", 3}}), boost::test_tools::per_element());

  options.months = 1;
  options.top_tags = 0;
  s = a.accounts().stats(options);
  BOOST_TEST(s.new_accounts_per_month == months_ending_now(1, 4), boost::test_tools::per_element());
  BOOST_TEST(s.top_tags.empty());

  options.months = 120;
  options.top_tags = 100;
  s = a.accounts().stats(options);
  BOOST_TEST(s.new_accounts_per_month.size() == 120u);
  BOOST_TEST(s.top_tags.size() == 3u);
}

BOOST_AUTO_TEST_CASE(invalid_options_are_rejected) {
  StatsOptions options;
  options.months = 0;
  CHECK_VALIDATION_ERRORS(a.accounts().stats(options), {"months|stats.months_invalid"});
  options.months = 121;
  CHECK_VALIDATION_ERRORS(a.accounts().stats(options), {"months|stats.months_invalid"});
  options.months = 12;
  options.top_tags = -1;
  CHECK_VALIDATION_ERRORS(a.accounts().stats(options), {"top_tags|stats.top_tags_invalid"});
  options.top_tags = 101;
  CHECK_VALIDATION_ERRORS(a.accounts().stats(options), {"top_tags|stats.top_tags_invalid"});
}

BOOST_AUTO_TEST_CASE(stats_follow_changes) {
  AccountQuery query;
  query.text = "stats two";
  Account two = search_all(a, query).at(0);
  a.contacts().set_primary(list_all(a, two.id).at(0).id);
  a.accounts().archive(two.id);
  AccountStats s = a.accounts().stats();
  BOOST_TEST(s.total_accounts == 3);
  BOOST_TEST(s.commercial_accounts == 1);
  BOOST_TEST(s.archived_accounts == 2);
  BOOST_TEST(s.total_contacts == 2);
  BOOST_TEST(s.accounts_without_primary_contact == 2);
  BOOST_TEST(s.top_tags == (std::vector<TagCount>{{"vip", 2}, {"gold", 1}, {"pool", 1}}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(empty_store_has_zero_stats) {
  Store fresh = open_fresh_store();
  Session s = fresh.session(kUserA);
  AccountStats stats = s.accounts().stats();
  BOOST_TEST(stats.total_accounts == 0);
  BOOST_TEST(stats.archived_accounts == 0);
  BOOST_TEST(stats.total_contacts == 0);
  BOOST_TEST(stats.accounts_without_primary_contact == 0);
  BOOST_TEST(stats.top_tags.empty());
  BOOST_TEST(stats.new_accounts_per_month == months_ending_now(12, 0),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
