#include <boost/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "custmgmt/address.hpp"
#include "custmgmt/validate.hpp"
#include "validate/ascii.hpp"
#include "validate/country_lookup.hpp"
#include "validate/text.hpp"
#include "validate/utf8.hpp"

namespace custmgmt {

namespace {

namespace json = boost::json;

// The keys of the spec's JSONB address, in the order to_json() writes them.
struct Key {
  const char* name;
  std::string Address::*member;
};
constexpr Key kKeys[] = {
    {"street", &Address::street}, {"city", &Address::city},       {"state", &Address::state},
    {"zip", &Address::zip},       {"country", &Address::country},
};

std::string field_name(std::string_view key) {
  return "address." + std::string(key);
}

// ^\d{5}(-\d{4})?$ with ASCII digits only.
bool is_us_zip(std::string_view zip) noexcept {
  if (zip.size() != 5 && zip.size() != 10) return false;
  for (std::size_t i = 0; i < zip.size(); ++i) {
    if (i == 5) {
      if (zip[i] != '-') return false;
    } else if (!detail::is_ascii_digit(zip[i])) {
      return false;
    }
  }
  return true;
}

// Canada Post never uses D, F, I, O, Q or U in a postal code (they are too easy
// to misread), and W and Z do not start one.
bool is_ca_postal_letter(char c, bool first) noexcept {
  const char u = detail::to_upper_ascii(c);
  if (!detail::is_ascii_alpha(u)) return false;
  for (char bad : std::string_view("DFIOQU")) {
    if (u == bad) return false;
  }
  return !(first && (u == 'W' || u == 'Z'));
}

// "A1A 1A1" or "A1A1A1" in any case; gives the canonical "A1A 1A1".
std::optional<std::string> canonical_ca_postal_code(std::string_view zip) {
  std::string compact;
  if (zip.size() == 7 && zip[3] == ' ') {
    compact = std::string(zip.substr(0, 3)) + std::string(zip.substr(4));
  } else if (zip.size() == 6) {
    compact = std::string(zip);
  } else {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const bool ok =
        (i % 2 == 0) ? is_ca_postal_letter(compact[i], i == 0) : detail::is_ascii_digit(compact[i]);
    if (!ok) return std::nullopt;
  }
  std::string out = detail::upper_ascii(compact);
  out.insert(3, 1, ' ');
  return out;
}

// `s` with each byte that does not start a valid UTF-8 sequence replaced by
// U+FFFD: Boost.JSON writes strings byte for byte, and to_json() must produce
// valid JSON text even for an address that was never validated.
std::string valid_utf8_or_replaced(const std::string& s) {
  if (is_valid_utf8(s)) return s;
  std::string out;
  out.reserve(s.size() + 8);
  std::size_t i = 0;
  char32_t cp = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    if (detail::decode_utf8(s, i, cp)) {
      out.append(s, start, i - start);
    } else {
      detail::append_utf8(out, U'\uFFFD');
      ++i;
    }
  }
  return out;
}

}  // namespace

FieldErrors validate_address(const Address& address, Address* normalized) {
  FieldErrors errors;
  Address out;
  for (const Key& key : kKeys) {
    out.*key.member = detail::check_text(address.*key.member, field_name(key.name),
                                         limits::kAddressField, /*required=*/false,
                                         /*trim=*/true, detail::TextKind::SingleLine, errors);
  }
  // The country, state and ZIP rules below only look at fields whose text is
  // clean; text errors have been reported above.
  const auto text_ok = [&errors](const char* field) {
    for (const FieldError& e : errors) {
      if (e.field == field) return false;
    }
    return true;
  };
  if (!out.country.empty() && text_ok("address.country")) {
    if (std::optional<std::string> alpha2 = country_alpha2(out.country)) {
      out.country = std::move(*alpha2);
    } else {
      detail::add_error(errors, "address.country", "address.country_unknown",
                        "address.country is not a known country code or name");
    }
  }
  // An unknown country leaves `out.country` as typed, which matches neither.
  const bool us = out.country == "US";
  const bool ca = out.country == "CA";
  if ((us || ca) && !out.state.empty() && text_ok("address.state")) {
    if (std::optional<std::string> code = detail::subdivision_code(out.country, out.state)) {
      out.state = std::move(*code);
    } else {
      detail::add_error(errors, "address.state", "address.state_invalid",
                        us ? "address.state is not a US state or territory"
                           : "address.state is not a Canadian province or territory");
    }
  }
  if (us && !out.zip.empty() && text_ok("address.zip") && !is_us_zip(out.zip)) {
    detail::add_error(errors, "address.zip", "address.zip_invalid",
                      "address.zip is not a US ZIP code (12345 or 12345-6789)");
  }
  if (ca && !out.zip.empty() && text_ok("address.zip")) {
    if (std::optional<std::string> postal = canonical_ca_postal_code(out.zip)) {
      out.zip = std::move(*postal);
    } else {
      detail::add_error(errors, "address.zip", "address.zip_invalid",
                        "address.zip is not a Canadian postal code (A1A 1A1)");
    }
  }
  if (errors.empty() && normalized) *normalized = std::move(out);
  return errors;
}

FieldErrors validate_address_json(std::string_view text, Address* normalized) {
  FieldErrors errors;
  boost::system::error_code ec;
  // Boost.JSON rejects invalid UTF-8 and nests at most 32 levels by default,
  // so hostile input ends here as a parse error rather than deep recursion.
  const json::value value = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) {
    detail::add_error(errors, "address", "address.not_json", "address is not valid JSON");
    return errors;
  }
  const json::object* object = value.if_object();
  if (object == nullptr) {
    detail::add_error(errors, "address", "address.not_object", "address is not a JSON object");
    return errors;
  }
  Address address;
  for (const json::key_value_pair& kv : *object) {
    const std::string_view key(kv.key().data(), kv.key().size());
    const Key* known = nullptr;
    for (const Key& k : kKeys) {
      if (key == k.name) known = &k;
    }
    if (known == nullptr) {
      detail::add_error(errors, field_name(key), "address.unknown_key",
                        field_name(key) + " is not an address field");
      continue;
    }
    if (kv.value().is_null()) continue;
    const json::string* str = kv.value().if_string();
    if (str == nullptr) {
      detail::add_error(errors, field_name(key), "address.not_string",
                        field_name(key) + " is not a string");
      continue;
    }
    address.*known->member = std::string(str->data(), str->size());
  }
  Address out;
  FieldErrors field_errors = validate_address(address, &out);
  errors.insert(errors.end(), field_errors.begin(), field_errors.end());
  if (errors.empty() && normalized) *normalized = std::move(out);
  return errors;
}

Address normalize_address(const Address& address) {
  Address out;
  FieldErrors errors = validate_address(address, &out);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  return out;
}

Address parse_address(std::string_view json_text) {
  Address out;
  FieldErrors errors = validate_address_json(json_text, &out);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  return out;
}

std::string to_json(const Address& address) {
  json::object object;
  for (const Key& key : kKeys) {
    const std::string& v = address.*key.member;
    if (v.empty()) continue;
    const std::string text = valid_utf8_or_replaced(v);
    object.emplace(key.name, json::string_view(text.data(), text.size()));
  }
  return json::serialize(object);
}

}  // namespace custmgmt
