#define BOOST_TEST_MODULE phone validator
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "custmgmt/validate.hpp"

using custmgmt::FieldErrors;
using custmgmt::PhoneNumber;
using custmgmt::PhoneOptions;

namespace {

std::string codes(const FieldErrors& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += ' ';
    out += e.field + ":" + e.code;
  }
  return out;
}

PhoneOptions region(const std::string& r) {
  PhoneOptions o;
  o.default_region = r;
  return o;
}

struct Valid {
  std::string input;
  std::string default_region;
  PhoneNumber expected;  // e164, extension, region
};

struct Invalid {
  std::string input;
  std::string default_region;
  std::string codes;
};

const std::vector<Valid> kValid = {
    // North America
    {"+1 415-555-2671", "US", {"+14155552671", "", "US"}},
    {"(415) 555-2671", "US", {"+14155552671", "", "US"}},
    {"415.555.2671", "US", {"+14155552671", "", "US"}},
    {"  +1 212 555 0123  ", "US", {"+12125550123", "", "US"}},
    {"1-800-FLOWERS", "US", {"+18003569377", "", "US"}},
    {"１２１２５５５０１２３", "US", {"+12125550123", "", "US"}},  // full-width digits
    {"+1 787 555 1234", "US", {"+17875551234", "", "PR"}},
    {"613-555-0123", "CA", {"+16135550123", "", "CA"}},
    {"+1 604 555 0199", "US", {"+16045550199", "", "CA"}},  // region from the area code
    // Extensions in the usual spellings
    {"+1 650 253 0000 ext 7", "US", {"+16502530000", "7", "US"}},
    {"+1 650 253 0000;ext=7", "US", {"+16502530000", "7", "US"}},
    {"tel:+1-650-253-0000;ext=123", "US", {"+16502530000", "123", "US"}},
    {"415 555 2671 #5", "US", {"+14155552671", "5", "US"}},
    {"+1 415 555 2671 x1234567", "US", {"+14155552671", "1234567", "US"}},
    {"(416) 555-0100 ext. 42", "CA", {"+14165550100", "42", "CA"}},
    {"+44 20 7946 0958 ext. 123", "US", {"+442079460958", "123", "GB"}},
    // Regression (fuzz_phone): full-width digits in the extension fold to ASCII.
    {"+49580958;ext=9599116195991\xef\xbc\x91", "US", {"+49580958", "95991161959911", "DE"}},
    {"+1 650 253 0000 ext. \xef\xbc\x94\xef\xbc\x92", "US", {"+16502530000", "42", "US"}},
    // United Kingdom
    {"+44 20 7946 0958", "US", {"+442079460958", "", "GB"}},
    {"020 7946 0958", "GB", {"+442079460958", "", "GB"}},
    {"020 7946 0958", "gb", {"+442079460958", "", "GB"}},       // region case-insensitive
    {"00 44 20 7946 0958", "GB", {"+442079460958", "", "GB"}},  // UK international prefix
    {"07400 123456", "GB", {"+447400123456", "", "GB"}},
    // Germany, France, Japan, India, Brazil, Australia
    {"030 901820", "DE", {"+4930901820", "", "DE"}},
    {"+49 1512 3456789", "US", {"+4915123456789", "", "DE"}},
    {"01 42 68 53 00", "FR", {"+33142685300", "", "FR"}},
    {"+33 6 12 34 56 78", "US", {"+33612345678", "", "FR"}},
    {"03-1234-5678", "JP", {"+81312345678", "", "JP"}},
    {"+81 90-1234-5678", "US", {"+819012345678", "", "JP"}},
    {"98765 43210", "IN", {"+919876543210", "", "IN"}},
    {"+91 22 2778 1234", "US", {"+912227781234", "", "IN"}},
    {"(11) 91234-5678", "BR", {"+5511912345678", "", "BR"}},
    {"+55 21 2345-6789", "US", {"+552123456789", "", "BR"}},
    {"(02) 9374 4000", "AU", {"+61293744000", "", "AU"}},
    {"+61 412 345 678", "US", {"+61412345678", "", "AU"}},
    // Elsewhere
    {"+86 10 6552 9988", "US", {"+861065529988", "", "CN"}},
    {"+41 44 668 1800", "US", {"+41446681800", "", "CH"}},
    // No default region: only +country numbers parse.
    {"+1 415 555 2671", "", {"+14155552671", "", "US"}},
    // Non-geographic numbers belong to libphonenumber's region "001".
    {"+800 1234 5678", "US", {"+80012345678", "", "001"}},
};

