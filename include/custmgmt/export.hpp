/// @file export.hpp
/// @brief Symbol visibility macro for the custmgmt shared library.
#pragma once

/// @def CUSTMGMT_API
/// @brief Marks a class or function as part of the exported public API.
///
/// The library is built with `-fvisibility=hidden`; only symbols marked with
/// this macro are exported from the shared object. Define `CUSTMGMT_STATIC`
/// when linking the static library.
#if defined(CUSTMGMT_STATIC)
#define CUSTMGMT_API
#elif defined(_WIN32)
#if defined(CUSTMGMT_BUILDING)
#define CUSTMGMT_API __declspec(dllexport)
#else
#define CUSTMGMT_API __declspec(dllimport)
#endif
#else
#define CUSTMGMT_API __attribute__((visibility("default")))
#endif
