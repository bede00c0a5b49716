#include <idn2.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "custmgmt/validate.hpp"
#include "validate/ascii.hpp"
#include "validate/fast_paths.hpp"
#include "validate/text.hpp"
#include "validate/utf8.hpp"

namespace custmgmt {

namespace {

using detail::is_ascii_alpha;
using detail::is_ascii_digit;

constexpr const char* kField = "email";

// Normalisation shrinks text by at most about 3:1 (NFC composing Hangul jamo;
// unquoting gives 2:1), so input longer than this can never fit in
// limits::kEmail bytes and is rejected before it reaches libidn2.
constexpr std::size_t kMaxInput = 4 * limits::kEmail;

// UTS #46 processing (case mapping, full-width dots, NFC) as browsers and mail
// clients do it, with IDNA2008 rather than transitional rules so that "ß" and
// "ς" keep their own identity.
constexpr int kIdnFlags = IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL;

struct IdnFree {
  void operator()(void* p) const noexcept { idn2_free(p); }
};
template <typename T>
using IdnPtr = std::unique_ptr<T, IdnFree>;

bool is_atext(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  // Bytes of non-ASCII characters (RFC 6531 UTF8-non-ascii); the whole input
  // has already been checked to be valid UTF-8.
  if (c >= 0x80) return true;
  if (is_ascii_alpha(ch) || is_ascii_digit(ch)) return true;
  return std::strchr("!#$%&'*+-/=?^_`{|}~", ch) != nullptr && ch != '\0';
}

// RFC 5322 dot-atom-text: atoms of atext joined by single dots.
bool is_dot_atom(std::string_view s) noexcept {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char prev = '\0';
  for (char ch : s) {
    if (ch == '.') {
      if (prev == '.') return false;
    } else if (!is_atext(ch)) {
      return false;
    }
    prev = ch;
  }
  return true;
}

// RFC 5321 qtextSMTP plus UTF8-non-ascii (RFC 6531). Tabs and other controls
// are not allowed even inside quotes.
bool is_qtext(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return c >= 0x80 || (c >= 32 && c <= 126 && ch != '"' && ch != '\\');
}

// C1 controls are valid UTF-8 but never belong in an address; they would also
// pass is_atext() / is_qtext() because those only look at bytes.
bool has_c1_control(std::string_view s) noexcept {
  std::size_t i = 0;
  char32_t cp = 0;
  while (i < s.size()) {
    if (!detail::decode_utf8(s, i, cp)) return true;
    if (cp >= 0x80 && cp <= 0x9F) return true;
  }
  return false;
}

struct LocalPart {
  std::string canonical;  // the form stored in the normalised address
  std::size_t at = 0;     // index of the '@' that ends it
};

// Parses the local part at the start of `s`. A quoted local part is stored
// unquoted when its content is a plain dot-atom (RFC 5321 4.1.2 says senders
// should not quote what needs no quoting), and otherwise re-quoted with only
// the escapes it needs, so that equal addresses normalise to equal strings.
std::optional<LocalPart> parse_local_part(std::string_view s) {
  LocalPart out;
  if (!s.empty() && s.front() == '"') {
    std::string content;
    std::size_t i = 1;
    bool closed = false;
    while (i < s.size()) {
      const char ch = s[i];
      if (ch == '"') {
        closed = true;
        ++i;
        break;
      }
      if (ch == '\\') {
        // quoted-pairSMTP: a backslash and one printable ASCII character.
        if (i + 1 >= s.size()) return std::nullopt;
        const auto next = static_cast<unsigned char>(s[i + 1]);
        if (next < 32 || next > 126) return std::nullopt;
        content.push_back(s[i + 1]);
        i += 2;
        continue;
      }
      if (!is_qtext(ch)) return std::nullopt;
      content.push_back(ch);
      ++i;
    }
    if (!closed || i >= s.size() || s[i] != '@') return std::nullopt;
    // `""@example.com` is grammatical but no mail system can deliver to it.
    if (content.empty() || has_c1_control(content)) return std::nullopt;
    out.at = i;
    if (is_dot_atom(content)) {
      out.canonical = std::move(content);
    } else {
      out.canonical.reserve(content.size() + 2);
      out.canonical.push_back('"');
      for (char ch : content) {
        if (ch == '"' || ch == '\\') out.canonical.push_back('\\');
        out.canonical.push_back(ch);
      }
      out.canonical.push_back('"');
    }
    return out;
  }
  const std::size_t at = s.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view local = s.substr(0, at);
  if (!is_dot_atom(local) || has_c1_control(local)) return std::nullopt;
  out.canonical = std::string(local);
  out.at = at;
  return out;
}

// True when `ascii` (the A-label form) is a host name: LDH labels of 1-63
// octets not starting or ending with '-', at least two labels, at most 253
// octets, and a top-level label that is not all digits (so that dotted IPv4
// addresses are not taken for names).
bool is_ldh_host_name(std::string_view ascii) noexcept {
  if (ascii.empty() || ascii.size() > 253) return false;
  std::size_t labels = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t end = ascii.find('.', start);
    const bool last = end == std::string_view::npos;
    if (last) end = ascii.size();
    const std::string_view label = ascii.substr(start, end - start);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    bool all_digits = true;
    for (char ch : label) {
      if (!(is_ascii_alpha(ch) || is_ascii_digit(ch) || ch == '-')) return false;
      if (!is_ascii_digit(ch)) all_digits = false;
    }
    ++labels;
    if (last) return labels >= 2 && !all_digits;
    start = end + 1;
  }
}

void throw_if_out_of_memory(int rc) {
  if (rc == IDN2_MALLOC) throw std::bad_alloc();
}

// True when `lower` (an already lower-cased domain) is one IDNA leaves as it
// is: an LDH host name (see is_ldh_host_name()) none of whose labels has "--"
// in its third and fourth positions. Such labels ("xn--" A-labels and the
// other reserved forms) are decoded or checked by libidn2, so they always take
// the IDNA path. For the domains accepted here idn2_lookup_u8() copies each
// ASCII label unchanged, idn2_to_unicode_8z8z() returns the same text and the
// round trip below compares equal, so normalize_domain() gives `lower` itself.
bool is_plain_ascii_domain(std::string_view lower) noexcept {
  if (!is_ldh_host_name(lower)) return false;
  std::size_t start = 0;
  while (start <= lower.size()) {
    std::size_t end = lower.find('.', start);
    if (end == std::string_view::npos) end = lower.size();
    if (end - start >= 4 && lower[start + 2] == '-' && lower[start + 3] == '-') return false;
    start = end + 1;
  }
  return true;
}

// The domain in its normalised form (lower-case U-labels, NFC), or nullopt
// when it is not an acceptable mail domain. With `fast_path`, domains IDNA
// would leave unchanged (is_plain_ascii_domain()) skip libidn2.
std::optional<std::string> normalize_domain(std::string_view domain, bool fast_path) {
  // Address literals ("[192.0.2.1]", "[IPv6:...]") are legal in RFC 5321 but
  // not accepted for stored contact data.
  if (domain.empty() || domain.front() == '[') return std::nullopt;
  // Spaces, controls and NUL are never part of a domain; NUL must also be kept
  // away from libidn2's C-string interface.
  for (char ch : domain) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F) return std::nullopt;
  }
  std::string input = detail::lower_ascii(domain);
  if (fast_path && is_plain_ascii_domain(input)) return input;

  uint8_t* raw = nullptr;
  int rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(input.c_str()), &raw, kIdnFlags);
  IdnPtr<uint8_t> ascii(raw);
  throw_if_out_of_memory(rc);
  if (rc != IDN2_OK || !ascii) return std::nullopt;
  const std::string_view ascii_view(reinterpret_cast<const char*>(ascii.get()));
  if (!is_ldh_host_name(ascii_view)) return std::nullopt;

  char* raw_unicode = nullptr;
  rc = idn2_to_unicode_8z8z(ascii_view.data(), &raw_unicode, 0);
  IdnPtr<char> unicode(raw_unicode);
  throw_if_out_of_memory(rc);
  if (rc != IDN2_OK || !unicode) return std::nullopt;

  // An A-label typed by the user is only decoded, not checked against
  // IDNA2008, by the lookup above; encoding the decoded form again must give
  // the same A-labels, or the typed label was not a valid one.
  uint8_t* raw_again = nullptr;
  rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(unicode.get()), &raw_again, kIdnFlags);
  IdnPtr<uint8_t> again(raw_again);
  throw_if_out_of_memory(rc);
  if (rc != IDN2_OK || !again ||
      ascii_view != std::string_view(reinterpret_cast<const char*>(again.get()))) {
    return std::nullopt;
  }
  std::string out(unicode.get());
  if (!is_valid_utf8(out)) return std::nullopt;
  return out;
}

}  // namespace

