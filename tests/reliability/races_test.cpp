// Races between sessions, each on its own thread and connection (and, every
// other thread, its own Store handle on the same database, as a second
// process would have): optimistic updates lose nothing, set_primary never
// shows two or zero primaries, and only one of many identical inserts wins.
// Busy handling: each session waits up to StoreOptions::busy_timeout for a
// lock; the tests keep transactions short so no wait reaches it, and count
// any BackendError as a failure.
#include <atomic>
#include <cctype>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "conformance/fixtures.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

constexpr int kThreads = 8;

// Lets threads start their racing calls at the same moment.
class StartLine {
 public:
  explicit StartLine(int n) : waiting_(n) {}
  void arrive_and_wait() {
    waiting_.fetch_sub(1);
    while (waiting_.load() > 0) std::this_thread::yield();
  }

 private:
  std::atomic<int> waiting_;
};

// Collects errors from threads (Boost.Test assertions are not thread-safe).
class Failures {
 public:
  void add(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    list_.push_back(what);
  }
  void report() {
    for (const auto& f : list_) BOOST_ERROR(f);
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> list_;
};

struct RaceFixture : Fixture {
  RaceFixture() : second(reopen(store)) {}
  // Thread i's store: the fixture's, or a second handle on the same database.
  Store& store_for(int i) { return i % 2 == 0 ? store : second; }
  Store second;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(races, RaceFixture)

BOOST_AUTO_TEST_CASE(racing_stale_version_updates_lose_nothing) {
  Account start = make_account("Counter Co");
  start.account_notes = "0";
  const Account created = a.accounts().create(start);
  constexpr int kAttempts = 25;
  std::atomic<int> successes{0};
  std::atomic<int> conflicts{0};
  Failures failures;
  StartLine line(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        Session s = store_for(t).session(kUserA);
        line.arrive_and_wait();
        for (int i = 0; i < kAttempts; ++i) {
          Account edit = s.accounts().get(created.id);
          // The notes count the successful updates: a lost update would
          // leave the count behind the version.
          edit.account_notes = std::to_string(std::stoi(*edit.account_notes) + 1);
          std::this_thread::yield();
          try {
            s.accounts().update(edit);
            ++successes;
          } catch (const Conflict& e) {
            if (e.code() != "conflict.stale_version") failures.add("conflict code " + e.code());
            ++conflicts;
          }
        }
      } catch (const std::exception& e) {
        failures.add(std::string("writer thread: ") + e.what());
      }
    });
  }
  for (auto& th : threads) th.join();
  failures.report();
  const Account final_row = a.accounts().get(created.id);
  BOOST_TEST(successes.load() + conflicts.load() == kThreads * kAttempts);
  BOOST_TEST(successes.load() >= 1);
  BOOST_TEST(final_row.version == successes.load() + 1);
  BOOST_TEST(final_row.account_notes == std::to_string(successes.load()));
  BOOST_TEST_MESSAGE(backend_label() << ": " << successes.load() << " updates, " << conflicts.load()
                                     << " conflicts");
}

BOOST_AUTO_TEST_CASE(racing_contact_updates_lose_nothing) {
  const Account account = create_account(a, "Contact Counter Co");
  Contact start = make_contact(account.id, "Counted");
  start.contact_notes = "0";
  const Contact created = a.contacts().add(start);
  constexpr int kAttempts = 15;
  std::atomic<int> successes{0};
  Failures failures;
  StartLine line(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        Session s = store_for(t).session(kUserA);
        line.arrive_and_wait();
        for (int i = 0; i < kAttempts; ++i) {
          Contact edit = s.contacts().get(created.id);
          edit.contact_notes = std::to_string(std::stoi(*edit.contact_notes) + 1);
          try {
            s.contacts().update(edit);
            ++successes;
          } catch (const Conflict&) {
          }
        }
      } catch (const std::exception& e) {
        failures.add(std::string("writer thread: ") + e.what());
      }
    });
  }
  for (auto& th : threads) th.join();
  failures.report();
  const Contact final_row = a.contacts().get(created.id);
  BOOST_TEST(final_row.version == successes.load() + 1);
  BOOST_TEST(final_row.contact_notes == std::to_string(successes.load()));
}

