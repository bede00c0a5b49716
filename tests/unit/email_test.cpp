#define BOOST_TEST_MODULE email validator
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "custmgmt/validate.hpp"

using custmgmt::FieldErrors;

namespace {

// "field:code" of every error, space-separated, for one-line comparisons.
std::string codes(const FieldErrors& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += ' ';
    out += e.field + ":" + e.code;
  }
  return out;
}

struct Valid {
  std::string input;
  std::string normalized;
};

struct Invalid {
  std::string input;
  std::string codes;
};

const std::string k63(63, 'a');
const std::string k64(64, 'l');

const std::vector<Valid> kValid = {
    {"user@example.com", "user@example.com"},
    {"  user@example.com \t\r\n", "user@example.com"},
    {"User.Name@Example.COM", "User.Name@example.com"},
    {"first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"},
    {"a@b.co", "a@b.co"},
    {"x_y-z@ex-ample.org", "x_y-z@ex-ample.org"},
    {"o'reilly@example.ie", "o'reilly@example.ie"},
    {"!#$%&'*+-/=?^_`{|}~@example.com", "!#$%&'*+-/=?^_`{|}~@example.com"},
    {"1234567890@example.com", "1234567890@example.com"},
    {"user@123.example", "user@123.example"},
    {"user@example.c0m", "user@example.c0m"},
    {"user@a-b.c-d.com", "user@a-b.c-d.com"},
    {"user@localhost.localdomain", "user@localhost.localdomain"},
    // Internationalised domains: stored as lower-case NFC U-labels.
    {"user@bücher.de", "user@bücher.de"},
    {"user@BÜCHER.DE", "user@bücher.de"},
    {"user@xn--bcher-kva.de", "user@bücher.de"},
    {"user@XN--BCHER-KVA.DE", "user@bücher.de"},
    {"user@bu\u0308cher.de", "user@bücher.de"},       // u + combining diaeresis
    {"user@faß.de", "user@faß.de"},                   // IDNA2008 keeps ß
    {"user@ＥＸＡＭＰＬＥ.com", "user@example.com"},  // full-width letters
    {"user@испытание.com", "user@испытание.com"},
    {"user@mail.例子.广告", "user@mail.例子.广告"},
    // UTF-8 local parts (RFC 6531); the local part is kept as typed.
    {"用户@例子.广告", "用户@例子.广告"},
    {"用户@xn--fsqu00a.xn--4rr70v", "用户@例子.广告"},
    {"用户@例子。广告", "用户@例子.广告"},  // ideographic full stop
    {"josé@example.com", "josé@example.com"},
    {"δοκιμή@παράδειγμα.δοκιμή", "δοκιμή@παράδειγμα.δοκιμή"},
    {"ünïcödé@bücher.de", "ünïcödé@bücher.de"},
    // Quoted local parts: unquoted when they need no quotes, else minimally
    // escaped.
    {"\"john doe\"@example.com", "\"john doe\"@example.com"},
    {"\"john\"@example.com", "john@example.com"},
    {"\"john.doe\"@example.com", "john.doe@example.com"},
    {"\"a\\\"b\"@example.com", "\"a\\\"b\"@example.com"},
    {"\"a\\b\"@example.com", "ab@example.com"},
    {"\"a@b\"@example.com", "\"a@b\"@example.com"},
    {"\"..\"@example.com", "\"..\"@example.com"},
    {"\"a\\\\b\"@Example.com", "\"a\\\\b\"@example.com"},
    // Limits: a 64-byte local part, a 254-byte address.
    {k64 + "@example.com", k64 + "@example.com"},
    {k64 + "@" + k63 + "." + k63 + "." + std::string(61, 'c'),
     k64 + "@" + k63 + "." + k63 + "." + std::string(61, 'c')},
};

