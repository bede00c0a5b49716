#include "backends/postgres/postgres_rows.hpp"

#include <pqxx/field>
#include <string_view>
#include <utility>

#include "custmgmt/error.hpp"

namespace custmgmt::detail::postgres {

Params& Params::null() {
  values_.emplace_back(std::nullopt);
  return *this;
}

Params& Params::text(std::string value) {
  values_.emplace_back(std::move(value));
  return *this;
}

Params& Params::text(const std::optional<std::string>& value) {
  values_.emplace_back(value);
  return *this;
}

Params& Params::bigint(std::int64_t value) {
  return text(std::to_string(value));
}

Params& Params::bigint(const std::optional<std::int64_t>& value) {
  return value ? bigint(*value) : null();
}

Params& Params::boolean(bool value) {
  return text(value ? "true" : "false");
}

Params& Params::text_array(const std::vector<std::string>& values, bool as_null_if_empty) {
  if (values.empty() && as_null_if_empty) return null();
  // Every element double-quoted, so that no element content (commas,
  // braces, NULL, white space) is read as array syntax.
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    literal += '"';
    for (const char c : values[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return text(std::move(literal));
}

const std::vector<const char*>& Params::pointers() {
  pointers_.clear();
  pointers_.reserve(values_.size());
  for (const auto& v : values_) pointers_.push_back(v ? v->c_str() : nullptr);
  return pointers_;
}

namespace {

[[noreturn]] void corrupt(const char* what) {
  throw BackendError("backend.corrupt",
                     std::string("postgresql: cannot decode stored value of ") + what);
}

std::optional<std::string> optional_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.c_str();
}

std::string text(const pqxx::field& f) {
  return f.is_null() ? std::string() : std::string(f.c_str());
}

std::int64_t field_bigint(const pqxx::field& f, const char* what) {
  std::int64_t v = 0;
  if (f.is_null() || !f.to(v)) corrupt(what);
  return v;
}

// Parses PostgreSQL's text output of a one-dimensional text[]: `{a,"b c"}`.
// Not libpqxx 6's array_parser: it takes a single quote for a quoting
// character, so a tag such as `'` or `o'reilly` (which PostgreSQL leaves
// unquoted: `{'}`) made it read past the end of the text -- an assertion
// failure that aborted the process.
std::vector<std::string> text_array(const pqxx::field& f) {
  std::vector<std::string> out;
  if (f.is_null()) return out;
  const std::string_view s(f.c_str(), f.size());
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') corrupt("tags");
  const std::size_t end = s.size() - 1;
  std::size_t i = 1;
  if (i == end) return out;
  for (;;) {
    std::string value;
    bool quoted = false;
    if (s[i] == '"') {
      quoted = true;
      for (++i;; ++i) {
        if (i >= end) corrupt("tags");
        if (s[i] == '"') break;
        if (s[i] == '\\' && ++i >= end) corrupt("tags");
        value += s[i];
      }
      ++i;
    } else {
      for (; i < end && s[i] != ','; ++i) {
        // Nested arrays and stray quotes: never written by the domain.
        if (s[i] == '{' || s[i] == '}' || s[i] == '"' || s[i] == '\\') corrupt("tags");
        value += s[i];
      }
      if (value.empty()) corrupt("tags");
    }
    // An unquoted NULL is a null element, which the domain never writes;
    // a tag spelled NULL comes back quoted.
    if (quoted || value != "NULL") out.push_back(std::move(value));
    if (i == end) return out;
    if (s[i] != ',') corrupt("tags");
    ++i;
  }
}

Address address(const pqxx::row& row, pqxx::row::size_type first) {
  Address a;
  a.street = text(row[first]);
  a.city = text(row[first + 1]);
  a.state = text(row[first + 2]);
  a.zip = text(row[first + 3]);
  a.country = text(row[first + 4]);
  return a;
}

}  // namespace

Account read_account(const pqxx::row& row) {
  Account a;
  a.id = field_bigint(row[0], "customer_accounts.id");
  a.company_name = text(row[1]);
  const std::string type = text(row[2]);
  const auto parsed = parse_customer_type(type);
  if (!parsed) corrupt("customer_accounts.customer_type");
  a.customer_type = *parsed;
  a.billing_address = address(row, 3);
  a.service_address = address(row, 8);
  a.account_notes = optional_text(row[13]);
  a.tags = text_array(row[14]);
  a.created_at = from_micros(field_bigint(row[15], "customer_accounts.created_at"));
  a.updated_at = from_micros(field_bigint(row[16], "customer_accounts.updated_at"));
  a.created_by = optional_text(row[17]);
  a.updated_by = optional_text(row[18]);
  if (!row[19].is_null())
    a.archived_at = from_micros(field_bigint(row[19], "customer_accounts.archived_at"));
  a.version = field_bigint(row[20], "customer_accounts.version");
  return a;
}

Contact read_contact(const pqxx::row& row) {
  Contact c;
  c.id = field_bigint(row[0], "customer_contacts.id");
  c.customer_account_id = field_bigint(row[1], "customer_contacts.customer_account_id");
  c.contact_name = text(row[2]);
  c.email = optional_text(row[3]);
  c.phone = optional_text(row[4]);
  c.phone_extension = optional_text(row[5]);
  c.phone_display = optional_text(row[6]);
  c.role = optional_text(row[7]);
  bool primary = false;
  if (row[8].is_null() || !row[8].to(primary)) corrupt("customer_contacts.is_primary_contact");
  c.is_primary_contact = primary;
  c.contact_notes = optional_text(row[9]);
  c.created_at = from_micros(field_bigint(row[10], "customer_contacts.created_at"));
  c.updated_at = from_micros(field_bigint(row[11], "customer_contacts.updated_at"));
  c.created_by = optional_text(row[12]);
  c.updated_by = optional_text(row[13]);
  c.version = field_bigint(row[14], "customer_contacts.version");
  return c;
}

}  // namespace custmgmt::detail::postgres
