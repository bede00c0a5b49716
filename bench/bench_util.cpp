#include "bench_util.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <stdexcept>

#include "custmgmt/io.hpp"
#include "custmgmt/json.hpp"

namespace bench {

using custmgmt::Account;

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

double Latencies::percentile_of(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  // Nearest rank.
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

boost::json::object Latencies::summary() const {
  boost::json::object o;
  double sum = 0;
  for (double x : us_) sum += x;
  o["n"] = us_.size();
  o["mean_ms"] = us_.empty() ? 0.0 : sum / static_cast<double>(us_.size()) / 1000.0;
  o["p50_ms"] = percentile(50) / 1000.0;
  o["p95_ms"] = percentile(95) / 1000.0;
  o["p99_ms"] = percentile(99) / 1000.0;
  o["cpu_p50_ms"] = cpu_percentile(50) / 1000.0;
  o["cpu_p95_ms"] = cpu_percentile(95) / 1000.0;
  o["cpu_p99_ms"] = cpu_percentile(99) / 1000.0;
  return o;
}

double ratio(double a, double b) {
  return b > 0 ? a / b : 0.0;
}

ChildResult run_in_child(const std::function<std::pair<double, double>()>& work) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    double out[2] = {-1, 0};
    try {
      const auto r = work();
      out[0] = r.first;
      out[1] = r.second;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "custmgmt-bench: child failed: %s\n", e.what());
    }
    const ssize_t n = write(fds[1], out, sizeof out);
    std::fflush(nullptr);
    _exit(n == static_cast<ssize_t>(sizeof out) && out[0] >= 0 ? 0 : 1);
  }
  close(fds[1]);
  double in[2] = {-1, 0};
  const ssize_t n = read(fds[0], in, sizeof in);
  close(fds[0]);
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  if (n != static_cast<ssize_t>(sizeof in) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("a benchmark child process failed");
  }
  return {in[0], in[1], ru.ru_maxrss};
}

std::int64_t total_rows(std::uint64_t seed, std::int64_t scale) {
  std::int64_t rows = 0;
  for (std::int64_t i = 0; i < scale; ++i) {
    rows += 1 + static_cast<std::int64_t>(make_account(seed, i).contacts.size());
  }
  return rows;
}

namespace {

custmgmt::Address to_address(const GenAddress& a) {
  return {a.street, a.city, a.state, a.zip, a.country};
}

}  // namespace

Account to_account(const GenAccount& g) {
  Account a;
  a.company_name = g.company_name;
  a.customer_type =
      g.residential ? custmgmt::CustomerType::Residential : custmgmt::CustomerType::Commercial;
  a.billing_address = to_address(g.billing);
  a.service_address = to_address(g.service);
  a.account_notes = g.notes;
  a.tags = g.tags;
  return a;
}

custmgmt::AccountQuery to_query(const GenQuery& g) {
  custmgmt::AccountQuery q;
  q.text = g.text;
  if (g.residential) {
    q.customer_type =
        *g.residential ? custmgmt::CustomerType::Residential : custmgmt::CustomerType::Commercial;
  }
  q.tags_any = g.tags_any;
  q.tags_all = g.tags_all;
  if (g.created_from_us) q.created_from = custmgmt::from_micros(*g.created_from_us);
  if (g.created_to_us) q.created_to = custmgmt::from_micros(*g.created_to_us);
  q.limit = kPageSize;
  return q;
}

std::int64_t Options::row_accounts() const {
  const std::int64_t limit =
      row_limit > 0 ? row_limit : (scale <= kDefaultFullScale ? scale : kDefaultRowLimit);
  return std::min(scale, limit);
}