const std::vector<Invalid> kInvalid = {
    {"", "email:email.required"},
    {" \t\n ", "email:email.required"},
    {"plainaddress", "email:email.invalid"},
    {"@example.com", "email:email.invalid"},
    {"user@", "email:email.invalid"},
    {"user@@example.com", "email:email.invalid"},
    {"a@b@example.com", "email:email.invalid"},
    {".user@example.com", "email:email.invalid"},
    {"user.@example.com", "email:email.invalid"},
    {"us..er@example.com", "email:email.invalid"},
    {"us er@example.com", "email:email.invalid"},
    {"User <user@example.com>", "email:email.invalid"},
    {"user(comment)@example.com", "email:email.invalid"},
    {"user,name@example.com", "email:email.invalid"},
    {"\"unclosed@example.com", "email:email.invalid"},
    {"\"a\"b@example.com", "email:email.invalid"},
    {"\"\"@example.com", "email:email.invalid"},
    {"\"tab\there\"@example.com", "email:email.invalid"},
    {"\"trailing\\\"@example.com", "email:email.invalid"},
    {"us\001er@example.com", "email:email.invalid"},
    {"user\xc2\x85@example.com", "email:email.invalid"},  // C1 control NEL
    {std::string("us\0er@example.com", 17), "email:email.invalid"},
    {"user@example", "email:email.domain_invalid"},
    {"user@-example.com", "email:email.domain_invalid"},
    {"user@example-.com", "email:email.domain_invalid"},
    {"user@exa_mple.com", "email:email.domain_invalid"},
    {"user@exa mple.com", "email:email.domain_invalid"},
    {"user@example..com", "email:email.domain_invalid"},
    {"user@.example.com", "email:email.domain_invalid"},
    {"user@example.com.", "email:email.domain_invalid"},
    {"user@[192.168.0.1]", "email:email.domain_invalid"},
    {"user@[IPv6:2001:db8::1]", "email:email.domain_invalid"},
    {"user@192.168.0.1", "email:email.domain_invalid"},
    {"user@example.123", "email:email.domain_invalid"},
    {"user@xn--abc.de", "email:email.domain_invalid"},           // not a valid A-label
    {"user@xn--.com", "email:email.domain_invalid"},             // empty punycode
    {"user@ab--cd.com", "email:email.domain_invalid"},           // IDNA2008 reserved form
    {"user@😀.com", "email:email.domain_invalid"},                // disallowed in IDNA2008
    {"user@xn--ls8h.la", "email:email.domain_invalid"},          // the same, as an A-label
    {"user@a\u200cb.com", "email:email.domain_invalid"},         // ZWNJ without context
    {"user@example.com\xc2\xa0", "email:email.domain_invalid"},  // NBSP is not trimmed
    {std::string("user@exa\0mple.com", 17), "email:email.domain_invalid"},
    {"user@" + std::string(64, 'a') + ".com", "email:email.domain_invalid"},
    {std::string(65, 'l') + "@example.com", "email:email.local_part_too_long"},
    {"\"" + std::string(64, 'l') + " \"@example.com", "email:email.local_part_too_long"},
    {k64 + "@" + k63 + "." + k63 + "." + std::string(62, 'c'), "email:email.too_long"},
    {std::string(65, 'l') + "@" + k63 + "." + k63 + "." + std::string(61, 'c'),
     "email:email.local_part_too_long email:email.too_long"},
    {std::string(2000, 'a') + "@example.com", "email:email.too_long"},
    {"\xff@example.com", "email:text.invalid_utf8"},
    {"user@exam\xc0\xafple.com", "email:text.invalid_utf8"},  // overlong '/'
    {"user@\xed\xa0\x80.com", "email:text.invalid_utf8"},     // surrogate
    {"  \xc3  ", "email:text.invalid_utf8"},
};

}  // namespace

BOOST_AUTO_TEST_CASE(valid_addresses_are_normalised) {
  BOOST_TEST(kValid.size() >= 30u);
  for (const Valid& c : kValid) {
    BOOST_TEST_CONTEXT("input: " << c.input) {
      std::string out = "untouched";
      const FieldErrors errors = custmgmt::validate_email(c.input, &out);
      BOOST_TEST(codes(errors) == "");
      BOOST_TEST(out == c.normalized);
      BOOST_TEST(custmgmt::normalize_email(c.input) == c.normalized);
      // Normalising is idempotent.
      BOOST_TEST(custmgmt::normalize_email(c.normalized) == c.normalized);
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_addresses_report_their_codes) {
  BOOST_TEST(kInvalid.size() >= 30u);
  for (const Invalid& c : kInvalid) {
    BOOST_TEST_CONTEXT("input: " << c.input) {
      std::string out = "untouched";
      BOOST_TEST(codes(custmgmt::validate_email(c.input, &out)) == c.codes);
      BOOST_TEST(out == "untouched");
    }
  }
}

BOOST_AUTO_TEST_CASE(null_out_pointer_is_allowed) {
  BOOST_TEST(custmgmt::validate_email("user@example.com").empty());
  BOOST_TEST(custmgmt::validate_email("bad", nullptr).size() == 1u);
}

BOOST_AUTO_TEST_CASE(messages_name_the_field) {
  const FieldErrors errors = custmgmt::validate_email("");
  BOOST_TEST_REQUIRE(errors.size() == 1u);
  BOOST_TEST(errors[0].message == "email is required");
  const FieldErrors long_errors = custmgmt::validate_email(std::string(300, 'a') + "@x.com");
  BOOST_TEST_REQUIRE(long_errors.size() == 2u);
  BOOST_TEST(long_errors[1].message == "email is longer than 254 bytes");
}

BOOST_AUTO_TEST_CASE(normalize_email_throws_validation_error_with_field_errors) {
  try {
    custmgmt::normalize_email("not an address");
    BOOST_FAIL("expected ValidationError");
  } catch (const custmgmt::ValidationError& e) {
    BOOST_TEST(e.code() == "validation.failed");
    BOOST_TEST(codes(e.errors()) == "email:email.invalid");
  }
}

BOOST_AUTO_TEST_CASE(every_prefix_of_tricky_inputs_is_handled_without_crashing) {
  // Cheap stand-in for fuzzing: truncation at every byte hits the
  // incomplete-sequence and incomplete-quote paths.
  const std::vector<std::string> seeds = {"\"a\\\"b\"@xn--bcher-kva.de", "用户@例子。广告",
                                          "user@[IPv6:2001:db8::1]", "δοκιμή@παράδειγμα.δοκιμή"};
  for (const std::string& seed : seeds) {
    for (std::size_t n = 0; n <= seed.size(); ++n) {
      BOOST_CHECK_NO_THROW(custmgmt::validate_email(seed.substr(0, n)));
    }
  }
}
