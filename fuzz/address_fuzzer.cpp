// Address validator, from JSON text and from five raw fields (split at NUL
// bytes of the input). Never crashes or throws; a valid address normalises
// to a fixed point whose JSON form parses back to it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "custmgmt/validate.hpp"
#include "fuzz_support.hpp"

namespace {

void check_normal_form(const custmgmt::Address& normal) {
  using namespace custmgmt;
  Address again;
  fuzz::require(validate_address(normal, &again).empty(), "normalised address is invalid");
  fuzz::require(again == normal, "address normalisation is not idempotent");
  Address parsed;
  fuzz::require(validate_address_json(to_json(normal), &parsed).empty(),
                "JSON of a normalised address is invalid");
  fuzz::require(parsed == normal, "address JSON round trip changed it");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace custmgmt;
  const auto text = fuzz::as_text(data, size);

  Address from_json;
  FieldErrors errors = validate_address_json(text, &from_json);
  fuzz::require_well_formed(errors);
  if (errors.empty()) check_normal_form(from_json);

  Address fields;
  std::string* parts[] = {&fields.street, &fields.city, &fields.state, &fields.zip,
                          &fields.country};
  std::size_t part = 0;
  for (const char c : text) {
    if (c == '\0' && part + 1 < 5) {
      ++part;
    } else {
      parts[part]->push_back(c);
    }
  }
  Address normal;
  errors = validate_address(fields, &normal);
  fuzz::require_well_formed(errors);
  if (errors.empty()) check_normal_form(normal);
  (void)country_alpha2(text);
  return 0;
}
