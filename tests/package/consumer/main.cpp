// Downstream C++ program built against an installed custmgmt with
// find_package(custmgmt CONFIG REQUIRED) (tests/package/consumer). Round trip:
// open a SQLite file, create an account and a contact, search, read back.
//   consumer PATH.db
#include <custmgmt/custmgmt.hpp>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

namespace {
int failures = 0;
void check(bool ok, const char* what) {
  if (!ok) {
    std::cerr << "FAILED: " << what << "\n";
    ++failures;
  }
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer PATH.db\n";
    return 2;
  }
  check(std::strcmp(custmgmt::version(), CUSTMGMT_VERSION_STRING) == 0,
        "custmgmt::version() == CUSTMGMT_VERSION_STRING");
  check(std::string(CONSUMER_PACKAGE_VERSION) == CUSTMGMT_VERSION_STRING,
        "find_package version == CUSTMGMT_VERSION_STRING");
  check(std::filesystem::exists(std::filesystem::path(CONSUMER_MIGRATIONS_DIR) / "sqlite"),
        "custmgmt_MIGRATIONS_DIR/sqlite exists");

  std::filesystem::remove(argv[1]);
  try {
    auto store = custmgmt::Store::open(argv[1]);
    auto session = store.session("6f1c2a54-93a8-4c1e-9d4b-2f0e8a7b1c3d");

    custmgmt::Account account;
    account.company_name = "Downstream Widgets";
    account.customer_type = custmgmt::CustomerType::Commercial;
    account.billing_address = {"1 Main St", "Springfield", "IL", "62701", "USA"};
    account.tags = {"consumer"};
    account = session.accounts().create(account);
    check(account.billing_address.country == "US", "country normalised to US");

    custmgmt::Contact contact;
    contact.customer_account_id = account.id;
    contact.contact_name = "Ada Lovelace";
    contact.email = "ada@WIDGETS.example";
    contact.phone = "(415) 555-2671";
    contact.is_primary_contact = true;
    contact = session.contacts().add(contact);
    check(contact.phone == "+14155552671", "phone stored as E.164");
    check(contact.email == "ada@widgets.example", "email domain lower-cased");

    custmgmt::AccountQuery query;
    query.text = "downstr wid";
    const auto page = session.accounts().search(query);
    check(page.items.size() == 1 && page.items[0].id == account.id, "prefix search finds it");
    check(session.accounts().get(account.id).company_name == "Downstream Widgets", "get");

    try {
      custmgmt::Account bad;
      session.accounts().create(bad);
      check(false, "an empty company_name is rejected");
    } catch (const custmgmt::ValidationError& e) {
      check(!e.errors().empty() && e.errors()[0].field == "company_name",
            "ValidationError names company_name");
    }
  } catch (const custmgmt::Error& e) {
    std::cerr << "error (" << e.code() << "): " << e.what() << "\n";
    return 1;
  }
  if (failures == 0) std::cout << "find_package consumer ok: custmgmt " << custmgmt::version() << "\n";
  return failures == 0 ? 0 : 1;
}
