/// @file version.hpp
/// @brief Library version (semantic versioning).
#pragma once

#include "custmgmt/export.hpp"

/// @brief Major version: incompatible API/ABI changes.
#define CUSTMGMT_VERSION_MAJOR 0
/// @brief Minor version: compatible additions.
#define CUSTMGMT_VERSION_MINOR 1
/// @brief Patch version: compatible fixes.
#define CUSTMGMT_VERSION_PATCH 0
/// @brief The version as a string.
#define CUSTMGMT_VERSION_STRING "0.1.0"

namespace custmgmt {
/// @brief The version of the library actually linked, e.g. `"0.1.0"`.
CUSTMGMT_API const char* version() noexcept;
}  // namespace custmgmt
