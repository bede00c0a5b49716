// Email validator: never crashes or throws on any bytes; a valid address
// normalises to a fixed point (its normal form is valid and normalises to
// itself) within the documented length limits; the ASCII-domain fast path gives
// exactly what the IDNA (libidn2) path gives, on the input and on the normal form.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "custmgmt/validate.hpp"
#include "fuzz_support.hpp"
#include "validate/fast_paths.hpp"

namespace {

// Both paths on `text`: same errors (codes and messages) and same address.
custmgmt::FieldErrors checked_validate(std::string_view text, std::string* normalized) {
  using namespace custmgmt;
  std::string slow_normalized;
  const FieldErrors errors = detail::validate_email_with(text, normalized, true);
  const FieldErrors slow = detail::validate_email_with(text, &slow_normalized, false);
  fuzz::require(errors == slow, "email fast path errors differ from the IDNA path");
  fuzz::require(!errors.empty() || *normalized == slow_normalized,
                "email fast path address differs from the IDNA path");
  return errors;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace custmgmt;
  const auto text = fuzz::as_text(data, size);
  std::string normalized;
  const FieldErrors errors = checked_validate(text, &normalized);
  fuzz::require_well_formed(errors);
  if (!errors.empty()) return 0;
  fuzz::require(is_valid_utf8(normalized), "normalised email is not UTF-8");
  fuzz::require(normalized.size() <= limits::kEmail, "normalised email longer than the limit");
  std::string again;
  fuzz::require(checked_validate(normalized, &again).empty(), "normalised email is invalid");
  fuzz::require(again == normalized, "email normalisation is not idempotent");
  return 0;
}
