// Code shown in docs/backends.md and docs/scaling.md, built and run by ctest
// (docs_snippet_backends). The PostgreSQL part runs when CUSTMGMT_TEST_PG_URI
// names a database (scripts/test starts one); it is skipped otherwise.
//   backends WORK_DIR
#include <custmgmt/custmgmt.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "snippet-data";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  try {
    // [sqlite-uris]
    auto a = custmgmt::Store::open(dir + "/customers.db");         // a plain path: SQLite
    auto b = custmgmt::Store::open("sqlite:" + dir + "/other.db");  // the same, explicit
    auto c = custmgmt::Store::open(":memory:");  // private in-memory database, gone on close
    std::cout << a.backend_name() << " " << b.backend_name() << " " << c.backend_name() << "\n";
    // [sqlite-uris]

    // [options]
    custmgmt::StoreOptions options;
    options.default_region = "GB";  // "020 7946 0958" is read as +44 20 7946 0958
    options.busy_timeout = std::chrono::milliseconds(2000);  // then BackendError backend.busy
    auto uk = custmgmt::Store::open(dir + "/uk.db", options);
    auto session = uk.session("6f1c2a54-93a8-4c1e-9d4b-2f0e8a7b1c3d");
    custmgmt::Account account;
    account.company_name = "Thames Boilers";
    account = session.accounts().create(account);
    custmgmt::Contact contact;
    contact.customer_account_id = account.id;
    contact.contact_name = "Grace";
    contact.phone = "020 7946 0958";
    contact = session.contacts().add(contact);
    std::cout << *contact.phone << "\n";  // +442079460958
    // [options]
    if (*contact.phone != "+442079460958") return 1;

    // [bad-uri]
    try {
      custmgmt::Store::open("mysql://db.example/customers");  // no such backend
    } catch (const custmgmt::ValidationError& e) {
      std::cout << e.errors().front().code << "\n";  // store.uri_invalid
    }
    // [bad-uri]

#ifdef SNIPPET_WITH_POSTGRES
    const char* pg = std::getenv("CUSTMGMT_TEST_PG_URI");
    const char* replica = std::getenv("CUSTMGMT_TEST_PG_REPLICA_URI");
#else
    const char* pg = nullptr;  // built without the PostgreSQL backend
    const char* replica = nullptr;
#endif
    if (pg == nullptr || *pg == '\0') {
      std::cout << "PostgreSQL part skipped (CUSTMGMT_TEST_PG_URI not set)\n";
      return 0;
    }
    // scripts/pg-cluster starts a streaming replica; without one, the primary
    // stands in for it.
    const std::string primary_uri = pg;
    const std::string replica_uri = replica != nullptr && *replica != '\0' ? replica : pg;
    // [replicas]
    custmgmt::StoreOptions pg_options;
    pg_options.read_replicas = {replica_uri};  // any number of replicas, used round robin
    auto store = custmgmt::Store::open(primary_uri, pg_options);
    auto alice = store.session("6f1c2a54-93a8-4c1e-9d4b-2f0e8a7b1c3d");
    alice.accounts().search();  // a read outside a transaction: served by a replica
    const custmgmt::StoreStats stats = store.stats();
    std::cout << "replica reads " << stats.replica_reads << ", fallbacks to the primary "
              << stats.replica_fallbacks << "\n";
    // [replicas]
    return stats.replica_reads + stats.replica_fallbacks >= 1 ? 0 : 1;
  } catch (const custmgmt::Error& e) {
    std::cerr << "error (" << e.code() << "): " << e.what() << "\n";
    return 1;
  }
}
