/// @file account.hpp
/// @brief The `customer_accounts` record.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "custmgmt/address.hpp"
#include "custmgmt/types.hpp"

namespace custmgmt {

/// @brief One row of `customer_accounts`.
///
/// As input to AccountRepository::create() only the editable fields are read
/// (company_name, customer_type, billing_address, service_address,
/// account_notes, tags and, for the service role, created_by); `id`,
/// timestamps, `updated_by`, `archived_at` and `version` are ignored.
/// As input to AccountRepository::update() `id` and `version` identify the
/// row and the state the caller last saw.
struct CUSTMGMT_API Account {
  Id id = 0;                                              ///< Identity key (0 before create).
  std::string company_name;                               ///< Required, 1–500 bytes.
  CustomerType customer_type = CustomerType::Commercial;  ///< Residential or Commercial.
  Address billing_address;                                ///< JSON `{}` when empty.
  Address service_address;                                ///< JSON `{}` when empty.
  std::optional<std::string> account_notes;               ///< Free text, at most 65,536 bytes.
  std::vector<std::string> tags;          ///< At most 50 distinct tags of 1–64 bytes.
  Timestamp created_at{};                 ///< Set by the library.
  Timestamp updated_at{};                 ///< Set by the library on every write.
  std::optional<std::string> created_by;  ///< UUID of the creating user.
  std::optional<std::string> updated_by;  ///< UUID of the last writer.
  std::optional<Timestamp> archived_at;   ///< Set while the account is archived.
  std::int64_t version = 0;               ///< Row version, +1 on every write.

  /// @brief True while the account is archived.
  bool archived() const noexcept { return archived_at.has_value(); }
  /// @brief Field-wise equality of every member.
  bool operator==(const Account& o) const;
  /// @brief Negation of operator==.
  bool operator!=(const Account& o) const { return !(*this == o); }
};

}  // namespace custmgmt
