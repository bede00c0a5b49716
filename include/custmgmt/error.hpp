/// @file error.hpp
/// @brief The custmgmt error hierarchy.
///
/// Every failure of the public API is reported by throwing one of these types.
/// Nothing from a dependency (sqlite3, libpqxx, Boost, libphonenumber) escapes:
/// backends translate their own errors into this family.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "custmgmt/export.hpp"

namespace custmgmt {

/// @brief One problem with one field of a record.
///
/// `field` names the offending field (`"email"`, `"billing_address.zip"`,
/// `"tags[2]"`), `code` is a stable machine-readable code such as
/// `"email.invalid"` (see docs/data-model.md for the full list), `message` is
/// an English sentence for humans.
struct CUSTMGMT_API FieldError {
  std::string field;    ///< Field path, e.g. `billing_address.zip`.
  std::string code;     ///< Stable code, e.g. `address.zip_invalid`.
  std::string message;  ///< Human-readable explanation.

  /// @brief Field-wise equality.
  bool operator==(const FieldError& other) const {
    return field == other.field && code == other.code && message == other.message;
  }
};

/// @brief The list returned by the non-throwing validators; empty means valid.
using FieldErrors = std::vector<FieldError>;

/// @brief Root of the hierarchy. Carries a stable code string.
class CUSTMGMT_API Error : public std::runtime_error {
 public:
  /// @brief Builds an error with a stable `code` and a human `message`.
  Error(std::string code, const std::string& message);
  ~Error() override;
  /// @brief Stable machine-readable code, e.g. `"account.not_found"`.
  const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

/// @brief Input rejected by validation. Lists every field error of the record
/// at once, not only the first one. Code: `"validation.failed"`.
class CUSTMGMT_API ValidationError : public Error {
 public:
  /// @brief Builds the error from a non-empty list of field errors.
  explicit ValidationError(FieldErrors errors);
  ~ValidationError() override;
  /// @brief All field errors of the rejected record.
  const FieldErrors& errors() const noexcept { return errors_; }

 private:
  FieldErrors errors_;
};

/// @brief The record does not exist, or the acting user may not see it.
///
/// The library never tells "exists but is not yours" apart from "does not
/// exist" for records the user cannot read, so no information leaks.
/// Codes: `"account.not_found"`, `"contact.not_found"`.
class CUSTMGMT_API NotFound : public Error {
 public:
  using Error::Error;
  ~NotFound() override;
};

/// @brief The write collides with the current state: a stale version
/// (`"conflict.stale_version"`), a second primary contact
/// (`"contact.duplicate_primary"`) or an email already used in the account
/// (`"contact.duplicate_email"`).
class CUSTMGMT_API Conflict : public Error {
 public:
  using Error::Error;
  ~Conflict() override;
};

/// @brief The acting user can see the record but may not do this to it
/// (e.g. delete an account created by someone else, or act for another
/// user). Code: `"permission.denied"`.
class CUSTMGMT_API PermissionDenied : public Error {
 public:
  using Error::Error;
  ~PermissionDenied() override;
};

/// @brief The storage engine failed: connection, I/O, disk full, read-only
/// file, busy timeout, corruption.
///
/// `backend_code()` holds the engine's own code (an SQLSTATE for PostgreSQL,
/// the extended result code name such as `SQLITE_BUSY` for SQLite).
/// Codes: `"backend.error"`, `"backend.busy"`, `"backend.readonly"`,
/// `"backend.full"`, `"backend.corrupt"`, `"backend.connection"`,
/// `"backend.io"`.
class CUSTMGMT_API BackendError : public Error {
 public:
  /// @brief Builds a backend error with the engine's own code.
  BackendError(std::string code, const std::string& message, std::string backend_code = {});
  ~BackendError() override;
  /// @brief The engine's code (SQLSTATE or SQLite result code name).
  const std::string& backend_code() const noexcept { return backend_code_; }

 private:
  std::string backend_code_;
};

}  // namespace custmgmt
