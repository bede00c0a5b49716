#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "custmgmt/validate.hpp"
#include "validate/ascii.hpp"
#include "validate/countries.hpp"
#include "validate/country_lookup.hpp"
#include "validate/utf8.hpp"

namespace custmgmt {

namespace detail {

namespace {

// Names people write that iso-codes does not list, or lists only with
// diacritics that a plain keyboard does not type. Keys are in fold_name()
// form.
struct Alias {
  const char* name;
  const char* alpha2;
};
constexpr Alias kCountryAliases[] = {
    {"uk", "GB"},
    {"u.k.", "GB"},
    {"great britain", "GB"},
    {"britain", "GB"},
    {"england", "GB"},
    {"scotland", "GB"},
    {"wales", "GB"},
    {"northern ireland", "GB"},
    {"u.s.", "US"},
    {"u.s.a.", "US"},
    {"russia", "RU"},
    {"turkey", "TR"},
    {"turkiye", "TR"},
    {"holland", "NL"},
    {"ivory coast", "CI"},
    {"cote d'ivoire", "CI"},
    {"cape verde", "CV"},
    {"swaziland", "SZ"},
    {"macedonia", "MK"},
    {"burma", "MM"},
    {"vatican", "VA"},
    {"vatican city", "VA"},
    {"holy see", "VA"},
    {"east timor", "TL"},
    {"brunei", "BN"},
    {"micronesia", "FM"},
    {"palestine", "PS"},
    {"macau", "MO"},
    {"curacao", "CW"},
    {"reunion", "RE"},
    {"aland islands", "AX"},
    {"saint barthelemy", "BL"},
    {"democratic republic of the congo", "CD"},
    {"dr congo", "CD"},
    {"republic of korea", "KR"},
    {"uae", "AE"},
    {"us virgin islands", "VI"},
    {"u.s. virgin islands", "VI"},
};

struct SubdivisionAlias {
  const char* country;
  const char* name;
  const char* code;
};
constexpr SubdivisionAlias kSubdivisionAliases[] = {
    {"US", "washington dc", "DC"},
    {"US", "washington d.c.", "DC"},
    {"US", "washington, d.c.", "DC"},
    {"US", "d.c.", "DC"},
    {"US", "us virgin islands", "VI"},
    {"US", "u.s. virgin islands", "VI"},
    {"CA", "québec", "QC"},
    {"CA", "newfoundland", "NL"},
    {"CA", "yukon territory", "YT"},
};

// Case-insensitive key for names: ASCII and Latin-1 letters lower-cased,
// typographic apostrophes made plain, runs of white space collapsed.
// nullopt for invalid UTF-8.
std::optional<std::string> fold_name(std::string_view text) {
  const std::string_view s = trim_ascii(text);
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  char32_t cp = 0;
  bool in_space = false;
  while (i < s.size()) {
    if (!decode_utf8(s, i, cp)) return std::nullopt;
    if (cp < 0x80 && is_ascii_space(static_cast<char>(cp))) {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    if (cp < 0x80) {
      out.push_back(to_lower_ascii(static_cast<char>(cp)));
    } else if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) {
      append_utf8(out, cp + 0x20);
    } else if (cp == 0x2018 || cp == 0x2019) {
      out.push_back('\'');
    } else {
      append_utf8(out, cp);
    }
  }
  return out;
}

using Map = std::unordered_map<std::string, std::string>;

void add(Map& map, const char* key, const char* value) {
  if (key == nullptr || *key == '\0') return;
  std::optional<std::string> k = fold_name(key);
  // First entry wins: codes go in before names, so a name can never shadow a
  // code.
  if (k) map.emplace(std::move(*k), value);
}

const Map& country_map() {
  static const Map map = [] {
    Map m;
    for (std::size_t i = 0; i < kCountryCount; ++i) {
      add(m, kCountries[i].alpha2, kCountries[i].alpha2);
      add(m, kCountries[i].alpha3, kCountries[i].alpha2);
    }
    for (std::size_t i = 0; i < kCountryCount; ++i) {
      add(m, kCountries[i].name, kCountries[i].alpha2);
      add(m, kCountries[i].official_name, kCountries[i].alpha2);
      add(m, kCountries[i].common_name, kCountries[i].alpha2);
    }
    for (const Alias& a : kCountryAliases) add(m, a.name, a.alpha2);
    return m;
  }();
  return map;
}

// Keyed by "<alpha-2> <folded code or name>".
const Map& subdivision_map() {
  static const Map map = [] {
    Map m;
    for (std::size_t i = 0; i < kSubdivisionCount; ++i) {
      const SubdivisionEntry& e = kSubdivisions[i];
      m.emplace(std::string(e.country) + " " + lower_ascii(e.code), e.code);
    }
    for (std::size_t i = 0; i < kSubdivisionCount; ++i) {
      const SubdivisionEntry& e = kSubdivisions[i];
      if (std::optional<std::string> k = fold_name(e.name)) {
        m.emplace(std::string(e.country) + " " + *k, e.code);
      }
    }
    for (const SubdivisionAlias& a : kSubdivisionAliases) {
      m.emplace(std::string(a.country) + " " + a.name, a.code);
    }
    return m;
  }();
  return map;
}

std::optional<std::string> find(const Map& map, const std::string& key) {
  const auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::optional<std::string> subdivision_code(std::string_view country_alpha2,
                                            std::string_view code_or_name) {
  std::optional<std::string> key = fold_name(code_or_name);
  if (!key || key->empty()) return std::nullopt;
  const std::string country = upper_ascii(country_alpha2);
  // The full ISO 3166-2 form, "US-CA", is accepted as well.
  const std::string prefix = lower_ascii(country) + "-";
  if (key->size() > prefix.size() && key->compare(0, prefix.size(), prefix) == 0) {
    key->erase(0, prefix.size());
  }
  return find(subdivision_map(), country + " " + *key);
}

}  // namespace detail

std::optional<std::string> country_alpha2(std::string_view code_or_name) {
  std::optional<std::string> key = detail::fold_name(code_or_name);
  if (!key || key->empty()) return std::nullopt;
  const detail::Map& map = detail::country_map();
  if (std::optional<std::string> hit = detail::find(map, *key)) return hit;
  // "The Netherlands", "the Gambia": iso-codes lists these without the article.
  constexpr std::string_view kThe = "the ";
  if (key->size() > kThe.size() && key->compare(0, kThe.size(), kThe) == 0) {
    return detail::find(map, key->substr(kThe.size()));
  }
  return std::nullopt;
}

}  // namespace custmgmt
