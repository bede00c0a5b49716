// The per-thread last error, the exception-to-status translation and the
// small helpers every boundary function uses.
#include <boost/json.hpp>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include "capi_internal.hpp"
#include "capi_json.hpp"
#include "custmgmt/validate.hpp"

namespace custmgmt::capi {

namespace {

constexpr const char* kNoMemoryCode = "memory.exhausted";

struct LastError {
  cm_status status = CM_OK;
  std::string code;
  std::string message;
  std::string backend_code;
  FieldErrors fields;
  // Copying the error's text ran out of memory: only `status` is reliable
  // and the readers fall back to static text.
  bool degraded = false;
};

thread_local LastError t_last_error;

void record(cm_status status, std::string_view code, std::string_view message,
            const FieldErrors* fields, std::string_view backend_code) noexcept {
  LastError& e = t_last_error;
  e.status = status;
  try {
    e.code.assign(code);
    e.message.assign(message);
    e.backend_code.assign(backend_code);
    if (fields != nullptr) {
      e.fields = *fields;
    } else {
      e.fields.clear();
    }
    e.degraded = false;
  } catch (...) {
    e.code.clear();
    e.message.clear();
    e.backend_code.clear();
    e.fields.clear();
    e.degraded = true;
  }
}

}  // namespace

void clear_last_error() noexcept {
  LastError& e = t_last_error;
  e.status = CM_OK;
  e.code.clear();
  e.message.clear();
  e.backend_code.clear();
  e.fields.clear();
  e.degraded = false;
}

cm_status record_current_exception() noexcept {
  cm_status status = CM_ERR_INTERNAL;
  try {
    throw;
  } catch (const CallError& e) {
    status = e.status;
    record(status, e.code, e.message, e.fields.empty() ? nullptr : &e.fields, "");
  } catch (const ValidationError& e) {
    status = CM_ERR_VALIDATION;
    record(status, e.code(), e.what(), &e.errors(), "");
  } catch (const NotFound& e) {
    status = CM_ERR_NOT_FOUND;
    record(status, e.code(), e.what(), nullptr, "");
  } catch (const Conflict& e) {
    status = CM_ERR_CONFLICT;
    record(status, e.code(), e.what(), nullptr, "");
  } catch (const PermissionDenied& e) {
    status = CM_ERR_PERMISSION;
    record(status, e.code(), e.what(), nullptr, "");
  } catch (const BackendError& e) {
    status = CM_ERR_BACKEND;
    record(status, e.code(), e.what(), nullptr, e.backend_code());
  } catch (const Error& e) {
    // A member of the family this layer does not know yet: keep its code.
    record(status, e.code(), e.what(), nullptr, "");
  } catch (const std::bad_alloc&) {
    status = CM_ERR_NOMEM;
    record(status, kNoMemoryCode, "out of memory", nullptr, "");
  } catch (const std::exception& e) {
    record(status, "internal.error", e.what(), nullptr, "");
  } catch (...) {
    record(status, "internal.error", "an unknown exception reached the C interface", nullptr, "");
  }
  return status;
}

std::string_view json_arg(const char* s, const char* name) {
  require(s, name);
  const std::size_t n = strnlen(s, limits::kJsonDocument + 1);
  if (n > limits::kJsonDocument) {
    throw ValidationError({{"", "json.too_large",
                            std::string(name) + " is larger than " +
                                std::to_string(limits::kJsonDocument) + " bytes"}});
  }
  return std::string_view(s, n);
}

boost::json::value parse_json_arg(const char* s, const char* name) {
  const auto doc = json_arg(s, name);
  if (!is_valid_utf8(doc)) {
    throw ValidationError({{"", "json.invalid_utf8", std::string(name) + " is not valid UTF-8"}});
  }
  boost::json::error_code ec;
  boost::json::value value =
      boost::json::parse(boost::json::string_view(doc.data(), doc.size()), ec);
  if (ec) {
    throw ValidationError(
        {{"", "json.invalid", std::string(name) + " is not valid JSON: " + ec.message()}});
  }
  return value;
}

// Messages may quote what the caller passed (a JSON key, say), which need not
// be UTF-8; the JSON form must stay valid JSON, so such bytes become U+FFFD
// (as in custmgmt::to_json()).
std::string valid_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80         ? 1
                          : (c >> 5) == 6  ? 2
                          : (c >> 4) == 14 ? 3
                          : (c >> 3) == 30 ? 4
                                           : 0;
    if (n != 0 && i + n <= s.size() && is_valid_utf8(s.substr(i, n))) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

char* dup(std::string_view s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p == nullptr) throw std::bad_alloc();
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

}  // namespace custmgmt::capi

