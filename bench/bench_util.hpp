// Timing, percentiles, child processes and the library workloads shared by
// the SQLite and PostgreSQL parts of custmgmt-bench.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench_data.hpp"
#include "custmgmt/custmgmt.hpp"
#include "custmgmt/io.hpp"

namespace bench {

// The user that owns every generated account (all searches act as him).
constexpr const char* kUser = "6f1c2a4e-7f2b-4f4e-9d1a-2b8e5f0c9a11";
constexpr std::int64_t kBatch = 1000;
constexpr std::size_t kPageSize = 50;

struct Options {
  std::int64_t scale = 10000;
  std::uint64_t seed = 42;
  int queries = 1000;
  int reads = 1000;
  int updates = 300;
  std::string dir;  // scratch directory for SQLite files
  std::string pg_uri;
  // Accounts the row-by-row (straightforward) loaders insert, into the empty
  // and into the populated store; 0: the whole scale up to 100,000 accounts,
  // else the first kDefaultRowLimit (PostgreSQL's INSERT per row runs at a
  // few hundred accounts/s on a 2-core machine: 1M would take hours).
  std::int64_t row_limit = 0;
  // The io rows (import_accounts / export_accounts): -1 on up to 100,000
  // accounts, 0 off, 1 on.
  int io = -1;

  // Accounts of the row-by-row loaders (row_limit resolved, <= scale).
  std::int64_t row_accounts() const;
  bool run_io() const { return io < 0 ? scale <= kDefaultFullScale : io > 0; }
  static constexpr std::int64_t kDefaultFullScale = 100000;
  static constexpr std::int64_t kDefaultRowLimit = 20000;
};

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU time of the calling thread in microseconds. On a loaded machine the
// wall-clock tail is mostly time spent waiting for a core; for SQLite (all
// work in this thread) CPU time is the load-independent cost of a request.
double thread_cpu_us();

// One timed request: wall-clock and this thread's CPU time.
struct Sample {
  double wall_us = 0;
  double cpu_us = 0;
};

// Starts a Sample; finish() fills it.
class Stopwatch {
 public:
  Stopwatch() : wall_(Clock::now()), cpu_(thread_cpu_us()) {}
  Sample finish() const { return {seconds_since(wall_) * 1e6, thread_cpu_us() - cpu_}; }

 private:
  Clock::time_point wall_;
  double cpu_;
};

// Latencies in microseconds; summary() gives n, mean and p50/p95/p99 (ms).
class Latencies {
 public:
  void add(const Sample& s) {
    us_.push_back(s.wall_us);
    cpu_us_.push_back(s.cpu_us);
  }
  bool empty() const { return us_.empty(); }
  boost::json::object summary() const;
  double percentile(double p) const { return percentile_of(us_, p); }
  double cpu_percentile(double p) const { return percentile_of(cpu_us_, p); }

