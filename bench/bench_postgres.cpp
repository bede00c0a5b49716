// PostgreSQL: the library next to raw libpqxx prepared statements and raw
// libpq COPY on the same schema.
//
// One scratch database is used for all three imports: before each, the
// schema is removed and recreated through the library's migrations
// (Store::migrate(0) then up), so the raw loaders see exactly the library's
// tables, indexes, triggers and RLS policies. The library import runs last and
// its data stays for the query workloads. "Same SQL raw" runs the library's
// prepared statements (src/backends/postgres/postgres_statements.cpp, compiled
// into this program) with the parameters PostgresConnection binds.
#include <libpq-fe.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/postgres/postgres_rows.hpp"
#include "backends/postgres/postgres_statements.hpp"
#include "bench_util.hpp"
#include "custmgmt/backend.hpp"
#include "domain/search_text.hpp"

namespace bench {

namespace {

using custmgmt::backend::search_key;
namespace lib = custmgmt::detail::postgres;
using lib::Stmt;
using Params = std::vector<std::optional<std::string>>;

std::string timestamp(const std::string& param) {
  return "(timestamptz 'epoch' + " + param + "::int8 * interval '1 microsecond')";
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

std::string claims(const char* role) {
  return std::string("{\"sub\":\"") + kUser + "\",\"role\":\"" + role + "\"}";
}

// A raw libpqxx client. `like_library`: the library's session settings
// (custom plans) and its prepared statements; the acting role is set per
// transaction with the library's kActor statement either way.
class Raw {
 public:
  Raw(const std::string& uri, bool like_library) : conn_(uri) {
    if (like_library) {
      pqxx::nontransaction(conn_).exec("SET plan_cache_mode = force_custom_plan");
    }
    // Prepared lazily by libpqxx, on first use.
    for (std::size_t i = 0; i < lib::kStmtCount; ++i) {
      const auto id = static_cast<Stmt>(i);
      conn_.prepare(lib::statement_name(id), lib::statement_sql(id));
    }
  }
  pqxx::connection& conn() { return conn_; }
  void act(pqxx::work& tx, const char* role) {
    lib::Params p;
    p.text(role).text(claims(role));
    exec(tx, Stmt::kActor, p);
  }
  pqxx::result exec(pqxx::work& tx, Stmt id, lib::Params& p) {
    return tx.exec_prepared(lib::statement_name(id),
                            pqxx::prepare::make_dynamic_params(p.pointers()));
  }
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
    progress("postgresql row-by-row insert", start + static_cast<std::int64_t>(gen.size()) - begin,
             end - begin);
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
      progress("postgresql COPY", start + static_cast<std::int64_t>(gen.size()), o.scale);
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

// The parameters PostgresConnection::search_accounts() binds for the
// library's search of `q` (domain layer: account_repository.cpp).
lib::Params search_params(const GenQuery& q, const std::optional<custmgmt::backend::SortKey>& after,
                          std::size_t limit) {
  lib::Params p;
  p.text_array(q.text ? custmgmt::backend::search_words(*q.text) : std::vector<std::string>(), true)
      .text(q.text ? search_key(*q.text) : std::string());
  if (q.residential) {
    p.text(std::string(*q.residential ? "Residential" : "Commercial"));
  } else {
    p.null();
  }
  p.text_array(q.tags_any, true)
      .text_array(q.tags_all, true)
      .text(q.created_from_us ? std::optional(std::to_string(*q.created_from_us)) : std::nullopt)
      .text(q.created_to_us ? std::optional(std::to_string(*q.created_to_us)) : std::nullopt)
      .bigint(std::int64_t{0});  // archived: exclude
  if (after) {
    p.bigint(after->number).text(after->text).bigint(after->id);
  } else {
    p.null().null().null();
  }
  p.bigint(static_cast<std::int64_t>(limit));
  return p;
}

// One page of the library's search of `q` for a user session, as
// PostgresConnection::search_accounts() runs it: relevance order in two
// statements (tiers 0 and 1, then tier 2 only when the page is not full),
// created order in one. Returns the rows, each field read as text.
std::vector<pqxx::row> library_search_page(Raw& raw, pqxx::work& tx, const GenQuery& q,
                                           const std::optional<custmgmt::backend::SortKey>& after,
                                           std::size_t limit, std::vector<pqxx::result>& keep) {
  const auto page = [&](Stmt id, const std::optional<custmgmt::backend::SortKey>& a,
                        std::size_t n) {
    auto p = search_params(q, a, n);
    keep.push_back(raw.exec(tx, id, p));
    consume(keep.back());
    return std::vector<pqxx::row>(keep.back().begin(), keep.back().end());
  };
  if (!q.text) {
    // A user session's tag filter in created order reads its page from the
    // tag keys (migration 0003).
    const bool tags = !q.tags_any.empty() || !q.tags_all.empty();
    return page(tags ? Stmt::kSearchAccountsTagsCreatedDesc : Stmt::kSearchAccountsCreatedDesc,
                after, limit);
  }
  const auto words = custmgmt::backend::search_words(*q.text);
  const Stmt named = custmgmt::detail::prefix_implies_text_match(words)
                         ? Stmt::kSearchAccountsPrefix
                         : Stmt::kSearchAccountsNamed;
  // relevance_search() in postgres_connection.cpp.
  std::vector<pqxx::row> out;
  std::optional<custmgmt::backend::SortKey> other_after = after;
  if (!after || after->number <= 1) {
    out = page(named, after, limit);
    if (out.size() >= limit) return out;
    other_after.reset();
  }
  auto rest = page(Stmt::kSearchAccountsOtherVisible, other_after, limit - out.size());
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

void page_ids(const std::vector<pqxx::row>& rows, std::vector<custmgmt::Id>* ids) {
  if (!ids) return;
  for (const auto& r : rows) ids->push_back(r[0].as<custmgmt::Id>());
}

bool run_same_sql(Raw& raw, const GenQuery& q, bool second, Sample& out,
                  std::vector<custmgmt::Id>* ids) {
  std::vector<pqxx::result> keep;
  Stopwatch watch;
  std::vector<pqxx::row> rows;
  {
    pqxx::work tx(raw.conn());
    raw.act(tx, "authenticated");
    rows = library_search_page(raw, tx, q, std::nullopt, kPageSize + 1, keep);
    tx.commit();
  }
  if (!second) {
    out = watch.finish();
    page_ids(rows, ids);
    return true;
  }
  if (rows.size() <= kPageSize) return false;
  // The cursor the library makes from the last row of page one (key_of()).
  const custmgmt::Account last = lib::read_account(rows[kPageSize - 1]);
  custmgmt::backend::SortKey key;
  key.id = last.id;
  if (q.text) {
    key.text = search_key(last.company_name);
    key.number = custmgmt::backend::relevance_tier(key.text, search_key(*q.text));
  } else {
    key.number = custmgmt::to_micros(last.created_at);
  }
  watch = Stopwatch();
  pqxx::work tx(raw.conn());
  raw.act(tx, "authenticated");
  rows = library_search_page(raw, tx, q, key, kPageSize + 1, keep);
  tx.commit();
  out = watch.finish();
  page_ids(rows, ids);
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

// get(id) then contacts().list(id): kSelectAccount, then the contact search
// of one account in (primary, name) order, a page of 50 (+1); one
// transaction each, as the library runs them.
Sample raw_point_read(Raw& raw, custmgmt::Id id) {
  const Stopwatch watch;
  {
    pqxx::work tx(raw.conn());
    raw.act(tx, "authenticated");
    lib::Params p;
    p.bigint(id);
    const auto r = raw.exec(tx, Stmt::kSelectAccount, p);
    if (r.empty()) throw std::runtime_error("raw point read found nothing");
    consume(r);
    tx.commit();
  }
  {
    pqxx::work tx(raw.conn());
    raw.act(tx, "authenticated");
    lib::Params p;
    p.null()
        .text(std::string())
        .null()
        .null()
        .bigint(id)
        .null()
        .null()
        .null()
        .bigint(static_cast<std::int64_t>(kPageSize + 1));
    consume(raw.exec(tx, Stmt::kSearchContactsPrimaryThenName, p));
    tx.commit();
  }
  return watch.finish();
}

// update(a): kUpdateAccount.
Sample raw_update(Raw& raw, const custmgmt::Account& a) {
  const Stopwatch watch;
  pqxx::work tx(raw.conn());
  raw.act(tx, "authenticated");
  lib::Params p;
  p.bigint(a.id)
      .text(a.company_name)
      .text(search_key(a.company_name))
      .text(std::string(custmgmt::to_string(a.customer_type)))
      .text(custmgmt::to_json(a.billing_address))
      .text(custmgmt::to_json(a.service_address))
      .text(a.account_notes)
      .text_array(a.tags)
      .text(std::string(kUser))
      .bigint(a.version);
  const auto r = raw.exec(tx, Stmt::kUpdateAccount, p);
  consume(r);
  tx.commit();
  if (r.size() != 1) throw std::runtime_error("raw update changed no row");
  return watch.finish();
}

// Removes the accounts after the first `keep` (and their contacts and tag
// rows, by cascade) as the service role.
void delete_accounts_after(const std::string& uri, std::int64_t keep) {
  Raw raw(uri, false);
  pqxx::work tx(raw.conn());
  raw.act(tx, "service_role");
  raw.exec(tx, "DELETE FROM customer_accounts WHERE id > $1::int8", {std::to_string(keep)});
  tx.commit();
}

}  // namespace

boost::json::object run_postgres(const Options& o) {
  boost::json::object out;
  const std::string& uri = o.pg_uri;
  const std::int64_t row_n = o.row_accounts();

  std::fprintf(stderr, "postgresql: import (raw COPY, %lld accounts)\n",
               static_cast<long long>(o.scale));
  reset_schema(uri);
  const auto best = run_in_child([&] { return raw_best_import(uri, o); });
  // The populated store: the COPY store (every account of the scale); the
  // straightforward loader and then the library add the next `row_n`
  // accounts, the former's rows deleted in between.
  std::fprintf(stderr,
               "postgresql: import (straightforward raw, next %lld accounts into the populated "
               "store)\n",
               static_cast<long long>(row_n));
  const auto straight_populated =
      run_in_child([&] { return raw_straightforward_import(uri, o, o.scale, o.scale + row_n); });
  delete_accounts_after(uri, o.scale);
  std::fprintf(stderr,
               "postgresql: import (library, next %lld accounts into the populated store)\n",
               static_cast<long long>(row_n));
  const auto lib_populated =
      run_in_child([&] { return library_import(uri, o, o.scale, o.scale + row_n); });
  std::fprintf(stderr, "postgresql: import (straightforward raw, %lld accounts)\n",
               static_cast<long long>(row_n));
  reset_schema(uri);
  const auto straight = run_in_child([&] { return raw_straightforward_import(uri, o, 0, row_n); });
  if (o.run_io()) {
    out["io"] = run_io_workloads(
        o,
        [&] {
          reset_schema(uri);
          return uri;
        },
        ratio(best.count, best.seconds), ratio(straight.count, straight.seconds),
        ratio(straight_populated.count, straight_populated.seconds));
  }
  std::fprintf(stderr, "postgresql: import (library, %lld accounts)\n",
               static_cast<long long>(o.scale));
  reset_schema(uri);
  const auto lib = run_in_child([&] { return library_import(uri, o, 0, o.scale); });
  out["import"] = import_results(o, lib, straight, best, lib_populated, straight_populated);

  std::fprintf(stderr, "postgresql: spreading created_at over five years, ANALYZE\n");
  spread_created_at(uri, o);

  std::fprintf(stderr, "postgresql: export\n");
  out["export"] = export_json(run_in_child([&] { return library_export(uri); }));

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
  hooks.same_sql = [&](const GenQuery& q, bool second, Sample& out,
                       std::vector<custmgmt::Id>* ids) {
    return run_same_sql(same, q, second, out, ids);
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
