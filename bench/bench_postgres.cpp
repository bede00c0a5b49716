// PostgreSQL: the library next to raw libpqxx prepared statements and raw
// libpq COPY on the same schema.
//
// One scratch database is used for all three imports: before each, the
// schema is removed and recreated through the library's migrations
// (Store::migrate(0) then up), so the raw loaders see exactly the library's
// tables, indexes, triggers and RLS policies. The library import runs last and
// its data stays for the query workloads. The "same SQL" statements are
// copies of src/backends/postgres/postgres_statements.cpp; keep them in step.
#include <libpq-fe.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "custmgmt/backend.hpp"

namespace bench {

namespace {

using custmgmt::backend::search_key;
using Params = std::vector<std::optional<std::string>>;

std::string micros(const std::string& column) {
  return "coalesce((extract(epoch FROM " + column + ") * 1000000)::int8, 0)";
}
std::string micros_or_null(const std::string& column) {
  return "(extract(epoch FROM " + column + ") * 1000000)::int8";
}
std::string timestamp(const std::string& param) {
  return "(timestamptz 'epoch' + " + param + "::int8 * interval '1 microsecond')";
}
std::string address_columns(const std::string& column) {
  std::string out;
  for (const char* key : {"street", "city", "state", "zip", "country"}) {
    out += "coalesce(" + column + " ->> '" + key + "', ''), ";
  }
  return out;
}
std::string account_columns() {
  return "id, company_name, customer_type, " + address_columns("billing_address") +
         address_columns("service_address") + "account_notes, coalesce(tags, '{}'), " +
         micros("created_at") + ", " + micros("updated_at") +
         ", created_by::text, updated_by::text, " + micros_or_null("archived_at") + ", version";
}
std::string contact_columns() {
  return "id, customer_account_id, contact_name, email, phone, phone_extension, phone_display, "
         "role, coalesce(is_primary_contact, false), contact_notes, " +
         micros("created_at") + ", " + micros("updated_at") +
         ", created_by::text, updated_by::text, version";
}

// The library's account search (relevance order with text, created order
// without), a copy of search_accounts() in postgres_statements.cpp.
std::string search_sql(bool relevance) {
  const std::string text_filter =
      "($1::text[] IS NULL OR ((custmgmt_prefix_query($1::text[]) IS NULL OR "
      "custmgmt_name_tsv(company_name) @@ custmgmt_prefix_query($1::text[])) AND NOT EXISTS "
      "(SELECT 1 FROM unnest(custmgmt_unindexed_words($1::text[])) AS w WHERE strpos(' ' || "
      "company_name_key, ' ' || w) = 0)))";
  std::string after, by;
  if (relevance) {
    const std::string t =
        "(CASE WHEN company_name_key = $2::text THEN 0 WHEN left(company_name_key, "
        "length($2::text)) = $2::text THEN 1 ELSE 2 END)";
    after = "(" + t + ", company_name_key, id) > ($9::int8, $10::text, $11::int8)";
    by = t + ", company_name_key, id";
  } else {
    after = "(created_at, id) < (" + timestamp("$9") + ", $11::int8)";
    by = "created_at DESC, id DESC";
  }
  return "SELECT " + account_columns() + " FROM customer_accounts WHERE " + text_filter +
         " AND ($2::text IS NULL OR true)"
         " AND ($3::text IS NULL OR customer_type = $3::text)"
         " AND ($4::text[] IS NULL OR tags && $4::text[])"
         " AND ($5::text[] IS NULL OR tags @> $5::text[])"
         " AND ($6::int8 IS NULL OR created_at >= " +
         timestamp("$6") + ") AND ($7::int8 IS NULL OR created_at < " + timestamp("$7") +
         ") AND (CASE $8::int4 WHEN 0 THEN archived_at IS NULL WHEN 2 THEN archived_at IS NOT "
         "NULL ELSE true END)"
         " AND ($9::int8 IS NULL OR $10::text IS NULL OR $11::int8 IS NULL OR " +
         after + ") ORDER BY " + by + " LIMIT $12::int8";
}

std::string array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::optional<std::string> array_or_null(const std::vector<std::string>& values) {
  if (values.empty()) return std::nullopt;
  return array_literal(values);
}

std::string claims(const char* role) {
  return std::string("{\"sub\":\"") + kUser + "\",\"role\":\"" + role + "\"}";
}

// A raw libpqxx client that acts like the library: custom plans, the acting
// role set per transaction.
class Raw {
 public:
  Raw(const std::string& uri, bool custom_plans) : conn_(uri) {
    if (custom_plans) pqxx::nontransaction(conn_).exec("SET plan_cache_mode = force_custom_plan");
    conn_.prepare("actor",
                  "SELECT set_config('role', $1::text, true), "
                  "set_config('request.jwt.claims', $2::text, true)");
  }
  pqxx::connection& conn() { return conn_; }
  void act(pqxx::work& tx, const char* role) { tx.exec_prepared("actor", role, claims(role)); }
  pqxx::result exec(pqxx::work& tx, const std::string& sql, const Params& params) {
    auto it = names_.find(sql);
    if (it == names_.end()) {
      const std::string name = "s" + std::to_string(names_.size());
      conn_.prepare(name, sql);
      it = names_.emplace(sql, name).first;
    }
    std::vector<const char*> pointers;
    for (const auto& p : params) pointers.push_back(p ? p->c_str() : nullptr);
    return tx.exec_prepared(it->second, pqxx::prepare::make_dynamic_params(pointers));
  }