std::pair<double, double> library_import(const std::string& uri, const Options& o,
                                         std::int64_t begin, std::int64_t end) {
  auto store = custmgmt::Store::open(uri);
  auto session = store.service(std::string_view(kUser));
  double seconds = 0;
  double rows = 0;
  auto t0 = Clock::now();
  auto tx = session.transaction();
  seconds += seconds_since(t0);
  for (std::int64_t start = begin; start < end; start += kBatch) {
    std::vector<GenAccount> gen;
    std::vector<Account> batch;
    for (std::int64_t i = start; i < std::min(end, start + kBatch); ++i) {
      gen.push_back(make_account(o.seed, i));
      batch.push_back(to_account(gen.back()));
    }
    std::vector<custmgmt::Contact> contacts;
    for (const auto& g : gen) {
      for (const auto& gc : g.contacts) {
        custmgmt::Contact c;
        c.contact_name = gc.name;
        c.email = gc.email;
        c.phone = gc.phone;
        c.role = gc.role;
        c.is_primary_contact = gc.primary;
        contacts.push_back(std::move(c));
      }
    }
    t0 = Clock::now();
    const auto stored = session.accounts().create_many(batch);
    std::size_t next = 0;
    for (std::size_t k = 0; k < gen.size(); ++k) {
      for (std::size_t j = 0; j < gen[k].contacts.size(); ++j) {
        contacts[next++].customer_account_id = stored[k].id;
      }
    }
    if (!contacts.empty()) (void)session.contacts().add_many(contacts);
    seconds += seconds_since(t0);
    rows += static_cast<double>(batch.size() + contacts.size());
    progress("library import", start + static_cast<std::int64_t>(batch.size()) - begin,
             end - begin);
  }
  t0 = Clock::now();
  tx.commit();
  seconds += seconds_since(t0);
  return {seconds, rows};
}

void progress(const char* what, std::int64_t done, std::int64_t total) {
  // Every 100,000 accounts, and at the end of a run of at least that many.
  if (total >= 100000 && (done % 100000 == 0 || done == total)) {
    std::fprintf(stderr, "  %s: %lld/%lld accounts\n", what, static_cast<long long>(done),
                 static_cast<long long>(total));
  }
}

std::pair<double, double> library_export(const std::string& uri) {
  auto store = custmgmt::Store::open(uri);
  auto session = store.service();
  const auto t0 = Clock::now();
  double rows = 0;
  std::size_t bytes = 0;
  custmgmt::AccountQuery q;
  q.sort = custmgmt::AccountSort::CreatedAsc;
  q.limit = 1000;
  for (;;) {
    auto page = session.accounts().search(q);
    for (const auto& a : page.items) {
      bytes += custmgmt::to_json(a).size();
      ++rows;
      std::string cursor;
      for (;;) {
        auto contacts = session.contacts().list(a.id, cursor, 1000);
        for (const auto& c : contacts.items) {
          bytes += custmgmt::to_json(c).size();
          ++rows;
        }
        if (!contacts.next_cursor) break;
        cursor = *contacts.next_cursor;
      }
    }
    if (!page.next_cursor) break;
    q.cursor = *page.next_cursor;
  }
  if (bytes == 0 && rows > 0) throw std::runtime_error("export wrote nothing");
  return {seconds_since(t0), rows};
}

std::int64_t rows_between(std::uint64_t seed, std::int64_t begin, std::int64_t end) {
  std::int64_t rows = 0;
  for (std::int64_t i = begin; i < end; ++i) {
    rows += 1 + static_cast<std::int64_t>(make_account(seed, i).contacts.size());
  }
  return rows;
}

namespace {

void csv_field(std::string& out, const std::string& value, bool last = false) {
  out += '"';
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += last ? "\"\n" : "\",";
}

}  // namespace

void write_import_file(const std::string& path, const Options& o, std::int64_t begin,
                       std::int64_t end, custmgmt::DataFormat format) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  const bool csv = format == custmgmt::DataFormat::Csv;
  if (csv) {
    out << "company_name,customer_type,billing_street,billing_city,billing_state,billing_zip,"
           "billing_country,service_street,service_city,service_state,service_zip,"
           "service_country,tags,account_notes,contact_name,email,phone,role,is_primary_contact,"
           "contact_notes\n";
  }
  std::string line;
  for (std::int64_t i = begin; i < end; ++i) {
    const GenAccount g = make_account(o.seed, i);
    line.clear();
    if (!csv) {
      line = custmgmt::to_json(to_account(g));
      line.pop_back();  // the closing brace
      line += ",\"contacts\":[";
      for (std::size_t k = 0; k < g.contacts.size(); ++k) {
        const auto& gc = g.contacts[k];
        custmgmt::Contact c;
        c.contact_name = gc.name;
        c.email = gc.email;
        c.phone = gc.phone;
        c.role = gc.role;
        c.is_primary_contact = gc.primary;
        if (k > 0) line += ',';
        line += custmgmt::to_json(c);
      }
      line += "]}\n";
      out << line;
      continue;
    }
    std::string account;
    csv_field(account, g.company_name);
    csv_field(account, g.residential ? "Residential" : "Commercial");
    for (const GenAddress* a : {&g.billing, &g.service}) {
      for (const std::string* f : {&a->street, &a->city, &a->state, &a->zip, &a->country}) {
        csv_field(account, *f);
      }
    }
    std::string tags;
    for (const auto& t : g.tags) tags += (tags.empty() ? "" : ";") + t;
    csv_field(account, tags);
    csv_field(account, g.notes.value_or(""));
    if (g.contacts.empty()) {
      line = account;
      for (int k = 0; k < 5; ++k) csv_field(line, "");
      csv_field(line, "", true);
    }
    for (const auto& c : g.contacts) {
      line += account;
      csv_field(line, c.name);
      csv_field(line, c.email);
      csv_field(line, c.phone);
      csv_field(line, c.role);
      csv_field(line, c.primary ? "true" : "false");
      csv_field(line, "", true);
    }
    out << line;
  }
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

