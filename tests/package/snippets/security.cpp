// Code shown in docs/security.md, built and run by ctest (docs_snippet_security).
//   security WORK_DIR
#include <custmgmt/custmgmt.hpp>

#include <filesystem>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "snippet-data";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  int failures = 0;
  try {
    auto store = custmgmt::Store::open(dir + "/security.db");
    // [who-sees-what]
    auto alice = store.session("6f1c2a54-93a8-4c1e-9d4b-2f0e8a7b1c3d");
    auto bob = store.session("0b7e4d2c-1a3f-4e5d-8c9b-7a6f5e4d3c2b");

    custmgmt::Account account;
    account.company_name = "Acme Plumbing";
    account = alice.accounts().create(account);  // created_by = Alice

    // Bob sees nothing of Alice's: not in searches, and get() says NotFound
    // (never PermissionDenied, which would reveal that the row exists).
    std::cout << bob.accounts().search().items.size() << "\n";  // 0
    try {
      bob.accounts().get(account.id);
    } catch (const custmgmt::NotFound& e) {
      std::cout << e.code() << "\n";  // account.not_found
    }

    // The service role sees every row: imports, maintenance, cross-user stats.
    auto service = store.service();
    std::cout << service.accounts().stats().total_accounts << "\n";  // 1
    // [who-sees-what]
    failures += bob.accounts().find(account.id).has_value() ? 1 : 0;
    failures += service.accounts().find(account.id).has_value() ? 0 : 1;

    // [hand-over]
    // An account becomes visible to Bob when he is its last writer: the
    // service role updates it on his behalf.
    auto as_bob = store.service("0b7e4d2c-1a3f-4e5d-8c9b-7a6f5e4d3c2b");  // audit user
    auto shared = as_bob.accounts().get(account.id);
    shared.account_notes = "Handed over to Bob";
    as_bob.accounts().update(shared);  // updated_by = Bob
    std::cout << bob.accounts().get(account.id).company_name << "\n";  // Acme Plumbing
    // Bob may now read and update it, but only its creator may delete it.
    try {
      bob.accounts().remove(account.id);
    } catch (const custmgmt::PermissionDenied& e) {
      std::cout << e.code() << "\n";
    }
    // [hand-over]
    failures += bob.accounts().find(account.id).has_value() ? 0 : 1;
  } catch (const custmgmt::Error& e) {
    std::cerr << "error (" << e.code() << "): " << e.what() << "\n";
    return 1;
  }
  return failures == 0 ? 0 : 1;
}
