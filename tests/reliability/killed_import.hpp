// A batched import run in a child process that is killed with SIGKILL in the
// middle, and the checks of what it leaves behind. Shared by the per-backend
// crash test and the SQLite file tests.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "conformance/fixtures.hpp"

namespace custmgmt::test::crash {

constexpr int kBatch = 10;  // accounts per transaction
constexpr int kContactsPerAccount = 2;

// The result of one killed import.
struct KilledImport {
  int acknowledged = 0;  // batches the child reported committed before the kill
  bool killed = false;   // the child died of SIGKILL (not of an error)
};

// Forks a child that opens its own store with `open_store`, then imports
// batches of kBatch accounts (create_many) with kContactsPerAccount contacts
// each, one transaction per batch, reporting each commit on a pipe. The
// parent waits for `batches_before_kill` commits, lets it run `extra` longer
// and kills it with SIGKILL. Call before the parent starts any thread.
inline KilledImport run_killed_import(const std::function<Store()>& open_store,
                                      int batches_before_kill, std::chrono::microseconds extra) {
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    try {
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
        const char byte = 'b';
        if (write(fds[1], &byte, 1) != 1) _exit(4);
      }
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

}  // namespace custmgmt::test::crash
