#include "validate/text.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "custmgmt/validate.hpp"
#include "validate/ascii.hpp"
#include "validate/utf8.hpp"

namespace custmgmt::detail {

namespace {

bool is_control(char32_t cp, TextKind kind) noexcept {
  if (kind == TextKind::MultiLine && (cp == '\t' || cp == '\n' || cp == '\r')) return false;
  // C0, DEL and C1: the C1 range is easy to miss because it is only reachable
  // through two-byte sequences (U+0080..U+009F).
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// Requires valid UTF-8.
bool has_control(std::string_view s, TextKind kind) noexcept {
  std::size_t i = 0;
  char32_t cp = 0;
  while (i < s.size()) {
    if (!decode_utf8(s, i, cp)) return false;
    if (is_control(cp, kind)) return true;
  }
  return false;
}

}  // namespace

std::string check_text(std::string_view value, std::string_view field, std::size_t max_bytes,
                       bool required, bool trim, TextKind kind, FieldErrors& errors) {
  const std::string_view v = trim ? trim_ascii(value) : value;
  const std::string name(field);
  // Any other finding on undecodable bytes would be noise, so this one is
  // reported alone.
  if (!is_valid_utf8(v)) {
    add_error(errors, name, "text.invalid_utf8", name + " is not valid UTF-8");
    return std::string(v);
  }
  if (has_control(v, kind)) {
    add_error(errors, name, "text.control_character", name + " contains a control character");
  }
  if (required && v.empty()) {
    add_error(errors, name, "text.required", name + " is required");
  }
  if (v.size() > max_bytes) {
    add_error(errors, name, "text.too_long",
              name + " is longer than " + std::to_string(max_bytes) + " bytes");
  }
  return std::string(v);
}

void add_error(FieldErrors& errors, std::string field, std::string code, std::string message) {
  errors.push_back(FieldError{std::move(field), std::move(code), std::move(message)});
}

}  // namespace custmgmt::detail
