// The validators with their fast paths switchable, for the differential tests
// and fuzz targets that check a fast path against the general one. The public
// validate_phone() / validate_email() are these with `fast_path` true.
#pragma once

#include <string>
#include <string_view>

#include "custmgmt/error.hpp"
#include "custmgmt/validate.hpp"

namespace custmgmt::detail {

// validate_phone(); with `fast_path` false, text already in E.164 form goes
// through libphonenumber's Parse() like any other.
FieldErrors validate_phone_with(std::string_view phone, const PhoneOptions& options,
                                PhoneNumber* normalized, bool fast_path);

// validate_email(); with `fast_path` false, all-ASCII domains go through IDNA
// (libidn2) like any other.
FieldErrors validate_email_with(std::string_view email, std::string* normalized, bool fast_path);

// True when validate_phone() accepts `phone` on its fast path (text already in
// E.164 form that libphonenumber's Parse() would read unchanged), without
// libphonenumber's Parse(). For the tests that prove the path is taken.
bool phone_fast_path_applies(std::string_view phone);

// True when validate_email() normalises `domain` (case-folded here as there)
// without libidn2. For the tests that prove the path is taken.
bool email_domain_skips_idna(std::string_view domain);

}  // namespace custmgmt::detail
