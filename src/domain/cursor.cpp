#include "domain/cursor.hpp"

#include <charconv>
#include <vector>

#include "custmgmt/error.hpp"

namespace custmgmt::detail {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kMaxCursor = 4096;

std::string base64url_encode(std::string_view in) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char ch : in) {
    buffer = (buffer << 8) | static_cast<unsigned char>(ch);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '-') {
      v = 62;
    } else if (c == '_') {
      v = 63;
    } else {
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

[[noreturn]] void invalid(const char* why) {
  throw ValidationError({{"cursor", "cursor.invalid", std::string("invalid cursor: ") + why}});
}

template <typename Int>
bool parse_int(std::string_view s, Int& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

QueryFingerprint& QueryFingerprint::add(std::string_view part) {
  // FNV-1a over the length and the bytes, so ("ab","c") != ("a","bc").
  add(static_cast<std::int64_t>(part.size()));
  for (const char c : part) {
    hash_ ^= static_cast<unsigned char>(c);
    hash_ *= 1099511628211ULL;
  }
  return *this;
}

QueryFingerprint& QueryFingerprint::add(std::int64_t value) {
  for (int i = 0; i < 8; ++i) {
    hash_ ^= static_cast<std::uint64_t>(value >> (8 * i)) & 0xFF;
    hash_ *= 1099511628211ULL;
  }
  return *this;
}

// Layout before encoding: "1|order|fingerprint|number|id|text".
std::string encode_cursor(int order, std::uint64_t fingerprint, const backend::SortKey& key) {
  std::string raw = "1|" + std::to_string(order) + "|" + std::to_string(fingerprint) + "|" +
                    std::to_string(key.number) + "|" + std::to_string(key.id) + "|" + key.text;
  return base64url_encode(raw);
}

std::optional<backend::SortKey> decode_cursor(const std::string& cursor, int order,
                                              std::uint64_t fingerprint) {
  if (cursor.empty()) return std::nullopt;
  if (cursor.size() > kMaxCursor) invalid("too long");
  const auto raw = base64url_decode(cursor);
  if (!raw) invalid("not base64url");
  std::vector<std::string_view> parts;
  std::string_view rest(*raw);
  for (int i = 0; i < 5; ++i) {
    const auto bar = rest.find('|');
    if (bar == std::string_view::npos) invalid("malformed");
    parts.push_back(rest.substr(0, bar));
    rest.remove_prefix(bar + 1);
  }
  int got_order = 0;
  std::uint64_t got_fingerprint = 0;
  backend::SortKey key;
  if (parts[0] != "1" || !parse_int(parts[1], got_order) || !parse_int(parts[2], got_fingerprint) ||
      !parse_int(parts[3], key.number) || !parse_int(parts[4], key.id)) {
    invalid("malformed");
  }
  if (got_order != order || got_fingerprint != fingerprint) {
    invalid("it belongs to a different query");
  }
  key.text = std::string(rest);
  return key;
}

}  // namespace custmgmt::detail
