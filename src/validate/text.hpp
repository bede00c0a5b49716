// Shared rules for free-text fields (names, notes, roles, tags, address
// parts), used by the validators and by the repositories.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "custmgmt/error.hpp"

namespace custmgmt::detail {

enum class TextKind {
  SingleLine,  // no control characters at all (names, roles, tags, address parts)
  MultiLine,   // \t, \n and \r allowed (notes)
};

// Checks `value` and appends field errors under `field` to `errors`:
//   text.invalid_utf8       not valid UTF-8 (reported alone: no further checks)
//   text.control_character  NUL, C0 controls, DEL and C1 controls (U+0080–U+009F),
//                           except \t \n \r for MultiLine
//   text.required           `required` and empty (after trimming when `trim`)
//   text.too_long           more than `max_bytes` bytes (after trimming)
// Returns the value, trimmed of leading/trailing ASCII white space when `trim`,
// otherwise byte-exact.
std::string check_text(std::string_view value, std::string_view field, std::size_t max_bytes,
                       bool required, bool trim, TextKind kind, FieldErrors& errors);

// Appends one FieldError.
void add_error(FieldErrors& errors, std::string field, std::string code, std::string message);

}  // namespace custmgmt::detail