using custmgmt::capi::t_last_error;

extern "C" {

CM_API const char* cm_status_name(cm_status status) {
  switch (status) {
    case CM_OK:
      return "CM_OK";
    case CM_ERR_VALIDATION:
      return "CM_ERR_VALIDATION";
    case CM_ERR_NOT_FOUND:
      return "CM_ERR_NOT_FOUND";
    case CM_ERR_CONFLICT:
      return "CM_ERR_CONFLICT";
    case CM_ERR_PERMISSION:
      return "CM_ERR_PERMISSION";
    case CM_ERR_BACKEND:
      return "CM_ERR_BACKEND";
    case CM_ERR_INVALID_ARGUMENT:
      return "CM_ERR_INVALID_ARGUMENT";
    case CM_ERR_STATE:
      return "CM_ERR_STATE";
    case CM_ERR_NOMEM:
      return "CM_ERR_NOMEM";
    case CM_ERR_INTERNAL:
      return "CM_ERR_INTERNAL";
  }
  return "CM_UNKNOWN";
}

CM_API cm_status cm_last_error_status(void) {
  return t_last_error.status;
}

CM_API const char* cm_last_error_code(void) {
  const auto& e = t_last_error;
  if (e.degraded) return custmgmt::capi::kNoMemoryCode;
  return e.code.c_str();
}

CM_API const char* cm_last_error_message(void) {
  const auto& e = t_last_error;
  if (e.degraded) return "out of memory while recording an error";
  return e.message.c_str();
}

CM_API const char* cm_last_error_backend_code(void) {
  return t_last_error.backend_code.c_str();
}

CM_API size_t cm_last_error_field_count(void) {
  return t_last_error.fields.size();
}

CM_API cm_status cm_last_error_field(const char** out_field, const char** out_code,
                                     const char** out_message, size_t index) {
  // Reading the error must not replace it, so no guard() here.
  if (out_field != nullptr) *out_field = nullptr;
  if (out_code != nullptr) *out_code = nullptr;
  if (out_message != nullptr) *out_message = nullptr;
  const auto& fields = t_last_error.fields;
  if (index >= fields.size()) return CM_ERR_INVALID_ARGUMENT;
  if (out_field != nullptr) *out_field = fields[index].field.c_str();
  if (out_code != nullptr) *out_code = fields[index].code.c_str();
  if (out_message != nullptr) *out_message = fields[index].message.c_str();
  return CM_OK;
}

CM_API cm_status cm_last_error_json(char** out_json) {
  if (out_json == nullptr) return CM_ERR_INVALID_ARGUMENT;
  *out_json = nullptr;
  try {
    namespace json = boost::json;
    const auto& e = t_last_error;
    json::object o;
    o.emplace("status", cm_status_name(e.status));
    o.emplace("code", custmgmt::capi::valid_utf8(cm_last_error_code()));
    o.emplace("message", custmgmt::capi::valid_utf8(cm_last_error_message()));
    o.emplace("backend_code", custmgmt::capi::valid_utf8(e.backend_code));
    json::error_code ec;
    json::value errors = json::parse(custmgmt::to_json(e.fields), ec);
    if (ec) errors = json::array();
    o.emplace("errors", std::move(errors));
    *out_json = custmgmt::capi::dup(json::serialize(o));
    return CM_OK;
  } catch (const std::bad_alloc&) {
    return CM_ERR_NOMEM;
  } catch (...) {
    return CM_ERR_INTERNAL;
  }
}

CM_API void cm_last_error_clear(void) {
  custmgmt::capi::clear_last_error();
}

CM_API void cm_string_free(char* str) {
  std::free(str);
}

}  // extern "C"
