// Phone validator: the first byte picks the default region (including an
// invalid and an empty one), the rest is the number. Never crashes; a valid
// number's E.164 form is valid again and maps to itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "custmgmt/validate.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace custmgmt;
  if (size == 0) return 0;
  static const char* const kRegions[] = {"US", "GB", "DE", "CA", "FR", "JP", "", "ZZ", "us", "001"};
  PhoneOptions options;
  options.default_region = kRegions[data[0] % (sizeof kRegions / sizeof kRegions[0])];
  const auto text = fuzz::as_text(data + 1, size - 1);
  PhoneNumber number;
  const FieldErrors errors = validate_phone(text, options, &number);
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
  fuzz::require(validate_phone(number.e164, options, &again).empty(), "E.164 form is invalid");
  fuzz::require(again.e164 == number.e164, "E.164 normalisation is not idempotent");
  return 0;
}