BOOST_AUTO_TEST_CASE(racing_set_primary_keeps_exactly_one_primary_at_every_moment) {
  const Account account = create_account(a, "Primary Race Co");
  std::vector<Id> contacts;
  for (int i = 0; i < kThreads; ++i) {
    contacts.push_back(
        a.contacts().add(make_contact(account.id, "Candidate " + std::to_string(i))).id);
  }
  a.contacts().set_primary(contacts[0]);
  constexpr int kRounds = 20;
  std::atomic<bool> writers_done{false};
  std::atomic<int> reads{0};
  std::atomic<int> sets{0};
  Failures failures;
  StartLine line(kThreads + 1);

  std::thread reader([&] {
    try {
      Session s = store_for(1).session(kUserA);
      line.arrive_and_wait();
      while (!writers_done.load()) {
        // One statement: a consistent view of the account's contacts.
        const auto page = s.contacts().list(account.id, {}, 100);
        int primaries = 0;
        for (const auto& c : page.items) primaries += c.is_primary_contact ? 1 : 0;
        if (primaries != 1)
          failures.add("a reader saw " + std::to_string(primaries) + " primaries");
        if (page.items.size() != contacts.size()) failures.add("a reader lost a contact");
        ++reads;
      }
    } catch (const std::exception& e) {
      failures.add(std::string("reader thread: ") + e.what());
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      try {
        Session s = store_for(t).session(kUserA);
        line.arrive_and_wait();
        for (int i = 0; i < kRounds; ++i) {
          const Id id = contacts[static_cast<std::size_t>((t + i) % kThreads)];
          const Contact c = s.contacts().set_primary(id);
          if (!c.is_primary_contact) failures.add("set_primary returned a non-primary contact");
          ++sets;
        }
      } catch (const std::exception& e) {
        failures.add(std::string("set_primary thread: ") + e.what());
      }
    });
  }
  for (auto& th : writers) th.join();
  writers_done = true;
  reader.join();
  failures.report();
  BOOST_TEST(sets.load() == kThreads * kRounds);
  BOOST_TEST(reads.load() > 0);
  const auto all = list_all(a, account.id);
  BOOST_TEST(std::count_if(all.begin(), all.end(),
                           [](const Contact& c) { return c.is_primary_contact; }) == 1);
  BOOST_TEST_MESSAGE(backend_label() << ": " << reads.load() << " consistent reads");
}

BOOST_AUTO_TEST_CASE(racing_inserts_of_one_email_let_exactly_one_win) {
  const Account account = create_account(a, "Email Race Co");
  std::atomic<int> wins{0};
  std::atomic<int> conflicts{0};
  Failures failures;
  StartLine line(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        Session s = store_for(t).session(kUserA);
        // Every spelling is the same address, case-insensitively.
        std::string email = "Same.Person@Example.COM";
        if (t % 3 == 1) email = "same.person@example.com";
        if (t % 3 == 2) email = "SAME.PERSON@EXAMPLE.COM";
        const Contact c = make_contact(account.id, "Racer " + std::to_string(t), email);
        line.arrive_and_wait();
        try {
          s.contacts().add(c);
          ++wins;
        } catch (const Conflict& e) {
          if (e.code() != "contact.duplicate_email") failures.add("conflict code " + e.code());
          ++conflicts;
        }
      } catch (const std::exception& e) {
        failures.add(std::string("insert thread: ") + e.what());
      }
    });
  }
  for (auto& th : threads) th.join();
  failures.report();
  BOOST_TEST(wins.load() == 1);
  BOOST_TEST(conflicts.load() == kThreads - 1);
  BOOST_TEST(list_all(a, account.id).size() == 1u);
}

BOOST_AUTO_TEST_CASE(racing_inserts_of_primary_contacts_let_exactly_one_win) {
  const Account account = create_account(a, "Primary Insert Race Co");
  std::atomic<int> wins{0};
  std::atomic<int> conflicts{0};
  Failures failures;
  StartLine line(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        Session s = store_for(t).session(kUserA);
        const Contact c =
            make_contact(account.id, "Boss " + std::to_string(t), std::nullopt, std::nullopt, true);
        line.arrive_and_wait();
        try {
          s.contacts().add(c);
          ++wins;
        } catch (const Conflict& e) {
          if (e.code() != "contact.duplicate_primary") failures.add("conflict code " + e.code());
          ++conflicts;
        }
      } catch (const std::exception& e) {
        failures.add(std::string("insert thread: ") + e.what());
      }
    });
  }
  for (auto& th : threads) th.join();
  failures.report();
  BOOST_TEST(wins.load() == 1);
  BOOST_TEST(conflicts.load() == kThreads - 1);
}

BOOST_AUTO_TEST_CASE(racing_creates_and_deletes_leave_no_orphan_contacts) {
  // Writers create accounts with contacts in transactions while others
  // delete them: every contact that remains belongs to an account.
  std::atomic<int> created{0};
  Failures failures;
  StartLine line(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        Session s = store_for(t).session(kUserA);
        line.arrive_and_wait();
        for (int i = 0; i < 10; ++i) {
          auto tx = s.transaction();
          const Account acc = s.accounts().create(
              make_account("Churn " + std::to_string(t) + "-" + std::to_string(i)));
          s.contacts().add(make_contact(acc.id, "One"));
          s.contacts().add(make_contact(acc.id, "Two"));
          tx.commit();
          ++created;
          if (i % 2 == 1) s.accounts().remove(acc.id);
        }
      } catch (const std::exception& e) {
        failures.add(std::string("churn thread: ") + e.what());
      }
    });
  }
  for (auto& th : threads) th.join();
  failures.report();
  const auto accounts = search_all(service);
  BOOST_TEST(accounts.size() == static_cast<std::size_t>(created.load() / 2));
  std::int64_t contacts = 0;
  for (const auto& acc : accounts) {
    const auto list = list_all(service, acc.id);
    BOOST_TEST(list.size() == 2u);
    contacts += static_cast<std::int64_t>(list.size());
  }
  BOOST_TEST(service.accounts().stats().total_contacts == contacts);
}

BOOST_AUTO_TEST_SUITE_END()
