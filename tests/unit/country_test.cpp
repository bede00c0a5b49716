#define BOOST_TEST_MODULE country lookup
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "custmgmt/validate.hpp"

namespace {

const std::vector<std::pair<std::string, std::string>> kKnown = {
    // alpha-2 and alpha-3, any case
    {"US", "US"},
    {"us", "US"},
    {"de", "DE"},
    {"USA", "US"},
    {"usa", "US"},
    {"DEU", "DE"},
    {"gbr", "GB"},
    {"CAN", "CA"},
    {"CA", "CA"},
    // names, official names and common names from iso-codes
    {"United States", "US"},
    {"united states of america", "US"},
    {"Germany", "DE"},
    {"Federal Republic of Germany", "DE"},
    {"UNITED KINGDOM", "GB"},
    {"Korea, Republic of", "KR"},
    {"South Korea", "KR"},
    {"North Korea", "KP"},
    {"Viet Nam", "VN"},
    {"Vietnam", "VN"},
    {"Bolivia", "BO"},
    {"Taiwan", "TW"},
    {"Czechia", "CZ"},
    {"Czech Republic", "CZ"},
    {"Russian Federation", "RU"},
    {"Türkiye", "TR"},
    {"Côte d'Ivoire", "CI"},
    {"Curaçao", "CW"},
    // Latin-1 letters fold too; typographic apostrophes match plain ones.
    {"CÔTE D'IVOIRE", "CI"},
    {"Côte d\xe2\x80\x99Ivoire", "CI"},
    {"ÅLAND ISLANDS", "AX"},
    // white space is trimmed and collapsed; a leading "the" is optional
    {"  united   states  ", "US"},
    {"The Netherlands", "NL"},
    {"the Gambia", "GM"},
    {"the Bahamas", "BS"},
    // common English names that iso-codes lacks
    {"UK", "GB"},
    {"U.K.", "GB"},
    {"Great Britain", "GB"},
    {"England", "GB"},
    {"Scotland", "GB"},
    {"U.S.A.", "US"},
    {"Russia", "RU"},
    {"Turkey", "TR"},
    {"Holland", "NL"},
    {"Ivory Coast", "CI"},
    {"Cote d'Ivoire", "CI"},
    {"Cape Verde", "CV"},
    {"Swaziland", "SZ"},
    {"Burma", "MM"},
    {"Vatican City", "VA"},
    {"East Timor", "TL"},
    {"Brunei", "BN"},
    {"Macau", "MO"},
    {"Curacao", "CW"},
    {"UAE", "AE"},
    {"DR Congo", "CD"},
};

const std::vector<std::string> kUnknown = {
    "",
    "   ",
    "XX",
    "ZZZ",
    "U S A",
    "Atlantis",
    "Deutschland",  // English names only
    "United",
    "the",
    "the ",
    "America",
    "Korea",  // ambiguous
    "US-CA",
    "\xff",
    "Unit\303ed States",  // a lone lead byte
    std::string("US\0", 3),
    std::string(10000, 'a'),
};

}  // namespace

BOOST_AUTO_TEST_CASE(codes_and_names_map_to_alpha2) {
  for (const auto& [input, alpha2] : kKnown) {
    BOOST_TEST_CONTEXT("input: " << input) {
      const std::optional<std::string> got = custmgmt::country_alpha2(input);
      BOOST_TEST(got.has_value());
      BOOST_TEST(got.value_or("<none>") == alpha2);
    }
  }
}

BOOST_AUTO_TEST_CASE(unknown_text_gives_nullopt) {
  for (const std::string& input : kUnknown) {
    BOOST_TEST_CONTEXT("input: " << input) {
      BOOST_TEST(!custmgmt::country_alpha2(input).has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(every_result_maps_to_itself) {
  // A result of country_alpha2 is accepted again unchanged, which makes
  // address normalisation idempotent. Every two-letter input is tried; "UK"
  // is the one alias among them.
  int identities = 0;
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) {
      const std::string code{a, b};
      const std::optional<std::string> got = custmgmt::country_alpha2(code);
      if (!got) continue;
      BOOST_TEST_CONTEXT("code: " << code) {
        BOOST_TEST(custmgmt::country_alpha2(*got).value_or("<none>") == *got);
        BOOST_TEST((*got == code || code == "UK"));
      }
      if (*got == code) ++identities;
    }
  }
  // iso-codes lists 249 countries.
  BOOST_TEST(identities >= 249);
}