std::pair<double, double> io_import(const std::string& uri, const std::string& path,
                                    custmgmt::DataFormat format, bool expect_no_creates) {
  auto store = custmgmt::Store::open(uri);
  auto session = store.service(std::string_view(kUser));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  custmgmt::ImportOptions options;
  options.format = format;
  const auto t0 = Clock::now();
  const auto report = custmgmt::import_accounts(session, in, options);
  const double seconds = seconds_since(t0);
  if (report.rejected != 0) {
    throw std::runtime_error("io import rejected " + std::to_string(report.rejected) +
                             " rows: " + custmgmt::to_json(report));
  }
  if (expect_no_creates && (report.accounts_created != 0 || report.contacts_created != 0)) {
    throw std::runtime_error("re-import created rows: " + custmgmt::to_json(report));
  }
  const double rows = static_cast<double>(report.accounts_created + report.accounts_updated +
                                          report.accounts_unchanged + report.contacts_created +
                                          report.contacts_updated + report.contacts_unchanged);
  return {seconds, rows};
}

std::pair<double, double> io_export(const std::string& uri, const std::string& path) {
  auto store = custmgmt::Store::open(uri);
  auto session = store.service();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const auto t0 = Clock::now();
  const auto report = custmgmt::export_accounts(session, out);
  out.flush();
  const double seconds = seconds_since(t0);
  return {seconds, static_cast<double>(report.accounts + report.contacts)};
}

boost::json::object run_io_workloads(const Options& o,
                                     const std::function<std::string()>& fresh_store,
                                     double best_rows_per_s, double straight_rows_per_s,
                                     double straight_populated_rows_per_s) {
  using custmgmt::DataFormat;
  const std::string base = o.dir + "/io-" + std::to_string(o.scale);
  const std::string first = base + "-first.ndjson";
  const std::string next = base + "-next.ndjson";
  const std::string csv = base + "-first.csv";
  std::fprintf(stderr, "io: writing the import files\n");
  write_import_file(first, o, 0, o.scale, DataFormat::Ndjson);
  write_import_file(next, o, o.scale, 2 * o.scale, DataFormat::Ndjson);
  write_import_file(csv, o, 0, o.scale, DataFormat::Csv);

  boost::json::object io;
  const auto rps = [](const ChildResult& r) { return ratio(r.count, r.seconds); };
  std::fprintf(stderr, "io: NDJSON import into an empty store\n");
  std::string uri = fresh_store();
  const auto empty = run_in_child([&] { return io_import(uri, first, DataFormat::Ndjson); });
  std::fprintf(stderr, "io: NDJSON re-import (nothing changes)\n");
  const auto again = run_in_child([&] { return io_import(uri, first, DataFormat::Ndjson, true); });
  std::fprintf(stderr, "io: NDJSON import of the next %lld accounts into the populated store\n",
               static_cast<long long>(o.scale));
  const auto populated = run_in_child([&] { return io_import(uri, next, DataFormat::Ndjson); });
  std::fprintf(stderr, "io: NDJSON export of the populated store\n");
  const auto exported = run_in_child([&] { return io_export(uri, base + "-export.ndjson"); });
  std::fprintf(stderr, "io: CSV import into an empty store\n");
  uri = fresh_store();
  const auto from_csv = run_in_child([&] { return io_import(uri, csv, DataFormat::Csv); });

  io["ndjson_empty"] = import_json(empty, o.scale);
  io["ndjson_reimport"] = import_json(again, o.scale);
  io["ndjson_populated"] = import_json(populated, o.scale);
  io["csv_empty"] = import_json(from_csv, o.scale);
  io["export_ndjson"] = import_json(exported, 2 * o.scale);
  io["ratio_ndjson_empty_to_best"] = ratio(rps(empty), best_rows_per_s);
  io["ratio_csv_empty_to_best"] = ratio(rps(from_csv), best_rows_per_s);
  io["ratio_ndjson_empty_to_straightforward"] = ratio(rps(empty), straight_rows_per_s);
  io["ratio_ndjson_populated_to_straightforward_populated"] =
      ratio(rps(populated), straight_populated_rows_per_s);
  for (const auto& f : {first, next, csv, base + "-export.ndjson"}) std::remove(f.c_str());
  return io;
}

