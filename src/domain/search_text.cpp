// Query-text handling shared by every backend: the words a search matches,
// and the key used for name ordering and relevance tiers.
#include <string>
#include <string_view>
#include <vector>

#include "custmgmt/backend.hpp"
#include "domain/search_text.hpp"

namespace custmgmt::backend {

namespace {
constexpr std::size_t kMaxWords = 32;

// Letters and digits of ASCII, and every byte of a non-ASCII character: the
// engine's own tokenizer decides what those are, and treating them as word
// characters here never turns them into query syntax.
bool is_word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

std::vector<std::string> split_words(std::string_view text, std::size_t max_words) {
  std::vector<std::string> words;
  std::string current;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_word_byte(c)) {
      current.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : ch);
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
      if (words.size() == max_words) return words;
    }
  }
  if (!current.empty() && words.size() < max_words) words.push_back(std::move(current));
  return words;
}
}  // namespace

std::vector<std::string> search_words(std::string_view text) {
  return split_words(text, kMaxWords);
}

std::string search_key(std::string_view text) {
  std::string key;
  for (const auto& word : split_words(text, text.size())) {
    if (!key.empty()) key.push_back(' ');
    key += word;
  }
  return key;
}

int relevance_tier(std::string_view name_key, std::string_view text_key) noexcept {
  if (name_key == text_key) return 0;
  if (name_key.substr(0, text_key.size()) == text_key) return 1;
  return 2;
}

}  // namespace custmgmt::backend

namespace custmgmt::detail {

bool prefix_implies_text_match(const std::vector<std::string>& words) noexcept {
  for (const auto& word : words) {
    if (word.empty()) return false;
    for (const char ch : word) {
      const auto c = static_cast<unsigned char>(ch);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
    }
  }
  return !words.empty();
}

std::string prefix_upper_bound(const std::string& key) {
  return key + '\xf5';
}

}  // namespace custmgmt::detail
