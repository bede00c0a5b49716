// custmgmt-bench: the library next to hand-written raw baselines, in the same
// process and run. See docs/benchmarks.md for what each number means.
//
//   custmgmt-bench [--scale N] [--backend sqlite|postgres|all] [--queries N]
//                  [--reads N] [--updates N] [--seed N] [--row-limit N]
//                  [--io | --no-io] [--dir DIR] [--out FILE]
//
// PostgreSQL runs when CUSTMGMT_BENCH_PG_URI or CUSTMGMT_TEST_PG_URI is set
// (the database is migrated down and up again: use a scratch database).
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>

#include "bench_util.hpp"

namespace bench {
boost::json::object run_sqlite(const Options& o);
#ifdef CUSTMGMT_BENCH_WITH_POSTGRES
boost::json::object run_postgres(const Options& o);
#endif
}  // namespace bench

namespace {

[[noreturn]] void usage(int rc = 2) {
  (rc == 0 ? std::cout : std::cerr)
      << "usage: custmgmt-bench [--scale N] [--backend sqlite|postgres|all] [--queries N]\n"
         "                      [--reads N] [--updates N] [--seed N] [--row-limit N]\n"
         "                      [--io | --no-io] [--dir DIR] [--out FILE]\n"
         "  --scale N       accounts of the data set (default 10000)\n"
         "  --row-limit N   accounts the row-by-row (straightforward) loaders insert, into the\n"
         "                  empty and into the populated store (default: the scale up to\n"
         "                  100000, else 20000); their rate is reported over that prefix\n"
         "  --io, --no-io   the import_accounts/export_accounts rows (default: on up to\n"
         "                  100000 accounts, off above)\n"
         "  --queries N     search queries (default 1000); --reads N point reads (1000);\n"
         "  --updates N     single-row updates (300); --seed N data set (42)\n"
         "  --dir DIR       scratch directory for SQLite files; --out FILE the JSON result\n"
         "PostgreSQL runs when CUSTMGMT_BENCH_PG_URI or CUSTMGMT_TEST_PG_URI is set (the\n"
         "database's schema is dropped and recreated: use a scratch database).\n";
  std::exit(rc);
}

std::string machine_memory() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("MemTotal:", 0) == 0) return line.substr(9);
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  bench::Options o;
  std::string backend = "all";
  std::string out_path;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    // A whole non-negative decimal number, else usage with the option named.
    auto number = [&]() -> std::int64_t {
      const std::string v = value();
      std::size_t end = 0;
      long long n = -1;
      try {
        n = std::stoll(v, &end);
      } catch (const std::exception&) {
        end = 0;
      }
      if (end == 0 || end != v.size() || n < 0) {
        std::cerr << "custmgmt-bench: " << a << ": not a non-negative whole number: '" << v
                  << "'\n";
        usage();
      }
      return n;
    };
    auto small = [&]() -> int {
      const std::int64_t n = number();
      if (n > INT_MAX) {
        std::cerr << "custmgmt-bench: " << a << ": too large\n";
        usage();
      }
      return static_cast<int>(n);
    };
    if (a == "--scale") {
      o.scale = number();
    } else if (a == "--backend") {
      backend = value();
    } else if (a == "--queries") {
      o.queries = small();
    } else if (a == "--reads") {
      o.reads = small();
    } else if (a == "--updates") {
      o.updates = small();
    } else if (a == "--seed") {
      o.seed = static_cast<std::uint64_t>(number());
    } else if (a == "--row-limit") {
      o.row_limit = number();
    } else if (a == "--io") {
      o.io = 1;
    } else if (a == "--no-io") {
      o.io = 0;
    } else if (a == "--help" || a == "-h") {
      usage(0);
    } else if (a == "--dir") {
      o.dir = value();
    } else if (a == "--out") {
      out_path = value();
    } else {
      usage();
    }
  }
  if (o.scale < 100 || o.queries < 5 || o.reads < 1 || o.updates < 1) {
    std::cerr << "custmgmt-bench: --scale must be >= 100, --queries >= 5, --reads and --updates "
                 ">= 1\n";
    usage();
  }
  if (backend != "all" && backend != "sqlite" && backend != "postgres") usage();
  if (o.dir.empty()) {
    char tmpl[] = "/tmp/custmgmt-bench-XXXXXX";
    if (!mkdtemp(tmpl)) return 1;
    o.dir = tmpl;
  }
  for (const char* env : {"CUSTMGMT_BENCH_PG_URI", "CUSTMGMT_TEST_PG_URI"}) {
    if (const char* v = std::getenv(env); v && *v && o.pg_uri.empty()) o.pg_uri = v;
  }

  boost::json::object result;
  result["scale"] = o.scale;
  result["seed"] = o.seed;
  result["queries"] = o.queries;
  result["started_at_unix"] = static_cast<std::int64_t>(std::time(nullptr));
  boost::json::object machine;
  machine["cpus_online"] = sysconf(_SC_NPROCESSORS_ONLN);
  machine["mem_total"] = machine_memory();
  result["machine"] = machine;
  result["accounts"] = o.scale;
  result["rows"] = bench::total_rows(o.seed, o.scale);
  result["row_by_row_accounts"] = o.row_accounts();
  result["io"] = o.run_io();

  boost::json::object backends;
  int rc = 0;
  try {
    if (backend != "postgres") backends["sqlite"] = bench::run_sqlite(o);
    if (backend != "sqlite") {
#ifdef CUSTMGMT_BENCH_WITH_POSTGRES
      if (o.pg_uri.empty()) {
        std::cerr << "custmgmt-bench: PostgreSQL skipped: set CUSTMGMT_BENCH_PG_URI or "
                     "CUSTMGMT_TEST_PG_URI\n";
        backends["postgresql"] = {{"skipped", "no CUSTMGMT_BENCH_PG_URI/CUSTMGMT_TEST_PG_URI"}};
      } else {
        backends["postgresql"] = bench::run_postgres(o);
      }
#else
      std::cerr << "custmgmt-bench: PostgreSQL skipped: built without CUSTMGMT_WITH_POSTGRES\n";
      backends["postgresql"] = {{"skipped", "built without CUSTMGMT_WITH_POSTGRES"}};
#endif
    }
  } catch (const std::exception& e) {
    std::cerr << "custmgmt-bench: " << e.what() << "\n";
    rc = 1;
  }
  result["backends"] = backends;
  const std::string text = boost::json::serialize(result);
  if (out_path.empty()) {
    std::cout << text << "\n";
  } else {
    std::ofstream(out_path) << text << "\n";
  }
  return rc;
}
