// Email validator: never crashes or throws on any bytes; a valid address
// normalises to a fixed point (its normal form is valid and normalises to
// itself) within the documented length limits.
#include <cstddef>
#include <cstdint>
#include <string>

#include "custmgmt/validate.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace custmgmt;
  const auto text = fuzz::as_text(data, size);
  std::string normalized;
  const FieldErrors errors = validate_email(text, &normalized);
  fuzz::require_well_formed(errors);
  if (!errors.empty()) return 0;
  fuzz::require(is_valid_utf8(normalized), "normalised email is not UTF-8");
  fuzz::require(normalized.size() <= limits::kEmail, "normalised email longer than the limit");
  std::string again;
  fuzz::require(validate_email(normalized, &again).empty(), "normalised email is invalid");
  fuzz::require(again == normalized, "email normalisation is not idempotent");
  return 0;
}
