// Shared machinery of the C ABI: the handle structs, the per-thread last
// error and the boundary guard every exported function runs its body in.
#pragma once

#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "custmgmt/custmgmt.h"
#include "custmgmt/custmgmt.hpp"
#include "custmgmt/json.hpp"

struct cm_store {
  custmgmt::Store store;
};

struct cm_txn;

struct cm_session {
  custmgmt::Session session;
  // Open transactions of this session, outermost first. The C caller may free
  // handles in any order; this stack lets us end them innermost first, as
  // custmgmt::Transaction requires.
  std::vector<cm_txn*> txns;
};

struct cm_txn {
  cm_session* session = nullptr;  // null once the transaction has ended
  std::optional<custmgmt::Transaction> txn;
};

struct cm_page {
  std::vector<std::string> items;
  std::optional<std::string> next_cursor;
  std::string json;
};

namespace custmgmt::capi {

// An error detected by the C layer itself (bad argument, wrong state),
// optionally with field errors (e.g. the key of an options document at fault).
struct CallError {
  cm_status status;
  const char* code;
  std::string message;
  FieldErrors fields{};
};

// Runs `body` (returning cm_status) with the thread's last error cleared
// first and every exception translated into a status and a last error.
// Defined in error.cpp for each exception type; see guard().
cm_status record_current_exception() noexcept;
void clear_last_error() noexcept;

template <typename Body>
cm_status guard(Body&& body) noexcept {
  clear_last_error();
  try {
    return body();
  } catch (...) {
    return record_current_exception();
  }
}

// Throws CallError for a NULL pointer argument.
template <typename T>
T& require(T* p, const char* name) {
  if (p == nullptr) {
    throw CallError{CM_ERR_INVALID_ARGUMENT, "argument.null", std::string(name) + " is NULL"};
  }
  return *p;
}

// Checks an output pointer and sets it to its empty value so that it holds
// no stale value whatever happens next.
template <typename T>
T& out_param(T* out, const char* name) {
  T& ref = require(out, name);
  ref = T{};
  return ref;
}

// A required NUL-terminated input string.
inline std::string_view text_arg(const char* s, const char* name) {
  return std::string_view(&require(s, name));
}

// A required JSON input. The scan stops one byte past the size limit so a
// huge string is rejected without being read to its end.
std::string_view json_arg(const char* s, const char* name);

// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD, so
// that it can go into JSON output (messages may quote what the caller passed).
std::string valid_utf8(std::string_view s);

// A copy of `s` in memory the caller frees with cm_string_free().
char* dup(std::string_view s);

// Builds a page handle from a C++ page.
template <typename T>
cm_page* make_page(const Page<T>& page) {
  auto* p = new cm_page;
  try {
    p->items.reserve(page.items.size());
    for (const auto& item : page.items) p->items.push_back(to_json(item));
    p->next_cursor = page.next_cursor;
    p->json = to_json(page);
  } catch (...) {
    delete p;
    throw;
  }
  return p;
}

}  // namespace custmgmt::capi
