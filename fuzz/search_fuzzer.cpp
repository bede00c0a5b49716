// Search text -> query translation through a real store: a private :memory:
// SQLite store (FTS5, the FtsQueryBuilder, the name-key fallback) holding a
// few accounts and contacts. The input is `text` [0xFF `cursor`]. A search
// never throws anything but ValidationError, never returns a row for text
// without words, and returns only rows that exist. backend::search_words()
// is checked on the same text.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "custmgmt/backend.hpp"
#include "custmgmt/custmgmt.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace custmgmt;

const char* const kUser = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";

struct World {
  Store store = Store::open(":memory:");
  Session session = store.session(kUser);
  std::set<Id> accounts;
  std::set<Id> contacts;

  World() {
    const char* const names[] = {"Acme Plumbing",   "Café Crème",      "O'Brien & Sons",
                                 "100% \"Quoted\"", "NEAR OR AND NOT", "Ünïcödé 株式会社",
                                 "emoji 🚀 rockets", "back\\slash_co"};
    for (const char* name : names) {
      Account a;
      a.company_name = name;
      a.tags = {"t"};
      const Account stored = session.accounts().create(a);
      accounts.insert(stored.id);
      Contact c;
      c.customer_account_id = stored.id;
      c.contact_name = name;
      contacts.insert(session.contacts().add(c).id);
    }
  }
};

World& world() {
  static World w;
  return w;
}

void check_words(std::string_view text) {
  const auto words = backend::search_words(text);
  fuzz::require(words.size() <= 32, "more than 32 search words");
  for (const auto& w : words) {
    fuzz::require(!w.empty(), "empty search word");
    for (const char ch : w) {
      const auto c = static_cast<unsigned char>(ch);
      fuzz::require(c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'),
                    "a search word holds query syntax or upper case");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  const auto input = fuzz::as_text(data, size);
  const auto split = input.find('\xff');
  const std::string text(input.substr(0, split));
  const std::string cursor =
      split == std::string_view::npos ? "" : std::string(input.substr(split + 1));
  check_words(text);
  const bool no_words = backend::search_words(text).empty();

  AccountQuery aq;
  aq.text = text;
  aq.cursor = cursor;
  aq.archived = ArchivedFilter::Include;
  aq.limit = 3;
  try {
    const auto page = w.session.accounts().search(aq);
    fuzz::require(!no_words || page.items.empty(), "text without words matched an account");
    for (const auto& a : page.items) {
      fuzz::require(w.accounts.count(a.id) == 1, "search returned an unknown account");
    }
  } catch (const ValidationError& e) {
    fuzz::require_well_formed(e.errors());
  }

  ContactQuery cq;
  cq.text = text;
  cq.cursor = cursor;
  cq.limit = 3;
  try {
    const auto page = w.session.contacts().search(cq);
    fuzz::require(!no_words || page.items.empty(), "text without words matched a contact");
    for (const auto& c : page.items) {
      fuzz::require(w.contacts.count(c.id) == 1, "search returned an unknown contact");
    }
  } catch (const ValidationError& e) {
    fuzz::require_well_formed(e.errors());
  }
  return 0;
}
