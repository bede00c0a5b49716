// Strict UTF-8 decoding (RFC 3629), shared by the validators.
#pragma once

#include <cstddef>
#include <string_view>

namespace custmgmt::detail {

// Decodes the code point starting at `s[i]` (requires i < s.size()). On
// success stores it in `cp`, moves `i` past it and returns true. Returns false
// and leaves `i` alone on an overlong form, a surrogate, a value above
// U+10FFFF, a stray continuation byte or a truncated sequence.
inline bool decode_utf8(std::string_view s, std::size_t& i, char32_t& cp) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    ++i;
    return true;
  }
  std::size_t len = 0;
  char32_t c = 0;
  // Lead bytes C0, C1 and F5..FF can only start overlongs or values past
  // U+10FFFF, so they are rejected here rather than after decoding.
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    c = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    c = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    c = b0 & 0x07;
  } else {
    return false;
  }
  if (s.size() - i < len) return false;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return false;
    c = (c << 6) | (b & 0x3F);
  }
  if (len == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) return false;
  if (len == 4 && (c < 0x10000 || c > 0x10FFFF)) return false;
  cp = c;
  i += len;
  return true;
}

// Appends `cp` (a valid scalar value) to `out` as UTF-8.
template <typename String>
void append_utf8(String& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace custmgmt::detail
