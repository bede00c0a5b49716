// Hostile text: names, notes, tags, roles and addresses holding SQL and FTS
// syntax, LIKE wildcards, backslashes, NUL bytes, bidi marks, emoji,
// combining characters and megabyte strings are either stored and returned
// byte for byte or rejected with a ValidationError -- never an SQL error.
// Search with such text never throws (beyond ValidationError for text the
// query rules refuse) and never matches everything. Every documented
// maximum length (custmgmt::limits) is enforced exactly at its boundary.
#include <string>
#include <vector>

#include "conformance/fixtures.hpp"
#include "custmgmt/backend.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

using namespace std::string_literals;

// Each string is hostile on its own; the tests also wrap them in letters so
// that trimming of names does not hide a difference.
std::vector<std::string> hostile_strings() {
  return {
      "'",
      "''",
      "\"",
      "\"\"\"",
      "O'Brien \"The Boss\"",
      "'); DROP TABLE customer_accounts; --",
      "1' OR '1'='1",
      "%",
      "_",
      "%_%",
      "100% _off_",
      "\\",
      "\\\\",
      "back\\slash\\'quote",
      "\\x00\\n\\%",
      "*",
      "a*",
      "NEAR(alpha beta, 2)",
      "alpha OR beta",
      "alpha AND NOT beta",
      "-alpha",
      "^alpha",
      "alpha:beta",
      "{company_name}: alpha",
      "(alpha) + [beta]",
      "\"alpha\"*",
      "$1 $2 ? :name @p",
      "\xe2\x80\x8f"
      "RTL mark\xe2\x80\x8e",  // U+200F ... U+200E
      "\xe2\x80\xae"
      "evil\xe2\x80\xac",                              // U+202E right-to-left override
      "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d",              // Hebrew
      "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7",      // Arabic
      "\xf0\x9f\x9a\x80\xf0\x9f\x8f\xa2",              // emoji
      "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",  // ZWJ sequence
      "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa",              // flag
      "e\xcc\x81"
      "e\xcc\x81\xcc\x81\xcc\x81",  // combining acute accents
      "Z\xcd\x91\xcd\x97\xcd\x8a\xcd\xa3"
      "a\xcc\xb6lgo",  // "zalgo"
      "\xef\xbb\xbf"
      "BOM",  // U+FEFF
      "\xe2\x80\x8b"
      "zero\xe2\x80\x8bwidth",                             // U+200B
      "\xef\xbf\xbd",                                      // U+FFFD
      "\xf4\x8f\xbf\xbf",                                  // U+10FFFF
      "\xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a\xe7\xa4\xbe",  // CJK
  };
}

// Strings that are not acceptable text at all.
std::vector<std::string> invalid_strings() {
  return {
      "nul\0byte"s,        "\0"s, "tab\tin a single-line field"s, "bell\a"s,
      "\xc0\xaf"s,          // overlong '/'
      "\xed\xa0\x80"s,      // surrogate
      "\xff\xfe"s,          // not UTF-8
      "cut \xe2\x82"s,      // truncated sequence
      "\xf4\x90\x80\x80"s,  // above U+10FFFF
  };
}

std::string wrap(const std::string& s) {
  return "<" + s + ">";
}

// Runs `action`; true when it succeeded, false when it threw a
// ValidationError. Anything else fails the test.
template <typename F>
bool stored_or_rejected(F&& action, const std::string& what) {
  try {
    action();
    return true;
  } catch (const ValidationError& e) {
    BOOST_TEST(!e.errors().empty(), what);
    return false;
  } catch (const Error& e) {
    BOOST_ERROR(what << ": " << e.code() << ": " << e.what());
  } catch (const std::exception& e) {
    BOOST_ERROR(what << ": " << e.what());
  }
  return false;
}

// A search that must not throw anything but ValidationError; returns the
// rows found, or nothing when refused.
std::vector<Account> account_search(Session& s, const std::string& text) {
  AccountQuery q;
  q.text = text;
  q.archived = ArchivedFilter::Include;
  q.limit = 1000;
  try {
    return s.accounts().search(q).items;
  } catch (const ValidationError&) {
    return {};
  } catch (const std::exception& e) {
    BOOST_ERROR("account search for a hostile text threw: " << e.what());
    return {};
  }
}

