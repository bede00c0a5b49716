// Checks and page assembly shared by account and contact searches.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "custmgmt/error.hpp"
#include "custmgmt/query.hpp"
#include "custmgmt/validate.hpp"
#include "domain/cursor.hpp"
#include "validate/text.hpp"

namespace custmgmt::detail {

constexpr std::size_t kMaxPageSize = 1000;

inline void check_limit(std::size_t limit, FieldErrors& errors) {
  if (limit == 0 || limit > kMaxPageSize) {
    add_error(errors, "limit", "query.limit_invalid",
              "limit must be between 1 and " + std::to_string(kMaxPageSize));
  }
}

// Validates search text; returns its words (empty when the text has none).
inline std::vector<std::string> check_search_text(const std::string& text, FieldErrors& errors) {
  const auto clean =
      check_text(text, "text", limits::kSearchText, false, true, TextKind::SingleLine, errors);
  return backend::search_words(clean);
}

// Turns `limit + 1` fetched rows into a page; the extra row only tells that
// more follow.
template <typename T, typename KeyOf>
Page<T> make_page(std::vector<T> rows, std::size_t limit, int order, std::uint64_t fingerprint,
                  KeyOf key_of) {
  Page<T> page;
  if (rows.size() > limit) {
    rows.resize(limit);
    page.next_cursor = encode_cursor(order, fingerprint, key_of(rows.back()));
  }
  page.items = std::move(rows);
  return page;
}

}  // namespace custmgmt::detail
