// The security matrix: every operation of both repositories, run by the
// owner, by another user and by the service role against the owner's data,
// with the outcome the spec's policies give -- and nothing changed when the
// operation is refused. Then the ways a user might learn of another user's
// account: error kinds and messages, stale versions, forged cursors, stats,
// export and import.
// (tests/conformance/visibility_test.cpp covers the policies one by one;
// this suite checks them exhaustively and the information leaks.)
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/fixtures.hpp"
#include "custmgmt/io.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

enum class Outcome { Allowed, Hidden, Denied, Failed };

std::ostream& operator<<(std::ostream& os, Outcome o) {
  switch (o) {
    case Outcome::Allowed:
      return os << "allowed";
    case Outcome::Hidden:
      return os << "hidden (NotFound / not in results)";
    case Outcome::Denied:
      return os << "denied (PermissionDenied)";
    case Outcome::Failed:
      return os << "failed otherwise";
  }
  return os;
}

// The owner's data one operation runs against: an account of A with a
// primary and a second contact, plus an account and contact of the actor
// (for moves).
struct Target {
  Account account;
  Contact primary;
  Contact other;
  Account actors_account;
  Contact actors_contact;
};

// An operation returns true when it read or changed the target, false when
// the target was not in its results.
using Operation = std::function<bool(Session&, Target&)>;

struct Case {
  const char* name;
  Operation op;
  Outcome other_user;  // what user B gets; the owner and service are Allowed
};

bool has_id(const std::vector<Account>& rows, Id id) {
  return std::any_of(rows.begin(), rows.end(), [&](const Account& a) { return a.id == id; });
}
bool has_id(const std::vector<Contact>& rows, Id id) {
  return std::any_of(rows.begin(), rows.end(), [&](const Contact& c) { return c.id == id; });
}

