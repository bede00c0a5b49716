#include <cstddef>
#include <string_view>

#include "custmgmt/validate.hpp"
#include "validate/utf8.hpp"

namespace custmgmt {

bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  char32_t cp = 0;
  while (i < text.size()) {
    // Most text is ASCII; skip it without the full decoder.
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    if (!detail::decode_utf8(text, i, cp)) return false;
  }
  return true;
}

}  // namespace custmgmt
