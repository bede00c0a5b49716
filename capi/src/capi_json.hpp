// JSON documents parsed by the C layer itself (flat readers, options, arrays
// of records), with the same strict checks as custmgmt/json.hpp.
#pragma once

#include <boost/json.hpp>

#include "capi_internal.hpp"

namespace custmgmt::capi {

// Parses a required JSON argument: at most limits::kJsonDocument bytes
// ("json.too_large"), valid UTF-8 ("json.invalid_utf8"), valid JSON
// ("json.invalid"); each is a ValidationError on field "". The shape of the
// value is the caller's to check.
boost::json::value parse_json_arg(const char* s, const char* name);

}  // namespace custmgmt::capi
