// Look-ups over the compiled-in ISO 3166 tables (see countries.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace custmgmt::detail {

// The ISO 3166-2 code without the country prefix ("CA" for California) of the
// subdivision of `country_alpha2` ("US" or "CA") named by `code_or_name`: its
// code ("ca", "US-CA") or English name ("california"), case-insensitively.
// nullopt when unknown or when the country has no subdivision table.
std::optional<std::string> subdivision_code(std::string_view country_alpha2,
                                            std::string_view code_or_name);

}  // namespace custmgmt::detail