boost::json::object import_json(const ChildResult& r, std::int64_t accounts) {
  boost::json::object o;
  o["accounts"] = accounts;
  o["seconds"] = r.seconds;
  o["rows"] = r.count;
  o["rows_per_s"] = ratio(r.count, r.seconds);
  o["accounts_per_s"] = ratio(static_cast<double>(accounts), r.seconds);
  o["peak_rss_kb"] = r.peak_rss_kb;
  return o;
}

boost::json::object import_results(const Options& o, const ChildResult& library,
                                   const ChildResult& straightforward, const ChildResult& best,
                                   const ChildResult& library_populated,
                                   const ChildResult& straightforward_populated) {
  const auto rps = [](const ChildResult& r) { return ratio(r.count, r.seconds); };
  const std::int64_t row_n = o.row_accounts();
  boost::json::object import;
  import["library"] = import_json(library, o.scale);
  import["raw_straightforward"] = import_json(straightforward, row_n);
  import["raw_best"] = import_json(best, o.scale);
  import["library_populated"] = import_json(library_populated, row_n);
  import["raw_straightforward_populated"] = import_json(straightforward_populated, row_n);
  // The row-by-row loaders ran on the first row_n accounts only (their rate
  // over a prefix, not over the whole scale).
  import["row_by_row_accounts"] = row_n;
  import["row_by_row_bounded"] = row_n < o.scale;
  import["ratio_library_to_best"] = ratio(rps(library), rps(best));
  import["ratio_library_to_straightforward"] = ratio(rps(library), rps(straightforward));
  import["ratio_library_populated_to_straightforward_populated"] =
      ratio(rps(library_populated), rps(straightforward_populated));
  return import;
}

boost::json::object export_json(const ChildResult& r) {
  boost::json::object ex;
  ex["seconds"] = r.seconds;
  ex["rows"] = r.count;
  ex["rows_per_s"] = ratio(r.count, r.seconds);
  ex["peak_rss_kb"] = r.peak_rss_kb;
  return ex;
}

namespace {

double p99(const boost::json::object& o) {
  return o.at("p99_ms").as_double();
}
double cpu_p99(const boost::json::object& o) {
  return o.at("cpu_p99_ms").as_double();
}

}  // namespace

