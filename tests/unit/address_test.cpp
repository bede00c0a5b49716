#define BOOST_TEST_MODULE address validator
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "custmgmt/address.hpp"
#include "custmgmt/validate.hpp"

using custmgmt::Address;
using custmgmt::FieldErrors;

namespace custmgmt {
// For Boost.Test diagnostics.
std::ostream& operator<<(std::ostream& os, const Address& a) {
  return os << "{street=" << a.street << ", city=" << a.city << ", state=" << a.state
            << ", zip=" << a.zip << ", country=" << a.country << "}";
}
}  // namespace custmgmt

namespace {

std::string codes(const FieldErrors& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += ' ';
    out += e.field + ":" + e.code;
  }
  return out;
}

struct Valid {
  Address input;
  Address normalized;
};

struct Invalid {
  Address input;
  std::string codes;
};

const std::string k200(200, 's');
const std::string k100e = [] {
  std::string s;
  for (int i = 0; i < 100; ++i) s += "é";
  return s;
}();  // 200 bytes

const std::vector<Valid> kValid = {
    {{}, {}},
    // The spec's example.
    {{"123 Main Street", "Anytown", "CA", "12345", "USA"},
     {"123 Main Street", "Anytown", "CA", "12345", "US"}},
    {{"1 Infinite Loop", "Cupertino", "California", "95014", "US"},
     {"1 Infinite Loop", "Cupertino", "CA", "95014", "US"}},
    {{"", "", "ca", "", "us"}, {"", "", "CA", "", "US"}},
    {{"", "New York", "new york", "10001-1234", "United States"},
     {"", "New York", "NY", "10001-1234", "US"}},
    {{"", "", "US-TX", "", "united states of america"}, {"", "", "TX", "", "US"}},
    {{"", "", "District of Columbia", "20500", "USA"}, {"", "", "DC", "20500", "US"}},
    {{"", "", "Washington DC", "", "US"}, {"", "", "DC", "", "US"}},
    {{"", "San Juan", "Puerto Rico", "00901", "US"}, {"", "San Juan", "PR", "00901", "US"}},
    {{"", "", "Virgin Islands, U.S.", "", "US"}, {"", "", "VI", "", "US"}},
    {{"  123 Main St  ", "\tAnytown\n", " NY ", " 10001 ", "  usa "},
     {"123 Main St", "Anytown", "NY", "10001", "US"}},
    // US without state or ZIP: both are optional.
    {{"1 Main St", "Springfield", "", "", "US"}, {"1 Main St", "Springfield", "", "", "US"}},
    {{"", "", "", "62701", "US"}, {"", "", "", "62701", "US"}},
    // Canada
    {{"24 Sussex Dr", "Ottawa", "ON", "K1A 0B1", "CA"},
     {"24 Sussex Dr", "Ottawa", "ON", "K1A 0B1", "CA"}},
    {{"", "Ottawa", "Ontario", "k1a0b1", "Canada"}, {"", "Ottawa", "ON", "K1A 0B1", "CA"}},
    {{"", "Montréal", "Quebec", "H2X 1Y4", "CAN"}, {"", "Montréal", "QC", "H2X 1Y4", "CA"}},
    {{"", "", "Québec", "", "CA"}, {"", "", "QC", "", "CA"}},
    {{"", "", "QUÉBEC", "", "CA"}, {"", "", "QC", "", "CA"}},
    {{"", "Toronto", "on", "m5v 3l9", "canada"}, {"", "Toronto", "ON", "M5V 3L9", "CA"}},
    {{"", "Vancouver", "british columbia", "V6B4Y8", "CA"},
     {"", "Vancouver", "BC", "V6B 4Y8", "CA"}},
    {{"", "", "CA-YT", "Y1A 1A1", "CA"}, {"", "", "YT", "Y1A 1A1", "CA"}},
    // Other countries: only the text rules.
    {{"Unter den Linden 77", "Berlin", "", "10117", "Germany"},
     {"Unter den Linden 77", "Berlin", "", "10117", "DE"}},
    {{"10 Downing Street", "London", "England", "SW1A 2AA", "UK"},
     {"10 Downing Street", "London", "England", "SW1A 2AA", "GB"}},
    {{"55 Rue du Faubourg Saint-Honoré", "Paris", "", "75008", "France"},
     {"55 Rue du Faubourg Saint-Honoré", "Paris", "", "75008", "FR"}},
    {{"千代田区千代田1-1", "東京都", "", "100-8111", "Japan"},
     {"千代田区千代田1-1", "東京都", "", "100-8111", "JP"}},
    {{"", "Guadalajara", "Jalisco", "44100", "MEX"}, {"", "Guadalajara", "Jalisco", "44100", "MX"}},
    {{"", "", "CA", "ABC", "MX"}, {"", "", "CA", "ABC", "MX"}},
    {{"", "Abidjan", "", "", "Côte d'Ivoire"}, {"", "Abidjan", "", "", "CI"}},
    {{"", "", "", "", "CÔTE D'IVOIRE"}, {"", "", "", "", "CI"}},
    {{"", "Amsterdam", "", "1012 JS", "The Netherlands"}, {"", "Amsterdam", "", "1012 JS", "NL"}},
    {{"", "", "", "", "  deu  "}, {"", "", "", "", "DE"}},
    // No country: no state or ZIP rules at all.
    {{"", "", "XX", "not a zip", ""}, {"", "", "XX", "not a zip", ""}},
    {{"Main St", "", "", "", ""}, {"Main St", "", "", "", ""}},
    // Limits are in bytes: 200 ASCII bytes and 100 two-byte characters both fit.
    {{k200, k100e, "", "", ""}, {k200, k100e, "", "", ""}},
};

