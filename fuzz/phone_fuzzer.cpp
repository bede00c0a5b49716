// Phone validator: the first byte picks the default region (including an
// invalid and an empty one), the rest is the number. Never crashes; a valid
// number's E.164 form is valid again and maps to itself; the E.164 fast path
// gives exactly what libphonenumber's Parse() path gives, on the input and on
// the E.164 form.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "custmgmt/validate.hpp"
#include "fuzz_support.hpp"
#include "validate/fast_paths.hpp"

namespace {

// Both paths on `text`: same errors (codes and messages) and same number.
custmgmt::FieldErrors checked_validate(std::string_view text, const custmgmt::PhoneOptions& options,
                                       custmgmt::PhoneNumber* number) {
  using namespace custmgmt;
  PhoneNumber slow_number;
  const FieldErrors errors = detail::validate_phone_with(text, options, number, true);
  const FieldErrors slow = detail::validate_phone_with(text, options, &slow_number, false);
  fuzz::require(errors == slow, "phone fast path errors differ from the Parse() path");
  fuzz::require(!errors.empty() || *number == slow_number,
                "phone fast path number differs from the Parse() path");
  return errors;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace custmgmt;
  if (size == 0) return 0;
  static const char* const kRegions[] = {"US", "GB", "DE", "CA", "FR", "JP", "", "ZZ", "us", "001"};
  PhoneOptions options;
  options.default_region = kRegions[data[0] % (sizeof kRegions / sizeof kRegions[0])];
  const auto text = fuzz::as_text(data + 1, size - 1);
  PhoneNumber number;
  const FieldErrors errors = checked_validate(text, options, &number);
  fuzz::require_well_formed(errors);
  if (!errors.empty()) return 0;
  fuzz::require(!number.e164.empty() && number.e164[0] == '+', "E.164 form without '+'");
  for (std::size_t i = 1; i < number.e164.size(); ++i) {
    fuzz::require(number.e164[i] >= '0' && number.e164[i] <= '9', "E.164 form with a non-digit");
  }
  for (const char c : number.extension) {
    fuzz::require(c >= '0' && c <= '9', "extension with a non-digit");
  }
  PhoneNumber again;
  fuzz::require(checked_validate(number.e164, options, &again).empty(), "E.164 form is invalid");
  fuzz::require(again.e164 == number.e164, "E.164 normalisation is not idempotent");
  return 0;
}