 private:
  static double percentile_of(std::vector<double> v, double p);
  std::vector<double> us_;
  std::vector<double> cpu_us_;
};

// Runs `work` in a forked child (so that its peak RSS is its own) and
// returns {seconds, count, peak_rss_kb}. `work` returns {seconds, count}.
struct ChildResult {
  double seconds = 0;
  double count = 0;
  long peak_rss_kb = 0;
};
ChildResult run_in_child(const std::function<std::pair<double, double>()>& work);

// Progress on stderr for runs of 100,000 accounts and more: a line every
// 100,000 accounts `done` of `total`.
void progress(const char* what, std::int64_t done, std::int64_t total);

// Rows (accounts + contacts) of the data set.
std::int64_t total_rows(std::uint64_t seed, std::int64_t scale);

custmgmt::Account to_account(const GenAccount& g);
custmgmt::AccountQuery to_query(const GenQuery& g);

// Library import of accounts [begin, end) of the data set in one
// transaction through the bulk path: per batch of kBatch accounts,
// accounts().create_many, then contacts().add_many of their contacts. Times
// only the library calls (not data generation). Returns {seconds, rows}.
std::pair<double, double> library_import(const std::string& uri, const Options& o,
                                         std::int64_t begin, std::int64_t end);
// Pages through every account (search, created order) and its contacts,
// serialising each record to JSON as an exporter would. Returns {seconds, rows}.
std::pair<double, double> library_export(const std::string& uri);

// ---- the io path (include/custmgmt/io.hpp) ----------------------------------

// Writes accounts [begin, end) of the data set as an import file: NDJSON
// (one account with its contacts per line, the export format) or CSV (one
// record per contact, account columns repeated). Not timed.
void write_import_file(const std::string& path, const Options& o, std::int64_t begin,
                       std::int64_t end, custmgmt::DataFormat format);
// custmgmt::import_accounts of `path` through a service session (the
// benchmark user as audit user), default options. Times the call only.
// Returns {seconds, rows}, rows = accounts + contacts the report counts
// (created + updated + unchanged). Throws when a row is rejected, or when
// `expect_no_creates` and the import created anything (a re-import).
std::pair<double, double> io_import(const std::string& uri, const std::string& path,
                                    custmgmt::DataFormat format, bool expect_no_creates = false);
// custmgmt::export_accounts (NDJSON) of every account to `path`. Returns
// {seconds, rows}.
std::pair<double, double> io_export(const std::string& uri, const std::string& path);

// The io workloads next to the raw loaders' results: NDJSON import into an
// empty store, its re-import (nothing changes), NDJSON import of the next
// `scale` accounts into that populated store, CSV import into an empty
// store, and the NDJSON export of the populated store. `fresh_store`
// returns the URI of an empty, migrated store (it may reuse one database).
// `*_rows_per_s` are the raw loaders' throughputs of the same run.
boost::json::object run_io_workloads(const Options& o,
                                     const std::function<std::string()>& fresh_store,
                                     double best_rows_per_s, double straight_rows_per_s,
                                     double straight_populated_rows_per_s);

// Rows (accounts + contacts) of accounts [begin, end).
std::int64_t rows_between(std::uint64_t seed, std::int64_t begin, std::int64_t end);

// Import result as JSON: accounts loaded, seconds, rows/s, accounts/s, peak RSS.
boost::json::object import_json(const ChildResult& r, std::int64_t accounts);

// The "import" object of a backend: the library and engine's best loaders
// over the whole scale into an empty store, the straightforward loader over
// the first o.row_accounts() accounts into an empty store, and the library
// and straightforward loaders adding the next o.row_accounts() accounts to
// a store holding the whole scale; with the ratios of the targets.
boost::json::object import_results(const Options& o, const ChildResult& library,
                                   const ChildResult& straightforward, const ChildResult& best,
                                   const ChildResult& library_populated,
                                   const ChildResult& straightforward_populated);

// The "export" object: seconds, rows, rows/s, peak RSS.
boost::json::object export_json(const ChildResult& r);

// Library search, point read, update and stats workloads on an imported
// store; `raw` hooks time the same work done raw. Filled into `out`.
struct RawHooks {
  // Runs query `q`; page 2 when `second_page`. Returns false when the query
  // has no second page. Times only the timed request itself. `ids`, when
  // given, receives the ids of the page's rows (the library's page size + 1
  // rows at most), which must be the library's.
  std::function<bool(const GenQuery& q, bool second_page, Sample& s,
                     std::vector<custmgmt::Id>* ids)>
      same_sql;
  std::function<bool(const GenQuery& q, bool second_page, Sample& s)> straightforward;
  std::function<void()> warm;
  std::function<Sample(custmgmt::Id id)> point_read;
  std::function<Sample(const custmgmt::Account& current)> update;
};
void run_query_workloads(const std::string& uri, const Options& o, RawHooks& raw,
                         boost::json::object& out);

double ratio(double a, double b);

}  // namespace bench
