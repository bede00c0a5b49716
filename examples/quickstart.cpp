// Quickstart: a tour of custmgmt on a fresh SQLite file. Run by ./scripts/demo.
//
//   quickstart [PATH]   (default: quickstart.db in the current directory)
#include <custmgmt/custmgmt.hpp>

#include <cstdio>
#include <iostream>
#include <string>

namespace {

constexpr const char* kAlice = "6f1c2a54-93a8-4c1e-9d4b-2f0e8a7b1c3d";
constexpr const char* kBob = "0b7e4d2c-1a3f-4e5d-8c9b-7a6f5e4d3c2b";

void print_account(const custmgmt::Account& a) {
  std::cout << "  #" << a.id << " " << a.company_name << " ("
            << custmgmt::to_string(a.customer_type) << ")  billing "
            << custmgmt::to_json(a.billing_address) << "  tags:";
  for (const auto& t : a.tags) std::cout << " " << t;
  std::cout << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "quickstart.db";
  std::remove(path.c_str());
  try {
    auto store = custmgmt::Store::open(path);
    std::cout << "custmgmt " << custmgmt::version() << ": opened " << path << " ("
              << store.backend_name() << ", schema v" << store.schema_version() << ")\n\n";

    auto alice = store.session(kAlice);

    std::cout << "Creating accounts as Alice:\n";
    custmgmt::Account acme;
    acme.company_name = "Acme Plumbing";
    acme.customer_type = custmgmt::CustomerType::Commercial;
    acme.billing_address = {"1 Main St", "Springfield", "illinois", "62701", "United States"};
    acme.tags = {"vip", "plumbing"};
    acme = alice.accounts().create(acme);
    print_account(acme);

    custmgmt::Account home;
    home.company_name = "Jane Doe";
    home.customer_type = custmgmt::CustomerType::Residential;
    home.service_address = {"22 Rue de Rivoli", "Paris", "", "75001", "France"};
    home.tags = {"maintenance-plan"};
    home = alice.accounts().create(home);
    print_account(home);

    custmgmt::Account acme_hvac;
    acme_hvac.company_name = "Acme HVAC Services";
    acme_hvac.tags = {"hvac", "vip"};
    acme_hvac = alice.accounts().create(acme_hvac);
    print_account(acme_hvac);

    std::cout << "\nAdding contacts:\n";
    custmgmt::Contact ada;
    ada.customer_account_id = acme.id;
    ada.contact_name = "Ada Lovelace";
    ada.email = "Ada@ACME.Example";
    ada.phone = "(415) 555-2671 ext. 12";
    ada.role = "Office manager";
    ada.is_primary_contact = true;
    ada = alice.contacts().add(ada);
    std::cout << "  " << ada.contact_name << " <" << *ada.email << "> " << *ada.phone << " ext "
              << ada.phone_extension.value_or("-") << " (typed as \"" << *ada.phone_display
              << "\")\n";

    custmgmt::Contact grace;
    grace.customer_account_id = acme.id;
    grace.contact_name = "Grace Hopper";
    grace.phone = "+44 20 7946 0958";
    grace = alice.contacts().add(grace);
    std::cout << "  " << grace.contact_name << " " << *grace.phone << "\n";

    std::cout << "\nA record with bad fields is rejected whole, naming every field:\n";
    try {
      custmgmt::Contact bad;
      bad.customer_account_id = acme.id;
      bad.contact_name = "";
      bad.email = "not-an-email";
      bad.phone = "555";
      alice.contacts().add(bad);
    } catch (const custmgmt::ValidationError& e) {
      for (const auto& fe : e.errors()) {
        std::cout << "  " << fe.field << ": " << fe.code << " — " << fe.message << "\n";
      }
    }

    std::cout << "\nSearching \"acm\" (prefix, ranked):\n";
    custmgmt::AccountQuery query;
    query.text = "acm";
    for (const auto& a : alice.accounts().search(query).items) print_account(a);

    std::cout << "\nFinding a contact by phone typed differently, \"415-555-2671\":\n";
    custmgmt::ContactQuery by_phone;
    by_phone.phone = "415-555-2671";
    for (const auto& c : alice.contacts().search(by_phone).items) {
      std::cout << "  " << c.contact_name << " " << *c.phone << "\n";
    }

    std::cout << "\nGrace becomes the primary contact (atomic swap):\n";
    alice.contacts().set_primary(grace.id);
    for (const auto& c : alice.contacts().list(acme.id).items) {
      std::cout << "  " << (c.is_primary_contact ? "* " : "  ") << c.contact_name << "\n";
    }

    std::cout << "\nBob, another user, cannot see Alice's accounts:\n";
    auto bob = store.session(kBob);
    std::cout << "  Bob's search finds " << bob.accounts().search().items.size()
              << " accounts; get(#" << acme.id << "): ";
    try {
      bob.accounts().get(acme.id);
    } catch (const custmgmt::NotFound& e) {
      std::cout << e.code() << "\n";
    }

    alice.accounts().archive(home.id);
    std::cout << "\nArchived \"" << home.company_name << "\"; stats for Alice:\n";
    const auto stats = alice.accounts().stats();
    std::cout << "  active accounts " << stats.total_accounts << " (residential "
              << stats.residential_accounts << ", commercial " << stats.commercial_accounts
              << "), archived " << stats.archived_accounts << ", contacts " << stats.total_contacts
              << ", without primary contact " << stats.accounts_without_primary_contact
              << "\n  top tags:";
    for (const auto& t : stats.top_tags) std::cout << " " << t.tag << "=" << t.count;
    const auto& month = stats.new_accounts_per_month.back();
    std::cout << "\n  new this month (" << month.year << "-" << month.month << "): " << month.count
              << "\n";
    return 0;
  } catch (const custmgmt::Error& e) {
    std::cerr << "error (" << e.code() << "): " << e.what() << "\n";
    return 1;
  }
}