namespace detail {

bool email_domain_skips_idna(std::string_view domain) {
  return is_plain_ascii_domain(lower_ascii(domain));
}

FieldErrors validate_email_with(std::string_view email, std::string* normalized, bool fast_path) {
  FieldErrors errors;
  if (!is_valid_utf8(email)) {
    detail::add_error(errors, kField, "text.invalid_utf8", "email is not valid UTF-8");
    return errors;
  }
  const std::string_view s = detail::trim_ascii(email);
  if (s.empty()) {
    detail::add_error(errors, kField, "email.required", "email is required");
    return errors;
  }
  const std::string too_long_message =
      "email is longer than " + std::to_string(limits::kEmail) + " bytes";
  if (s.size() > kMaxInput) {
    detail::add_error(errors, kField, "email.too_long", too_long_message);
    return errors;
  }
  const std::optional<LocalPart> local = parse_local_part(s);
  const std::string_view domain = local ? s.substr(local->at + 1) : std::string_view();
  if (!local || domain.empty() || domain.find('@') != std::string_view::npos) {
    detail::add_error(errors, kField, "email.invalid", "email is not a valid email address");
    return errors;
  }
  if (local->canonical.size() > limits::kEmailLocal) {
    detail::add_error(errors, kField, "email.local_part_too_long",
                      "the part of email before '@' is longer than " +
                          std::to_string(limits::kEmailLocal) + " bytes");
  }
  const std::optional<std::string> norm_domain = normalize_domain(domain, fast_path);
  if (!norm_domain) {
    detail::add_error(errors, kField, "email.domain_invalid",
                      "the domain of email is not a valid domain name");
  }
  // Measured on what is stored when the domain is usable, else on the input.
  const std::size_t length =
      norm_domain ? local->canonical.size() + 1 + norm_domain->size() : s.size();
  if (length > limits::kEmail) {
    detail::add_error(errors, kField, "email.too_long", too_long_message);
  }
  if (errors.empty() && normalized) {
    *normalized = local->canonical + "@" + *norm_domain;
  }
  return errors;
}

}  // namespace detail

FieldErrors validate_email(std::string_view email, std::string* normalized) {
  return detail::validate_email_with(email, normalized, true);
}

std::string normalize_email(std::string_view email) {
  std::string out;
  FieldErrors errors = validate_email(email, &out);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  return out;
}

}  // namespace custmgmt
