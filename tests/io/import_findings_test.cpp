// Inputs the import fuzzers (fuzz/import_fuzz.hpp: fuzz_import_ndjson,
// fuzz_import_csv) found mishandled, kept as regression tests on every
// backend (linked into io_sqlite and io_postgres). Each input is also a seed
// in fuzz/corpus/import_ndjson or fuzz/corpus/import_csv.
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>

#include "conformance/context.hpp"
#include "custmgmt/custmgmt.hpp"

using namespace custmgmt;

namespace {

struct FindingsFixture {
  Store store = test::open_fresh_store();
  Session service = store.service();
  Session user = store.session("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa");
};

ImportReport import_string(Session& s, const std::string& text, DataFormat format,
                           std::size_t batch_size = 1000) {
  std::istringstream in(text);
  ImportOptions options;
  options.format = format;
  options.batch_size = batch_size;
  return import_accounts(s, in, options);
}

bool has_error(const ImportReport& r, std::uint64_t line, const std::string& field,
               const std::string& code) {
  for (const auto& e : r.errors) {
    if (e.line == line && e.field == field && e.code == code) return true;
  }
  return false;
}

std::uint64_t visible_accounts(Session& s) {
  std::ostringstream sink;
  return export_accounts(s, sink).accounts;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(import_fuzz_findings, FindingsFixture)

// fuzz_import_ndjson: an email whose domain the normaliser refuses
// (`]` in it) threw ValidationError out of import_accounts instead of
// rejecting the row, for a new account and for one already stored.
BOOST_AUTO_TEST_CASE(an_email_with_an_invalid_domain_is_a_rejected_row) {
  Account stored;
  stored.company_name = "Stored Co";
  user.accounts().create(stored);
  const std::string contacts =
      R"(,"contacts":[{"contact_name":"X","email":"x@bad]domain.example"}]})";
  const std::string ndjson = R"({"company_name":"New Co","customer_type":"Commercial")" + contacts +
                             "\n" + R"({"company_name":"Stored Co","customer_type":"Commercial")" +
                             contacts + "\n";
  for (const std::size_t batch : {std::size_t{1}, std::size_t{2}}) {
    BOOST_TEST_CONTEXT("NDJSON, batches of " << batch) {
      const ImportReport r = import_string(user, ndjson, DataFormat::Ndjson, batch);
      BOOST_TEST(r.rows == 2u);
      BOOST_TEST(r.rejected == 2u);
      BOOST_TEST(r.accounts_created == 0u);
      BOOST_TEST(r.errors.size() == 2u);
      for (const auto& e : r.errors) {
        BOOST_TEST(e.field == "contacts[0].email");
        BOOST_TEST(e.code.compare(0, 6, "email.") == 0, e.code);
      }
    }
  }
  const std::string csv =
      "company_name,customer_type,contact_name,email\n"
      "New Co,Commercial,X,x@bad]domain.example\n"
      "Stored Co,Commercial,X,x@bad]domain.example\n";
  const ImportReport r = import_string(user, csv, DataFormat::Csv, 2);
  BOOST_TEST(r.rejected == 2u);
  BOOST_TEST(r.errors.size() == 2u);
  for (const auto& e : r.errors) {
    BOOST_TEST(e.field == "email");
    BOOST_TEST(e.code.compare(0, 6, "email.") == 0, e.code);
  }
  BOOST_TEST(has_error(r, 2, "email", r.errors.at(0).code));
  BOOST_TEST(has_error(r, 3, "email", r.errors.at(0).code));
  BOOST_TEST(visible_accounts(user) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
