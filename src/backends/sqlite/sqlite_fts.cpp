#include "backends/sqlite/sqlite_fts.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace custmgmt::detail::sqlite {

namespace {

void append_phrase(std::string& out, const std::string& word) {
  if (!out.empty()) out += " AND ";
  out += '"';
  for (const char c : word) {
    // Inside an FTS5 string a double quote is written twice; search words
    // never contain one, but the MATCH text must stay a list of phrases
    // whatever it is given.
    if (c == '"') out += '"';
    out += c;
  }
  out += "\"*";
}

}  // namespace

TextFilter FtsQueryBuilder::build(const std::vector<std::string>& words) {
  TextFilter filter;
  boost::json::array fallback;
  for (const auto& word : words) {
    // Without the tokenizer (never expected) every word goes to FTS5: an
    // empty phrase then matches nothing, which is safe.
    const auto tokens = tokenizer_.tokens(word);
    if (tokens && tokens->empty()) {
      fallback.emplace_back(word);
    } else {
      append_phrase(filter.match, word);
    }
  }
  if (!fallback.empty()) filter.fallback = boost::json::serialize(fallback);
  return filter;
}

}  // namespace custmgmt::detail::sqlite