const std::vector<Invalid> kInvalid = {
    {{"", "", "", "", "Atlantis"}, "address.country:address.country_unknown"},
    {{"", "", "", "", "XX"}, "address.country:address.country_unknown"},
    {{"", "", "", "", "U S A"}, "address.country:address.country_unknown"},
    {{"", "", "", "", "Deutschland"}, "address.country:address.country_unknown"},
    // Unknown country: no state/ZIP rules are applied.
    {{"", "", "XX", "1", "Atlantis"}, "address.country:address.country_unknown"},
    {{"", "", "XX", "", "US"}, "address.state:address.state_invalid"},
    {{"", "", "Ontario", "", "US"}, "address.state:address.state_invalid"},
    {{"", "", "Calif.", "", "US"}, "address.state:address.state_invalid"},
    {{"", "", "CA-ON", "", "US"}, "address.state:address.state_invalid"},
    {{"", "", "CA", "", "CA"}, "address.state:address.state_invalid"},
    {{"", "", "New York", "", "Canada"}, "address.state:address.state_invalid"},
    {{"", "", "", "1234", "US"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "123456", "US"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "12345-678", "US"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "12345 6789", "US"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "123456789", "US"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "ABCDE", "US"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "１２３４５", "US"}, "address.zip:address.zip_invalid"},  // full-width
    {{"", "", "", "K1A 0B1", "US"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "K1A0B", "CA"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "D1A 1A1", "CA"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "W1A 1A1", "CA"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "Z1A 1A1", "CA"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "K1O 1A1", "CA"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "K1A 1U1", "CA"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "K1A  0B1", "CA"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "K1A-0B1", "CA"}, "address.zip:address.zip_invalid"},
    {{"", "", "", "12345", "CA"}, "address.zip:address.zip_invalid"},
    {{"", "", "ZZ", "123", "US"},
     "address.state:address.state_invalid address.zip:address.zip_invalid"},
    {{k200 + "s", "", "", "", ""}, "address.street:text.too_long"},
    {{"", k100e + "é", "", "", ""}, "address.city:text.too_long"},
    {{"", "Any\ntown", "", "", ""}, "address.city:text.control_character"},
    {{"Main\tSt", "", "", "", ""}, "address.street:text.control_character"},
    {{"", "Any\xc2\x85town", "", "", ""}, "address.city:text.control_character"},
    {{std::string("a\0b", 3), "", "", "", ""}, "address.street:text.control_character"},
    {{"", "", "New\x7fYork", "", "US"}, "address.state:text.control_character"},
    {{"", "", "\xff", "", "US"}, "address.state:text.invalid_utf8"},
    {{"", "", "", "", "\xff"}, "address.country:text.invalid_utf8"},
    {{"", "", "", "1234\x01", "US"}, "address.zip:text.control_character"},
    {{"\xc3", "\xe2\x82", "Any\x01", std::string(201, '1'), "Atlantis"},
     "address.street:text.invalid_utf8 address.city:text.invalid_utf8 "
     "address.state:text.control_character address.zip:text.too_long "
     "address.country:address.country_unknown"},
};

}  // namespace

