#include "custmgmt/error.hpp"

#include <utility>

namespace custmgmt {

namespace {
std::string summarize(const FieldErrors& errors) {
  std::string message = "validation failed";
  const char* sep = ": ";
  for (const auto& e : errors) {
    message += sep;
    message += e.field;
    message += " (";
    message += e.code;
    message += ")";
    sep = ", ";
  }
  return message;
}
}  // namespace

Error::Error(std::string code, const std::string& message)
    : std::runtime_error(message), code_(std::move(code)) {}
Error::~Error() = default;

ValidationError::ValidationError(FieldErrors errors)
    : Error("validation.failed", summarize(errors)), errors_(std::move(errors)) {}
ValidationError::~ValidationError() = default;

NotFound::~NotFound() = default;
Conflict::~Conflict() = default;
PermissionDenied::~PermissionDenied() = default;

BackendError::BackendError(std::string code, const std::string& message, std::string backend_code)
    : Error(std::move(code), message), backend_code_(std::move(backend_code)) {}
BackendError::~BackendError() = default;

}  // namespace custmgmt
