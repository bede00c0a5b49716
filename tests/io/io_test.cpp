// Export/import (NDJSON, CSV), backup and selective restore through the
// public API, run once per backend (io_sqlite, io_postgres).
#define BOOST_TEST_MODULE custmgmt_io
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "conformance/context.hpp"
#include "custmgmt/custmgmt.hpp"

using namespace custmgmt;

namespace {

const std::string kUser = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";

struct Fixture {
  Store store = test::open_fresh_store();
  Session service = store.service();
};

Address addr(std::string street, std::string city, std::string state, std::string zip,
             std::string country) {
  return {std::move(street), std::move(city), std::move(state), std::move(zip), std::move(country)};
}

// A varied data set: every field set somewhere, non-ASCII text, an archived
// account, an account without contacts, phones kept as typed and with
// extensions.
void seed(Session& s) {
  Account a;
  a.company_name = "Acme Plumbing, Inc.";
  a.customer_type = CustomerType::Commercial;
  a.billing_address = addr("1 Main St", "Austin", "TX", "78701", "US");
  a.service_address = addr("2 Side Rd", "Toronto", "ON", "M5V 2T6", "CA");
  a.account_notes = "Line one\nLine \"two\", with comma";
  a.tags = {"vip", "plumbing"};
  a.created_by = kUser;
  const Id acme = s.accounts().create(a).id;
  Contact c;
  c.customer_account_id = acme;
  c.contact_name = "Zoë Müller";
  c.email = "Zoe@Example.COM";
  c.phone = "(512) 555-0134";
  c.role = "Billing";
  c.is_primary_contact = true;
  c.contact_notes = "Prefers email";
  s.contacts().add(c);
  Contact d;
  d.customer_account_id = acme;
  d.contact_name = "Bob Stone";
  d.phone = "+44 20 7946 0958 ext. 12";
  s.contacts().add(d);

  Account home;
  home.company_name = "Jean Tremblay";
  home.customer_type = CustomerType::Residential;
  home.billing_address = addr("5 Rue Principale", "Montréal", "QC", "H2X 1Y4", "Canada");
  s.accounts().create(home);

  Account old;
  old.company_name = "Old Co";
  old.customer_type = CustomerType::Commercial;
  old.tags = {"legacy"};
  const Id old_id = s.accounts().create(old).id;
  Contact e;
  e.customer_account_id = old_id;
  e.contact_name = "Olga";
  e.email = "olga@old.example";
  s.contacts().add(e);
  s.accounts().archive(old_id);
}

std::string export_text(Session& s, DataFormat format) {
  std::ostringstream out;
  ExportOptions options;
  options.format = format;
  export_accounts(s, out, options);
  return out.str();
}

ImportReport import_text(Session& s, const std::string& text, DataFormat format,
                         ImportOptions options = {}) {
  std::istringstream in(text);
  options.format = format;
  return import_accounts(s, in, options);
}

struct Snapshot {
  std::vector<Account> accounts;
  std::vector<std::vector<Contact>> contacts;
};

Snapshot snapshot(Session& s) {
  Snapshot out;
  AccountQuery q;
  q.archived = ArchivedFilter::Include;
  q.sort = AccountSort::NameAsc;
  q.limit = 1000;
  out.accounts = s.accounts().search(q).items;
  for (const auto& a : out.accounts) {
    auto contacts = s.contacts().list(a.id, {}, 1000).items;
    out.contacts.push_back(contacts);
  }
  return out;
}

// Equal in every field the data carries (ids, timestamps, versions and the
// audit fields the target store assigns are not data).
// `via_csv`: y was imported from a CSV export of x, which keeps a phone's
// display form only when it starts with +country (see phone_text()).
void check_same_data(const Snapshot& x, const Snapshot& y, bool archive_and_owner,
                     bool via_csv = false) {
  BOOST_REQUIRE_EQUAL(x.accounts.size(), y.accounts.size());
  for (std::size_t i = 0; i < x.accounts.size(); ++i) {
    const Account& a = x.accounts[i];
    const std::string where = a.company_name;
    const Account& b = y.accounts[i];
    BOOST_TEST((a.company_name == b.company_name), "company_name of " << where);
    BOOST_TEST((a.customer_type == b.customer_type), "customer_type of " << where);
    BOOST_TEST((a.billing_address == b.billing_address), "billing_address of " << where);
    BOOST_TEST((a.service_address == b.service_address), "service_address of " << where);
    BOOST_TEST((a.account_notes == b.account_notes), "account_notes of " << where);
    BOOST_TEST((a.tags == b.tags), "tags of " << where);
    if (archive_and_owner) {
      BOOST_TEST((a.archived() == b.archived()), "archived of " << where);
      BOOST_TEST((a.created_by == b.created_by), "created_by of " << where);
    }
    BOOST_REQUIRE_EQUAL(x.contacts[i].size(), y.contacts[i].size());
    for (std::size_t j = 0; j < x.contacts[i].size(); ++j) {
      const Contact& c = x.contacts[i][j];
      const std::string where = a.company_name + "/" + c.contact_name;
      const Contact& d = y.contacts[i][j];
      BOOST_TEST((c.contact_name == d.contact_name), "contact_name of " << where);
      BOOST_TEST((c.email == d.email), "email of " << where);
      BOOST_TEST((c.phone == d.phone), "phone of " << where);
      BOOST_TEST((c.phone_extension == d.phone_extension), "phone_extension of " << where);
      std::optional<std::string> display = c.phone_display;
      if (via_csv && display && display->compare(0, 1, "+") != 0) display.reset();
      BOOST_TEST((display == d.phone_display), "phone_display of " << where);
      BOOST_TEST((c.role == d.role), "role of " << where);
      BOOST_TEST((c.is_primary_contact == d.is_primary_contact), "is_primary_contact of " << where);
      BOOST_TEST((c.contact_notes == d.contact_notes), "contact_notes of " << where);
    }
  }
}

bool has_error(const ImportReport& r, std::uint64_t line, const std::string& field,
               const std::string& code) {
  for (const auto& e : r.errors) {
    if (e.line == line && e.field == field && e.code == code && !e.message.empty()) return true;
  }
  return false;
}

const std::string kHeader =
    "company_name,customer_type,billing_street,billing_city,billing_state,billing_zip,"
    "billing_country,tags,contact_name,email,phone,role,is_primary_contact\n";

std::filesystem::path temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "custmgmt-io-XXXXXX").string();
  BOOST_REQUIRE(mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(io, Fixture)

BOOST_AUTO_TEST_CASE(ndjson_round_trip_reproduces_every_field) {
  seed(service);
  const std::string text = export_text(service, DataFormat::Ndjson);
  Store target = test::open_fresh_store();
  Session into = target.service();
  const ImportReport r = import_text(into, text, DataFormat::Ndjson);
  BOOST_TEST(r.rejected == 0u);
  BOOST_TEST(r.accounts_created == 3u);
  BOOST_TEST(r.contacts_created == 3u);
  check_same_data(snapshot(service), snapshot(into), true);
}

BOOST_AUTO_TEST_CASE(csv_round_trip_reproduces_every_csv_field) {
  seed(service);
  const std::string text = export_text(service, DataFormat::Csv);
  BOOST_TEST(text.compare(0, 13, "company_name,") == 0);
  Store target = test::open_fresh_store();
  Session into = target.service();
  const ImportReport r = import_text(into, text, DataFormat::Csv);
  BOOST_TEST(r.rejected == 0u);
  BOOST_TEST(r.rows == 4u);  // two contacts of Acme, one account alone, Olga
  BOOST_TEST(r.accounts_created == 3u);
  BOOST_TEST(r.contacts_created == 3u);
  check_same_data(snapshot(service), snapshot(into), false, true);
}

BOOST_AUTO_TEST_CASE(csv_export_means_the_same_numbers_under_another_default_region) {
  seed(service);  // "(512) 555-0134" typed in a store whose default region is US
  const std::string text = export_text(service, DataFormat::Csv);
  BOOST_TEST(text.find("(512) 555-0134") == std::string::npos);
  StoreOptions british;
  british.default_region = "GB";
  Store target = test::open_fresh_store(british);
  Session into = target.service();
  const ImportReport r = import_text(into, text, DataFormat::Csv);
  BOOST_TEST(r.rejected == 0u);
  const Snapshot x = snapshot(service);
  const Snapshot y = snapshot(into);
  BOOST_REQUIRE_EQUAL(x.contacts.size(), y.contacts.size());
  for (std::size_t i = 0; i < x.contacts.size(); ++i) {
    BOOST_REQUIRE_EQUAL(x.contacts[i].size(), y.contacts[i].size());
    for (std::size_t j = 0; j < x.contacts[i].size(); ++j) {
      BOOST_TEST((x.contacts[i][j].phone == y.contacts[i][j].phone));
      BOOST_TEST((x.contacts[i][j].phone_extension == y.contacts[i][j].phone_extension));
    }
  }
}

BOOST_AUTO_TEST_CASE(csv_then_ndjson_round_trip_is_equal) {
  seed(service);
  Store second = test::open_fresh_store();
  Session s2 = second.service();
  import_text(s2, export_text(service, DataFormat::Csv), DataFormat::Csv);
  Store third = test::open_fresh_store();
  Session s3 = third.service();
  const auto r = import_text(s3, export_text(s2, DataFormat::Ndjson), DataFormat::Ndjson);
  BOOST_TEST(r.rejected == 0u);
  check_same_data(snapshot(s2), snapshot(s3), true);
}

BOOST_AUTO_TEST_CASE(export_of_one_account_and_of_a_search) {
  seed(service);
  const Id acme = snapshot(service).accounts.front().id;
  std::ostringstream one;
  ExportOptions options;
  options.account_id = acme;
  BOOST_TEST(export_accounts(service, one, options).accounts == 1u);
  BOOST_TEST(one.str().find("\"contacts\":[") != std::string::npos);
  std::ostringstream found;
  ExportOptions search;
  search.query = AccountQuery{};
  search.query->text = "jean";
  const auto r = export_accounts(service, found, search);
  BOOST_TEST(r.accounts == 1u);
  BOOST_TEST(found.str().find("Jean Tremblay") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(csv_header_is_case_insensitive_in_any_order) {
  const std::string text =
      "Customer_Type, EMAIL ,Company_Name,Contact_Name\n"
      "residential,ann@example.com,Ann Home,Ann\n";
  const auto r = import_text(service, text, DataFormat::Csv);
  BOOST_TEST(r.rejected == 0u);
  BOOST_TEST(r.accounts_created == 1u);
  BOOST_TEST(r.contacts_created == 1u);
  const auto snap = snapshot(service);
  BOOST_TEST((snap.accounts.at(0).customer_type == CustomerType::Residential));
  BOOST_TEST(*snap.contacts.at(0).at(0).email == "ann@example.com");
}

BOOST_AUTO_TEST_CASE(unknown_and_missing_columns_stop_the_import) {
  auto r =
      import_text(service, "company_name,customer_type,color\nA,commercial,red\n", DataFormat::Csv);
  BOOST_TEST(has_error(r, 1, "color", "csv.unknown_column"));
  BOOST_TEST(r.accounts_created == 0u);
  ImportOptions ignore;
  ignore.ignore_unknown_columns = true;
  r = import_text(service, "company_name,customer_type,color\nA,commercial,red\n", DataFormat::Csv,
                  ignore);
  BOOST_TEST(r.rejected == 0u);
  BOOST_TEST(r.accounts_created == 1u);
  r = import_text(service, "company_name,email\nA,a@b.example\n", DataFormat::Csv);
  BOOST_TEST(has_error(r, 1, "customer_type", "csv.missing_column"));
  r = import_text(service, "company_name,customer_type,Company_Name\n", DataFormat::Csv);
  BOOST_TEST(has_error(r, 1, "company_name", "csv.duplicate_column"));
}

BOOST_AUTO_TEST_CASE(invalid_rows_are_rejected_whole_with_line_field_code_message) {
  const std::string text =
      kHeader +
      "Good Co,commercial,1 Main St,Austin,TX,78701,US,a;b,Ann,ann@good.example,"
      "+1 512 555 0100,Owner,true\n"
      "Bad Mail Co,commercial,,,,,,,Bob,not-an-email,,,\n"
      "\"Multi\nLine Co\",retail,,,,,,,,,,,\n"
      "Bad Zip Co,commercial,1 Main St,Austin,TX,ABCDE,US,,,,,,\n";
  const auto r = import_text(service, text, DataFormat::Csv);
  BOOST_TEST(r.rows == 4u);
  BOOST_TEST(r.rejected == 3u);
  BOOST_TEST(r.accounts_created == 1u);
  BOOST_TEST(r.contacts_created == 1u);
  BOOST_TEST(has_error(r, 3, "email", "email.invalid"));
  BOOST_TEST(has_error(r, 4, "customer_type", "customer_type.invalid"));
  BOOST_TEST(has_error(r, 6, "billing_zip", "address.zip_invalid"));
  // The rejected row's account was not created either.
  BOOST_TEST(snapshot(service).accounts.size() == 1u);
}

BOOST_AUTO_TEST_CASE(customer_type_is_case_insensitive) {
  const auto r = import_text(
      service, "company_name,customer_type\nA,COMMERCIAL\nB,Residential\nC,residential\n",
      DataFormat::Csv);
  BOOST_TEST(r.rejected == 0u);
  BOOST_TEST(r.accounts_created == 3u);
}

BOOST_AUTO_TEST_CASE(second_primary_and_repeated_email_are_rejected_rows) {
  const std::string text = kHeader +
                           "Dup Co,commercial,,,,,,,Ann,ann@dup.example,,,true\n"
                           "Dup Co,commercial,,,,,,,Bea,bea@dup.example,,,true\n"
                           "Dup Co,commercial,,,,,,,Ann Again,ANN@dup.example,,,false\n";
  const auto r = import_text(service, text, DataFormat::Csv);
  BOOST_TEST(r.accounts_created == 1u);
  BOOST_TEST(r.contacts_created == 1u);
  BOOST_TEST(r.rejected == 2u);
  BOOST_TEST(has_error(r, 3, "is_primary_contact", "contact.duplicate_primary"));
  BOOST_TEST(has_error(r, 4, "email", "contact.duplicate_email"));
}

BOOST_AUTO_TEST_CASE(rows_of_one_account_share_it_and_reimport_changes_nothing) {
  const std::string text =
      kHeader +
      "Same Co,commercial,1 Main St,Austin,TX,78701,US,x,Ann,ann@same.example,,,true\n"
      "same  co,Commercial,1 main st,AUSTIN,tx,78701,USA,x,Bea,,,,false\n"
      "Same Co,commercial,9 Other St,Austin,TX,78701,US,,,,,,\n"
      "Lonely Co,residential,,,,,,,,,,,\n";
  auto r = import_text(service, text, DataFormat::Csv);
  BOOST_TEST(r.rejected == 0u);
  BOOST_TEST(r.accounts_created == 3u);  // a different billing address is another account
  BOOST_TEST(r.contacts_created == 2u);
  r = import_text(service, text, DataFormat::Csv);
  BOOST_TEST(r.rejected == 0u);
  BOOST_TEST(r.accounts_created == 0u);
  BOOST_TEST(r.accounts_updated == 0u);
  BOOST_TEST(r.accounts_unchanged == 3u);
  BOOST_TEST(r.contacts_created == 0u);
  BOOST_TEST(r.contacts_updated == 0u);
  BOOST_TEST(r.contacts_unchanged == 2u);
  // A changed field updates the match.
  const std::string changed =
      kHeader +
      "Same Co,commercial,1 Main St,Austin,TX,78701,US,x;y,Ann,ann@same.example,+1 512 555 "
      "0100,,true\n";
  r = import_text(service, changed, DataFormat::Csv);
  BOOST_TEST(r.accounts_updated == 1u);
  BOOST_TEST(r.contacts_updated == 1u);
  BOOST_TEST(snapshot(service).accounts.size() == 3u);
}

BOOST_AUTO_TEST_CASE(ndjson_reimport_of_an_export_changes_nothing) {
  seed(service);
  const std::string text = export_text(service, DataFormat::Ndjson);
  const auto r = import_text(service, text, DataFormat::Ndjson);
  BOOST_TEST(r.rejected == 0u);
  BOOST_TEST(r.accounts_created == 0u);
  BOOST_TEST(r.accounts_unchanged == 3u);
  BOOST_TEST(r.contacts_unchanged == 3u);
}

BOOST_AUTO_TEST_CASE(batches_commit_separately_and_report_progress) {
  std::string text = "company_name,customer_type\n";
  for (int i = 0; i < 5; ++i) text += "Batch " + std::to_string(i) + ",commercial\n";
  ImportOptions options;
  options.batch_size = 2;
  std::vector<std::uint64_t> calls;
  options.progress = [&](std::uint64_t rows) { calls.push_back(rows); };
  const auto r = import_text(service, text, DataFormat::Csv, options);
  BOOST_TEST(r.accounts_created == 5u);
  BOOST_TEST((calls == std::vector<std::uint64_t>{2, 4, 5}));
  options.batch_size = 0;
  BOOST_CHECK_THROW(import_text(service, text, DataFormat::Csv, options), ValidationError);
}

BOOST_AUTO_TEST_CASE(strict_mode_imports_all_or_nothing) {
  ImportOptions strict;
  strict.strict = true;
  strict.batch_size = 1;
  const std::string bad = "company_name,customer_type\nA,commercial\nB,bogus\nC,commercial\n";
  auto r = import_text(service, bad, DataFormat::Csv, strict);
  BOOST_TEST(!r.committed);
  BOOST_TEST(r.rejected == 1u);
  BOOST_TEST(r.accounts_created == 0u);
  BOOST_TEST(snapshot(service).accounts.empty());
  r = import_text(service, "company_name,customer_type\nA,commercial\n\"broken,commercial\n",
                  DataFormat::Csv, strict);
  BOOST_TEST(!r.committed);
  BOOST_TEST(snapshot(service).accounts.empty());
  r = import_text(service, "company_name,customer_type\nA,commercial\nC,commercial\n",
                  DataFormat::Csv, strict);
  BOOST_TEST(r.committed);
  BOOST_TEST(snapshot(service).accounts.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_batch_mixing_new_matched_and_refused_rows_ends_as_row_by_row_would) {
  // Stored before the import: an account with a primary contact.
  const std::string before =
      kHeader +
      "Kept Co,commercial,1 Main St,Austin,TX,78701,US,,Kim,kim@kept.example,"
      ",,true\n";
  BOOST_TEST(import_text(service, before, DataFormat::Csv).rejected == 0u);
  // One batch: a new account and its contacts; the stored account with a
  // changed contact and a new one; a second primary against the stored one
  // (refused by the database); an invalid email; a row reaching the account
  // created two rows up; an unchanged row; a repeated email.
  const std::string text = kHeader +
                           "New Co,commercial,,,,,,,Ann,ann@new.example,,,true\n"  // 2
                           "Kept Co,commercial,1 Main St,Austin,TX,78701,US,,Kim,"
                           "kim@kept.example,,Owner,true\n"                                  // 3
                           "Kept Co,commercial,1 Main St,Austin,TX,78701,US,,Lou,,,,true\n"  // 4
                           "Kept Co,commercial,1 Main St,Austin,TX,78701,US,,Max,bad,,,\n"   // 5
                           "new co,Commercial,,,,,,,Bea,,,,false\n"                          // 6
                           "Kept Co,commercial,1 Main St,Austin,TX,78701,US,,Ned,,,,\n"      // 7
                           "New Co,commercial,,,,,,,Ann Two,ANN@new.example,,,false\n";      // 8
  const auto r = import_text(service, text, DataFormat::Csv);
  BOOST_TEST(r.rows == 7u);
  BOOST_TEST(r.rejected == 3u);
  BOOST_TEST(has_error(r, 4, "is_primary_contact", "contact.duplicate_primary"));
  BOOST_TEST(has_error(r, 5, "email", "email.invalid"));
  BOOST_TEST(has_error(r, 8, "email", "contact.duplicate_email"));
  BOOST_REQUIRE(r.errors.size() == 3u);
  BOOST_TEST(r.errors[0].line == 4u);  // reported in file order
  BOOST_TEST(r.errors[1].line == 5u);
  BOOST_TEST(r.errors[2].line == 8u);
  BOOST_TEST(r.accounts_created == 1u);
  BOOST_TEST(r.accounts_unchanged == 1u);
  BOOST_TEST(r.contacts_created == 3u);  // Ann, Bea, Ned
  BOOST_TEST(r.contacts_updated == 1u);  // Kim's role
  const auto state = snapshot(service);
  BOOST_TEST(state.accounts.size() == 2u);
  std::size_t contacts = 0;
  for (const auto& list : state.contacts) contacts += list.size();
  BOOST_TEST(contacts == 4u);
  // Importing the file again changes nothing and refuses the same rows.
  const auto again = import_text(service, text, DataFormat::Csv);
  BOOST_TEST(again.accounts_created == 0u);
  BOOST_TEST(again.contacts_created == 0u);
  BOOST_TEST(again.contacts_updated == 0u);
  BOOST_TEST(again.rejected == 3u);
  // The search index follows the bulk writes.
  ContactQuery q;
  q.text = "bea";
  BOOST_TEST(service.contacts().search(q).items.size() == 1u);
  BOOST_TEST(verify(service).empty());
}

BOOST_AUTO_TEST_CASE(a_refusal_only_the_database_sees_replays_the_batch_row_by_row) {
  // The import matches emails case-insensitively in ASCII; the database's
  // unique index also folds Ü/ü, so the bulk write of this batch fails and
  // the batch is replayed row by row: the refused row is reported as the
  // database sees it and every other row is written once.
  const std::string text = kHeader +
                           "Umlaut Co,commercial,,,,,,,Uwe,\xc3\x9cwe@umlaut.example,,,true\n"
                           "Umlaut Co,commercial,,,,,,,Uwe Two,\xc3\xbcwe@umlaut.example,,,false\n"
                           "Other Co,commercial,,,,,,,Ola,ola@other.example,,,true\n";
  const auto r = import_text(service, text, DataFormat::Csv);
  BOOST_TEST(r.rejected == 1u);
  BOOST_TEST(has_error(r, 3, "email", "contact.duplicate_email"));
  BOOST_TEST(r.accounts_created == 2u);
  BOOST_TEST(r.contacts_created == 2u);
  const auto state = snapshot(service);
  BOOST_TEST(state.accounts.size() == 2u);
  std::size_t contacts = 0;
  for (const auto& list : state.contacts) contacts += list.size();
  BOOST_TEST(contacts == 2u);
}

BOOST_AUTO_TEST_CASE(malformed_files_are_reported_not_crashed_on) {
  auto r = import_text(service, "company_name,customer_type\nA\"b,commercial\n", DataFormat::Csv);
  BOOST_TEST(has_error(r, 2, "", "csv.malformed"));
  r = import_text(service, "company_name,customer_type\n\"never closed,commercial\n",
                  DataFormat::Csv);
  BOOST_TEST(has_error(r, 2, "", "csv.malformed"));
  r = import_text(service, "company_name,customer_type\nBad \xff\xfe UTF,commercial\n",
                  DataFormat::Csv);
  BOOST_TEST(has_error(r, 2, "company_name", "text.invalid_utf8"));
  r = import_text(service,
                  "company_name,customer_type\n" + std::string(1 << 20, 'x') + ",commercial\n",
                  DataFormat::Csv);
  BOOST_TEST(has_error(r, 2, "company_name", "text.too_long"));
  r = import_text(service, "company_name,customer_type\nA,commercial,extra\n", DataFormat::Csv);
  BOOST_TEST(has_error(r, 2, "", "csv.field_count"));
  r = import_text(service, "", DataFormat::Csv);
  BOOST_TEST(r.rows == 0u);
  r = import_text(
      service,
      "{\"company_name\":\"A\",\n[1,2]\n\xff\n{\"customer_type\":\"Commercial\",\"contacts\":5}\n",
      DataFormat::Ndjson);
  BOOST_TEST(r.rejected == 4u);
  BOOST_TEST(has_error(r, 4, "contacts", "json.type_mismatch"));
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919) % 256));
  BOOST_CHECK_NO_THROW(import_text(service, junk, DataFormat::Csv));
  BOOST_CHECK_NO_THROW(import_text(service, junk, DataFormat::Ndjson));
  BOOST_TEST(snapshot(service).accounts.empty());
}

BOOST_AUTO_TEST_CASE(user_sessions_import_as_themselves) {
  Session user = store.session(kUser);
  const auto r =
      import_text(user, "company_name,customer_type\nMine,commercial\n", DataFormat::Csv);
  BOOST_TEST(r.accounts_created == 1u);
  BOOST_TEST(*snapshot(service).accounts.at(0).created_by == kUser);
  // Another user's NDJSON created_by is not taken over.
  const auto r2 = import_text(user,
                              "{\"company_name\":\"Theirs\",\"customer_type\":\"Commercial\","
                              "\"created_by\":\"bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb\"}\n",
                              DataFormat::Ndjson);
  BOOST_TEST(r2.accounts_created == 1u);
}

BOOST_AUTO_TEST_CASE(report_json_has_the_documented_keys) {
  const auto r = import_text(service, "company_name,customer_type\nA,bogus\n", DataFormat::Csv);
  const std::string json = to_json(r);
  for (const char* key :
       {"\"accounts_created\"", "\"accounts_updated\"", "\"contacts_created\"", "\"rejected\":1",
        "\"errors\":[{\"line\":2,\"field\":\"customer_type\""}) {
    BOOST_TEST(json.find(key) != std::string::npos, key << " in " << json);
  }
}

BOOST_AUTO_TEST_CASE(restore_brings_back_a_deleted_or_changed_account_from_an_export) {
  seed(service);
  const auto dir = temp_dir();
  const auto file = dir / "backup.ndjson";
  {
    std::ofstream out(file, std::ios::binary);
    export_accounts(service, out);
  }
  const Snapshot before = snapshot(service);
  const Account acme = before.accounts.front();
  BOOST_REQUIRE(acme.company_name == "Acme Plumbing, Inc.");

  // Changed since: fields and contacts go back.
  Account changed = acme;
  changed.company_name = "Renamed";
  service.accounts().update(changed);
  service.contacts().remove(before.contacts.front().front().id);
  Contact extra;
  extra.customer_account_id = acme.id;
  extra.contact_name = "Intruder";
  service.contacts().add(extra);
  auto r = restore_account(service, file, acme.id);
  BOOST_TEST(!r.recreated);
  BOOST_TEST(r.account_id == acme.id);
  BOOST_TEST(r.contacts_deleted == 1u);
  check_same_data(before, snapshot(service), true);

  // Deleted since: created again with the same data.
  service.accounts().remove(acme.id);
  r = restore_account(service, file, acme.id);
  BOOST_TEST(r.recreated);
  BOOST_TEST(r.contacts_created == 2u);
  check_same_data(before, snapshot(service), true);
  BOOST_TEST(verify(service).empty());
  BOOST_CHECK_THROW(restore_account(service, file, 999999), NotFound);
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(archive_older_than_archives_only_stale_accounts) {
  seed(service);
  BOOST_TEST(archive_older_than(service, from_micros(0)) == 0u);
  const Timestamp future =
      from_micros(to_micros(std::chrono::time_point_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now())) +
                  3600LL * 1000000);
  BOOST_TEST(archive_older_than(service, future) == 2u);
  BOOST_TEST(service.accounts().stats().total_accounts == 0);
}

BOOST_AUTO_TEST_CASE(snapshot_does_not_see_what_another_session_commits_meanwhile) {
  seed(service);
  Session reader = store.service();
  Session writer = store.service();
  AccountQuery q;
  q.archived = ArchivedFilter::Include;
  q.sort = AccountSort::CreatedAsc;
  q.limit = 1;
  const auto names = [&](AccountQuery query) {
    std::vector<std::string> out;
    while (true) {
      auto page = reader.accounts().search(query);
      for (const auto& a : page.items) out.push_back(a.company_name);
      if (!page.next_cursor) return out;
      query.cursor = *page.next_cursor;
    }
  };
  const Id acme = reader.accounts().search(q).items.front().id;
  {
    Transaction tx = reader.snapshot();
    auto first = reader.accounts().search(q);  // one page read
    BOOST_REQUIRE_EQUAL(first.items.size(), 1u);
    Account late;
    late.company_name = "Late Arrival";
    late.customer_type = CustomerType::Residential;
    writer.accounts().create(late);
    Account renamed = writer.accounts().get(acme);
    renamed.company_name = "Renamed Meanwhile";
    writer.accounts().update(renamed);
    const auto seen = names(q);
    BOOST_TEST(seen.size() == 3u);
    BOOST_TEST((std::find(seen.begin(), seen.end(), "Late Arrival") == seen.end()));
    BOOST_TEST(reader.accounts().get(acme).company_name == "Acme Plumbing, Inc.");
    tx.commit();
  }
  BOOST_TEST(names(q).size() == 4u);
  BOOST_TEST(reader.accounts().get(acme).company_name == "Renamed Meanwhile");
}

BOOST_AUTO_TEST_CASE(export_reads_one_snapshot_while_another_session_commits) {
  seed(service);
  Session writer = store.service();
  ExportOptions options;
  options.query = AccountQuery{};
  options.query->archived = ArchivedFilter::Include;
  options.query->sort = AccountSort::CreatedAsc;
  options.query->limit = 1;  // one account per page: the insert lands between pages
  bool inserted = false;
  options.progress = [&](std::uint64_t done) {
    if (done != 1) return;
    Account late;
    late.company_name = "Late Arrival";
    late.customer_type = CustomerType::Commercial;
    writer.accounts().create(late);
    inserted = true;
  };
  std::ostringstream out;
  const auto report = export_accounts(service, out, options);
  BOOST_TEST(inserted);
  BOOST_TEST(report.accounts == 3u);
  BOOST_TEST(out.str().find("Late Arrival") == std::string::npos);
  // The next export, a new snapshot, has it.
  std::ostringstream again;
  options.progress = nullptr;
  BOOST_TEST(export_accounts(service, again, options).accounts == 4u);
}

BOOST_AUTO_TEST_CASE(backup_is_the_snapshot_it_runs_in) {
  seed(service);
  Session writer = store.service();
  const auto dir = temp_dir();
  Transaction tx = service.snapshot();
  BOOST_REQUIRE(service.accounts().stats().total_accounts == 2);
  Account late;
  late.company_name = "Late Arrival";
  late.customer_type = CustomerType::Commercial;
  const Id late_id = writer.accounts().create(late).id;
  const BackupKind kind = backup(service, dir / "backup");
  tx.commit();
  BOOST_TEST(
      (kind == (test::backend_label() == "sqlite" ? BackupKind::SqliteFile : BackupKind::Ndjson)));
  BOOST_CHECK_THROW(restore_account(service, dir / "backup", late_id), NotFound);
  BOOST_TEST(!std::filesystem::exists(dir / "backup.partial"));
  // Taken after the commit, the backup has it.
  backup(service, dir / "backup");
  writer.accounts().remove(late_id);
  BOOST_TEST(restore_account(service, dir / "backup", late_id).recreated);
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(snapshot_is_read_only_and_nests_only_inside_a_snapshot) {
  seed(service);
  Account extra;
  extra.company_name = "Not Written";
  extra.customer_type = CustomerType::Commercial;
  {
    Transaction tx = service.snapshot();
    try {
      service.accounts().create(extra);
      BOOST_FAIL("a write inside a snapshot succeeded");
    } catch (const BackendError& e) {
      BOOST_TEST(e.code() == "backend.readonly");
    }
  }
  {
    // Savepoints of the same snapshot nest, and stay read-only.
    Transaction tx = service.snapshot();
    {
      Transaction inner = service.snapshot();
      BOOST_TEST(service.accounts().stats().total_accounts == 2);
      inner.commit();
    }
    {
      Transaction inner = service.transaction();
      BOOST_CHECK_THROW(service.accounts().create(extra), BackendError);
    }
    tx.commit();
  }
  {
    // A read-write transaction cannot become a snapshot, nor back up.
    Transaction tx = service.transaction();
    BOOST_CHECK_THROW(service.snapshot(), std::logic_error);
    BOOST_CHECK_THROW(backup(service, temp_dir() / "never"), std::logic_error);
    service.accounts().create(extra);  // the transaction is intact
    tx.commit();
  }
  BOOST_TEST(service.accounts().stats().total_accounts == 3);
}

BOOST_AUTO_TEST_CASE(user_backup_is_an_ndjson_export_of_what_he_sees) {
  Session user = store.session(kUser);
  Account mine;
  mine.company_name = "Mine";
  mine.customer_type = CustomerType::Commercial;
  user.accounts().create(mine);
  seed(service);  // Acme is created_by kUser, the others by nobody
  const auto dir = temp_dir();
  BOOST_TEST((backup(user, dir / "mine.ndjson") == BackupKind::Ndjson));
  std::ifstream in(dir / "mine.ndjson");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST(text.find("\"Mine\"") != std::string::npos);
  BOOST_TEST(text.find("Acme Plumbing") != std::string::npos);
  BOOST_TEST(text.find("Old Co") == std::string::npos);
  BOOST_TEST(verify(user).empty());
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(sqlite_in_memory_store_backs_up_to_a_file) {
  if (test::backend_label() != "sqlite") return;
  const auto dir = temp_dir();
  Store store = Store::open(":memory:");
  Session s = store.service();
  seed(s);
  BOOST_TEST((backup(s, dir / "memory.db") == BackupKind::SqliteFile));
  Store copy = Store::open("sqlite:" + (dir / "memory.db").string());
  Session c = copy.service();
  check_same_data(snapshot(s), snapshot(c), true);
  BOOST_TEST(verify(c).empty());
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(sqlite_backup_is_a_database_file_and_restores_one_account) {
  if (test::backend_label() != "sqlite") return;
  const auto dir = temp_dir();
  const std::string uri = "sqlite:" + (dir / "live.db").string();
  Store store = Store::open(uri);
  Session s = store.service();
  seed(s);
  const auto file = dir / "snap.db";
  BOOST_TEST((backup(s, file) == BackupKind::SqliteFile));
  const Snapshot before = snapshot(s);
  const Id acme = before.accounts.front().id;
  s.accounts().remove(acme);
  const auto r = restore_account(s, file, acme);
  BOOST_TEST(r.recreated);
  check_same_data(before, snapshot(s), true);
  BOOST_TEST(verify(s).empty());
  std::filesystem::remove_all(dir);
}
