// SQLite files under crashes and hostile file systems: a killed import
// leaves a file that passes PRAGMA integrity_check with no orphan contact;
// a full disk and a read-only file give typed BackendErrors, never a crash,
// and lose nothing that was committed.
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>

#include "conformance/fixtures.hpp"
#include "reliability/killed_import.hpp"
#include "reliability/raw_sql.hpp"

using namespace custmgmt;
using namespace custmgmt::test;

namespace {

// A temporary directory removed at the end of the test.
struct TempDir {
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "custmgmt-rel-XXXXXX").string();
    BOOST_REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  std::filesystem::path dir;
};

// Runs `body` in a child process and returns what it wrote to the pipe
// (its findings, one per line); the child's own failures are reported.
template <typename Body>
std::string in_child(Body body) {
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    try {
      out = body();
    } catch (const std::exception& e) {
      out = std::string("unexpected exception: ") + e.what();
    } catch (...) {
      out = "unexpected exception";
    }
    const char* p = out.data();
    std::size_t left = out.size();
    while (left > 0) {
      const ssize_t n = write(fds[1], p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0), "the child crashed: " << status);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sqlite_files_under_stress)

BOOST_AUTO_TEST_CASE(a_killed_import_leaves_a_sound_file_without_orphans) {
  TempDir dir;
  const std::string path = dir.path("import.db");
  Store::open("sqlite:" + path);  // created and migrated, then closed
  for (const auto extra : {std::chrono::microseconds(0), std::chrono::microseconds(700),
                           std::chrono::microseconds(3000), std::chrono::microseconds(11000)}) {
    BOOST_TEST_CONTEXT("killed " << extra.count() << " us after the 1st commit") {
      const auto run =
          crash::run_killed_import([&] { return Store::open("sqlite:" + path); }, 1, extra);
      BOOST_TEST(raw::sqlite_scalar(path, "PRAGMA integrity_check") == "ok");
      BOOST_TEST(raw::sqlite_scalar(
                     path,
                     "SELECT count(*) FROM customer_contacts WHERE "
                     "customer_account_id NOT IN (SELECT id FROM customer_accounts)") == "0");
      BOOST_TEST(raw::sqlite_scalar(path, "PRAGMA foreign_key_check") == "");
      crash::check_whole_batches(Store::open("sqlite:" + path), run);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_full_disk_is_a_backend_error_and_loses_no_commit) {
  TempDir dir;
  const std::string path = dir.path("full.db");
  {
    Store store = Store::open("sqlite:" + path);
    store.session(kUserA).accounts().create(make_account("Before The Disk Filled"));
  }
  // The child may write at most a few hundred KiB more (RLIMIT_FSIZE; the
  // SIGXFSZ it would get is ignored, so writes fail with EFBIG like on a
  // full disk), then writes notes of 60 KB until the database refuses.
  const std::string out = in_child([&] {
    signal(SIGXFSZ, SIG_IGN);
    Store store = Store::open("sqlite:" + path);
    Session s = store.session(kUserA);
    struct stat st {};
    stat(path.c_str(), &st);
    const rlim_t limit = static_cast<rlim_t>(st.st_size) + 256 * 1024;
    struct rlimit rl {
      limit, limit
    };
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0) return std::string("setrlimit failed");
    for (int i = 0; i < 400; ++i) {
      Account acc = make_account("Filler " + std::to_string(i));
      acc.account_notes = std::string(60000, 'f');
      try {
        s.accounts().create(acc);
      } catch (const BackendError& e) {
        // The session must still answer reads after the failed write.
        const auto page = s.accounts().search();
        return "backend " + e.code() + " " + e.backend_code() + " after " + std::to_string(i) +
               " rows, then read " + std::to_string(page.items.size());
      }
    }
    return std::string("never full");
  });
  BOOST_TEST_MESSAGE("disk full: " << out);
  const bool typed =
      out.rfind("backend backend.full ", 0) == 0 || out.rfind("backend backend.io ", 0) == 0;
  BOOST_TEST(typed, out);
  BOOST_TEST(raw::sqlite_scalar(path, "PRAGMA integrity_check") == "ok");
  Store store = Store::open("sqlite:" + path);
  Session session = store.session(kUserA);
  const auto names = test::names(search_all(session));
  BOOST_TEST(std::count(names.begin(), names.end(), "Before The Disk Filled") == 1);
}

BOOST_AUTO_TEST_CASE(a_read_only_file_is_a_typed_error_not_a_crash) {
  TempDir dir;
  const std::string path = dir.path("readonly.db");
  Id id = 0;
  {
    Store store = Store::open("sqlite:" + path);
    id = store.session(kUserA).accounts().create(make_account("Frozen File")).id;
  }
  // Closing the last connection checkpointed and removed the WAL files.
  BOOST_REQUIRE(chmod(path.c_str(), 0444) == 0);
  BOOST_REQUIRE(chmod(dir.dir.c_str(), 0755) == 0);
  const std::string out = in_child([&] {
    // Root ignores file permissions: act as nobody in the child.
    if (geteuid() == 0 && setuid(65534) != 0) return std::string("setuid failed");
    std::string report;
    try {
      Store store = Store::open("sqlite:" + path);
      Session s = store.session(kUserA);
      try {
        s.accounts().create(make_account("Nope"));
        report += "write succeeded;";
      } catch (const BackendError& e) {
        report += "write " + e.code() + ";";
      }
      try {
        report += "read " + s.accounts().get(id).company_name + ";";
      } catch (const BackendError& e) {
        report += "read " + e.code() + ";";
      }
    } catch (const BackendError& e) {
      report += "open " + e.code() + ";";
    }
    return report;
  });
  BOOST_TEST_MESSAGE("read-only file: " << out);
  BOOST_TEST(out.find("write succeeded") == std::string::npos, out);
  BOOST_TEST(out.find("unexpected") == std::string::npos, out);
  const bool typed = out.find("write backend.readonly;") != std::string::npos ||
                     out.find("open backend.readonly;") != std::string::npos ||
                     out.find("open backend.io;") != std::string::npos;
  BOOST_TEST(typed, out);
  chmod(path.c_str(), 0644);
  BOOST_TEST(raw::sqlite_scalar(path, "PRAGMA integrity_check") == "ok");
}

BOOST_AUTO_TEST_SUITE_END()
