// A batched import run in a child process that is killed with SIGKILL in the
// middle, and the checks of what it leaves behind. Shared by the per-backend
// crash test and the SQLite file tests.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "conformance/fixtures.hpp"
#include "custmgmt/io.hpp"

namespace custmgmt::test::crash {

constexpr int kBatch = 10;  // accounts per transaction
constexpr int kContactsPerAccount = 2;

// The result of one killed import.
struct KilledImport {
  int acknowledged = 0;  // batches the child reported committed before the kill
  bool killed = false;   // the child died of SIGKILL (not of an error)
};

// Forks a child that runs `body(committed)`, where the body calls
// `committed()` after each batch it committed (reported on a pipe). The
// parent waits for `batches_before_kill` reports, lets the child run `extra`
// longer and kills it with SIGKILL. The child exits 0 when the body returns
// (the import ended before the kill: `killed` is false), 3 when it throws.
// Call before the parent starts any thread.
inline KilledImport run_killed_child(
    const std::function<void(const std::function<void()>& committed)>& body,
    int batches_before_kill, std::chrono::microseconds extra) {
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    try {
      body([&] {
        const char byte = 'b';
        if (write(fds[1], &byte, 1) != 1) _exit(4);
      });
      _exit(0);
    } catch (...) {
      _exit(3);
    }
  }
  close(fds[1]);
  KilledImport result;
  char byte = 0;
  while (result.acknowledged < batches_before_kill && read(fds[0], &byte, 1) == 1) {
    ++result.acknowledged;
  }
  std::this_thread::sleep_for(extra);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  result.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  // Commits reported after the wait for the kill are whole batches too.
  while (read(fds[0], &byte, 1) == 1) ++result.acknowledged;
  close(fds[0]);
  return result;
}

// A child that opens its own store with `open_store`, then writes batches of
// kBatch accounts (create_many) with kContactsPerAccount contacts each, one
// transaction per batch, killed as run_killed_child() says.
inline KilledImport run_killed_import(const std::function<Store()>& open_store,
                                      int batches_before_kill, std::chrono::microseconds extra) {
  return run_killed_child(
      [&](const std::function<void()>& committed) {
        Store store = open_store();
        Session s = store.service(kUserA);
        for (int batch = 0; batch < 1000; ++batch) {
          std::vector<Account> accounts;
          for (int i = 0; i < kBatch; ++i) {
            Account acc = make_account("Import " + std::to_string(batch) + "-" + std::to_string(i));
            acc.account_notes = std::string(2000, 'n');
            accounts.push_back(acc);
          }
          auto tx = s.transaction();
          for (const Account& acc : s.accounts().create_many(accounts)) {
            for (int c = 0; c < kContactsPerAccount; ++c) {
              s.contacts().add(make_contact(acc.id, "Contact " + std::to_string(c)));
            }
          }
          tx.commit();
          committed();
        }
      },
      batches_before_kill, extra);
}

// Checks through a service session of a freshly opened store that the
// killed import left only whole batches: a multiple of kBatch accounts, at
// least the acknowledged ones, each with all its contacts.
inline void check_whole_batches(Store store, const KilledImport& run) {
  BOOST_TEST(run.killed);
  BOOST_TEST(run.acknowledged >= 1);
  Session service = store.service();
  const auto accounts = search_all(service);
  BOOST_TEST(accounts.size() % kBatch == 0u, accounts.size() << " accounts");
  BOOST_TEST(accounts.size() >= static_cast<std::size_t>(run.acknowledged * kBatch));
  for (const auto& acc : accounts) {
    BOOST_TEST(list_all(service, acc.id).size() == static_cast<std::size_t>(kContactsPerAccount),
               acc.company_name);
  }
  const AccountStats stats = service.accounts().stats();
  BOOST_TEST(stats.total_accounts == static_cast<std::int64_t>(accounts.size()));
  BOOST_TEST(stats.total_contacts ==
             static_cast<std::int64_t>(accounts.size()) * kContactsPerAccount);
  // The store still takes writes.
  const Account after = service.accounts().create(make_account("After The Crash"));
  service.accounts().remove(after.id);
}

// ---- A killed custmgmt::import_accounts (NDJSON, batches of kImportBatch)

