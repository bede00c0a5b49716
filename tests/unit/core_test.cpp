// Unit tests of the small shared pieces: timestamps, customer types, UUIDs,
// search words and keys, relevance tiers, the error hierarchy.
#define BOOST_TEST_MODULE core
#include <boost/test/unit_test.hpp>

#include <custmgmt/backend.hpp>
#include <custmgmt/custmgmt.hpp>

using custmgmt::backend::relevance_tier;
using custmgmt::backend::search_key;
using custmgmt::backend::search_words;

BOOST_AUTO_TEST_CASE(timestamps_format_as_rfc3339_utc_with_microseconds) {
  BOOST_TEST(custmgmt::format_timestamp(custmgmt::from_micros(0)) == "1970-01-01T00:00:00.000000Z");
  BOOST_TEST(custmgmt::format_timestamp(custmgmt::from_micros(1736328600123456)) ==
             "2025-01-08T09:30:00.123456Z");
  BOOST_TEST(custmgmt::format_timestamp(custmgmt::from_micros(-1)) ==
             "1969-12-31T23:59:59.999999Z");
  BOOST_TEST(custmgmt::format_timestamp(custmgmt::from_micros(951782400000000)) ==
             "2000-02-29T00:00:00.000000Z");
}

BOOST_AUTO_TEST_CASE(timestamps_parse_offsets_fractions_and_round_trip) {
  auto t = custmgmt::parse_timestamp("2025-01-08T09:30:00.123456Z");
  BOOST_REQUIRE(t);
  BOOST_TEST(custmgmt::to_micros(*t) == 1736328600123456);
  auto offset = custmgmt::parse_timestamp("2025-01-08T11:30:00+02:00");
  BOOST_REQUIRE(offset);
  BOOST_TEST(custmgmt::to_micros(*offset) == 1736328600000000);
  auto short_fraction = custmgmt::parse_timestamp("2025-01-08 09:30:00.5z");
  BOOST_REQUIRE(short_fraction);
  BOOST_TEST(custmgmt::to_micros(*short_fraction) == 1736328600500000);
  for (std::int64_t us : {0LL, 1LL, -1LL, 1736328600123456LL, 4102444799999999LL}) {
    auto back = custmgmt::parse_timestamp(custmgmt::format_timestamp(custmgmt::from_micros(us)));
    BOOST_REQUIRE(back);
    BOOST_TEST(custmgmt::to_micros(*back) == us);
  }
}

BOOST_AUTO_TEST_CASE(malformed_timestamps_are_rejected) {
  for (const char* bad :
       {"", "2025-01-08", "2025-01-08T09:30:00", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z",
        "2025-01-08T24:00:00Z", "2025-01-08T09:30:00.Z", "2025-01-08T09:30:00Zjunk",
        "2025-01-08T09:30:00+2:00", "x025-01-08T09:30:00Z"}) {
    BOOST_TEST(!custmgmt::parse_timestamp(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_CASE(customer_types_parse_case_insensitively) {
  BOOST_TEST(custmgmt::to_string(custmgmt::CustomerType::Residential) == "Residential");
  BOOST_TEST(custmgmt::to_string(custmgmt::CustomerType::Commercial) == "Commercial");
  BOOST_TEST((custmgmt::parse_customer_type("commercial") == custmgmt::CustomerType::Commercial));
  BOOST_TEST((custmgmt::parse_customer_type("RESIDENTIAL") == custmgmt::CustomerType::Residential));
  BOOST_TEST(!custmgmt::parse_customer_type("Industrial").has_value());
  BOOST_TEST(!custmgmt::parse_customer_type("").has_value());
}

BOOST_AUTO_TEST_CASE(uuids_need_the_8_4_4_4_12_form) {
  BOOST_TEST(custmgmt::is_uuid("6f1c2a54-93a8-4c1e-9d4b-2f0e8a7b1c3d"));
  BOOST_TEST(custmgmt::is_uuid("6F1C2A54-93A8-4C1E-9D4B-2F0E8A7B1C3D"));
  BOOST_TEST(!custmgmt::is_uuid("6f1c2a5493a84c1e9d4b2f0e8a7b1c3d"));
  BOOST_TEST(!custmgmt::is_uuid("6f1c2a54-93a8-4c1e-9d4b-2f0e8a7b1c3g"));
  BOOST_TEST(!custmgmt::is_uuid("{6f1c2a54-93a8-4c1e-9d4b-2f0e8a7b1c3d}"));
  BOOST_TEST(!custmgmt::is_uuid(""));
}

BOOST_AUTO_TEST_CASE(search_words_split_on_anything_but_letters_and_digits) {
  using V = std::vector<std::string>;
  BOOST_TEST((search_words("Acme Plumbing") == V{"acme", "plumbing"}));
  BOOST_TEST((search_words("  \"acm*\" OR NEAR(-x ^y) ") == V{"acm", "or", "near", "x", "y"}));
  BOOST_TEST((search_words("O'Brien & Sons, Inc.") == V{"o", "brien", "sons", "inc"}));
  BOOST_TEST((search_words("Café Ünal") == V{"café", "Ünal"}));  // non-ASCII kept for the engine
  BOOST_TEST(search_words("%_\\*\"-^").empty());
  BOOST_TEST(search_words("").empty());
  std::string many;
  for (int i = 0; i < 100; ++i) many += "w" + std::to_string(i) + " ";
  BOOST_TEST(search_words(many).size() == 32u);
}

BOOST_AUTO_TEST_CASE(search_keys_join_all_words_and_rank_tiers) {
  BOOST_TEST(search_key("  Acme   Plumbing, Inc. ") == "acme plumbing inc");
  std::string many;
  for (int i = 0; i < 40; ++i) many += "w ";
  BOOST_TEST(search_key(many).size() == 40u * 2 - 1);  // the key is never truncated
  BOOST_TEST(relevance_tier("acme", "acme") == 0);
  BOOST_TEST(relevance_tier("acme plumbing", "acme") == 1);
  BOOST_TEST(relevance_tier("acme plumbing", "acm") == 1);
  BOOST_TEST(relevance_tier("best acme", "acme") == 2);
}

BOOST_AUTO_TEST_CASE(errors_carry_codes_and_every_field_error) {
  custmgmt::ValidationError e(
      {{"email", "email.invalid", "bad"}, {"phone", "phone.invalid", "bad"}});
  BOOST_TEST(e.code() == "validation.failed");
  BOOST_TEST(e.errors().size() == 2u);
  BOOST_TEST(std::string(e.what()).find("email (email.invalid)") != std::string::npos);
  custmgmt::BackendError b("backend.busy", "locked", "SQLITE_BUSY");
  BOOST_TEST(b.backend_code() == "SQLITE_BUSY");
  const custmgmt::Error& base = b;
  BOOST_TEST(base.code() == "backend.busy");
  BOOST_TEST(std::string(custmgmt::version()) == CUSTMGMT_VERSION_STRING);
}
