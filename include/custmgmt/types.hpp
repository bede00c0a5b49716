/// @file types.hpp
/// @brief Basic value types shared by the whole API: ids, timestamps,
/// customer type.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "custmgmt/export.hpp"

namespace custmgmt {

/// @brief Row identifier of an account or contact (the spec's `BIGINT` identity).
using Id = std::int64_t;

/// @brief A point in time with microsecond precision (UTC), like PostgreSQL's
/// `TIMESTAMP WITH TIME ZONE`.
using Timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

/// @brief Microseconds since the Unix epoch of `t`.
inline std::int64_t to_micros(Timestamp t) {
  return t.time_since_epoch().count();
}

/// @brief Timestamp `micros` microseconds after the Unix epoch.
inline Timestamp from_micros(std::int64_t micros) {
  return Timestamp(std::chrono::microseconds(micros));
}

/// @brief Formats `t` as RFC 3339 in UTC with microseconds,
/// e.g. `2025-01-08T09:30:00.000000Z`.
CUSTMGMT_API std::string format_timestamp(Timestamp t);

/// @brief Parses an RFC 3339 timestamp (`Z` or `±hh:mm` offset, optional
/// fraction up to microseconds).
/// @return std::nullopt when `text` is not such a timestamp.
CUSTMGMT_API std::optional<Timestamp> parse_timestamp(std::string_view text);

/// @brief The spec's `customer_type` column: `'Residential'` or `'Commercial'`.
enum class CustomerType {
  Residential,  ///< A private household.
  Commercial,   ///< A business.
};

/// @brief The spec's spelling: `"Residential"` or `"Commercial"`.
CUSTMGMT_API std::string_view to_string(CustomerType type) noexcept;

/// @brief Parses a customer type, case-insensitively (`"commercial"` works).
/// @return std::nullopt for anything else.
CUSTMGMT_API std::optional<CustomerType> parse_customer_type(std::string_view text) noexcept;

/// @brief True when `text` is a UUID in the 8-4-4-4-12 hex form (any case).
CUSTMGMT_API bool is_uuid(std::string_view text) noexcept;

}  // namespace custmgmt
