// The validators on their own, and flat readers of JSON documents.
#include <boost/json.hpp>

#include <limits>
#include <memory>
#include <string>

#include "capi_internal.hpp"
#include "capi_json.hpp"

using custmgmt::capi::dup;
using custmgmt::capi::guard;
using custmgmt::capi::json_arg;
using custmgmt::capi::out_param;
using custmgmt::capi::text_arg;

namespace {

namespace json = boost::json;

[[noreturn]] void invalid(custmgmt::FieldErrors errors) {
  throw custmgmt::ValidationError(std::move(errors));
}

// The value of top-level `key` of the JSON object `text`; throws for a bad
// document and NotFound-like CallError for a missing or null key.
json::value member(const char* text, const char* key) {
  json_arg(text, "json");  // a NULL document is reported before a NULL key
  const auto name = text_arg(key, "key");
  json::value value = custmgmt::capi::parse_json_arg(text, "json");
  json::object* object = value.if_object();
  if (object == nullptr) invalid({{"", "json.not_object", "the JSON document is not an object"}});
  auto it = object->find(json::string_view(name.data(), name.size()));
  if (it == object->end() || it->value().is_null()) {
    throw custmgmt::capi::CallError{CM_ERR_NOT_FOUND, "json.key_missing",
                                    "the JSON object has no value for " + std::string(name)};
  }
  return std::move(it->value());
}

[[noreturn]] void mismatch(const char* key, const char* expected) {
  const std::string field(key);
  invalid({{field, "json.type_mismatch", field + " is not " + expected}});
}

}  // namespace

extern "C" {

CM_API cm_status cm_validate_email(char** out_normalized, const char* email) {
  return guard([&] {
    auto& result = out_param(out_normalized, "out_normalized");
    std::string normalized;
    auto errors = custmgmt::validate_email(text_arg(email, "email"), &normalized);
    if (!errors.empty()) invalid(std::move(errors));
    result = dup(normalized);
    return CM_OK;
  });
}

CM_API cm_status cm_validate_phone(char** out_e164, char** out_extension, char** out_region,
                                   const char* phone, const char* default_region) {
  return guard([&] {
    auto& e164 = out_param(out_e164, "out_e164");
    if (out_extension != nullptr) *out_extension = nullptr;
    if (out_region != nullptr) *out_region = nullptr;
    custmgmt::PhoneOptions options;
    if (default_region != nullptr) options.default_region = default_region;
    custmgmt::PhoneNumber number;
    auto errors = custmgmt::validate_phone(text_arg(phone, "phone"), options, &number);
    if (!errors.empty()) invalid(std::move(errors));
    // Allocate everything before handing anything out, so that a failure
    // leaves all outputs NULL and nothing leaks.
    std::unique_ptr<char, decltype(&cm_string_free)> a(dup(number.e164), cm_string_free);
    std::unique_ptr<char, decltype(&cm_string_free)> b(
        out_extension != nullptr ? dup(number.extension) : nullptr, cm_string_free);
    std::unique_ptr<char, decltype(&cm_string_free)> c(
        out_region != nullptr ? dup(number.region) : nullptr, cm_string_free);
    e164 = a.release();
    if (out_extension != nullptr) *out_extension = b.release();
    if (out_region != nullptr) *out_region = c.release();
    return CM_OK;
  });
}

CM_API cm_status cm_validate_address(char** out_json, const char* address_json) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    custmgmt::Address address;
    auto errors = custmgmt::validate_address_json(json_arg(address_json, "address_json"), &address);
    if (!errors.empty()) invalid(std::move(errors));
    result = dup(custmgmt::to_json(address));
    return CM_OK;
  });
}

CM_API cm_status cm_country_alpha2(char** out, const char* code_or_name) {
  return guard([&] {
    auto& result = out_param(out, "out");
    auto code = custmgmt::country_alpha2(text_arg(code_or_name, "code_or_name"));
    if (!code) {
      throw custmgmt::capi::CallError{CM_ERR_NOT_FOUND, "country.unknown",
                                      "not a known country code or name"};
    }
    result = dup(*code);
    return CM_OK;
  });
}

CM_API cm_status cm_json_get_int64(int64_t* out, const char* json_text, const char* key) {
  return guard([&] {
    auto& result = out_param(out, "out");
    const json::value v = member(json_text, key);
    if (const std::int64_t* i = v.if_int64()) {
      result = *i;
    } else if (const std::uint64_t* u = v.if_uint64();
               u != nullptr &&
               *u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      result = static_cast<std::int64_t>(*u);
    } else {
      mismatch(key, "an integer");
    }
    return CM_OK;
  });
}

CM_API cm_status cm_json_get_bool(int* out, const char* json_text, const char* key) {
  return guard([&] {
    auto& result = out_param(out, "out");
    const json::value v = member(json_text, key);
    const bool* b = v.if_bool();
    if (b == nullptr) mismatch(key, "true or false");
    result = *b ? 1 : 0;
    return CM_OK;
  });
}

CM_API cm_status cm_json_get_string(char** out, const char* json_text, const char* key) {
  return guard([&] {
    auto& result = out_param(out, "out");
    const json::value v = member(json_text, key);
    const json::string* s = v.if_string();
    if (s == nullptr) mismatch(key, "a string");
    result = dup(std::string_view(s->data(), s->size()));
    return CM_OK;
  });
}

}  // extern "C"
