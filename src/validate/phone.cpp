#include <phonenumbers/logger.h>
#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "custmgmt/validate.hpp"
#include "validate/ascii.hpp"
#include "validate/fast_paths.hpp"
#include "validate/text.hpp"
#include "validate/utf8.hpp"

// libphonenumber's compiled-in metadata (cpp/src/phonenumbers/metadata.h of
// libphonenumber; the functions are exported by libphonenumber.so but Debian
// does not install that header).
namespace i18n::phonenumbers {
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace custmgmt {

namespace {

namespace pn = i18n::phonenumbers;

constexpr const char* kField = "phone";

// GetInstance() is thread-safe and the returned object is immutable after
// construction. The logger is replaced once, before any parsing, because
// libphonenumber otherwise writes to stderr for ordinary bad input, which a
// library must not do to its host process. The logger is owned by
// libphonenumber from then on.
const pn::PhoneNumberUtil& phone_util() {
  static const pn::PhoneNumberUtil* const util = [] {
    pn::PhoneNumberUtil* u = pn::PhoneNumberUtil::GetInstance();
    u->SetLogger(new pn::NullLogger());
    return u;
  }();
  return *util;
}

bool is_supported_region(const std::string& region) {
  static const std::set<std::string> regions = [] {
    std::set<std::string> r;
    phone_util().GetSupportedRegions(&r);
    return r;
  }();
  return regions.count(region) != 0;
}

// libphonenumber silently skips control characters ("+1 415 555 2671\x01" is
// valid to it), but text carrying them is not a phone number as typed by a
// person and must not reach storage as the displayed original.
bool has_control(std::string_view s) noexcept {
  std::size_t i = 0;
  char32_t cp = 0;
  while (i < s.size()) {
    if (!detail::decode_utf8(s, i, cp)) return true;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;
  }
  return false;
}

// What the fast path needs to know of a country calling code's numbering
// plan, read from libphonenumber's own metadata (never written by hand).
struct CallingCodeInfo {
  // national_prefix_for_parsing of the region libphonenumber's Parse() uses for
  // the code (its main region) when that pattern is a plain digit string such
  // as "0" or "1" (most codes); empty when there is none, so that Parse()
  // never strips a national prefix from a "+<code>" number.
  std::string literal_prefix;
  // The pattern is more than a digit string (e.g. Mexico's "0(?:[12]|4[45])|1"):
  // every number of the code takes the general path, so that no second regex
  // engine has to agree with libphonenumber's ICU one.
  bool unusual_prefix = false;
};

// Keyed by country calling code. Built once from the same metadata Parse()
// works from.
const std::map<int, CallingCodeInfo>& calling_codes() {
  static const std::map<int, CallingCodeInfo> codes = [] {
    std::map<int, CallingCodeInfo> out;
    pn::PhoneMetadataCollection collection;
    if (!collection.ParseFromArray(pn::metadata_get(), pn::metadata_size())) return out;
    const pn::PhoneNumberUtil& util = phone_util();
    for (const pn::PhoneMetadata& m : collection.metadata()) {
      std::string main_region;
      util.GetRegionCodeForCountryCode(m.country_code(), &main_region);
      // The non-geographic entities have id "001", which is also what
      // GetRegionCodeForCountryCode() gives for their codes.
      if (m.id() != main_region) continue;
      CallingCodeInfo& info = out[m.country_code()];
      const std::string& prefix = m.national_prefix_for_parsing();
      if (std::all_of(prefix.begin(), prefix.end(), detail::is_ascii_digit)) {
        info.literal_prefix = prefix;
      } else {
        info.unusual_prefix = true;
      }
    }
    return out;
  }();
  return codes;
}

// True for "+" and 8-15 ASCII digits, nothing else: the E.164 form.
bool is_e164_text(std::string_view s) noexcept {
  if (s.size() < 9 || s.size() > 16 || s[0] != '+') return false;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (!detail::is_ascii_digit(s[i])) return false;
  }
  return true;
}

// The fast path for text already in E.164 form. Builds the PhoneNumber the way
// libphonenumber's Parse() does for such text (strip '+', country calling code
// as in PhoneNumberUtil::ExtractCountryCode, Italian leading zeros as in
// SetItalianLeadingZerosForPhoneNumber) and lets libphonenumber decide
// validity. Returns std::nullopt whenever the result might differ from Parse():
// an unknown country code (Parse() then retries without the '+'), a national
// number that the region's national_prefix_for_parsing matches at its start
// (Parse() may strip or transform it), or an invalid number (so that the slow
// path produces the error). Otherwise the (empty) field errors.
std::optional<FieldErrors> validate_e164_fast(std::string_view s, PhoneNumber* normalized) {
  if (!is_e164_text(s)) return std::nullopt;
  const pn::PhoneNumberUtil& util = phone_util();
  const std::string_view digits = s.substr(1);
  // ExtractCountryCode(): codes never start with 0; the shortest prefix of at
  // most three digits that names a known code is the code.
  if (digits[0] == '0') return std::nullopt;
  int country_code = 0;
  std::size_t code_length = 0;
  std::string region;
  for (std::size_t n = 1; n <= 3; ++n) {
    const int candidate = std::stoi(std::string(digits.substr(0, n)));
    util.GetRegionCodeForCountryCode(candidate, &region);
    if (region != "ZZ") {
      country_code = candidate;
      code_length = n;
      break;
    }
  }
  if (country_code == 0) return std::nullopt;
  const auto& codes = calling_codes();
  const auto info = codes.find(country_code);
  if (info == codes.end() || info->second.unusual_prefix) return std::nullopt;
  const std::string national(digits.substr(code_length));
  const std::string& prefix = info->second.literal_prefix;
  if (!prefix.empty() && national.compare(0, prefix.size(), prefix) == 0) return std::nullopt;

  pn::PhoneNumber number;
  number.set_country_code(country_code);
  if (national.size() > 1 && national[0] == '0') {
    number.set_italian_leading_zero(true);
    std::size_t zeros = 1;
    // As libphonenumber: an all-zero number keeps its last zero as the number.
    while (zeros < national.size() - 1 && national[zeros] == '0') ++zeros;
    if (zeros != 1) number.set_number_of_leading_zeros(static_cast<std::int32_t>(zeros));
  }
  number.set_national_number(std::stoull(national));

  // IsValidNumber() is GetRegionCodeForNumber() followed by
  // IsValidNumberForRegion(); the region is needed for the result anyway.
  std::string number_region;
  util.GetRegionCodeForNumber(number, &number_region);
  if (!util.IsValidNumberForRegion(number, number_region)) return std::nullopt;
  if (normalized) {
    PhoneNumber out;
    util.Format(number, pn::PhoneNumberUtil::E164, &out.e164);
    out.region = std::move(number_region);
    *normalized = std::move(out);
  }
  return FieldErrors{};
}

}  // namespace

namespace detail {

bool phone_fast_path_applies(std::string_view phone) {
  PhoneNumber ignored;
  const std::optional<FieldErrors> fast = validate_e164_fast(phone, &ignored);
  return fast && fast->empty();
}

FieldErrors validate_phone_with(std::string_view phone, const PhoneOptions& options,
                                PhoneNumber* normalized, bool fast_path) {
  FieldErrors errors;
  if (!is_valid_utf8(phone)) {
    detail::add_error(errors, kField, "text.invalid_utf8", "phone is not valid UTF-8");
    return errors;
  }
  const std::string_view s = detail::trim_ascii(phone);
  if (s.empty()) {
    detail::add_error(errors, kField, "phone.required", "phone is required");
    return errors;
  }
  if (s.size() > limits::kPhoneInput) {
    detail::add_error(errors, kField, "phone.too_long",
                      "phone is longer than " + std::to_string(limits::kPhoneInput) + " bytes");
    return errors;
  }
  // libphonenumber only knows upper-case region codes; "gb" is accepted as a
  // courtesy. An empty default region means "no default": only numbers
  // written with +country then parse ("ZZ" is libphonenumber's unknown region).
  std::string region = detail::upper_ascii(detail::trim_ascii(options.default_region));
  if (region.empty()) {
    region = "ZZ";
  } else if (!is_supported_region(region)) {
    // The region comes from the caller's configuration, not from the user, so
    // it is not echoed: it may hold anything.
    detail::add_error(errors, kField, "phone.region_invalid",
                      "the default region for phone is not a supported region code");
    return errors;
  }

  if (fast_path) {
    if (std::optional<FieldErrors> fast = validate_e164_fast(s, normalized)) return *fast;
  }

  const pn::PhoneNumberUtil& util = phone_util();
  pn::PhoneNumber number;
  if (has_control(s) ||
      util.Parse(std::string(s), region, &number) != pn::PhoneNumberUtil::NO_PARSING_ERROR) {
    detail::add_error(errors, kField, "phone.unparsable", "phone is not a phone number");
    return errors;
  }
  if (!util.IsValidNumber(number)) {
    detail::add_error(errors, kField, "phone.invalid",
                      "phone is not a valid number for its region");
    return errors;
  }
  if (normalized) {
    PhoneNumber out;
    util.Format(number, pn::PhoneNumberUtil::E164, &out.e164);
    // libphonenumber keeps the extension as typed: "ext. １２" (full-width
    // digits) would reach storage as non-ASCII. Fold it to ASCII digits like
    // the number itself (found by fuzz_phone).
    out.extension = number.extension();
    util.NormalizeDigitsOnly(&out.extension);
    util.GetRegionCodeForNumber(number, &out.region);
    *normalized = std::move(out);
  }
  return errors;
}

}  // namespace detail

FieldErrors validate_phone(std::string_view phone, const PhoneOptions& options,
                           PhoneNumber* normalized) {
  return detail::validate_phone_with(phone, options, normalized, true);
}

PhoneNumber normalize_phone(std::string_view phone, const PhoneOptions& options) {
  PhoneNumber out;
  FieldErrors errors = validate_phone(phone, options, &out);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  return out;
}

}  // namespace custmgmt