const std::vector<Invalid> kInvalid = {
    {"", "US", "phone:phone.required"},
    {"   ", "US", "phone:phone.required"},
    {std::string(100, ' '), "US", "phone:phone.required"},  // trimmed before the limit
    {"", "XX", "phone:phone.required"},
    {std::string(65, '1'), "US", "phone:phone.too_long"},
    {"+1 415 555 2671" + std::string(50, ' ') + "ext 1", "US", "phone:phone.too_long"},
    {"\xff", "US", "phone:text.invalid_utf8"},
    {"+1 415 555 2671\xc0", "US", "phone:text.invalid_utf8"},
    {"+1 415 555 \xed\xa0\x80", "US", "phone:text.invalid_utf8"},  // surrogate
    {"+1 415 555 2671", "XX", "phone:phone.region_invalid"},
    {"+1 415 555 2671", "USA", "phone:phone.region_invalid"},
    {"+1 415 555 2671", "001", "phone:phone.region_invalid"},
    {"+1 415 555 2671", "U\xffS", "phone:phone.region_invalid"},
    {"abc", "US", "phone:phone.unparsable"},
    {"+1", "US", "phone:phone.unparsable"},
    {"0", "US", "phone:phone.unparsable"},
    {"+999 1234", "US", "phone:phone.unparsable"},   // no such country code
    {"415 555 2671", "", "phone:phone.unparsable"},  // national number, no region
    {"+1\t415 555 2671", "US", "phone:phone.unparsable"},
    {"+1 415 555 2671\x01", "US", "phone:phone.unparsable"},
    {"+1 415 555 2671\xc2\x85", "US", "phone:phone.unparsable"},  // C1 control
    {std::string("+1 415 555\0 2671", 16), "US", "phone:phone.unparsable"},
    {"555-0123", "US", "phone:phone.invalid"},
    {"123", "US", "phone:phone.invalid"},
    {"+1 212 555 01234", "US", "phone:phone.invalid"},
    {"+1 555 555 5555", "US", "phone:phone.invalid"},
    {"+1 415 055 2671", "US", "phone:phone.invalid"},
    {"+1 415 155 2671", "US", "phone:phone.invalid"},
    {"+1 415 555 267", "US", "phone:phone.invalid"},
    {"+1 415 555 26711", "US", "phone:phone.invalid"},
    {"00 44 20 7946 0958", "US", "phone:phone.invalid"},  // 00 is not the US exit code
    {"+44 20 7946 095", "US", "phone:phone.invalid"},
    {"+44 123", "US", "phone:phone.invalid"},
    {"+49 30", "US", "phone:phone.invalid"},
    {"+33 0 1 23", "US", "phone:phone.invalid"},
    {"+882 3456 7890", "US", "phone:phone.invalid"},
};

}  // namespace

BOOST_AUTO_TEST_CASE(concurrent_first_use_is_safe) {
  // Declared first so that it runs first: it exercises the one-time set-up (logger,
  // region table) from several threads at once.
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&failures] {
      for (int i = 0; i < 200; ++i) {
        PhoneNumber out;
        if (!custmgmt::validate_phone("+44 20 7946 0958", {}, &out).empty() ||
            out.e164 != "+442079460958") {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(failures.load() == 0);
}

BOOST_AUTO_TEST_CASE(valid_numbers_give_e164_extension_and_region) {
  BOOST_TEST(kValid.size() >= 30u);
  for (const Valid& c : kValid) {
    BOOST_TEST_CONTEXT("input: " << c.input << " region: " << c.default_region) {
      PhoneNumber out;
      const FieldErrors errors = custmgmt::validate_phone(c.input, region(c.default_region), &out);
      BOOST_TEST(codes(errors) == "");
      BOOST_TEST(out.e164 == c.expected.e164);
      BOOST_TEST(out.extension == c.expected.extension);
      BOOST_TEST(out.region == c.expected.region);
      BOOST_TEST((custmgmt::normalize_phone(c.input, region(c.default_region)) == c.expected));
      // The E.164 form is itself accepted, with any default region.
      PhoneNumber again;
      BOOST_TEST(custmgmt::validate_phone(out.e164, region("DE"), &again).empty());
      BOOST_TEST(again.e164 == out.e164);
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_numbers_report_their_codes) {
  BOOST_TEST(kInvalid.size() >= 30u);
  for (const Invalid& c : kInvalid) {
    BOOST_TEST_CONTEXT("input: " << c.input << " region: " << c.default_region) {
      PhoneNumber out{"untouched", "", ""};
      BOOST_TEST(codes(custmgmt::validate_phone(c.input, region(c.default_region), &out)) ==
                 c.codes);
      BOOST_TEST(out.e164 == "untouched");
    }
  }
}

BOOST_AUTO_TEST_CASE(default_region_is_us) {
  BOOST_TEST(PhoneOptions{}.default_region == "US");
  PhoneNumber out;
  BOOST_TEST(custmgmt::validate_phone("(415) 555-2671", {}, &out).empty());
  BOOST_TEST(out.e164 == "+14155552671");
}

BOOST_AUTO_TEST_CASE(messages_name_the_field) {
  const FieldErrors errors = custmgmt::validate_phone(std::string(65, '1'));
  BOOST_TEST_REQUIRE(errors.size() == 1u);
  BOOST_TEST(errors[0].message == "phone is longer than 64 bytes");
}

BOOST_AUTO_TEST_CASE(normalize_phone_throws_validation_error_with_field_errors) {
  try {
    custmgmt::normalize_phone("555-0123");
    BOOST_FAIL("expected ValidationError");
  } catch (const custmgmt::ValidationError& e) {
    BOOST_TEST(codes(e.errors()) == "phone:phone.invalid");
  }
}