void run_query_workloads(const std::string& uri, const Options& o, RawHooks& raw,
                         boost::json::object& out) {
  auto store = custmgmt::Store::open(uri);
  auto user = store.session(kUser);
  const auto queries = make_queries(o.seed, o.queries);

  // Warm the caches (the machine drops idle page cache): one untimed pass of
  // every query through every path.
  // The same pass checks that the raw same-SQL pages hold exactly the
  // library's rows (page one, and page two of the second-page queries).
  if (raw.warm) raw.warm();
  int index = 0;
  for (const auto& g : queries) {
    auto q = to_query(g);
    auto page = user.accounts().search(q);
    Sample ignored;
    std::vector<custmgmt::Id> raw_ids;
    const auto check = [&](bool second) {
      std::vector<custmgmt::Id> lib_ids;
      for (const auto& a : page.items) lib_ids.push_back(a.id);
      // The raw page has one row more when there is a next page.
      if (raw_ids.size() > lib_ids.size()) raw_ids.resize(lib_ids.size());
      if (raw_ids != lib_ids) {
        throw std::runtime_error("same SQL raw and the library disagree on query " +
                                 std::to_string(index) + " (" + shape_name(g.shape) +
                                 (second ? ", page 2" : ", page 1") +
                                 "): " + std::to_string(raw_ids.size()) + " rows against " +
                                 std::to_string(lib_ids.size()));
      }
    };
    raw.same_sql(g, false, ignored, &raw_ids);
    check(false);
    if (g.shape == Shape::kSecondPage && page.next_cursor) {
      q.cursor = *page.next_cursor;
      page = user.accounts().search(q);
      raw_ids.clear();
      raw.same_sql(g, true, ignored, &raw_ids);
      check(true);
    }
    // Above 100k one straightforward query of each shape per round for the
    // first rounds warms the same pages (it reads the whole match list or
    // table); every query would cost minutes at 1M.
    if (o.scale <= Options::kDefaultFullScale || index < 4 * kShapeCount) {
      raw.straightforward(g, false, ignored);
    }
    ++index;
  }

  Latencies lib[kShapeCount], same[kShapeCount], plain[kShapeCount];
  for (const auto& g : queries) {
    const int s = static_cast<int>(g.shape);
    const bool second = g.shape == Shape::kSecondPage;
    auto q = to_query(g);
    if (second) {
      const auto first = user.accounts().search(q);
      if (!first.next_cursor) continue;
      q.cursor = *first.next_cursor;
    }
    const Stopwatch watch;
    const auto page = user.accounts().search(q);
    lib[s].add(watch.finish());
    (void)page;
    Sample sample;
    if (raw.same_sql(g, second, sample, nullptr)) same[s].add(sample);
    if (raw.straightforward(g, second, sample)) plain[s].add(sample);
  }
  boost::json::object search;
  for (int s = 0; s < kShapeCount; ++s) {
    boost::json::object shape;
    const auto l = lib[s].summary();
    const auto r = same[s].summary();
    const auto p = plain[s].summary();
    shape["library"] = l;
    shape["raw_same_sql"] = r;
    shape["straightforward_sql"] = p;
    shape["ratio_p99_library_to_raw"] = ratio(p99(l), p99(r));
    shape["speedup_p99_vs_straightforward"] = ratio(p99(p), p99(l));
    shape["ratio_cpu_p99_library_to_raw"] = ratio(cpu_p99(l), cpu_p99(r));
    shape["speedup_cpu_p99_vs_straightforward"] = ratio(cpu_p99(p), cpu_p99(l));
    search[shape_name(static_cast<Shape>(s))] = shape;
  }
  out["search"] = search;

  // Point read of an account with its contacts, at fixed pseudo-random ids.
  Latencies read_lib, read_raw;
  const auto n = static_cast<std::uint64_t>(o.scale);
  for (int i = 0; i < o.reads; ++i) {
    const auto id = static_cast<custmgmt::Id>(1 + (static_cast<std::uint64_t>(i) * 7919 + 13) % n);
    const Stopwatch watch;
    const auto a = user.accounts().get(id);
    const auto contacts = user.contacts().list(id);
    read_lib.add(watch.finish());
    (void)a;
    (void)contacts;
    read_raw.add(raw.point_read(id));
  }
  boost::json::object point;
  point["library"] = read_lib.summary();
  point["raw_same_sql"] = read_raw.summary();
  point["ratio_p50_library_to_raw"] = ratio(read_lib.percentile(50), read_raw.percentile(50));
  point["ratio_p99_library_to_raw"] = ratio(read_lib.percentile(99), read_raw.percentile(99));
  out["point_read"] = point;

  // Single-row update of the notes; library and raw on different rows.
  Latencies up_lib, up_raw;
  for (int i = 0; i < o.updates; ++i) {
    const auto id_lib = static_cast<custmgmt::Id>(1 + (static_cast<std::uint64_t>(i) * 104729) % n);
    const auto id_raw = static_cast<custmgmt::Id>(1 + (id_lib % n));
    auto a = user.accounts().get(id_lib);
    a.account_notes = "Updated by the benchmark, round " + std::to_string(i);
    const Stopwatch watch;
    (void)user.accounts().update(a);
    up_lib.add(watch.finish());
    auto b = user.accounts().get(id_raw);
    b.account_notes = "Updated raw by the benchmark, round " + std::to_string(i);
    up_raw.add(raw.update(b));
  }
  boost::json::object update;
  update["library"] = up_lib.summary();
  update["raw_same_sql"] = up_raw.summary();
  update["ratio_p50_library_to_raw"] = ratio(up_lib.percentile(50), up_raw.percentile(50));
  out["update"] = update;

  // stats reads every account: seconds each at 1M, where 5 samples do.
  Latencies stats;
  const int stats_runs = o.scale > Options::kDefaultFullScale ? 5 : 20;
  for (int i = 0; i < stats_runs; ++i) {
    const Stopwatch watch;
    (void)user.accounts().stats();
    stats.add(watch.finish());
  }
  boost::json::object st;
  st["library"] = stats.summary();
  out["stats"] = st;
}

}  // namespace bench