std::vector<Contact> contact_search(Session& s, const std::string& text) {
  ContactQuery q;
  q.text = text;
  q.limit = 1000;
  try {
    return s.contacts().search(q).items;
  } catch (const ValidationError&) {
    return {};
  } catch (const std::exception& e) {
    BOOST_ERROR("contact search for a hostile text threw: " << e.what());
    return {};
  }
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(hostile_text, Fixture)

BOOST_AUTO_TEST_CASE(hostile_account_fields_are_stored_byte_exact) {
  std::size_t stored = 0;
  for (const auto& s : hostile_strings()) {
    BOOST_TEST_CONTEXT("text: " << s) {
      Account in = make_account(wrap(s));
      in.account_notes = s;
      in.tags = {s.size() <= limits::kTag ? s : s.substr(0, limits::kTag)};
      in.billing_address.street = wrap(s);
      in.billing_address.city = wrap(s);
      Account created;
      if (!stored_or_rejected([&] { created = a.accounts().create(in); }, s)) {
        BOOST_TEST_MESSAGE("refused by validation: " << s);
        continue;
      }
      ++stored;
      const Account got = a.accounts().get(created.id);
      BOOST_TEST(got == created);
      BOOST_TEST(got.company_name == wrap(s));
      BOOST_TEST(got.account_notes == s);
      BOOST_TEST(got.tags == in.tags, boost::test_tools::per_element());
      BOOST_TEST(got.billing_address.street == wrap(s));

      // The stored name is found by its own words, and only by those.
      if (!backend::search_words(s).empty()) {
        BOOST_TEST(!ids(account_search(a, s)).empty());
      }
      AccountQuery by_tag;
      by_tag.tags_all = in.tags;
      BOOST_TEST(ids(search_all(a, by_tag)) == std::vector<Id>{created.id},
                 boost::test_tools::per_element());
      a.accounts().remove(created.id);
    }
  }
  // Only text with a control character may be refused; these have none.
  BOOST_TEST(stored == hostile_strings().size());
}

// Regression: on PostgreSQL a tag holding a single quote (stored unquoted in
// the array text, `{'}`) made libpqxx 6's array parser read past the end and
// abort the process on every read of the account.
BOOST_AUTO_TEST_CASE(tags_with_quotes_and_array_syntax_round_trip) {
  const std::vector<std::string> tags = {
      "'",   "o'reilly", "''",        "'quoted'", "\"",           "\\",   "a\\\"b",
      "{",   "}",        "{}",        ",",        "a,b",          "NULL", "null",
      "a b", "(x)",      "[1:1]={y}", "$$",       "\xe6\xa0\xaa'"};
  Account in = make_account("Tag Syntax Co");
  in.tags = tags;
  const Account created = a.accounts().create(in);
  BOOST_TEST(created.tags == tags, boost::test_tools::per_element());
  BOOST_TEST(a.accounts().get(created.id).tags == tags, boost::test_tools::per_element());
  for (const auto& tag : tags) {
    AccountQuery q;
    q.tags_any = {tag};
    BOOST_TEST(ids(search_all(a, q)) == std::vector<Id>{created.id}, tag);
  }
  StatsOptions options;
  options.top_tags = 100;
  BOOST_TEST(a.accounts().stats(options).top_tags.size() == tags.size());
}

BOOST_AUTO_TEST_CASE(hostile_contact_fields_are_stored_byte_exact) {
  const Account account = create_account(a, "Contact Host");
  for (const auto& s : hostile_strings()) {
    BOOST_TEST_CONTEXT("text: " << s) {
      Contact in = make_contact(account.id, wrap(s));
      in.role = wrap(s).size() <= limits::kRole ? wrap(s) : "r";
      in.contact_notes = s;
      Contact created;
      BOOST_REQUIRE(stored_or_rejected([&] { created = a.contacts().add(in); }, s));
      const Contact got = a.contacts().get(created.id);
      BOOST_TEST(got == created);
      BOOST_TEST(got.contact_name == wrap(s));
      BOOST_TEST(got.role == in.role);
      BOOST_TEST(got.contact_notes == s);
      a.contacts().remove(created.id);
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_text_is_a_validation_error_in_every_field) {
  const Account account = create_account(a, "Invalid Host");
  for (const auto& s : invalid_strings()) {
    BOOST_TEST_CONTEXT("bytes of length " << s.size()) {
      CHECK_THROWS_CODE(a.accounts().create(make_account("A" + s)), ValidationError,
                        "validation.failed");
      Account tagged = make_account("Tagged");
      tagged.tags = {"t" + s};
      CHECK_THROWS_CODE(a.accounts().create(tagged), ValidationError, "validation.failed");
      Account addressed = make_account("Addressed");
      addressed.service_address.city = "c" + s;
      CHECK_THROWS_CODE(a.accounts().create(addressed), ValidationError, "validation.failed");
      CHECK_THROWS_CODE(a.contacts().add(make_contact(account.id, "C" + s)), ValidationError,
                        "validation.failed");
      Contact roled = make_contact(account.id, "Roled");
      roled.role = "r" + s;
      CHECK_THROWS_CODE(a.contacts().add(roled), ValidationError, "validation.failed");
      // Searching for it is refused or finds nothing; it never fails otherwise.
      BOOST_TEST(account_search(a, s).empty());
      BOOST_TEST(contact_search(a, s).empty());
    }
  }
  BOOST_TEST(search_all(a).size() == 1u);
}

BOOST_AUTO_TEST_CASE(notes_keep_nul_free_control_characters_of_multi_line_text) {
  Account in = make_account("Multi Line");
  in.account_notes = "line 1\nline 2\r\n\ttabbed 'quoted' \"double\" \\ %_";
  const Account created = a.accounts().create(in);
  BOOST_TEST(a.accounts().get(created.id).account_notes == in.account_notes);
  Account nul = make_account("Nul Notes");
  nul.account_notes = "before\0after"s;
  CHECK_THROWS_CODE(a.accounts().create(nul), ValidationError, "validation.failed");
}

BOOST_AUTO_TEST_CASE(hostile_search_text_never_throws_and_never_matches_everything) {
  for (const char* name : {"Zebra Holdings", "Quokka Partners", "Narwhal Ltd"}) {
    Account created = create_account(a, name);
    a.contacts().add(make_contact(created.id, name));
  }
  std::vector<std::string> texts = hostile_strings();
  for (auto& s : invalid_strings()) texts.push_back(s);
  for (const char* s : {"", " ", "*", "%", "_", "\"*\"", "* OR *", "NOT x", "-x", "\\%",
                        "' OR 1=1 --", "NEAR", "OR", "AND"}) {
    texts.emplace_back(s);
  }
  texts.push_back(std::string(limits::kSearchText, '%'));
  texts.push_back(std::string(limits::kSearchText + 1, 'z'));
  texts.push_back(std::string(1 << 20, 'z'));
  for (const auto& text : texts) {
    BOOST_TEST_CONTEXT("search: " << text.substr(0, 80)) {
      const auto accounts = account_search(a, text);
      const auto contacts = contact_search(a, text);
      BOOST_TEST(accounts.size() < 3u);
      BOOST_TEST(contacts.size() < 3u);
      if (backend::search_words(text).empty()) {
        BOOST_TEST(accounts.empty());
        BOOST_TEST(contacts.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(search_text_longer_than_the_limit_is_refused) {
  create_account(a, "Zebra");
  AccountQuery q;
  q.text = std::string(limits::kSearchText, 'z');
  BOOST_TEST(a.accounts().search(q).items.empty());
  q.text = std::string(limits::kSearchText + 1, 'z');
  BOOST_CHECK_THROW(a.accounts().search(q), ValidationError);
  ContactQuery c;
  c.text = std::string(limits::kSearchText + 1, 'z');
  BOOST_CHECK_THROW(a.contacts().search(c), ValidationError);
}

BOOST_AUTO_TEST_CASE(megabyte_strings_are_validation_errors) {
  const std::string mb(1 << 20, 'x');
  const Account account = create_account(a, "Big Host");
  Account big_name = make_account(mb);
  CHECK_VALIDATION_ERRORS(a.accounts().create(big_name), {"company_name|text.too_long"});
  Account big_notes = make_account("Big Notes");
  big_notes.account_notes = mb;
  CHECK_VALIDATION_ERRORS(a.accounts().create(big_notes), {"account_notes|text.too_long"});
  Contact big_contact = make_contact(account.id, "Big Contact");
  big_contact.contact_notes = mb;
  CHECK_VALIDATION_ERRORS(a.contacts().add(big_contact), {"contact_notes|text.too_long"});
  CHECK_VALIDATION_CODES(a.contacts().add(make_contact(account.id, "E", mb + "@example.com")),
                         {"email.too_long"});
  CHECK_VALIDATION_CODES(a.contacts().add(make_contact(account.id, "P", std::nullopt, mb)),
                         {"phone.too_long"});
  // Nothing of it was written.
  BOOST_TEST(search_all(a).size() == 1u);
  BOOST_TEST(list_all(a, account.id).empty());
}

BOOST_AUTO_TEST_CASE(documented_limits_hold_exactly_at_their_boundary) {
  const Account host = create_account(a, "Limits Host");
  // Multi-byte characters count in bytes: U+00E9 is two.
  auto text_of = [](std::size_t bytes) {
    std::string s;
    while (s.size() + 2 <= bytes) s += "\xc3\xa9";
    if (s.size() < bytes) s += 'x';
    return s;
  };

  Account at = make_account(text_of(limits::kCompanyName));
  at.account_notes = text_of(limits::kNotes);
  at.billing_address.street = text_of(limits::kAddressField);
  for (std::size_t i = 0; i < limits::kTagCount; ++i) {
    std::string tag = std::to_string(i) + "-";
    tag += std::string(limits::kTag - tag.size(), 't');
    at.tags.push_back(tag);
  }
  const Account stored = a.accounts().create(at);
  BOOST_TEST(stored.company_name == at.company_name);
  BOOST_TEST(stored.account_notes == at.account_notes);
  BOOST_TEST(stored.tags.size() == limits::kTagCount);
  BOOST_TEST(a.accounts().get(stored.id) == stored);

  Account over = make_account(text_of(limits::kCompanyName + 1));
  over.account_notes = text_of(limits::kNotes + 1);
  over.billing_address.street = text_of(limits::kAddressField + 1);
  over.tags = {std::string(limits::kTag + 1, 't')};
  CHECK_VALIDATION_ERRORS(a.accounts().create(over),
                          {"company_name|text.too_long", "account_notes|text.too_long",
                           "billing_address.street|text.too_long", "tags[0]|text.too_long"});
  Account many = make_account("Many Tags");
  for (std::size_t i = 0; i <= limits::kTagCount; ++i) many.tags.push_back("t" + std::to_string(i));
  CHECK_VALIDATION_ERRORS(a.accounts().create(many), {"tags|tags.too_many"});

  Contact c = make_contact(host.id, text_of(limits::kContactName));
  c.role = text_of(limits::kRole);
  c.contact_notes = text_of(limits::kNotes);
  // An address of `total` bytes with a local part of `local` bytes; the
  // domain is split into labels of at most 59 bytes.
  auto email_of = [](std::size_t local, std::size_t total) {
    std::string e(local, 'l');
    e += '@';
    const std::size_t filler = total - e.size() - 4;
    for (std::size_t i = 0; i < filler; ++i) e += (i % 60 == 59 && i + 1 < filler) ? '.' : 'd';
    return e + ".com";
  };
  c.email = email_of(limits::kEmailLocal, limits::kEmail);
  BOOST_REQUIRE(c.email->size() == limits::kEmail);
  const Contact added = a.contacts().add(c);
  BOOST_TEST(added.contact_name == c.contact_name);
  BOOST_TEST(added.role == c.role);
  BOOST_TEST(added.email == c.email);

  Contact too_long = make_contact(host.id, text_of(limits::kContactName + 1));
  too_long.role = text_of(limits::kRole + 1);
  too_long.contact_notes = text_of(limits::kNotes + 1);
  CHECK_VALIDATION_ERRORS(
      a.contacts().add(too_long),
      {"contact_name|text.too_long", "role|text.too_long", "contact_notes|text.too_long"});
  CHECK_VALIDATION_CODES(
      a.contacts().add(make_contact(host.id, "Local",
                                    std::string(limits::kEmailLocal + 1, 'l') + "@example.com")),
      {"email.local_part_too_long"});
  CHECK_VALIDATION_CODES(
      a.contacts().add(make_contact(host.id, "Whole", email_of(10, limits::kEmail + 1))),
      {"email.too_long"});
  CHECK_VALIDATION_CODES(a.contacts().add(make_contact(
                             host.id, "Phone", std::nullopt,
                             "+1 415 555 2671" + std::string(limits::kPhoneInput, ' ') + "1")),
                         {"phone.too_long"});
  BOOST_TEST(list_all(a, host.id).size() == 1u);
}

BOOST_AUTO_TEST_CASE(hostile_text_in_updates_keeps_the_old_row_when_refused) {
  const Account created = create_account(a, "Update Host");
  for (const auto& s : invalid_strings()) {
    Account edit = a.accounts().get(created.id);
    edit.company_name = "U" + s;
    edit.account_notes = s;
    BOOST_CHECK_THROW(a.accounts().update(edit), ValidationError);
  }
  BOOST_TEST(a.accounts().get(created.id) == created);
  for (const auto& s : hostile_strings()) {
    Account edit = a.accounts().get(created.id);
    edit.company_name = wrap(s);
    edit.account_notes = s;
    Account stored;
    BOOST_REQUIRE(stored_or_rejected([&] { stored = a.accounts().update(edit); }, s));
    BOOST_TEST(a.accounts().get(created.id).company_name == wrap(s));
    BOOST_TEST(stored.account_notes == s);
  }
  BOOST_TEST(a.accounts().get(created.id).version ==
             static_cast<std::int64_t>(1 + hostile_strings().size()));
}

BOOST_AUTO_TEST_SUITE_END()
