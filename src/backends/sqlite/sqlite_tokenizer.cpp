#include "backends/sqlite/sqlite_tokenizer.hpp"

#include <algorithm>

#include "backends/sqlite/sqlite_statements.hpp"

namespace custmgmt::detail::sqlite {

namespace {

// FTS5 publishes its API only through this SQL function, with the pointer
// passed back through sqlite3_bind_pointer() (see "Extending FTS5").
fts5_api* fts5_api_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, kFts5ApiSql, -1, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return nullptr;
  }
  sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  return api;
}

int collect_token(void* context, int, const char* token, int size, int, int) {
  static_cast<std::vector<std::string>*>(context)->emplace_back(token,
                                                                static_cast<std::size_t>(size));
  return SQLITE_OK;
}

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for bytes
// that cannot start one, so that malformed input still advances).
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0) return lead <= 0xef ? 3 : 1;
  if (lead >= 0xc2) return 2;
  return 1;
}

}  // namespace

// The module is static data of FTS5; only our instance is freed.
Unicode61Tokenizer::~Unicode61Tokenizer() {
  if (instance_ != nullptr) module_.xDelete(instance_);
}

bool Unicode61Tokenizer::load() {
  if (tried_) return instance_ != nullptr;
  tried_ = true;
  fts5_api* api = fts5_api_of(db_);
  if (api == nullptr || api->iVersion < 2) return false;
  void* context = nullptr;
  fts5_tokenizer module{};
  if (api->xFindTokenizer(api, "unicode61", &context, &module) != SQLITE_OK) return false;
  const char* args[] = {"remove_diacritics", remove_diacritics_};
  Fts5Tokenizer* instance = nullptr;
  if (module.xCreate(context, args, 2, &instance) != SQLITE_OK || instance == nullptr) {
    return false;
  }
  module_ = module;
  instance_ = instance;
  return true;
}

std::optional<std::vector<std::string>> Unicode61Tokenizer::tokens(std::string_view text) {
  if (!load()) return std::nullopt;
  std::vector<std::string> out;
  const int rc = module_.xTokenize(instance_, &out, FTS5_TOKENIZE_QUERY, text.data(),
                                   static_cast<int>(text.size()), &collect_token);
  if (rc != SQLITE_OK) return std::nullopt;
  return out;
}

std::string Unicode61Tokenizer::fold_case(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t n =
        std::min(sequence_length(static_cast<unsigned char>(text[i])), text.size() - i);
    const std::string_view character = text.substr(i, n);
    i += n;
    // One character at a time: the tokenizer drops separators, which must
    // stay (a.b@x and ab@x are different addresses).
    const auto folded = tokens(character);
    if (!folded) {
      for (char c : character) {
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      }
    } else if (folded->size() == 1) {
      out += folded->front();
    } else {
      out += character;
    }
  }
  return out;
}

}  // namespace custmgmt::detail::sqlite
