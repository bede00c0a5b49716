// The compiled-in ISO 3166 tables, generated at build time from Debian's
// iso-codes by cmake/GenerateCountries.cmake.
#pragma once

#include <cstddef>

namespace custmgmt::detail {

// One ISO 3166-1 country; empty strings where iso-codes has no such name.
struct CountryEntry {
  const char* alpha2;
  const char* alpha3;
  const char* name;
  const char* official_name;
  const char* common_name;
};

// One ISO 3166-2 subdivision of the US or Canada, e.g. {"US", "CA", "California"}.
struct SubdivisionEntry {
  const char* country;
  const char* code;
  const char* name;
};

extern const CountryEntry kCountries[];
extern const std::size_t kCountryCount;
extern const SubdivisionEntry kSubdivisions[];
extern const std::size_t kSubdivisionCount;

}  // namespace custmgmt::detail
