/// @file validate.hpp
/// @brief Validators for email, phone and address, usable on their own.
///
/// Each validator has a non-throwing form returning the list of field errors
/// (empty when valid) and, where useful, the normalised value through an
/// optional out-pointer; and a throwing `normalize_*` form that raises
/// ValidationError. All functions are thread-safe and never throw anything
/// else on bad input (only `std::bad_alloc`).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "custmgmt/address.hpp"
#include "custmgmt/error.hpp"
#include "custmgmt/export.hpp"

namespace custmgmt {

/// @brief Maximum field sizes, in bytes of UTF-8, enforced on every write.
namespace limits {
constexpr std::size_t kCompanyName = 500;   ///< company_name
constexpr std::size_t kContactName = 300;   ///< contact_name
constexpr std::size_t kNotes = 65536;       ///< account_notes, contact_notes
constexpr std::size_t kRole = 100;          ///< role
constexpr std::size_t kTag = 64;            ///< one tag
constexpr std::size_t kTagCount = 50;       ///< tags per account
constexpr std::size_t kEmail = 254;         ///< whole address (RFC 5321)
constexpr std::size_t kEmailLocal = 64;     ///< local part (RFC 5321)
constexpr std::size_t kPhoneInput = 64;     ///< phone as typed
constexpr std::size_t kAddressField = 200;  ///< each address field
constexpr std::size_t kSearchText = 1000;   ///< search text
}  // namespace limits

/// @brief Checks an email address: RFC 5322 addr-spec without comments or
/// folding white space (dot-atom or quoted local part), local part at most 64
/// bytes, whole address at most 254, a domain of valid labels (LDH or an
/// internationalised name accepted by IDNA2008 via libidn2; IP literals are
/// rejected), domain lower-cased. Invalid UTF-8 is an error.
/// @param email the address as typed; surrounding white space is ignored.
/// @param normalized when non-null and the address is valid, receives the
///        normalised form (domain lower-cased, NFC, U-labels).
/// @return the field errors under field name `email`; empty when valid.
///         Codes: `email.required`, `email.invalid`, `email.too_long`,
///         `email.local_part_too_long`, `email.domain_invalid`,
///         `text.invalid_utf8`.
CUSTMGMT_API FieldErrors validate_email(std::string_view email, std::string* normalized = nullptr);

/// @brief Throwing form of validate_email().
/// @return the normalised address.
/// @throws ValidationError listing the field errors.
CUSTMGMT_API std::string normalize_email(std::string_view email);

/// @brief Options of the phone validator.
struct CUSTMGMT_API PhoneOptions {
  /// Region (ISO 3166-1 alpha-2) assumed for numbers written without a
  /// `+country` prefix.
  std::string default_region = "US";
};

/// @brief A phone number normalised by libphonenumber.
struct CUSTMGMT_API PhoneNumber {
  std::string e164;       ///< E.164 form, e.g. `+14155552671`.
  std::string extension;  ///< Extension digits, empty when none.
  std::string region;     ///< Region the number belongs to, e.g. `US`.
  /// @brief Field-wise equality.
  bool operator==(const PhoneNumber& o) const {
    return e164 == o.e164 && extension == o.extension && region == o.region;
  }
};

/// @brief Parses `phone` with libphonenumber (default region from `options`),
/// rejects numbers that are not valid for their region, and gives the E.164
/// form and any extension (`ext. 123`, `x123`, `;ext=123`).
/// @param phone the number as typed, with or without `+country`.
/// @param options the default region for numbers written without `+country`.
/// @param normalized when non-null and the number is valid, receives it.
/// @return the field errors under field name `phone`; empty when valid.
///         Codes: `phone.required`, `phone.too_long`, `phone.unparsable`,
///         `phone.invalid`, `phone.region_invalid`, `text.invalid_utf8`.
CUSTMGMT_API FieldErrors validate_phone(std::string_view phone, const PhoneOptions& options = {},
                                        PhoneNumber* normalized = nullptr);

/// @brief Throwing form of validate_phone().
/// @throws ValidationError listing the field errors.
CUSTMGMT_API PhoneNumber normalize_phone(std::string_view phone, const PhoneOptions& options = {});

/// @brief Checks an address: every field valid UTF-8 without control
/// characters and at most limits::kAddressField bytes; `country` an ISO
/// 3166-1 alpha-2 or alpha-3 code or English name (case-insensitive); for
/// `US` a state/territory code (or its name) and a ZIP `12345` or
/// `12345-6789`; for `CA` a province/territory code (or its name) and a
/// postal code `A1A 1A1`. Fields are trimmed.
/// @param address the address to check.
/// @param normalized when non-null and valid, receives the address with
///        trimmed fields, alpha-2 country, upper-case state code for US/CA,
///        canonical ZIP/postal code.
/// @return field errors under `address.<key>`. Codes: `address.country_unknown`,
///         `address.state_invalid`, `address.zip_invalid`, `text.too_long`,
///         `text.invalid_utf8`, `text.control_character`.
CUSTMGMT_API FieldErrors validate_address(const Address& address, Address* normalized = nullptr);

/// @brief Like validate_address() but from the JSON form. The JSON must be an
/// object whose keys are only `street`, `city`, `state`, `zip`, `country` and
/// whose values are strings (or null, meaning absent).
/// @return also `address.not_json`, `address.not_object`,
///         `address.unknown_key`, `address.not_string`.
CUSTMGMT_API FieldErrors validate_address_json(std::string_view json,
                                               Address* normalized = nullptr);

/// @brief Throwing form of validate_address().
/// @throws ValidationError listing the field errors.
CUSTMGMT_API Address normalize_address(const Address& address);

/// @brief Parses and validates an address from its JSON form.
/// @throws ValidationError listing the field errors.
CUSTMGMT_API Address parse_address(std::string_view json);

/// @brief Maps an ISO 3166-1 alpha-2 or alpha-3 code or an English country
/// name (common, official or short; case-insensitive; e.g. `USA`,
/// `United States`, `de`) to the alpha-2 code. The table is compiled in from
/// Debian's iso-codes at build time.
/// @return std::nullopt when unknown.
CUSTMGMT_API std::optional<std::string> country_alpha2(std::string_view code_or_name);

/// @brief True when `text` is valid UTF-8 (no overlongs, no surrogates).
CUSTMGMT_API bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace custmgmt
