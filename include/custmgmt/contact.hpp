/// @file contact.hpp
/// @brief The `customer_contacts` record.
#pragma once

#include <optional>
#include <string>

#include "custmgmt/types.hpp"

namespace custmgmt {

/// @brief One row of `customer_contacts`.
///
/// As input to ContactRepository::add() the editable fields are read:
/// customer_account_id, contact_name, email, phone (any format the phone
/// validator accepts; `phone_extension` may also be given separately), role,
/// is_primary_contact and contact_notes. On output `phone` is E.164
/// (`+14155552671`), `phone_extension` holds an extension if one was given and
/// `phone_display` keeps the number as the user typed it when that differs
/// from the E.164 form.
struct CUSTMGMT_API Contact {
  Id id = 0;                                   ///< Identity key (0 before add).
  Id customer_account_id = 0;                  ///< The owning account.
  std::string contact_name;                    ///< Required, 1–300 bytes.
  std::optional<std::string> email;            ///< Validated; domain lower-cased.
  std::optional<std::string> phone;            ///< E.164 after validation.
  std::optional<std::string> phone_extension;  ///< Digits of an extension.
  std::optional<std::string> phone_display;    ///< The number as typed.
  std::optional<std::string> role;             ///< Free text, at most 100 bytes.
  bool is_primary_contact = false;             ///< At most one per account.
  std::optional<std::string> contact_notes;    ///< Free text, at most 65,536 bytes.
  Timestamp created_at{};                      ///< Set by the library.
  Timestamp updated_at{};                      ///< Set by the library on every write.
  std::optional<std::string> created_by;       ///< UUID of the creating user.
  std::optional<std::string> updated_by;       ///< UUID of the last writer.
  std::int64_t version = 0;                    ///< Row version, +1 on every write.

  /// @brief Field-wise equality of every member.
  bool operator==(const Contact& o) const;
  /// @brief Negation of operator==.
  bool operator!=(const Contact& o) const { return !(*this == o); }
};

}  // namespace custmgmt
