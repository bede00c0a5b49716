// The usage sample shown in README.md, compiled and run by CI.
#include <custmgmt/custmgmt.hpp>

#include <cstdio>
#include <iostream>

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "customers.db";
  std::remove(path);
  // --- README sample begins
  auto store = custmgmt::Store::open(path);  // SQLite file, created and migrated
  auto session = store.session("6f1c2a54-93a8-4c1e-9d4b-2f0e8a7b1c3d");  // acting user

  custmgmt::Account account;
  account.company_name = "Acme Plumbing";
  account.customer_type = custmgmt::CustomerType::Commercial;
  account.billing_address = {"1 Main St", "Springfield", "IL", "62701", "USA"};
  account.tags = {"vip", "plumbing"};
  account = session.accounts().create(account);  // validated, country -> "US"

  custmgmt::Contact contact;
  contact.customer_account_id = account.id;
  contact.contact_name = "Ada Lovelace";
  contact.email = "ada@ACME.example";
  contact.phone = "(415) 555-2671";  // stored as +14155552671
  contact.is_primary_contact = true;
  session.contacts().add(contact);

  custmgmt::AccountQuery query;
  query.text = "acm";  // prefix match
  for (const auto& found : session.accounts().search(query).items) {
    std::cout << found.id << " " << found.company_name << "\n";
  }
  // --- README sample ends
  return 0;
}
