// ":memory:" stores and connections used from several threads.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

#include "sqlite_test_support.hpp"

namespace custmgmt::sqlite_test {

BOOST_AUTO_TEST_SUITE(sqlite_memory_and_threads)

BOOST_AUTO_TEST_CASE(a_memory_store_is_one_database_for_all_its_sessions) {
  auto store = Store::open(":memory:");
  auto writer = store.session(kUserA);
  auto reader = store.session(kUserA);
  auto service = store.service();
  const auto created = writer.accounts().create(make_account("Shared"));
  BOOST_TEST(reader.accounts().get(created.id).company_name == "Shared");
  BOOST_TEST(service.accounts().get(created.id).company_name == "Shared");
}

BOOST_AUTO_TEST_CASE(a_memory_store_keeps_its_data_while_no_session_is_open) {
  auto store = Store::open("sqlite::memory:");
  Id id = 0;
  { id = store.session(kUserA).accounts().create(make_account("Kept")).id; }
  BOOST_TEST(store.session(kUserA).accounts().get(id).company_name == "Kept");
}

BOOST_AUTO_TEST_CASE(two_memory_stores_are_separate_databases) {
  auto one = Store::open(":memory:");
  auto two = Store::open(":memory:");
  one.session(kUserA).accounts().create(make_account("Only in one"));
  BOOST_TEST(two.session(kUserA).accounts().search().items.empty());
  BOOST_TEST(one.session(kUserA).accounts().search().items.size() == 1u);
}

// Sessions on several threads, each with its own connection, write to the
// same database; locking and the busy timeout serialise the writers.
void run_concurrent_writers(const Store& store) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        auto session = store.session(t % 2 == 0 ? kUserA : kUserB);
        for (int i = 0; i < kPerThread; ++i) {
          const auto a = session.accounts().create(
              make_account("T" + std::to_string(t) + " #" + std::to_string(i), {"load"}));
          session.contacts().add(make_contact(a.id, "Person " + std::to_string(i)));
          session.accounts().search();
        }
      } catch (...) {
        ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(failures.load() == 0);
  auto service = store.service();
  const auto stats = service.accounts().stats();
  BOOST_TEST(stats.total_accounts == kThreads * kPerThread);
  BOOST_TEST(stats.total_contacts == kThreads * kPerThread);
}

BOOST_AUTO_TEST_CASE(sessions_on_several_threads_share_a_memory_store) {
  run_concurrent_writers(Store::open(":memory:"));
}

BOOST_AUTO_TEST_CASE(sessions_on_several_threads_share_a_file_store) {
  TempDir dir;
  run_concurrent_writers(Store::open("sqlite:" + dir.path("threads.db")));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace custmgmt::sqlite_test