 private:
  pqxx::connection conn_;
  std::map<std::string, std::string> names_;
};

// Reads every field as a hand-written client would.
std::size_t consume(const pqxx::result& r) {
  std::size_t bytes = 0;
  for (const auto& row : r) {
    for (const auto& field : row) {
      if (!field.is_null()) bytes += std::string(field.c_str()).size();
    }
  }
  return bytes;
}

void reset_schema(const std::string& uri) {
  auto store = custmgmt::Store::open(uri);
  store.migrate(0);
  store.migrate(store.latest_schema_version());
}

// ---- import ---------------------------------------------------------------

// Accounts [begin, end), row by row (RETURNING id), every index live.
std::pair<double, double> raw_straightforward_import(const std::string& uri, const Options& o,
                                                     std::int64_t begin, std::int64_t end) {
  Raw raw(uri, false);
  const std::string ins_account =
      "INSERT INTO customer_accounts (company_name, company_name_key, customer_type, "
      "billing_address, service_address, account_notes, tags, created_at, updated_at, "
      "created_by, updated_by) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7::text[], " +
      timestamp("$8") + ", " + timestamp("$8") + ", $9::uuid, $9::uuid) RETURNING id";
  const std::string ins_contact =
      "INSERT INTO customer_contacts (customer_account_id, contact_name, contact_name_key, email, "
      "phone, role, is_primary_contact, created_at, updated_at, created_by, updated_by) VALUES "
      "($1::int8, $2, $3, $4, $5, $6, $7::bool, " +
      timestamp("$8") + ", " + timestamp("$8") + ", $9::uuid, $9::uuid)";
  double seconds = 0;
  auto t0 = Clock::now();
  pqxx::work tx(raw.conn());
  raw.act(tx, "service_role");
  tx.exec_params("SELECT custmgmt_audit_user($1::uuid)", std::string(kUser));
  seconds += seconds_since(t0);
  for (std::int64_t start = begin; start < end; start += kBatch) {
    std::vector<GenAccount> gen;
    for (std::int64_t i = start; i < std::min(end, start + kBatch); ++i) {
      gen.push_back(make_account(o.seed, i));
    }
    t0 = Clock::now();
    for (const auto& g : gen) {
      const auto r =
          raw.exec(tx, ins_account,
                   {g.company_name, search_key(g.company_name),
                    std::string(g.residential ? "Residential" : "Commercial"),
                    address_json(g.billing), address_json(g.service), g.notes,
                    array_literal(g.tags), std::to_string(g.created_at_us), std::string(kUser)});
      const std::string id = r[0][0].c_str();
      for (const auto& c : g.contacts) {
        raw.exec(tx, ins_contact,
                 {id, c.name, search_key(c.name), c.email, c.phone, c.role,
                  std::string(c.primary ? "true" : "false"), std::to_string(g.created_at_us),
                  std::string(kUser)});
      }
    }
    seconds += seconds_since(t0);
  }
  t0 = Clock::now();
  tx.commit();
  seconds += seconds_since(t0);
  return {seconds, static_cast<double>(rows_between(o.seed, begin, end))};
}

// COPY text format: backslash, tab and newline escaped; \N is NULL.
void copy_field(std::string& line, const std::optional<std::string>& v, bool last = false) {
  if (!v) {
    line += "\\N";
  } else {
    for (char c : *v) {
      if (c == '\\') {
        line += "\\\\";
      } else if (c == '\t') {
        line += "\\t";
      } else if (c == '\n') {
        line += "\\n";
      } else {
        line += c;
      }
    }
  }
  line += last ? '\n' : '\t';
}

std::string iso_timestamp(std::int64_t us) {
  const std::time_t s = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(us % 1000000));
  return buf;
}

void pq_ok(PGconn* c, PGresult* r, const char* what) {
  const auto st = PQresultStatus(r);
  const bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN;
  if (!ok) {
    const std::string msg = PQerrorMessage(c);
    PQclear(r);
    throw std::runtime_error(std::string("libpq ") + what + ": " + msg);
  }
  PQclear(r);
}

void copy_rows(PGconn* c, const std::string& copy_sql, const std::string& data) {
  pq_ok(c, PQexec(c, copy_sql.c_str()), "COPY");
  if (PQputCopyData(c, data.data(), static_cast<int>(data.size())) != 1 ||
      PQputCopyEnd(c, nullptr) != 1) {
    throw std::runtime_error(std::string("libpq COPY data: ") + PQerrorMessage(c));
  }
  pq_ok(c, PQgetResult(c), "COPY end");
}

// (b) The engine's best: raw COPY of both tables with every index live (as
// the reference loader), one transaction. Account i gets id i+1 from
// the fresh identity column.
std::pair<double, double> raw_best_import(const std::string& uri, const Options& o) {
  PGconn* c = PQconnectdb(uri.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    const std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("libpq connect: " + msg);
  }
  double seconds = 0;
  try {
    auto t0 = Clock::now();
    pq_ok(c, PQexec(c, "BEGIN"), "BEGIN");
    pq_ok(c, PQexec(c, "SELECT set_config('role', 'service_role', true)"), "role");
    pq_ok(c, PQexec(c, ("SELECT custmgmt_audit_user('" + std::string(kUser) + "')").c_str()),
          "user");
    seconds += seconds_since(t0);
    const std::optional<std::string> user = std::string(kUser);
    for (std::int64_t start = 0; start < o.scale; start += kBatch) {
      std::vector<GenAccount> gen;
      for (std::int64_t i = start; i < std::min(o.scale, start + kBatch); ++i) {
        gen.push_back(make_account(o.seed, i));
      }
      t0 = Clock::now();
      std::string accounts, contacts;
      for (std::size_t k = 0; k < gen.size(); ++k) {
        const auto& g = gen[k];
        const std::string ts = iso_timestamp(g.created_at_us);
        copy_field(accounts, g.company_name);
        copy_field(accounts, search_key(g.company_name));
        copy_field(accounts, std::string(g.residential ? "Residential" : "Commercial"));
        copy_field(accounts, address_json(g.billing));
        copy_field(accounts, address_json(g.service));
        copy_field(accounts, g.notes);
        copy_field(accounts, array_literal(g.tags));
        copy_field(accounts, ts);
        copy_field(accounts, ts);
        copy_field(accounts, user);
        copy_field(accounts, user, true);
        const std::string id = std::to_string(start + static_cast<std::int64_t>(k) + 1);
        for (const auto& ct : g.contacts) {
          copy_field(contacts, id);
          copy_field(contacts, ct.name);
          copy_field(contacts, search_key(ct.name));
          copy_field(contacts, ct.email);
          copy_field(contacts, ct.phone);
          copy_field(contacts, ct.role);
          copy_field(contacts, std::string(ct.primary ? "t" : "f"));
          copy_field(contacts, ts);
          copy_field(contacts, ts);
          copy_field(contacts, user);
          copy_field(contacts, user, true);
        }
      }
      copy_rows(c,
                "COPY customer_accounts (company_name, company_name_key, customer_type, "
                "billing_address, service_address, account_notes, tags, created_at, updated_at, "
                "created_by, updated_by) FROM STDIN",
                accounts);
      if (!contacts.empty()) {
        copy_rows(c,
                  "COPY customer_contacts (customer_account_id, contact_name, contact_name_key, "
                  "email, phone, role, is_primary_contact, created_at, updated_at, created_by, "
                  "updated_by) FROM STDIN",
                  contacts);
      }
      seconds += seconds_since(t0);
    }
    t0 = Clock::now();
    pq_ok(c, PQexec(c, "COMMIT"), "COMMIT");
    seconds += seconds_since(t0);
  } catch (...) {
    PQfinish(c);
    throw;
  }
  PQfinish(c);
  return {seconds, static_cast<double>(total_rows(o.seed, o.scale))};
}

void spread_created_at(const std::string& uri, const Options& o) {
  Raw raw(uri, false);
  std::vector<std::string> ids, us;
  for (std::int64_t i = 0; i < o.scale; ++i) {
    ids.push_back(std::to_string(i + 1));
    us.push_back(std::to_string(make_account(o.seed, i).created_at_us));
  }
  pqxx::work tx(raw.conn());
  raw.act(tx, "service_role");
  raw.exec(tx,
           "UPDATE customer_accounts a SET created_at = " + timestamp("v.us") +
               " FROM unnest($1::int8[], $2::int8[]) AS v(id, us) WHERE a.id = v.id",
           {array_literal(ids), array_literal(us)});
  tx.commit();
  pqxx::nontransaction n(raw.conn());
  n.exec("SET ROLE service_role");
  n.exec("ANALYZE customer_accounts");
  n.exec("ANALYZE customer_contacts");
  n.exec("RESET ROLE");
}

// ---- queries --------------------------------------------------------------

Params search_params(const GenQuery& q) {
  Params p;
  if (q.text) {
    p.push_back(array_literal(custmgmt::backend::search_words(*q.text)));
    p.push_back(search_key(*q.text));
  } else {
    p.push_back(std::nullopt);
    p.push_back(std::string());
  }
  if (q.residential) {
    p.push_back(std::string(*q.residential ? "Residential" : "Commercial"));
  } else {
    p.push_back(std::nullopt);
  }
  p.push_back(array_or_null(q.tags_any));
  p.push_back(array_or_null(q.tags_all));
  p.push_back(q.created_from_us ? std::optional(std::to_string(*q.created_from_us)) : std::nullopt);
  p.push_back(q.created_to_us ? std::optional(std::to_string(*q.created_to_us)) : std::nullopt);
  p.push_back(std::string("0"));
  return p;
}

bool run_same_sql(Raw& raw, const GenQuery& q, bool second, Sample& out) {
  const std::string sql = search_sql(q.text.has_value());
  Params p = search_params(q);
  p.insert(p.end(), {std::nullopt, std::nullopt, std::nullopt, std::to_string(kPageSize + 1)});
  Stopwatch watch;
  pqxx::result r;
  {
    pqxx::work tx(raw.conn());
    raw.act(tx, "authenticated");
    r = raw.exec(tx, sql, p);
    consume(r);
    tx.commit();
  }
  if (!second) {
    out = watch.finish();
    return true;
  }
  if (r.size() <= kPageSize) return false;
  const auto last = r[kPageSize - 1];
  const std::string id = last[0].c_str();
  if (q.text) {
    const std::string key = search_key(last[1].c_str());
    p[8] = std::to_string(custmgmt::backend::relevance_tier(key, search_key(*q.text)));
    p[9] = key;
  } else {
    p[8] = last[15].c_str();  // created_at micros
    p[9] = std::string();
  }
  p[10] = id;
  watch = Stopwatch();
  pqxx::work tx(raw.conn());
  raw.act(tx, "authenticated");
  consume(raw.exec(tx, sql, p));
  tx.commit();
  out = watch.finish();
  return true;
}

std::string tsquery_of(const std::string& text) {
  std::string out;
  for (const auto& w : custmgmt::backend::search_words(text)) {
    if (!out.empty()) out += " & ";
    out += w + ":*";
  }
  return out;
}

// What a user writes from the spec: the spec's english GIN index ranked by
// ts_rank over every match; tags &&/@> + type + range ordered by created_at;
// OFFSET for page two; default plan caching.
bool run_straightforward(Raw& raw, const GenQuery& q, bool second, Sample& out) {
  std::string sql;
  Params p;
  if (q.text) {
    sql =
        "SELECT * FROM customer_accounts WHERE to_tsvector('english', company_name) @@ "
        "to_tsquery('english', $1) AND archived_at IS NULL AND ($2::text IS NULL OR "
        "customer_type = $2) ORDER BY ts_rank(to_tsvector('english', company_name), "
        "to_tsquery('english', $1)) DESC LIMIT 50 OFFSET $3::int8";
    p = {tsquery_of(*q.text),
         q.residential ? std::optional(std::string(*q.residential ? "Residential" : "Commercial"))
                       : std::nullopt,
         std::to_string(second ? kPageSize : 0)};
  } else {
    const bool any = !q.tags_any.empty();
    sql = std::string("SELECT * FROM customer_accounts WHERE customer_type = $1 AND tags ") +
          (any ? "&&" : "@>") +
          " $2::text[] AND created_at >= to_timestamp($3::int8 / 1e6) AND created_at < "
          "to_timestamp($4::int8 / 1e6) AND archived_at IS NULL ORDER BY created_at DESC LIMIT "
          "50 OFFSET $5::int8";
    p = {std::string(*q.residential ? "Residential" : "Commercial"),
         array_literal(any ? q.tags_any : q.tags_all), std::to_string(*q.created_from_us),
         std::to_string(*q.created_to_us), std::to_string(second ? kPageSize : 0)};
  }
  const Stopwatch watch;
  pqxx::work tx(raw.conn());
  raw.act(tx, "authenticated");
  const auto r = raw.exec(tx, sql, p);
  consume(r);
  tx.commit();
  out = watch.finish();
  return !second || !r.empty();
}

Sample raw_point_read(Raw& raw, custmgmt::Id id) {
  const Stopwatch watch;
  const std::string sid = std::to_string(id);
  {
    pqxx::work tx(raw.conn());
    raw.act(tx, "authenticated");
    const auto r = raw.exec(
        tx, "SELECT " + account_columns() + " FROM customer_accounts WHERE id = $1::int8", {sid});
    if (r.empty()) throw std::runtime_error("raw point read found nothing");
    consume(r);
    tx.commit();
  }
  {
    pqxx::work tx(raw.conn());
    raw.act(tx, "authenticated");
    consume(raw.exec(tx,
                     "SELECT " + contact_columns() +
                         " FROM customer_contacts WHERE customer_account_id = $1::int8 ORDER BY "
                         "(CASE WHEN coalesce(is_primary_contact, false) THEN 1 ELSE 0 END) "
                         "DESC, contact_name_key, id LIMIT $2::int8",
                     {sid, std::to_string(kPageSize + 1)}));
    tx.commit();
  }
  return watch.finish();
}

Sample raw_update(Raw& raw, const custmgmt::Account& a) {
  const Stopwatch watch;
  pqxx::work tx(raw.conn());
  raw.act(tx, "authenticated");
  const auto r = raw.exec(
      tx,
      "UPDATE customer_accounts SET company_name = $2::text, company_name_key = $3::text, "
      "customer_type = $4::text, billing_address = $5::jsonb, service_address = $6::jsonb, "
      "account_notes = $7::text, tags = $8::text[], updated_by = "
      "coalesce(custmgmt_audit_user($9::uuid), updated_by), version = version + 1 WHERE id = "
      "$1::int8 AND version = $10::int8 RETURNING " +
          account_columns(),
      {std::to_string(a.id), a.company_name, search_key(a.company_name),
       std::string(custmgmt::to_string(a.customer_type)), custmgmt::to_json(a.billing_address),
       custmgmt::to_json(a.service_address), a.account_notes, array_literal(a.tags),
       std::string(kUser), std::to_string(a.version)});
  consume(r);
  tx.commit();
  if (r.size() != 1) throw std::runtime_error("raw update changed no row");
  return watch.finish();
}

}  // namespace

