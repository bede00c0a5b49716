/// @file address.hpp
/// @brief The spec's JSONB address object.
#pragma once

#include <string>
#include <string_view>

#include "custmgmt/export.hpp"

namespace custmgmt {

/// @brief A postal address: the spec's JSONB object with the keys `street`,
/// `city`, `state`, `zip` and `country`, all strings.
///
/// An empty string means the key is absent; an address with every field empty
/// is the spec's default `'{}'`. After validation `country` holds the ISO
/// 3166-1 alpha-2 code, and for US and CA `state` holds the upper-case
/// subdivision code. Use parse_address() / to_json() to convert from and to
/// the JSON form.
struct CUSTMGMT_API Address {
  std::string street;   ///< Street and number, free text.
  std::string city;     ///< City or locality.
  std::string state;    ///< State, province or region.
  std::string zip;      ///< Postal code.
  std::string country;  ///< Country: alpha-2 after validation.

  /// @brief True when every field is empty (the JSON `{}`).
  bool empty() const noexcept {
    return street.empty() && city.empty() && state.empty() && zip.empty() && country.empty();
  }
  /// @brief Field-wise equality.
  bool operator==(const Address& o) const {
    return street == o.street && city == o.city && state == o.state && zip == o.zip &&
           country == o.country;
  }
  /// @brief Field-wise inequality.
  bool operator!=(const Address& o) const { return !(*this == o); }
};

/// @brief Serialises `address` as a compact JSON object holding only the
/// non-empty keys, in the order street, city, state, zip, country.
CUSTMGMT_API std::string to_json(const Address& address);

}  // namespace custmgmt
