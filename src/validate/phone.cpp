#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "custmgmt/validate.hpp"
#include "validate/ascii.hpp"
#include "validate/text.hpp"
#include "validate/utf8.hpp"

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

}  // namespace

FieldErrors validate_phone(std::string_view phone, const PhoneOptions& options,
                           PhoneNumber* normalized) {
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

PhoneNumber normalize_phone(std::string_view phone, const PhoneOptions& options) {
  PhoneNumber out;
  FieldErrors errors = validate_phone(phone, options, &out);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  return out;
}

}  // namespace custmgmt
