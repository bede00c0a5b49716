// Turns the search words of the domain layer into an FTS5 MATCH expression.
#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

#include "backends/sqlite/sqlite_tokenizer.hpp"

namespace custmgmt::detail::sqlite {

// The text filter of one search: `match` for the FTS5 index (empty: none)
// and `fallback`, a JSON array of words compared with the stored name key
// (empty: none).
struct TextFilter {
  std::string match;
  std::string fallback;
};

// Builds TextFilters with the tokenizer the FTS5 tables use ('unicode61
// remove_diacritics 2', see the 0001 migration), so it knows which words the
// index can match at all. Owned by one connection and used by its thread
// only.
class FtsQueryBuilder {
 public:
  explicit FtsQueryBuilder(sqlite3* db) : tokenizer_(db, "2") {}

  // Every word becomes a prefix phrase, the phrases ANDed: "w1"* AND "w2"*.
  // A word the tokenizer reduces to no token at all (only emoji or
  // punctuation) would be an empty phrase, which FTS5 accepts but never
  // matches; such words go to `fallback` instead, so that they still match
  // names having a word that starts with them, as the search rules say.
  TextFilter build(const std::vector<std::string>& words);

 private:
  Unicode61Tokenizer tokenizer_;
};

}  // namespace custmgmt::detail::sqlite
