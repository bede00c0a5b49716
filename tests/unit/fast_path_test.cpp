// Differential test of the validators' fast paths: validate_phone() on text
// already in E.164 form and validate_email() on plain ASCII domains must give
// exactly what the general paths (libphonenumber's Parse(), libidn2) give,
// errors and messages included. Both paths run over generated inputs; the
// test also checks that the fast paths are actually taken for the common
// shapes, so that it cannot pass by comparing the slow path with itself.
#define BOOST_TEST_MODULE validator fast paths
#include <boost/test/unit_test.hpp>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstddef>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "custmgmt/validate.hpp"
#include "validate/fast_paths.hpp"

using custmgmt::FieldErrors;
using custmgmt::PhoneNumber;
using custmgmt::PhoneOptions;
using custmgmt::detail::validate_email_with;
using custmgmt::detail::validate_phone_with;
namespace pn = i18n::phonenumbers;

namespace {

std::string describe(const FieldErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += "[" + e.field + " " + e.code + " " + e.message + "]";
  return out;
}

std::string describe(const PhoneNumber& p) {
  return p.e164 + "|" + p.extension + "|" + p.region;
}

// Compares both paths on one input; returns true when the number is valid.
bool same_phone(const std::string& input, const std::string& region) {
  PhoneOptions options;
  options.default_region = region;
  PhoneNumber fast{"unset", "unset", "unset"};
  PhoneNumber slow{"unset", "unset", "unset"};
  const FieldErrors fast_errors = validate_phone_with(input, options, &fast, true);
  const FieldErrors slow_errors = validate_phone_with(input, options, &slow, false);
  BOOST_TEST_CONTEXT("phone '" << input << "' region '" << region << "'") {
    BOOST_TEST(describe(fast_errors) == describe(slow_errors));
    BOOST_TEST(describe(fast) == describe(slow));
    // Without an output the result is the same too.
    BOOST_TEST(describe(validate_phone_with(input, options, nullptr, true)) ==
               describe(slow_errors));
  }
  return slow_errors.empty();
}

bool same_email(const std::string& input) {
  std::string fast = "unset";
  std::string slow = "unset";
  const FieldErrors fast_errors = validate_email_with(input, &fast, true);
  const FieldErrors slow_errors = validate_email_with(input, &slow, false);
  BOOST_TEST_CONTEXT("email '" << input << "'") {
    BOOST_TEST(describe(fast_errors) == describe(slow_errors));
    BOOST_TEST(fast == slow);
  }
  return slow_errors.empty();
}

const pn::PhoneNumberUtil& util() {
  return *pn::PhoneNumberUtil::GetInstance();
}

std::string e164(const pn::PhoneNumber& n) {
  std::string out;
  util().Format(n, pn::PhoneNumberUtil::E164, &out);
  return out;
}

// libphonenumber's example numbers of every type for every region and
// non-geographic code, in E.164 form: valid numbers of every numbering plan.
std::vector<std::string> example_numbers() {
  std::vector<std::string> out;
  std::set<std::string> regions;
  util().GetSupportedRegions(&regions);
  for (const std::string& region : regions) {
    std::set<pn::PhoneNumberUtil::PhoneNumberType> types;
    util().GetSupportedTypesForRegion(region, &types);
    for (const auto type : types) {
      pn::PhoneNumber n;
      if (util().GetExampleNumberForType(region, type, &n)) out.push_back(e164(n));
    }
    pn::PhoneNumber invalid;
    if (util().GetInvalidExampleNumber(region, &invalid)) out.push_back(e164(invalid));
  }
  std::set<int> global;
  util().GetSupportedGlobalNetworkCallingCodes(&global);
  for (const int code : global) {
    pn::PhoneNumber n;
    if (util().GetExampleNumberForNonGeoEntity(code, &n)) out.push_back(e164(n));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(phone_fast_path_equals_parse) {
  const std::vector<std::string> regions = {"", "US", "GB", "IT", "DE", "AR", "RU"};
  std::set<std::string> inputs;
  const std::vector<std::string> examples = example_numbers();
  BOOST_TEST_REQUIRE(examples.size() > 1000u);
  std::mt19937 rng(20261125);
  std::uniform_int_distribution<int> digit(0, 9);
  for (const std::string& e : examples) {
    inputs.insert(e);
    // Near misses: one digit more, one less, a changed last digit, a 0 or 1
    // (national prefixes) after each possible country code length.
    inputs.insert(e + "5");
    inputs.insert(e.substr(0, e.size() - 1));
    inputs.insert(e.substr(0, e.size() - 1) + std::to_string((e.back() - '0' + 3) % 10));
    for (std::size_t cc = 2; cc <= 4 && cc < e.size(); ++cc) {
      inputs.insert(e.substr(0, cc) + "0" + e.substr(cc));
      inputs.insert(e.substr(0, cc) + "1" + e.substr(cc));
      inputs.insert(e.substr(0, cc) + "8" + e.substr(cc));
      inputs.insert(e.substr(0, cc) + "00" + e.substr(cc));
    }
    // Not canonical: these never take the fast path but must still agree.
    inputs.insert(" " + e + " ");
    inputs.insert(e + " ext 12");
  }
  // Random digits behind every calling code (valid or not) 0-999, lengths
  // 8-15 and a few outside that range.
  for (int cc = 0; cc < 1000; ++cc) {
    for (int k = 0; k < 6; ++k) {
      const int length = 6 + (k * 11 + cc) % 12;
      std::string s = "+" + std::to_string(cc);
      while (static_cast<int>(s.size()) - 1 < length)
        s.push_back(static_cast<char>('0' + digit(rng)));
      inputs.insert(s);
    }
  }
  // Italy keeps leading zeros of fixed-line numbers; San Marino, Vatican.
  for (const std::string base :
       {"+390", "+3900", "+39000", "+3903", "+393", "+378", "+3790", "+3906698"}) {
    for (int length = 6; length <= 12; ++length) {
      std::string s = base;
      while (s.size() < base.size() + static_cast<std::size_t>(length) - 3) {
        s.push_back(static_cast<char>('0' + digit(rng)));
      }
      inputs.insert(s);
    }
  }
  for (const char* fixed :
       {"+390612345678", "+39061234567", "+390000000000", "+3900000000", "+39312345678",
        "+3933312345678", "+440207946095", "+4402079460958", "+7800123456", "+78001234567",
        "+78912345678", "+549111512345678", "+5491123456789", "+551115123456789",
        // Valid as written, yet Parse() strips Mexico's national
        // prefix "1" (found by this test: the fast path must not).
        "+5212221234567", "+12642345678", "+12681234567", "+1", "+12", "+", "++14155552671",
        "+1415555267１"}) {
    inputs.insert(fixed);
  }

  std::size_t valid = 0;
  for (const std::string& input : inputs) {
    for (const std::string& region : regions) {
      if (same_phone(input, region)) ++valid;
    }
  }
  BOOST_TEST_MESSAGE(inputs.size() << " phone inputs, " << valid << " valid results");
  BOOST_TEST(valid > 5000u);
}

// The fast paths must actually be taken for ordinary input (otherwise the
// differential tests above would pass with a fast path that never runs), and
// not for input the general path must see. Asked of the validators
// themselves, not measured: unit tests assert no timings.
BOOST_AUTO_TEST_CASE(fast_paths_are_taken) {
  for (const char* phone : {"+14155552671", "+12125550148", "+442079460958", "+4930901820",
                            "+33612345678", "+390612345678", "+819012345678"}) {
    BOOST_TEST(custmgmt::detail::phone_fast_path_applies(phone), phone);
  }
  // Not E.164 text, an extension, an invalid number, a national prefix after
  // the code (Parse() strips it), a code whose prefix is a pattern (Mexico).
  for (const char* phone : {"+1 415 555 2671", "(415) 555-2671", "+14155552671;ext=12",
                            "+10005552671", "+4401234567890", "+5212221234567"}) {
    BOOST_TEST(!custmgmt::detail::phone_fast_path_applies(phone), phone);
  }
  for (const char* domain : {"example.com", "Mail.Example.ORG", "sub.domain-name.co.uk"}) {
    BOOST_TEST(custmgmt::detail::email_domain_skips_idna(domain), domain);
  }
  for (const char* domain :
       {"xn--bcher-kva.example", "ab--cd.example", "example.com.", "example.123", "-lead.example",
        "b\xc3\xbc"
        "cher.example"}) {
    BOOST_TEST(!custmgmt::detail::email_domain_skips_idna(domain), domain);
  }
}

BOOST_AUTO_TEST_CASE(email_fast_path_equals_idna) {
  std::vector<std::string> domains = {
      "example.com",
      "EXAMPLE.COM",
      "Example.Co.Uk",
      "a.b",
      "a.b.c.d.e.f",
      "x.io",
      "1.2.3.4",
      "example.123",
      "example.c0m",
      "123.com",
      "exa-mple.com",
      "-example.com",
      "example-.com",
      "example.com.",
      "example..com",
      ".example.com",
      "example",
      "localhost",
      "xn--bcher-kva.de",
      "XN--BCHER-KVA.DE",
      "xn--bcher-kva",
      "xn--.com",
      "xn--a.com",
      "xn--zz-.com",
      "xn--ls8h.la",
      "ab--cd.com",
      "a--b.com",
      "ab-cd.com",
      "ab---cd.com",
      "abc--d.com",
      "--abc.com",
      "a-.com",
      "ab--.com",
      "example.xn--p1ai",
      "xn--e1afmkfd.xn--p1ai",
      "exa_mple.com",
      "exa mple.com",
      "[192.0.2.1]",
      "[ipv6:2001:db8::1]",
      "example.com\x7f",
      "b\xc3\xbc"
      "cher.de",
      "B\xc3\x9c"
      "CHER.DE",
      "\xe2\x84\xaa.com",
      "example\xe3\x80\x82"
      "com",
      "\xef\xbd\x85xample.com",
      "fa\xc3\x9f.de",
      "example.c",
      "e.x",
      "a-b-c.d-e-f",
      "0.com",
      "00.00.com",
      "mail.example.museum",
      "sub.domain.example.travel",
      "123456789012345678901234567890123456789012345678901234567890123.com",
      "1234567890123456789012345678901234567890123456789012345678901234.com"};
  // Long labels and long names around the limits.
  for (const std::size_t n : {62u, 63u, 64u}) domains.push_back(std::string(n, 'a') + ".com");
  for (const std::size_t labels : {3u, 4u, 5u}) {
    std::string d;
    for (std::size_t i = 0; i < labels; ++i) d += std::string(60, static_cast<char>('a' + i)) + ".";
    domains.push_back(d + "com");
  }
  // Random LDH domains: letters, digits, hyphens, dots, some upper case.
  std::mt19937 rng(7);
  const std::string alphabet = "abcXYZ019-.";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(1, 24);
  for (int i = 0; i < 6000; ++i) {
    std::string d;
    const int n = length(rng);
    for (int k = 0; k < n; ++k) d.push_back(alphabet[pick(rng)]);
    domains.push_back(d);
    domains.push_back("xn--" + d);
  }

  const std::vector<std::string> locals = {"user", "First.Last+tag", "\"quoted local\"",
                                           std::string(64, 'l'), std::string(65, 'l')};
  std::size_t valid = 0;
  std::size_t total = 0;
  for (const std::string& domain : domains) {
    for (const std::string& local : locals) {
      ++total;
      if (same_email(local + "@" + domain)) ++valid;
    }
  }
  BOOST_TEST_MESSAGE(total << " email inputs, " << valid << " valid results");
  BOOST_TEST(valid > 1000u);
}