boost::json::object run_postgres(const Options& o) {
  boost::json::object out;
  const std::string& uri = o.pg_uri;
  const std::int64_t accounts = o.scale;

  std::fprintf(stderr, "postgresql: import (straightforward raw)\n");
  reset_schema(uri);
  const auto straight =
      run_in_child([&] { return raw_straightforward_import(uri, o, 0, o.scale); });
  std::fprintf(
      stderr, "postgresql: import (straightforward raw, next accounts into the populated store)\n");
  const auto straight_populated =
      run_in_child([&] { return raw_straightforward_import(uri, o, o.scale, 2 * o.scale); });
  std::fprintf(stderr, "postgresql: import (raw COPY)\n");
  reset_schema(uri);
  const auto best = run_in_child([&] { return raw_best_import(uri, o); });
  out["io"] = run_io_workloads(
      o,
      [&] {
        reset_schema(uri);
        return uri;
      },
      ratio(best.count, best.seconds), ratio(straight.count, straight.seconds),
      ratio(straight_populated.count, straight_populated.seconds));
  std::fprintf(stderr, "postgresql: import (library)\n");
  reset_schema(uri);
  const auto lib = run_in_child([&] { return library_import(uri, o); });

  boost::json::object import;
  import["library"] = import_json(lib, accounts);
  import["raw_straightforward"] = import_json(straight, accounts);
  import["raw_best"] = import_json(best, accounts);
  import["ratio_library_to_straightforward"] =
      ratio(ratio(lib.count, lib.seconds), ratio(straight.count, straight.seconds));
  import["ratio_library_to_best"] =
      ratio(ratio(lib.count, lib.seconds), ratio(best.count, best.seconds));
  import["raw_straightforward_populated"] = import_json(straight_populated, accounts);
  out["import"] = import;

  std::fprintf(stderr, "postgresql: spreading created_at over five years, ANALYZE\n");
  spread_created_at(uri, o);

  std::fprintf(stderr, "postgresql: export\n");
  const auto exp = run_in_child([&] { return library_export(uri); });
  boost::json::object ex;
  ex["seconds"] = exp.seconds;
  ex["rows"] = exp.count;
  ex["rows_per_s"] = ratio(exp.count, exp.seconds);
  ex["peak_rss_kb"] = exp.peak_rss_kb;
  out["export"] = ex;

  std::fprintf(stderr, "postgresql: search, point read, update, stats\n");
  Raw same(uri, true);
  Raw plain(uri, false);
  RawHooks hooks;
  hooks.warm = [&] {
    pqxx::work tx(same.conn());
    same.act(tx, "service_role");
    tx.exec("SELECT count(*), sum(length(company_name)) FROM customer_accounts");
    tx.exec("SELECT count(*), sum(length(contact_name)) FROM customer_contacts");
    tx.commit();
  };
  hooks.same_sql = [&](const GenQuery& q, bool second, Sample& out) {
    return run_same_sql(same, q, second, out);
  };
  hooks.straightforward = [&](const GenQuery& q, bool second, Sample& out) {
    return run_straightforward(plain, q, second, out);
  };
  hooks.point_read = [&](custmgmt::Id id) { return raw_point_read(same, id); };
  hooks.update = [&](const custmgmt::Account& a) { return raw_update(same, a); };
  run_query_workloads(uri, o, hooks, out);
  return out;
}

}  // namespace bench
