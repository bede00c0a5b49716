/// @file json.hpp
/// @brief The JSON form of records, queries, pages and statistics.
///
/// This is the record schema of the C ABI and of NDJSON export/import. Keys
/// are the spec's column names; an absent optional value is written as
/// `null`; timestamps are RFC 3339 strings in UTC with microseconds
/// (format_timestamp()); addresses are the spec's JSONB objects (`{}` when
/// empty, see to_json(const Address&)).
///
/// Parsing is strict and structural: the text must be valid UTF-8 JSON of at
/// most limits::kJsonDocument bytes whose top level is an object; unknown keys
/// and values of the wrong JSON type are rejected. A key set to `null` is the
/// same as an absent key (the member keeps its default). When a key appears
/// twice the last occurrence wins. Field *contents* (lengths, email syntax,
/// address country, UUIDs, …) are checked by the repositories on write, not
/// here. Every problem of a document is reported at once in one
/// ValidationError, with these codes:
/// - `json.too_large` (field `""`): more than limits::kJsonDocument bytes;
/// - `json.invalid_utf8` (field `""`): the text is not valid UTF-8;
/// - `json.invalid` (field `""`): not JSON text (or nested too deeply);
/// - `json.not_object` (field `""`): the top level is not an object;
/// - `json.unknown_key` (field = the key): a key this record does not have;
/// - `json.type_mismatch` (field = the key, e.g. `tags[2]` or
///   `billing_address.zip`): a value of the wrong JSON type, or an integer
///   out of range;
/// - `json.timestamp_invalid` (field = the key): a string that is not an RFC
///   3339 timestamp;
/// - `customer_type.required` / `customer_type.invalid`, `query.archived_invalid`,
///   `query.sort_invalid`, `query.limit_invalid`: enumerations and limits
///   that cannot be represented in the C++ type.
///
/// All functions are thread-safe. They throw only ValidationError and
/// std::bad_alloc; nothing from the JSON library escapes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "custmgmt/account.hpp"
#include "custmgmt/contact.hpp"
#include "custmgmt/error.hpp"
#include "custmgmt/export.hpp"
#include "custmgmt/query.hpp"

namespace custmgmt {

namespace limits {
/// Largest JSON document accepted by the *_from_json() functions, in bytes.
constexpr std::size_t kJsonDocument = std::size_t{16} * 1024 * 1024;
}  // namespace limits

/// @brief Serialises an account as a compact JSON object with the keys `id`,
/// `company_name`, `customer_type` (`"Residential"`/`"Commercial"`),
/// `billing_address`, `service_address`, `account_notes`, `tags`,
/// `created_at`, `updated_at`, `created_by`, `updated_by`, `archived_at`,
/// `version`, in that order.
/// @param account the record; bytes of its strings that are not valid UTF-8
///        are written as U+FFFD so the output is always valid JSON.
/// @return the JSON text.
/// @throws std::bad_alloc only.
CUSTMGMT_API std::string to_json(const Account& account);

/// @brief Serialises a contact as a compact JSON object with the keys `id`,
/// `customer_account_id`, `contact_name`, `email`, `phone`,
/// `phone_extension`, `phone_display`, `role`, `is_primary_contact`,
/// `contact_notes`, `created_at`, `updated_at`, `created_by`, `updated_by`,
/// `version`, in that order.
/// @param contact the record; invalid UTF-8 is written as U+FFFD.
/// @return the JSON text.
/// @throws std::bad_alloc only.
CUSTMGMT_API std::string to_json(const Contact& contact);

/// @brief Parses an account written by to_json(const Account&) or by hand.
///
/// Every key is optional except `customer_type` (a missing type is
/// `customer_type.required`; an unknown one `customer_type.invalid`; the
/// spelling is case-insensitive). `billing_address` and `service_address`
/// are objects with string (or null) values for `street`, `city`, `state`,
/// `zip`, `country` — checked structurally by validate_address_json() —
/// or null for `{}`; `tags` is an array of strings.
/// @param json the JSON text.
/// @return the account, not yet validated as a record (the repository does
///         that on create/update).
/// @throws ValidationError listing every problem of the document.
CUSTMGMT_API Account account_from_json(std::string_view json);

/// @brief Parses a contact written by to_json(const Contact&) or by hand.
/// Every key is optional; `is_primary_contact` is a boolean, ids and
/// `version` are integers, the other values strings (or null).
/// @param json the JSON text.
/// @return the contact, not yet validated as a record.
/// @throws ValidationError listing every problem of the document.
CUSTMGMT_API Contact contact_from_json(std::string_view json);

/// @brief Parses an account search. Keys (all optional): `text` (string),
/// `customer_type` (string, case-insensitive), `tags_any`, `tags_all`
/// (arrays of strings), `created_from`, `created_to` (RFC 3339), `archived`
/// (`"exclude"`, `"include"`, `"only"`), `sort` (`"default"`,
/// `"relevance"`, `"created_desc"`, `"created_asc"`, `"name_asc"`,
/// `"updated_desc"`; both case-insensitive), `cursor` (string), `limit`
/// (non-negative integer; its range is checked by the search).
/// @param json the JSON text; `{}` is the default query.
/// @return the query.
/// @throws ValidationError listing every problem of the document.
CUSTMGMT_API AccountQuery account_query_from_json(std::string_view json);

/// @brief Parses a contact search. Keys (all optional): `text`, `email`,
/// `phone` (strings), `account_id` (integer), `cursor` (string), `limit`
/// (non-negative integer).
/// @param json the JSON text.
/// @return the query.
/// @throws ValidationError listing every problem of the document.
CUSTMGMT_API ContactQuery contact_query_from_json(std::string_view json);

/// @brief Parses the options of AccountRepository::stats(). Keys (all
/// optional): `months`, `top_tags` (integers; ranges checked by stats()).
/// @param json the JSON text; `{}` gives the defaults.
/// @return the options.
/// @throws ValidationError listing every problem of the document.
CUSTMGMT_API StatsOptions stats_options_from_json(std::string_view json);

/// @brief Serialises a page of accounts as `{"items":[…],"next_cursor":…}`
/// with `next_cursor` a string or null.
/// @param page the page.
/// @return the JSON text.
/// @throws std::bad_alloc only.
CUSTMGMT_API std::string to_json(const Page<Account>& page);

/// @brief Serialises a page of contacts like to_json(const Page<Account>&).
/// @param page the page.
/// @return the JSON text.
/// @throws std::bad_alloc only.
CUSTMGMT_API std::string to_json(const Page<Contact>& page);

/// @brief Serialises statistics as an object with the keys of AccountStats:
/// `total_accounts`, `residential_accounts`, `commercial_accounts`,
/// `archived_accounts`, `total_contacts`,
/// `accounts_without_primary_contact`, `new_accounts_per_month` (array of
/// `{"year","month","count"}`), `top_tags` (array of `{"tag","count"}`).
/// @param stats the statistics.
/// @return the JSON text.
/// @throws std::bad_alloc only.
CUSTMGMT_API std::string to_json(const AccountStats& stats);

/// @brief Serialises field errors as an array of
/// `{"field":…,"code":…,"message":…}` objects.
/// @param errors the errors, e.g. ValidationError::errors().
/// @return the JSON text.
/// @throws std::bad_alloc only.
CUSTMGMT_API std::string to_json(const FieldErrors& errors);

}  // namespace custmgmt