BOOST_AUTO_TEST_CASE(valid_addresses_are_normalised) {
  BOOST_TEST(kValid.size() >= 30u);
  for (const Valid& c : kValid) {
    BOOST_TEST_CONTEXT("input: " << c.input) {
      Address out{"x", "x", "x", "x", "x"};
      BOOST_TEST(codes(custmgmt::validate_address(c.input, &out)) == "");
      BOOST_TEST(out == c.normalized);
      BOOST_TEST(custmgmt::normalize_address(c.input) == c.normalized);
      BOOST_TEST(custmgmt::normalize_address(c.normalized) == c.normalized);
      // The same through the JSON form.
      BOOST_TEST(custmgmt::parse_address(custmgmt::to_json(c.input)) == c.normalized);
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_addresses_report_their_codes) {
  BOOST_TEST(kInvalid.size() >= 30u);
  for (const Invalid& c : kInvalid) {
    BOOST_TEST_CONTEXT("input: " << c.input) {
      Address out{"x", "x", "x", "x", "x"};
      BOOST_TEST(codes(custmgmt::validate_address(c.input, &out)) == c.codes);
      BOOST_TEST(out == (Address{"x", "x", "x", "x", "x"}));
    }
  }
}

BOOST_AUTO_TEST_CASE(messages_name_the_field) {
  const FieldErrors errors = custmgmt::validate_address({std::string(201, 'a'), "", "", "", ""});
  BOOST_TEST_REQUIRE(errors.size() == 1u);
  BOOST_TEST(errors[0].message == "address.street is longer than 200 bytes");
}

struct JsonInvalid {
  std::string json;
  std::string codes;
};

BOOST_AUTO_TEST_CASE(json_form_is_parsed_and_checked) {
  Address out;
  BOOST_TEST(custmgmt::validate_address_json("{}", &out).empty());
  BOOST_TEST(out.empty());

  BOOST_TEST(custmgmt::validate_address_json(
                 R"({"street":"123 Main Street","city":"Anytown","state":"CA","zip":"12345",)"
                 R"("country":"USA"})",
                 &out)
                 .empty());
  BOOST_TEST(out == (Address{"123 Main Street", "Anytown", "CA", "12345", "US"}));

  // null means absent; key order does not matter; escapes are decoded.
  BOOST_TEST(custmgmt::validate_address_json(
                 " {\"country\":\"ca\", \"street\":null, \"city\":\"Montr\\u00e9al\"}\n", &out)
                 .empty());
  BOOST_TEST(out == (Address{"", "Montréal", "", "", "CA"}));

  // Boost.JSON keeps the last of duplicate keys.
  BOOST_TEST(custmgmt::validate_address_json(R"({"zip":"bad","zip":"12345","country":"US"})", &out)
                 .empty());
  BOOST_TEST(out.zip == "12345");
}

BOOST_AUTO_TEST_CASE(json_form_errors) {
  const std::vector<JsonInvalid> cases = {
      {"", "address:address.not_json"},
      {"not json", "address:address.not_json"},
      {"{", "address:address.not_json"},
      {"{} extra", "address:address.not_json"},
      {"{'street':'x'}", "address:address.not_json"},
      {"{\"city\":\"\xff\"}", "address:address.not_json"},   // invalid UTF-8
      {R"({"city":"\ud800"})", "address:address.not_json"},  // lone surrogate
      {std::string(1000, '[') + std::string(1000, ']'), "address:address.not_json"},
      {"[]", "address:address.not_object"},
      {"\"123 Main Street\"", "address:address.not_object"},
      {"null", "address:address.not_object"},
      {"42", "address:address.not_object"},
      {R"({"street":1})", "address.street:address.not_string"},
      {R"({"zip":12345})", "address.zip:address.not_string"},
      {R"({"city":true,"state":[],"country":{}})",
       "address.city:address.not_string address.state:address.not_string "
       "address.country:address.not_string"},
      {R"({"Street":"x"})", "address.Street:address.unknown_key"},
      {R"({"street2":"x","":"y"})",
       "address.street2:address.unknown_key address.:address.unknown_key"},
      {R"({"foo":1,"zip":"1234","country":"US"})",
       "address.foo:address.unknown_key address.zip:address.zip_invalid"},
      {R"({"city":"\u0000"})", "address.city:text.control_character"},
      {R"({"country":"Atlantis"})", "address.country:address.country_unknown"},
  };
  for (const JsonInvalid& c : cases) {
    BOOST_TEST_CONTEXT("json: " << c.json) {
      Address out{"x", "x", "x", "x", "x"};
      BOOST_TEST(codes(custmgmt::validate_address_json(c.json, &out)) == c.codes);
      BOOST_TEST(out == (Address{"x", "x", "x", "x", "x"}));
    }
  }
}

BOOST_AUTO_TEST_CASE(throwing_forms_raise_validation_error) {
  try {
    custmgmt::parse_address("[]");
    BOOST_FAIL("expected ValidationError");
  } catch (const custmgmt::ValidationError& e) {
    BOOST_TEST(codes(e.errors()) == "address:address.not_object");
  }
  try {
    custmgmt::normalize_address({"", "", "", "1", "US"});
    BOOST_FAIL("expected ValidationError");
  } catch (const custmgmt::ValidationError& e) {
    BOOST_TEST(codes(e.errors()) == "address.zip:address.zip_invalid");
  }
  BOOST_TEST(custmgmt::parse_address("{}").empty());
  BOOST_TEST(custmgmt::parse_address(R"({"country":"de"})") == (Address{"", "", "", "", "DE"}));
}

BOOST_AUTO_TEST_CASE(to_json_writes_only_non_empty_keys_in_schema_order) {
  BOOST_TEST(custmgmt::to_json({}) == "{}");
  BOOST_TEST(custmgmt::to_json({"123 Main Street", "Anytown", "CA", "12345", "US"}) ==
             R"({"street":"123 Main Street","city":"Anytown","state":"CA","zip":"12345",)"
             R"("country":"US"})");
  BOOST_TEST(custmgmt::to_json({"", "", "", "12345", "US"}) == R"({"zip":"12345","country":"US"})");
  BOOST_TEST(custmgmt::to_json({"", "Montréal", "", "", ""}) == "{\"city\":\"Montréal\"}");
  BOOST_TEST(custmgmt::to_json({"Say \"hi\"\\\n", "", "", "", ""}) ==
             R"({"street":"Say \"hi\"\\\n"})");
}

BOOST_AUTO_TEST_CASE(to_json_always_writes_valid_json) {
  // Invalid UTF-8 is never written through; each bad byte becomes U+FFFD.
  const std::string json = custmgmt::to_json({"a\377b\303", "", "", "", ""});
  BOOST_TEST(json == "{\"street\":\"a\uFFFDb\uFFFD\"}");
  Address back;
  BOOST_TEST(codes(custmgmt::validate_address_json(json, &back)) == "");
  BOOST_TEST(back.street == "a\uFFFDb\uFFFD");
}

BOOST_AUTO_TEST_CASE(json_round_trip_of_a_normalised_address_is_identity) {
  const Address a =
      custmgmt::normalize_address({" 5 Rue \"Verte\" ", "Québec", "quebec", "g1r4s9", "canada"});
  BOOST_TEST(a == (Address{"5 Rue \"Verte\"", "Québec", "QC", "G1R 4S9", "CA"}));
  BOOST_TEST(custmgmt::parse_address(custmgmt::to_json(a)) == a);
}
