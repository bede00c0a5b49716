// Helpers shared by the fuzz targets: input as a string, and property checks
// that abort (which libFuzzer reports as a crash, saving the input).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "custmgmt/error.hpp"

namespace custmgmt::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Aborts with `what` when `ok` is false: a broken property is a finding.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
  }
}

// A field error list must name a code for every error.
inline void require_well_formed(const FieldErrors& errors) {
  for (const auto& e : errors) {
    require(!e.code.empty(), "a field error without a code");
    require(!e.message.empty(), "a field error without a message");
  }
}

}  // namespace custmgmt::fuzz
