// FTS5's unicode61 tokenizer, called directly from C++.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace custmgmt::detail::sqlite {

// One instance of FTS5's `unicode61` tokenizer, created on first use from
// the connection's FTS5 module. Using SQLite's own tokenizer keeps the
// backend's view of words and letter case identical to the FTS5 index's,
// and gives Unicode case folding without another library. Owned by one
// connection and used by its thread only.
class Unicode61Tokenizer {
 public:
  // `remove_diacritics` is the tokenizer option of that name ("0", "1", "2").
  Unicode61Tokenizer(sqlite3* db, const char* remove_diacritics)
      : db_(db), remove_diacritics_(remove_diacritics) {}
  ~Unicode61Tokenizer();
  Unicode61Tokenizer(const Unicode61Tokenizer&) = delete;
  Unicode61Tokenizer& operator=(const Unicode61Tokenizer&) = delete;

  // The tokens of `text` (case-folded, diacritics removed as configured), or
  // std::nullopt when FTS5 is unavailable (never expected).
  std::optional<std::vector<std::string>> tokens(std::string_view text);

  // `text` with every letter case-folded by the tokenizer's Unicode tables
  // and every other character (punctuation, symbols, marks) kept byte for
  // byte; with remove_diacritics "0" nothing else changes. Falls back to
  // ASCII lower-casing when FTS5 is unavailable.
  std::string fold_case(std::string_view text);

 private:
  bool load();

  sqlite3* db_;
  const char* remove_diacritics_;
  bool tried_ = false;
  fts5_tokenizer module_{};
  Fts5Tokenizer* instance_ = nullptr;
};

}  // namespace custmgmt::detail::sqlite
