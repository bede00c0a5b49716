// The importer (custmgmt::import_accounts) on a SQLite store, shared by
// fuzz_import_ndjson and fuzz_import_csv (each defines LLVMFuzzerTestOneInput
// as run_import(format, data, size)).
//
// Every input starts from the same state: a private :memory: store seeded
// once (accounts of two users, one archived, contacts with and without
// email, a primary), and each input runs inside a transaction of the
// importing session that is rolled back afterwards (the import's batches and
// strict mode become savepoints inside it), so a finding replays exactly and
// no file is opened per input. The first byte of the input picks the
// options, the rest is the file:
//   bit 0  strict             bit 1  service session (else user A)
//   bit 2  ignore_unknown_columns
//   bits 3-4  batch_size 1, 2, 3 or 1000
// Properties: import_accounts throws nothing; the report's counts match the
// store (accounts and contacts created = what an export finds added; nothing
// kept when strict mode rolled back); every rejected row is reported with its
// line, a code, a message and, for CSV, a field that is a CSV column (or
// empty for the whole row); the report is valid UTF-8 JSON; the store passes
// custmgmt::verify (one primary and unique emails per account); importing
// the same file again creates nothing (docs/import-export.md, matching);
// after the rollback the session sees the seed again.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "custmgmt/custmgmt.hpp"
#include "custmgmt/io.hpp"
#include "custmgmt/validate.hpp"
#include "fuzz_support.hpp"

namespace custmgmt::fuzz {

inline const char* const kFuzzUserA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
inline const char* const kFuzzUserB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

// The seeded store, built once per process, and its sessions.
struct ImportWorld {
  Store store = Store::open(":memory:");
  Session service = store.service();
  Session user = store.session(kFuzzUserA);
  ExportReport seed_of_service;
  ExportReport seed_of_user;