constexpr std::size_t kImportBatch = 100;  // rows (accounts) per transaction
constexpr int kImportAccounts = 1500;      // 15 batches
constexpr int kImportContacts = 3;         // contacts per account

inline std::string import_account_name(int i) {
  char name[32];
  std::snprintf(name, sizeof name, "Imported %05d", i);
  return name;
}

inline std::string import_contact_email(int account, int contact) {
  return "c" + std::to_string(contact) + "." + std::to_string(account) + "@import.example";
}

// Writes the NDJSON file of kImportAccounts accounts with kImportContacts
// contacts each (the first one primary).
inline void write_import_file(const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (int i = 0; i < kImportAccounts; ++i) {
    out << R"({"company_name":")" << import_account_name(i)
        << R"(","customer_type":"Commercial","tags":["import"],"account_notes":")"
        << std::string(500, 'n') << R"(","contacts":[)";
    for (int c = 0; c < kImportContacts; ++c) {
      out << (c == 0 ? "" : ",") << R"({"contact_name":"Contact )" << c << R"(","email":")"
          << import_contact_email(i, c) << R"(","is_primary_contact":)"
          << (c == 0 ? "true" : "false") << "}";
    }
    out << "]}\n";
  }
  BOOST_REQUIRE(out.good());
}

// Imports the file at `path` through a service session of `store`, batches of
// kImportBatch, calling `committed` after each batch.
inline ImportReport import_file(Store& store, const std::string& path,
                                const std::function<void()>& committed = {}) {
  Session s = store.service(kUserA);
  std::ifstream in(path, std::ios::binary);
  ImportOptions options;
  options.format = DataFormat::Ndjson;
  options.batch_size = kImportBatch;
  if (committed) options.progress = [&](std::uint64_t) { committed(); };
  return import_accounts(s, in, options);
}

// A child that opens its own store with `open_store` and runs import_file()
// on `path`, killed as run_killed_child() says.
inline KilledImport run_killed_ndjson_import(const std::function<Store()>& open_store,
                                             const std::string& path, int batches_before_kill,
                                             std::chrono::microseconds extra) {
  return run_killed_child(
      [&](const std::function<void()>& committed) {
        Store store = open_store();
        const ImportReport report = import_file(store, path, committed);
        if (report.rejected != 0) _exit(5);
      },
      batches_before_kill, extra);
}

// Checks through a service session of a freshly opened store that the
// killed import left whole batches only: the first n accounts of the file,
// n a multiple of kImportBatch and at least the acknowledged batches, each
// with every contact the file gives it, and verify() finds nothing wrong.
// Returns n.
inline std::size_t check_whole_import_batches(Store store, const KilledImport& run) {
  BOOST_TEST(run.killed, "the import ended before the kill (make the file longer)");
  BOOST_TEST(run.acknowledged >= 1);
  Session service = store.service();
  const auto accounts = search_all(service);
  BOOST_TEST(accounts.size() % kImportBatch == 0u, accounts.size() << " accounts");
  BOOST_TEST(accounts.size() >= static_cast<std::size_t>(run.acknowledged) * kImportBatch);
  BOOST_TEST(accounts.size() < static_cast<std::size_t>(kImportAccounts));
  std::set<std::string> names;
  for (const auto& acc : accounts) names.insert(acc.company_name);
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    BOOST_TEST(
        names.count(import_account_name(static_cast<int>(i))) == 1u,
        "batch " << i / kImportBatch << " lacks " << import_account_name(static_cast<int>(i)));
  }
  for (const auto& acc : accounts) {
    const int i = std::stoi(acc.company_name.substr(acc.company_name.find(' ') + 1));
    std::map<std::string, bool> expected;  // email -> primary
    for (int c = 0; c < kImportContacts; ++c) expected[import_contact_email(i, c)] = c == 0;
    std::map<std::string, bool> stored;
    for (const auto& c : list_all(service, acc.id))
      stored[c.email.value_or("")] = c.is_primary_contact;
    BOOST_TEST((stored == expected), acc.company_name << " has " << stored.size() << " contacts");
  }
  const auto problems = verify(service);
  for (const auto& p : problems) BOOST_ERROR("verify: " << p.check << ": " << p.message);
  return accounts.size();
}

}  // namespace custmgmt::test::crash