std::vector<Case> cases() {
  return {
      {"account get", [](Session& s, Target& t) { return s.accounts().get(t.account.id).id > 0; },
       Outcome::Hidden},
      {"account find",
       [](Session& s, Target& t) { return s.accounts().find(t.account.id).has_value(); },
       Outcome::Hidden},
      {"account update",
       [](Session& s, Target& t) {
         Account edit = t.account;
         edit.account_notes = "changed";
         return s.accounts().update(edit).account_notes == "changed";
       },
       Outcome::Hidden},
      {"account update with a wrong version",
       [](Session& s, Target& t) {
         Account edit = t.account;
         edit.version += 7;
         try {
           s.accounts().update(edit);
         } catch (const Conflict&) {
           return true;  // the row exists for this actor: it learnt so
         }
         return true;
       },
       Outcome::Hidden},
      {"account remove",
       [](Session& s, Target& t) {
         s.accounts().remove(t.account.id);
         return true;
       },
       Outcome::Hidden},
      {"account archive",
       [](Session& s, Target& t) { return s.accounts().archive(t.account.id).archived(); },
       Outcome::Hidden},
      {"account restore",
       [](Session& s, Target& t) { return !s.accounts().restore(t.account.id).archived(); },
       Outcome::Hidden},
      {"account search by name",
       [](Session& s, Target& t) {
         AccountQuery q;
         q.text = t.account.company_name;
         return has_id(search_all(s, q), t.account.id);
       },
       Outcome::Hidden},
      {"account search by tag",
       [](Session& s, Target& t) {
         AccountQuery q;
         q.tags_all = t.account.tags;
         q.archived = ArchivedFilter::Include;
         return has_id(search_all(s, q), t.account.id);
       },
       Outcome::Hidden},
      {"account list, every sort",
       [](Session& s, Target& t) {
         bool seen = true;
         for (auto sort : {AccountSort::CreatedDesc, AccountSort::CreatedAsc, AccountSort::NameAsc,
                           AccountSort::UpdatedDesc}) {
           AccountQuery q;
           q.sort = sort;
           q.limit = 1;
           q.archived = ArchivedFilter::Include;
           seen = has_id(search_all(s, q), t.account.id) && seen;
         }
         return seen;
       },
       Outcome::Hidden},
      {"account stats",
       [](Session& s, Target& t) {
         StatsOptions options;
         options.top_tags = 100;
         const auto stats = s.accounts().stats(options);
         return std::any_of(stats.top_tags.begin(), stats.top_tags.end(),
                            [&](const TagCount& tc) { return tc.tag == t.account.tags[0]; });
       },
       Outcome::Hidden},
      {"account create for the owner (created_by)",
       [](Session& s, Target& t) {
         Account in = make_account("Created For The Owner");
         in.created_by = t.account.created_by;
         return s.accounts().create(in).created_by == t.account.created_by;
       },
       Outcome::Denied},
      {"account create_many for the owner (created_by)",
       [](Session& s, Target& t) {
         Account mine = make_account("Bulk Own");
         Account theirs = make_account("Bulk For The Owner");
         theirs.created_by = t.account.created_by;
         return s.accounts().create_many({mine, theirs}).at(1).created_by == t.account.created_by;
       },
       Outcome::Denied},
      {"contact add",
       [](Session& s, Target& t) {
         return s.contacts().add(make_contact(t.account.id, "Added")).id > 0;
       },
       Outcome::Hidden},
      {"contact get", [](Session& s, Target& t) { return s.contacts().get(t.other.id).id > 0; },
       Outcome::Hidden},
      {"contact find",
       [](Session& s, Target& t) { return s.contacts().find(t.other.id).has_value(); },
       Outcome::Hidden},
      {"contact update",
       [](Session& s, Target& t) {
         Contact edit = t.other;
         edit.role = "changed";
         return s.contacts().update(edit).role == "changed";
       },
       Outcome::Hidden},
      {"contact move out of the owner's account",
       [](Session& s, Target& t) {
         Contact edit = t.other;
         edit.customer_account_id = t.actors_account.id;
         return s.contacts().update(edit).customer_account_id == t.actors_account.id;
       },
       Outcome::Hidden},
      {"contact move into the owner's account",
       [](Session& s, Target& t) {
         Contact edit = t.actors_contact;
         edit.customer_account_id = t.account.id;
         return s.contacts().update(edit).customer_account_id == t.account.id;
       },
       Outcome::Hidden},
      {"contact remove",
       [](Session& s, Target& t) {
         s.contacts().remove(t.other.id);
         return true;
       },
       Outcome::Hidden},
      {"contact set_primary",
       [](Session& s, Target& t) {
         return s.contacts().set_primary(t.other.id).is_primary_contact;
       },
       Outcome::Hidden},
      {"contact list",
       [](Session& s, Target& t) { return has_id(list_all(s, t.account.id), t.primary.id); },
       Outcome::Hidden},
      {"contact search by name",
       [](Session& s, Target& t) {
         ContactQuery q;
         q.text = t.primary.contact_name;
         return has_id(search_all(s, q), t.primary.id);
       },
       Outcome::Hidden},
      {"contact search by email",
       [](Session& s, Target& t) {
         ContactQuery q;
         q.email = t.primary.email;
         return has_id(search_all(s, q), t.primary.id);
       },
       Outcome::Hidden},
      {"contact search by phone",
       [](Session& s, Target& t) {
         ContactQuery q;
         q.phone = t.primary.phone;
         return has_id(search_all(s, q), t.primary.id);
       },
       Outcome::Hidden},
      {"contact search by account",
       [](Session& s, Target& t) {
         ContactQuery q;
         q.account_id = t.account.id;
         return has_id(search_all(s, q), t.primary.id);
       },
       Outcome::Hidden},
  };
}

Outcome run(const Operation& op, Session& s, Target& t, std::string& detail) {
  try {
    return op(s, t) ? Outcome::Allowed : Outcome::Hidden;
  } catch (const NotFound&) {
    return Outcome::Hidden;
  } catch (const PermissionDenied&) {
    return Outcome::Denied;
  } catch (const std::exception& e) {
    detail = e.what();
    return Outcome::Failed;
  }
}

