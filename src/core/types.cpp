#include "custmgmt/types.hpp"

#include <cstdio>
#include <ctime>

#include "custmgmt/account.hpp"
#include "custmgmt/contact.hpp"
#include "custmgmt/version.hpp"

namespace custmgmt {

namespace {

bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Reads exactly `n` digits at `pos`.
bool read_digits(std::string_view s, std::size_t& pos, int n, int& out) {
  if (pos + static_cast<std::size_t>(n) > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(n);
  out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// algorithm); avoids timegm's dependence on the C library.
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

std::string format_timestamp(Timestamp t) {
  const std::int64_t micros = to_micros(t);
  std::int64_t secs = micros / 1000000;
  std::int64_t frac = micros % 1000000;
  if (frac < 0) {
    frac += 1000000;
    secs -= 1;
  }
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  // civil_from_days (Howard Hinnant)
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%06lldZ",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60), static_cast<long long>(frac));
  return buf;
}

std::optional<Timestamp> parse_timestamp(std::string_view s) {
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!read_digits(s, pos, 4, y) || pos >= s.size() || s[pos++] != '-' ||
      !read_digits(s, pos, 2, mo) || pos >= s.size() || s[pos++] != '-' ||
      !read_digits(s, pos, 2, d) || pos >= s.size() ||
      (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') || !read_digits(s, ++pos, 2, h) ||
      pos >= s.size() || s[pos++] != ':' || !read_digits(s, pos, 2, mi) || pos >= s.size() ||
      s[pos++] != ':' || !read_digits(s, pos, 2, se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59) {
    return std::nullopt;
  }
  std::int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) {
        frac = frac * 10 + (s[pos] - '0');
      } else if (digits > 32) {
        return std::nullopt;
      }
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 6; ++i) frac *= 10;
  }
  std::int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!read_digits(s, pos, 2, oh) || pos >= s.size() || s[pos++] != ':' ||
        !read_digits(s, pos, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const std::int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
  return from_micros(secs * 1000000 + frac);
}

std::string_view to_string(CustomerType type) noexcept {
  return type == CustomerType::Residential ? "Residential" : "Commercial";
}

std::optional<CustomerType> parse_customer_type(std::string_view text) noexcept {
  if (ascii_iequals(text, "Residential")) return CustomerType::Residential;
  if (ascii_iequals(text, "Commercial")) return CustomerType::Commercial;
  return std::nullopt;
}

bool is_uuid(std::string_view text) noexcept {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !is_hex(text[i])) return false;
  }
  return true;
}

bool Account::operator==(const Account& o) const {
  return id == o.id && company_name == o.company_name && customer_type == o.customer_type &&
         billing_address == o.billing_address && service_address == o.service_address &&
         account_notes == o.account_notes && tags == o.tags && created_at == o.created_at &&
         updated_at == o.updated_at && created_by == o.created_by && updated_by == o.updated_by &&
         archived_at == o.archived_at && version == o.version;
}

bool Contact::operator==(const Contact& o) const {
  return id == o.id && customer_account_id == o.customer_account_id &&
         contact_name == o.contact_name && email == o.email && phone == o.phone &&
         phone_extension == o.phone_extension && phone_display == o.phone_display &&
         role == o.role && is_primary_contact == o.is_primary_contact &&
         contact_notes == o.contact_notes && created_at == o.created_at &&
         updated_at == o.updated_at && created_by == o.created_by && updated_by == o.updated_by &&
         version == o.version;
}

const char* version() noexcept {
  return CUSTMGMT_VERSION_STRING;
}

}  // namespace custmgmt
