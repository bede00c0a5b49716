// Validation and normalisation of whole records before they reach a backend.
#pragma once

#include <string>

#include "custmgmt/account.hpp"
#include "custmgmt/contact.hpp"
#include "custmgmt/error.hpp"
#include "custmgmt/validate.hpp"

namespace custmgmt::detail {

// Checks every editable field of `in` and returns the normalised record;
// all problems are appended to `errors` (nothing is thrown for bad input).
Account normalize_account(const Account& in, FieldErrors& errors);

// Same for a contact; `region` is the store's default phone region.
Contact normalize_contact(const Contact& in, const PhoneOptions& phone, FieldErrors& errors);

// Re-homes errors of a standalone validator ("address.zip") under a record
// field ("billing_address.zip").
void append_prefixed(FieldErrors& out, const FieldErrors& in, const std::string& from,
                     const std::string& to);

}  // namespace custmgmt::detail