// The error an action throws, as "Type code message", with every number
// replaced by '#' so that messages about different ids compare equal.
std::string error_of(const std::function<void()>& action) {
  try {
    action();
    return "nothing";
  } catch (const Error& e) {
    std::string kind = dynamic_cast<const NotFound*>(&e)           ? "NotFound"
                       : dynamic_cast<const Conflict*>(&e)         ? "Conflict"
                       : dynamic_cast<const PermissionDenied*>(&e) ? "PermissionDenied"
                                                                   : "Error";
    // Not std::regex: GCC 12 warns (maybe-uninitialized) inside it under
    // -fsanitize, which -Werror turns into a failed ASan build.
    std::string text;
    for (const char* p = e.what(); *p != '\0'; ++p) {
      const bool digit = *p >= '0' && *p <= '9';
      if (!digit) {
        text += *p;
      } else if (text.empty() || text.back() != '#') {
        text += '#';
      }
    }
    return kind + " " + e.code() + " " + text;
  }
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(security_matrix, Fixture)

BOOST_AUTO_TEST_CASE(every_operation_by_owner_other_user_and_service) {
  int n = 0;
  for (const auto& c : cases()) {
    for (const char* actor : {"owner", "other user", "service"}) {
      BOOST_TEST_CONTEXT(c.name << " by the " << actor) {
        ++n;
        Session& s = std::string(actor) == "owner"        ? a
                     : std::string(actor) == "other user" ? b
                                                          : service;
        Target t;
        t.account = create_account(a, "Matrix Target " + std::to_string(n),
                                   CustomerType::Commercial, {"matrix-" + std::to_string(n)});
        t.primary =
            a.contacts().add(make_contact(t.account.id, "Matrixprimary" + std::to_string(n),
                                          "p" + std::to_string(n) + "@matrix.example",
                                          "+1 201 555 01" + std::to_string(10 + n % 80), true));
        t.other = a.contacts().add(make_contact(t.account.id, "Matrixother " + std::to_string(n)));
        if (std::string(c.name) == "account restore") a.accounts().archive(t.account.id);
        t.account = a.accounts().get(t.account.id);
        // For the service role the "actor's own" account belongs to B.
        Session& own = &s == &service ? b : s;
        t.actors_account = create_account(own, "Actor Account " + std::to_string(n));
        t.actors_contact = own.contacts().add(make_contact(t.actors_account.id, "Mover"));

        const Account account_before = t.account;
        const auto contacts_before = list_all(a, t.account.id);
        std::string detail;
        const Outcome got = run(c.op, s, t, detail);
        const Outcome expected = &s == &b ? c.other_user : Outcome::Allowed;
        BOOST_TEST(got == expected, detail);
        if (expected != Outcome::Allowed) {
          BOOST_TEST(a.accounts().get(t.account.id) == account_before);
          BOOST_TEST(list_all(a, t.account.id) == contacts_before,
                     boost::test_tools::per_element());
        }
      }
    }
  }
  // Nothing B was refused was written in part or under another name.
  AccountQuery all;
  all.archived = ArchivedFilter::Include;
  for (const auto& acc : search_all(service, all)) {
    const bool refused_name = acc.company_name.find("For The Owner") != std::string::npos ||
                              acc.company_name == "Bulk Own";
    BOOST_TEST(!(refused_name && acc.updated_by == kUserB), acc.company_name);
  }
}

BOOST_AUTO_TEST_CASE(a_refused_create_many_writes_nothing) {
  Account mine = make_account("Bulk Mine");
  Account theirs = make_account("Bulk Theirs");
  theirs.created_by = kUserA;
  CHECK_THROWS_CODE(b.accounts().create_many({mine, theirs}), PermissionDenied,
                    "permission.denied");
  BOOST_TEST(search_all(service).empty());
}

BOOST_AUTO_TEST_CASE(created_by_cannot_be_changed_by_an_update) {
  Account created = create_account(a, "Owned By A");
  Account edit = created;
  edit.created_by = kUserB;
  CHECK_THROWS_CODE(a.accounts().update(edit), PermissionDenied, "permission.denied");
  BOOST_TEST(a.accounts().get(created.id) == created);
  BOOST_TEST(b.accounts().find(created.id) == std::nullopt);
}

BOOST_AUTO_TEST_CASE(errors_do_not_tell_a_foreign_record_from_a_missing_one) {
  const Account theirs = create_account(a, "Secret Co");
  const Contact contact =
      a.contacts().add(make_contact(theirs.id, "Secret Person", "s@secret.example"));
  const Account mine = create_account(b, "Mine Co");
  const Contact my_contact = b.contacts().add(make_contact(mine.id, "My Person"));
  // Ids that exist for nobody.
  const Id none = theirs.id + contact.id + mine.id + 1000;

  auto same = [&](const std::function<void(Id)>& op, Id foreign) {
    const std::string on_foreign = error_of([&] { op(foreign); });
    const std::string on_missing = error_of([&] { op(none); });
    BOOST_TEST(on_foreign == on_missing);
    BOOST_TEST(on_foreign.rfind("NotFound ", 0) == 0u, on_foreign);
    BOOST_TEST(on_foreign.find("Secret") == std::string::npos, on_foreign);
  };
  same([&](Id id) { b.accounts().get(id); }, theirs.id);
  same([&](Id id) { b.accounts().archive(id); }, theirs.id);
  same([&](Id id) { b.accounts().restore(id); }, theirs.id);
  same([&](Id id) { b.accounts().remove(id); }, theirs.id);
  same(
      [&](Id id) {
        Account edit = theirs;
        edit.id = id;
        edit.version = 99;  // stale as well: still NotFound, never Conflict
        b.accounts().update(edit);
      },
      theirs.id);
  same([&](Id id) { b.contacts().get(id); }, contact.id);
  same([&](Id id) { b.contacts().remove(id); }, contact.id);
  same([&](Id id) { b.contacts().set_primary(id); }, contact.id);
  same([&](Id id) { b.contacts().list(id); }, theirs.id);
  same([&](Id id) { b.contacts().add(make_contact(id, "Probe", "s@secret.example")); }, theirs.id);
  same(
      [&](Id id) {
        Contact edit = contact;
        edit.id = id;
        edit.version = 99;
        b.contacts().update(edit);
      },
      contact.id);
  same(
      [&](Id id) {
        Contact edit = my_contact;
        edit.customer_account_id = id;
        b.contacts().update(edit);
      },
      theirs.id);
  BOOST_TEST(a.accounts().get(theirs.id) == theirs);
  BOOST_TEST(a.contacts().get(contact.id) == contact);
}

BOOST_AUTO_TEST_CASE(a_cursor_from_another_users_page_shows_nothing_of_theirs) {
  for (int i = 0; i < 5; ++i) create_account(a, "Cursor Secret " + std::to_string(i));
  create_account(b, "Cursor Mine");
  for (auto sort : {AccountSort::CreatedDesc, AccountSort::CreatedAsc, AccountSort::NameAsc,
                    AccountSort::UpdatedDesc, AccountSort::Relevance}) {
    AccountQuery q;
    q.sort = sort;
    q.limit = 2;
    if (sort == AccountSort::Relevance) q.text = "cursor";
    const auto page = a.accounts().search(q);
    BOOST_REQUIRE(page.next_cursor.has_value());
    q.cursor = *page.next_cursor;
    try {
      for (const auto& acc : search_all(b, q)) {
        BOOST_TEST(acc.created_by == kUserB, acc.company_name);
      }
    } catch (const ValidationError& e) {
      BOOST_TEST(e.errors().at(0).code == "cursor.invalid");
    }
  }
}

BOOST_AUTO_TEST_CASE(conflict_messages_name_nothing_of_other_records) {
  const Account account = create_account(a, "Conflict Co");
  a.contacts().add(
      make_contact(account.id, "Private Name", "dup@conflict.example", std::nullopt, true));
  try {
    a.contacts().add(make_contact(account.id, "Second", "DUP@conflict.example"));
    BOOST_FAIL("a duplicate email was accepted");
  } catch (const Conflict& e) {
    BOOST_TEST(e.code() == "contact.duplicate_email");
    BOOST_TEST(std::string(e.what()).find("Private") == std::string::npos, e.what());
  }
  try {
    a.contacts().add(make_contact(account.id, "Third", std::nullopt, std::nullopt, true));
    BOOST_FAIL("a second primary was accepted");
  } catch (const Conflict& e) {
    BOOST_TEST(e.code() == "contact.duplicate_primary");
    BOOST_TEST(std::string(e.what()).find("Private") == std::string::npos, e.what());
  }
  // B's email may equal one in A's account: uniqueness is per account and
  // says nothing about other accounts.
  const Account bs = create_account(b, "B Conflict Co");
  BOOST_TEST(b.contacts().add(make_contact(bs.id, "B Person", "dup@conflict.example")).id > 0);
}

BOOST_AUTO_TEST_CASE(stats_of_a_user_count_nothing_of_another) {
  for (int i = 0; i < 3; ++i) {
    const Account acc =
        create_account(a, "Stat A " + std::to_string(i), CustomerType::Residential, {"secret-tag"});
    a.contacts().add(make_contact(acc.id, "Stat Contact"));
  }
  a.accounts().archive(create_account(a, "Archived A").id);
  const AccountStats empty = b.accounts().stats();
  BOOST_TEST(empty.total_accounts == 0);
  BOOST_TEST(empty.archived_accounts == 0);
  BOOST_TEST(empty.total_contacts == 0);
  BOOST_TEST(empty.accounts_without_primary_contact == 0);
  BOOST_TEST(empty.top_tags.empty());
  for (const auto& m : empty.new_accounts_per_month) BOOST_TEST(m.count == 0);
  BOOST_TEST(service.accounts().stats().total_accounts == 3);
}

BOOST_AUTO_TEST_CASE(export_and_import_of_a_user_touch_nothing_of_another) {
  const Account secret = create_account(a, "Export Secret Co");
  a.contacts().add(make_contact(secret.id, "Secret Person", "secret@export.example"));
  // B's export of everything he sees holds nothing of A's.
  create_account(b, "B Own Co");
  std::ostringstream ndjson;
  const ExportReport mine = export_accounts(b, ndjson);
  BOOST_TEST(mine.accounts == 1u);
  BOOST_TEST(ndjson.str().find("Secret") == std::string::npos, ndjson.str());
  std::ostringstream csv;
  ExportOptions as_csv;
  as_csv.format = DataFormat::Csv;
  export_accounts(b, csv, as_csv);
  BOOST_TEST(csv.str().find("Secret") == std::string::npos, csv.str());
  ExportOptions one;
  one.account_id = secret.id;
  CHECK_THROWS_CODE(export_accounts(b, ndjson, one), NotFound, "account.not_found");
  // B importing A's account (same natural key, A's contact, A as creator)
  // creates B's own copy and leaves A's untouched.
  const Account before = a.accounts().get(secret.id);
  std::istringstream in(
      "{\"company_name\":\"Export Secret Co\",\"customer_type\":\"Commercial\","
      "\"created_by\":\"" +
      kUserA +
      "\",\"contacts\":[{\"contact_name\":\"Changed\",\"email\":\"secret@export.example\"}]}\n");
  const ImportReport report = import_accounts(b, in);
  BOOST_TEST(report.rejected == 0u);
  BOOST_TEST(report.accounts_created == 1u);
  BOOST_TEST(report.accounts_updated == 0u);
  const auto contacts = list_all(a, secret.id);
  BOOST_TEST_REQUIRE(contacts.size() == 1u);
  BOOST_TEST(contacts[0].contact_name == "Secret Person");
  BOOST_TEST(a.accounts().get(secret.id) == before);
  for (const auto& acc : search_all(b)) BOOST_TEST(acc.created_by == kUserB);
}

BOOST_AUTO_TEST_SUITE_END()
