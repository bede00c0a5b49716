// Opaque keyset cursors: the sort key of the last row of a page, bound to
// the query it came from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "custmgmt/backend.hpp"

namespace custmgmt::detail {

// A short digest of everything that shapes a result (filters and order), so
// a cursor cannot be replayed against a different query.
class QueryFingerprint {
 public:
  QueryFingerprint& add(std::string_view part);
  QueryFingerprint& add(std::int64_t value);
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 14695981039346656037ULL;
};

std::string encode_cursor(int order, std::uint64_t fingerprint, const backend::SortKey& key);

// Returns std::nullopt for an empty cursor; throws ValidationError
// `cursor.invalid` when it is malformed or belongs to another query.
std::optional<backend::SortKey> decode_cursor(const std::string& cursor, int order,
                                              std::uint64_t fingerprint);

}  // namespace custmgmt::detail
