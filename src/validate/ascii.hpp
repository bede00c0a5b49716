// Small byte-level helpers shared by the validators. They only ever look at
// ASCII bytes, so they are safe on any UTF-8 (or non-UTF-8) input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace custmgmt::detail {

inline bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline bool is_ascii_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

inline bool is_ascii_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline char to_lower_ascii(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline char to_upper_ascii(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

// `s` without leading and trailing ASCII white space.
inline std::string_view trim_ascii(std::string_view s) noexcept {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && is_ascii_space(s[b])) ++b;
  while (e > b && is_ascii_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_lower_ascii(c);
  return out;
}

inline std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_upper_ascii(c);
  return out;
}

}  // namespace custmgmt::detail