  ImportWorld();
};

// What the session sees: accounts (archived included) and their contacts.
inline ExportReport visible(Session& session) {
  std::ostringstream sink;
  return export_accounts(session, sink);
}

inline ImportWorld::ImportWorld() {
  const auto account = [&](const char* user, const char* name, CustomerType type,
                           const char* street) {
    Account a;
    a.company_name = name;
    a.customer_type = type;
    a.created_by = user;
    a.billing_address = {street, "Springfield", "IL", "62701", "US"};
    a.tags = {"seed"};
    return service.accounts().create(a).id;
  };
  const auto contact = [&](Id account, const char* name, std::optional<std::string> email,
                           bool primary) {
    Contact c;
    c.customer_account_id = account;
    c.contact_name = name;
    c.email = std::move(email);
    c.is_primary_contact = primary;
    service.contacts().add(c);
  };
  const Id acme = account(kFuzzUserA, "Acme Plumbing", CustomerType::Commercial, "1 Main St");
  contact(acme, "Jane Doe", std::string("jane@acme.example"), true);
  contact(acme, "Bob", std::nullopt, false);
  const Id smith = account(kFuzzUserA, "Smith Residence", CustomerType::Residential, "");
  contact(smith, "John Smith", std::string("john@smith.example"), false);
  const Id old = account(kFuzzUserA, "Old Co", CustomerType::Commercial, "9 Elm St");
  service.accounts().archive(old);
  const Id other = account(kFuzzUserB, "Acme Plumbing", CustomerType::Commercial, "1 Main St");
  contact(other, "Secret Person", std::string("secret@b.example"), true);
  seed_of_service = visible(service);
  seed_of_user = visible(user);
}

inline ImportWorld& import_world() {
  static ImportWorld w;
  return w;
}

inline std::size_t line_count(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

inline void check_report(const ImportReport& r, const ImportOptions& o, std::string_view file) {
  require(r.errors.size() >= r.rejected, "a rejected row without an error");
  require(r.rejected > 0 || r.errors.empty(), "errors reported but no row rejected");
  require(r.rejected <= r.rows + 1, "more rejections than rows (plus one file error)");
  require(r.accounts_created + r.accounts_updated + r.accounts_unchanged <= r.rows,
          "more accounts written than rows read");
  require(r.committed || (o.strict && r.rejected > 0), "rolled back without strict mode");
  if (!r.committed) {
    require(r.accounts_created + r.accounts_updated + r.accounts_unchanged + r.contacts_created +
                    r.contacts_updated + r.contacts_unchanged ==
                0,
            "a rolled-back import reports writes");
  }
  const std::size_t lines = line_count(file);
  for (const ImportError& e : r.errors) {
    require(!e.code.empty(), "an import error without a code");
    require(!e.message.empty(), "an import error without a message");
    require(e.line <= lines, "an import error after the last line");
    require(e.line >= 1 || e.code == "io.read_failed", "an import error without a line");
    if (o.format == DataFormat::Csv && e.code != "csv.unknown_column") {
      const auto& columns = csv_columns();
      require(
          e.field.empty() || std::find(columns.begin(), columns.end(), e.field) != columns.end(),
          "a CSV import error names a field that is not a CSV column");
    }
  }
  require(is_valid_utf8(to_json(r)), "the import report is not valid UTF-8 JSON");
}

inline void check_store(Session& session) {
  const auto problems = verify(session);
  for (const auto& p : problems) {
    std::fprintf(stderr, "verify: %s: %s\n", p.check.c_str(), p.message.c_str());
  }
  require(problems.empty(), "the store fails verify() after an import");
}

// The same file again, on top of the first import: creates nothing.
inline void import_again(Session& session, const ImportOptions& options, const std::string& file,
                         const ExportReport& after) {
  ImportReport again;
  try {
    std::istringstream in(file);
    again = import_accounts(session, in, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "the second import_accounts threw: %s\n", e.what());
    require(false, "the second import_accounts threw");
  }
  check_report(again, options, file);
  if (again.committed) {
    require(again.accounts_created == 0, "importing the same file again created accounts");
    require(again.contacts_created == 0, "importing the same file again created contacts");
  }
  const ExportReport last = visible(session);
  require(last.accounts == after.accounts && last.contacts == after.contacts,
          "importing the same file again added to the store");
  check_store(session);
}

inline int run_import(DataFormat format, const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  ImportWorld& w = import_world();
  const std::uint8_t flags = data[0];
  const std::string file(as_text(data + 1, size - 1));

  ImportOptions options;
  options.format = format;
  options.strict = (flags & 1) != 0;
  options.ignore_unknown_columns = (flags & 4) != 0;
  const std::size_t batches[] = {1, 2, 3, 1000};
  options.batch_size = batches[(flags >> 3) & 3];
  options.max_errors_kept = static_cast<std::size_t>(-1);

  const bool service = (flags & 2) != 0;
  Session& session = service ? w.service : w.user;
  const ExportReport before = service ? w.seed_of_service : w.seed_of_user;
  Transaction input = session.transaction();  // rolled back below

  ImportReport report;
  try {
    std::istringstream in(file);
    report = import_accounts(session, in, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "import_accounts threw: %s\n", e.what());
    require(false, "import_accounts threw");
  }
  check_report(report, options, file);
  const ExportReport after = visible(session);
  require(after.accounts >= before.accounts && after.contacts >= before.contacts,
          "an import removed accounts or contacts");
  require(after.accounts - before.accounts == report.accounts_created,
          "accounts_created differs from the accounts added to the store");
  require(after.contacts - before.contacts == report.contacts_created,
          "contacts_created differs from the contacts added to the store");
  check_store(session);
  if (report.committed) import_again(session, options, file, after);
  input.rollback();
  const ExportReport reset = visible(session);
  require(reset.accounts == before.accounts && reset.contacts == before.contacts,
          "rolling back the input's transaction did not restore the seed");
  return 0;
}

}  // namespace custmgmt::fuzz
