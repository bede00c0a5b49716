#include "backends/sqlite/sqlite_rows.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "backends/sqlite/sqlite_statements.hpp"
#include "custmgmt/error.hpp"
#include "custmgmt/types.hpp"

namespace custmgmt::detail::sqlite {

namespace {

[[noreturn]] void undecodable(const char* column) {
  // No stored value in the message: it may belong to another user.
  throw BackendError("backend.corrupt",
                     std::string("sqlite: stored ") + column + " cannot be decoded");
}

boost::json::value parse_json(const std::string& text, const char* column) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec) undecodable(column);
  return value;
}

// Reads the address object the domain wrote with to_json(Address). A null
// value means an absent key, like in the validator's JSON form.
Address parse_address(const std::string& text, const char* column) {
  const auto value = parse_json(text, column);
  if (!value.is_object()) undecodable(column);
  Address address;
  for (const auto& [key, field] : value.get_object()) {
    std::string* target = nullptr;
    if (key == "street") {
      target = &address.street;
    } else if (key == "city") {
      target = &address.city;
    } else if (key == "state") {
      target = &address.state;
    } else if (key == "zip") {
      target = &address.zip;
    } else if (key == "country") {
      target = &address.country;
    }
    if (target == nullptr || field.is_null()) continue;
    if (!field.is_string()) undecodable(column);
    *target = std::string(field.get_string());
  }
  return address;
}

std::vector<std::string> parse_tags(const std::string& text) {
  const auto value = parse_json(text, "tags");
  if (!value.is_array()) undecodable("tags");
  std::vector<std::string> tags;
  tags.reserve(value.get_array().size());
  for (const auto& tag : value.get_array()) {
    if (!tag.is_string()) undecodable("tags");
    tags.emplace_back(tag.get_string());
  }
  return tags;
}

CustomerType parse_type(const std::string& text) {
  const auto type = parse_customer_type(text);
  if (!type) undecodable("customer_type");
  return *type;
}

std::optional<Timestamp> optional_timestamp(const BoundStatement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return from_micros(row.int64(column));
}

}  // namespace

Account read_account(const BoundStatement& row) {
  Account a;
  a.id = row.int64(kAccountId);
  a.company_name = row.text(kAccountCompanyName);
  a.customer_type = parse_type(row.text(kAccountCustomerType));
  a.billing_address = parse_address(row.text(kAccountBillingAddress), "billing_address");
  a.service_address = parse_address(row.text(kAccountServiceAddress), "service_address");
  a.account_notes = row.optional_text(kAccountNotes);
  a.tags = parse_tags(row.text(kAccountTags));
  a.created_at = from_micros(row.int64(kAccountCreatedAt));
  a.updated_at = from_micros(row.int64(kAccountUpdatedAt));
  a.created_by = row.optional_text(kAccountCreatedBy);
  a.updated_by = row.optional_text(kAccountUpdatedBy);
  a.archived_at = optional_timestamp(row, kAccountArchivedAt);
  a.version = row.int64(kAccountVersion);
  return a;
}

Contact read_contact(const BoundStatement& row) {
  Contact c;
  c.id = row.int64(kContactId);
  c.customer_account_id = row.int64(kContactAccountId);
  c.contact_name = row.text(kContactName);
  c.email = row.optional_text(kContactEmail);
  c.phone = row.optional_text(kContactPhone);
  c.phone_extension = row.optional_text(kContactPhoneExtension);
  c.phone_display = row.optional_text(kContactPhoneDisplay);
  c.role = row.optional_text(kContactRole);
  c.is_primary_contact = row.int64(kContactIsPrimary) != 0;
  c.contact_notes = row.optional_text(kContactNotes);
  c.created_at = from_micros(row.int64(kContactCreatedAt));
  c.updated_at = from_micros(row.int64(kContactUpdatedAt));
  c.created_by = row.optional_text(kContactCreatedBy);
  c.updated_by = row.optional_text(kContactUpdatedBy);
  c.version = row.int64(kContactVersion);
  return c;
}

std::string tags_to_json(const std::vector<std::string>& tags) {
  boost::json::array array;
  array.reserve(tags.size());
  for (const auto& tag : tags) array.emplace_back(tag);
  return boost::json::serialize(array);
}

}  // namespace custmgmt::detail::sqlite
