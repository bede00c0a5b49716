// SQLite: the library next to the raw sqlite3 C API on the same schema.
//
// Every database is created by opening a custmgmt Store on it (so the raw
// side has exactly the library's schema, indexes and triggers); the raw side
// then works on the file with its own connection. "Same SQL raw" runs the
// statements the library's statement builders generate (see below).
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/sqlite/sqlite_fts.hpp"
#include "backends/sqlite/sqlite_statements.hpp"
#include "bench_util.hpp"
#include "custmgmt/backend.hpp"
#include "domain/search_text.hpp"

namespace bench {

namespace {

using custmgmt::backend::search_key;

// The columns a hand-written client selects (straightforward SQL).
constexpr const char* kAccountColumns =
    "id, company_name, customer_type, billing_address, service_address, account_notes, tags, "
    "created_at, updated_at, created_by, updated_by, archived_at, version";

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
    // The library's connection settings (sqlite_database.cpp).
    exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000");
  }
  ~Db() {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error("sqlite: " + msg + " in " + sql.substr(0, 200));
    }
  }
  // A prepared statement, cached by its text and reset for reuse.
  sqlite3_stmt* stmt(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) !=
          SQLITE_OK) {
        throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(db_) + " in " +
                                 sql);
      }
      it = cache_.emplace(sql, st).first;
    }
    sqlite3_reset(it->second);
    sqlite3_clear_bindings(it->second);
    return it->second;
  }
  void step_done(sqlite3_stmt* st) {
    const int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      char* sql = sqlite3_expanded_sql(st);
      std::string msg =
          std::string("sqlite step: ") + sqlite3_errmsg(db_) + " in " + (sql ? sql : "?");
      sqlite3_free(sql);
      throw std::runtime_error(msg);
    }
    sqlite3_reset(st);
  }
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> cache_;
};

void put(sqlite3_stmt* st, const char* name, const std::string& v) {
  if (const int i = sqlite3_bind_parameter_index(st, name)) {
    sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
}
void put(sqlite3_stmt* st, const char* name, std::int64_t v) {
  if (const int i = sqlite3_bind_parameter_index(st, name)) sqlite3_bind_int64(st, i, v);
}
void put(sqlite3_stmt* st, int i, const std::string& v) {
  sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
void put(sqlite3_stmt* st, int i, const std::optional<std::string>& v) {
  if (v) {
    put(st, i, *v);
  } else {
    sqlite3_bind_null(st, i);
  }
}

// What a hand-written client reads: every column as text (ints as ints).
struct RawRow {
  std::int64_t id = 0;
  std::int64_t created_at = 0;
  std::string name;
  std::vector<std::string> text;
};

std::vector<RawRow> read_rows(Db& db, sqlite3_stmt* st, int created_col) {
  std::vector<RawRow> rows;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    RawRow r;
    const int n = sqlite3_column_count(st);
    r.id = sqlite3_column_int64(st, 0);
    if (created_col >= 0) r.created_at = sqlite3_column_int64(st, created_col);
    for (int c = 1; c < n; ++c) {
      const auto* t = sqlite3_column_text(st, c);
      r.text.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    r.name = r.text[0];
    rows.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE)
    throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db.get()));
  sqlite3_reset(st);
  return rows;
}

std::string fresh_store(const std::string& path) {
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
  (void)custmgmt::Store::open(path);
  return path;
}

// ---- import ---------------------------------------------------------------

constexpr const char* kInsertAccount =
    "INSERT INTO customer_accounts (company_name, company_name_key, customer_type, "
    "billing_address, service_address, account_notes, tags, created_at, updated_at, created_by, "
    "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?9)";
constexpr const char* kInsertAccountWithId =
    "INSERT INTO customer_accounts (id, company_name, company_name_key, customer_type, "
    "billing_address, service_address, account_notes, tags, created_at, updated_at, created_by, "
    "updated_by) VALUES (?10, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?9)";
constexpr const char* kInsertContact =
    "INSERT INTO customer_contacts (customer_account_id, contact_name, contact_name_key, email, "
    "email_key, phone, role, is_primary_contact, created_at, updated_at, created_by, updated_by) "
    "VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?9)";

// Inserts accounts [begin, end) of the data set row by row; `with_id` gives
// accounts their final id (bulk loader) instead of reading last_insert_rowid.
double insert_all(Db& db, const Options& o, bool with_id, std::int64_t begin, std::int64_t end) {
  double seconds = 0;
  sqlite3_stmt* acc = db.stmt(with_id ? kInsertAccountWithId : kInsertAccount);
  sqlite3_stmt* con = db.stmt(kInsertContact);
  const std::string user = kUser;
  for (std::int64_t start = begin; start < end; start += kBatch) {
    std::vector<GenAccount> gen;
    for (std::int64_t i = start; i < std::min(end, start + kBatch); ++i) {
      gen.push_back(make_account(o.seed, i));
    }
    const auto t0 = Clock::now();
    for (std::size_t k = 0; k < gen.size(); ++k) {
      const auto& g = gen[k];
      put(acc, 1, g.company_name);
      put(acc, 2, search_key(g.company_name));
      put(acc, 3, std::string(g.residential ? "Residential" : "Commercial"));
      put(acc, 4, address_json(g.billing));
      put(acc, 5, address_json(g.service));
      put(acc, 6, g.notes);
      put(acc, 7, tags_json(g.tags));
      sqlite3_bind_int64(acc, 8, g.created_at_us);
      put(acc, 9, user);
      const std::int64_t id = start + static_cast<std::int64_t>(k) + 1;
      if (with_id) sqlite3_bind_int64(acc, 10, id);
      db.step_done(acc);
      const std::int64_t account_id = with_id ? id : sqlite3_last_insert_rowid(db.get());
      for (const auto& c : g.contacts) {
        sqlite3_bind_int64(con, 1, account_id);
        put(con, 2, c.name);
        put(con, 3, search_key(c.name));
        put(con, 4, c.email);
        put(con, 5, c.phone);
        put(con, 6, c.role);
        sqlite3_bind_int(con, 7, c.primary ? 1 : 0);
        sqlite3_bind_int64(con, 8, g.created_at_us);
        put(con, 9, user);
        db.step_done(con);
      }
    }
    seconds += seconds_since(t0);
    progress("sqlite raw insert", start + static_cast<std::int64_t>(gen.size()) - begin,
             end - begin);
  }
  return seconds;
}

// customer_account_tags carries copies of the account's created_at and
// customer_type (SQLite migration 0003) so that tag filters walk (tag,
// created_at, id) in keyset order: the tag rows of account row `a` (an alias
// of customer_accounts, or `new` in a trigger) from its tags column.
std::string insert_tag_rows(const std::string& a, const std::string& from_where) {
  return "INSERT OR IGNORE INTO customer_account_tags(account_id, tag, created_at, "
         "customer_type) SELECT " +
         a + ".id, j.value, " + a + ".created_at, " + a + ".customer_type FROM " + from_where;
}

// The spec's AFTER INSERT triggers (migration 0001), writing the tag table's
// columns. The library's schema no longer has them (migration 0002: the
// library writes FTS5 and tag rows itself); what a user writes from the spec
// does, so the straightforward loader's store gets them back.
std::string spec_insert_triggers() {
  return "CREATE TRIGGER IF NOT EXISTS customer_accounts_after_insert AFTER INSERT ON "
         "customer_accounts BEGIN INSERT INTO customer_accounts_fts(rowid, company_name) VALUES "
         "(new.id, new.company_name); " +
         insert_tag_rows("new", "json_each(new.tags) j WHERE j.type = 'text'") +
         "; END; "
         "CREATE TRIGGER IF NOT EXISTS customer_contacts_after_insert AFTER INSERT ON "
         "customer_contacts BEGIN INSERT INTO customer_contacts_fts(rowid, contact_name) VALUES "
         "(new.id, new.contact_name); END";
}

// (a) What a user writes from the spec: prepared INSERTs in one
// transaction, every index and FTS trigger live. Accounts [begin, end).
std::pair<double, double> raw_straightforward_import(const std::string& path, const Options& o,
                                                     std::int64_t begin, std::int64_t end) {
  Db db(path);
  db.exec(spec_insert_triggers());
  auto t0 = Clock::now();
  db.exec("BEGIN IMMEDIATE");
  double seconds = seconds_since(t0);
  seconds += insert_all(db, o, false, begin, end);
  t0 = Clock::now();
  db.exec("COMMIT");
  seconds += seconds_since(t0);
  return {seconds, static_cast<double>(rows_between(o.seed, begin, end))};
}

// (b) The engine's best: drop indexes and triggers, bare inserts, then the
// tag table in one INSERT…SELECT, both FTS5 indexes rebuilt in one pass, and
// the indexes and triggers recreated; a 256 MB page cache for the index
// builds. One transaction.
std::pair<double, double> raw_best_import(const std::string& path, const Options& o) {
  Db db(path);
  const std::string tag_rows =
      insert_tag_rows("a", "customer_accounts a, json_each(a.tags) j WHERE j.type = 'text'");
  std::vector<std::pair<std::string, std::string>> objects;  // type, sql
  {
    sqlite3_stmt* st = db.stmt(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql "
        "IS NOT NULL AND tbl_name IN ('customer_accounts', 'customer_contacts', "
        "'customer_account_tags')");
    std::vector<std::string> drops;
    while (sqlite3_step(st) == SQLITE_ROW) {
      const std::string type = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
      objects.emplace_back(type, reinterpret_cast<const char*>(sqlite3_column_text(st, 2)));
      drops.push_back("DROP " + std::string(type == "index" ? "INDEX " : "TRIGGER ") + name);
    }
    sqlite3_reset(st);
    for (const auto& d : drops) db.exec(d);
  }
  auto t0 = Clock::now();
  db.exec("PRAGMA cache_size = -262144");
  db.exec("BEGIN IMMEDIATE");
  double seconds = seconds_since(t0);
  seconds += insert_all(db, o, true, 0, o.scale);
  t0 = Clock::now();
  db.exec(tag_rows);
  db.exec("INSERT INTO customer_accounts_fts(customer_accounts_fts) VALUES ('rebuild')");
  db.exec("INSERT INTO customer_contacts_fts(customer_contacts_fts) VALUES ('rebuild')");
  for (const auto& [type, sql] : objects) db.exec(sql);
  db.exec("COMMIT");
  seconds += seconds_since(t0);
  return {seconds, static_cast<double>(total_rows(o.seed, o.scale))};
}

// The library sets created_at itself; spread it over five years exactly as
// the raw loaders stored it (account i+1 = generated account i).
void spread_created_at(const std::string& path, const Options& o) {
  Db db(path);
  db.exec("BEGIN IMMEDIATE");
  sqlite3_stmt* st = db.stmt("UPDATE customer_accounts SET created_at = ?1 WHERE id = ?2");
  for (std::int64_t i = 0; i < o.scale; ++i) {
    sqlite3_bind_int64(st, 1, make_account(o.seed, i).created_at_us);
    sqlite3_bind_int64(st, 2, i + 1);
    db.step_done(st);
    progress("spreading created_at", i + 1, o.scale);
  }
  db.exec("COMMIT");
}

// ---- search ---------------------------------------------------------------
//
// "Same SQL raw" runs the library's own statements: the text comes from the
// statement builders of src/backends/sqlite/sqlite_statements.cpp (compiled
// into this program), bound with the parameters SqliteConnection binds
// (sqlite_connection.cpp: search_accounts, select_account, update_account)
// for a user session of kUser, the keyset of page two as the library
// computes it from the last row of page one.

namespace lib = custmgmt::detail::sqlite;

// The library's search of `q` (domain layer: account_repository.cpp).
struct LibrarySearch {
  std::vector<std::string> words;
  std::string text_key;
  std::vector<std::string> tags_any;  // sorted, distinct (as the connection binds them)
  std::vector<std::string> tags_all;
  lib::TextFilter text;
  lib::AccountSearchShape shape;
};

LibrarySearch library_search(Db& db, lib::FtsQueryBuilder& fts, const GenQuery& q, bool after) {
  LibrarySearch s;
  if (q.text) {
    s.words = custmgmt::backend::search_words(*q.text);
    s.text_key = search_key(*q.text);
    s.text = fts.build(s.words);
  }
  // Sorted and distinct, as the connection binds them (the tag walks and
  // tags_all's count want distinct tags).
  const auto distinct = [](std::vector<std::string> tags) {
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return tags;
  };
  s.tags_any = distinct(q.tags_any);
  s.tags_all = distinct(q.tags_all);
  auto& shape = s.shape;
  shape.match = !s.text.match.empty();
  shape.fallback = !s.text.fallback.empty();
  shape.customer_type = q.residential.has_value();
  shape.tags_any = s.tags_any.size();
  shape.tags_all = s.tags_all.size();
  shape.created_from = q.created_from_us.has_value();
  shape.created_to = q.created_to_us.has_value();
  shape.archived = custmgmt::ArchivedFilter::Exclude;
  shape.sort = q.text ? custmgmt::AccountSort::Relevance : custmgmt::AccountSort::CreatedDesc;
  shape.after = after;
  shape.prefix_implies_match = custmgmt::detail::prefix_implies_text_match(s.words);
  // The connection's per-query choice of the tier-2 plan (walk or sort).
  lib::choose_tier2_walk(db.get(), shape, s.text.match);
  return s;
}

void bind_search(sqlite3_stmt* st, const LibrarySearch& s, const GenQuery& q,
                 const std::optional<custmgmt::backend::SortKey>& after) {
  put(st, ":uid", std::string(kUser));
  if (s.shape.match) put(st, ":match", s.text.match);
  if (s.shape.fallback) put(st, ":fallback", s.text.fallback);
  put(st, ":text_key", s.text_key);
  if (q.residential) {
    put(st, ":customer_type", std::string(*q.residential ? "Residential" : "Commercial"));
  }
  for (std::size_t i = 0; i < s.tags_any.size(); ++i) {
    put(st, lib::tag_any_parameter(i).c_str(), s.tags_any[i]);
  }
  for (std::size_t i = 0; i < s.tags_all.size(); ++i) {
    put(st, lib::tag_all_parameter(i).c_str(), s.tags_all[i]);
  }
  if (!s.tags_all.empty()) {
    put(st, ":tag_all_count", static_cast<std::int64_t>(s.tags_all.size()));
  }
  if (q.created_from_us) put(st, ":created_from", *q.created_from_us);
  if (q.created_to_us) put(st, ":created_to", *q.created_to_us);
  if (s.shape.sort == custmgmt::AccountSort::Relevance) {
    put(st, ":text_key_end", custmgmt::detail::prefix_upper_bound(s.text_key));
    if (after) {
      // bind_ranked_after(): tiers before the cursor's are closed, its own
      // starts after (key, id), later ones at their beginning.
      for (std::int64_t t = 0; t < 3; ++t) {
        const std::string n = std::to_string(t);
        const bool here = after->number == t;
        put(st, (":open_" + n).c_str(), std::int64_t{after->number <= t ? 1 : 0});
        put(st, (":after_text_" + n).c_str(), here ? after->text : std::string());
        put(st, (":after_id_" + n).c_str(), here ? after->id : INT64_MIN);
      }
    }
  } else if (after) {
    put(st, ":after_number", after->number);
    put(st, ":after_id", after->id);
  }
  put(st, ":limit", static_cast<std::int64_t>(kPageSize + 1));
}

bool run_same_sql(Db& db, lib::FtsQueryBuilder& fts, const GenQuery& q, bool second, Sample& out,
                  std::vector<custmgmt::Id>* ids) {
  // Timed as the connection's search_accounts(): the text filter, the
  // tier-2 choice, the statement (cached by its text) and its parameters.
  Stopwatch watch;
  const auto first = library_search(db, fts, q, false);
  sqlite3_stmt* st = db.stmt(lib::account_search_sql(first.shape, false));
  bind_search(st, first, q, std::nullopt);
  auto rows = read_rows(db, st, lib::kAccountCreatedAt);
  if (!second) {
    out = watch.finish();
    if (ids) {
      for (const auto& r : rows) ids->push_back(r.id);
    }
    return true;
  }
  if (rows.size() <= kPageSize) return false;
  // The cursor the library makes from the last row of page one (key_of()).
  const RawRow& last = rows[kPageSize - 1];
  custmgmt::backend::SortKey key;
  key.id = last.id;
  if (q.text) {
    key.text = search_key(last.name);
    key.number = custmgmt::backend::relevance_tier(key.text, first.text_key);
  } else {
    key.number = last.created_at;
  }
  watch = Stopwatch();
  const auto next = library_search(db, fts, q, true);
  st = db.stmt(lib::account_search_sql(next.shape, false));
  bind_search(st, next, q, key);
  rows = read_rows(db, st, lib::kAccountCreatedAt);
  out = watch.finish();
  if (ids) {
    for (const auto& r : rows) ids->push_back(r.id);
  }
  return true;
}

// What a user writes from the spec: FTS ranked by bm25 over every match,
// tag filters on the tags column, OFFSET for the second page.
// The FTS5 query a user writes: every word a prefix, ANDed.
std::string straightforward_match(const std::string& text) {
  std::string m;
  for (const auto& w : custmgmt::backend::search_words(text)) {
    if (!m.empty()) m += " AND ";
    m += "\"" + w + "\"*";
  }
  return m;
}

void bind_straightforward(sqlite3_stmt* st, const GenQuery& q) {
  put(st, ":uid", std::string(kUser));
  if (q.text) put(st, ":match", straightforward_match(*q.text));
  if (q.residential) {
    put(st, ":customer_type", std::string(*q.residential ? "Residential" : "Commercial"));
  }
  for (std::size_t i = 0; i < q.tags_any.size(); ++i) {
    put(st, (":tag_any_" + std::to_string(i)).c_str(), q.tags_any[i]);
  }
  for (std::size_t i = 0; i < q.tags_all.size(); ++i) {
    put(st, (":tag_all_" + std::to_string(i)).c_str(), q.tags_all[i]);
  }
  put(st, ":tag_all_count", static_cast<std::int64_t>(q.tags_all.size()));
  if (q.created_from_us) put(st, ":created_from", *q.created_from_us);
  if (q.created_to_us) put(st, ":created_to", *q.created_to_us);
}

bool run_straightforward(Db& db, const GenQuery& q, bool second, Sample& out) {
  std::string sql;
  if (q.text) {
    sql =
        "SELECT a.id, a.company_name, a.customer_type, a.billing_address, a.service_address, "
        "a.account_notes, a.tags, a.created_at, a.updated_at, a.created_by, a.updated_by, "
        "a.archived_at, a.version FROM customer_accounts_fts f JOIN customer_accounts a ON "
        "a.id = f.rowid WHERE customer_accounts_fts MATCH :match AND (a.created_by = :uid OR "
        "a.updated_by = :uid) AND a.archived_at IS NULL";
    if (q.residential) sql += " AND a.customer_type = :customer_type";
    sql += " ORDER BY bm25(customer_accounts_fts) LIMIT :limit OFFSET :offset";
  } else {
    sql = std::string("SELECT ") + kAccountColumns +
          " FROM customer_accounts a WHERE (a.created_by = :uid OR a.updated_by = :uid) AND "
          "a.archived_at IS NULL";
    if (q.residential) sql += " AND a.customer_type = :customer_type";
    if (q.created_from_us) sql += " AND a.created_at >= :created_from";
    if (q.created_to_us) sql += " AND a.created_at < :created_to";
    if (!q.tags_any.empty()) {
      sql += " AND EXISTS (SELECT 1 FROM json_each(a.tags) j WHERE j.value IN (";
      for (std::size_t i = 0; i < q.tags_any.size(); ++i) {
        sql += (i ? ", :tag_any_" : ":tag_any_") + std::to_string(i);
      }
      sql += "))";
    }
    if (!q.tags_all.empty()) {
      sql += " AND (SELECT count(DISTINCT j.value) FROM json_each(a.tags) j WHERE j.value IN (";
      for (std::size_t i = 0; i < q.tags_all.size(); ++i) {
        sql += (i ? ", :tag_all_" : ":tag_all_") + std::to_string(i);
      }
      sql += ")) = :tag_all_count";
    }
    sql += " ORDER BY a.created_at DESC LIMIT :limit OFFSET :offset";
  }
  sqlite3_stmt* st = db.stmt(sql);
  bind_straightforward(st, q);
  put(st, ":limit", static_cast<std::int64_t>(kPageSize));
  put(st, ":offset", static_cast<std::int64_t>(second ? kPageSize : 0));
  const Stopwatch watch;
  const auto rows = read_rows(db, st, -1);
  out = watch.finish();
  return !second || !rows.empty();
}

// get(id) then contacts().list(id): kSelectAccount and the contact search
// of one account in (primary, name) order, a page of 50 (+1).
Sample raw_point_read(Db& db, custmgmt::Id id) {
  const Stopwatch watch;
  sqlite3_stmt* st = db.stmt(lib::named_sql(lib::Sql::kSelectAccount, false));
  put(st, ":id", id);
  put(st, ":uid", std::string(kUser));
  const auto account = read_rows(db, st, lib::kAccountCreatedAt);
  lib::ContactSearchShape shape;
  shape.account_id = true;
  shape.order = custmgmt::backend::ContactOrder::PrimaryThenName;
  st = db.stmt(lib::contact_search_sql(shape, false));
  put(st, ":uid", std::string(kUser));
  put(st, ":account_id", id);
  put(st, ":limit", static_cast<std::int64_t>(kPageSize + 1));
  const auto contacts = read_rows(db, st, -1);
  if (account.empty()) throw std::runtime_error("raw point read found nothing");
  return watch.finish();
}

// update(a): kUpdateAccount in its own transaction.
Sample raw_update(Db& db, const custmgmt::Account& a) {
  const Stopwatch watch;
  db.exec(lib::named_sql(lib::Sql::kBegin, false));
  sqlite3_stmt* st = db.stmt(lib::named_sql(lib::Sql::kUpdateAccount, false));
  put(st, ":company_name", a.company_name);
  put(st, ":name_key", search_key(a.company_name));
  put(st, ":customer_type", std::string(custmgmt::to_string(a.customer_type)));
  put(st, ":billing_address", custmgmt::to_json(a.billing_address));
  put(st, ":service_address", custmgmt::to_json(a.service_address));
  put(st, ":account_notes", *a.account_notes);
  put(st, ":tags", tags_json(a.tags));
  put(st, ":now",
      static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count()));
  put(st, ":actor_user", std::string(kUser));
  put(st, ":uid", std::string(kUser));
  put(st, ":id", a.id);
  put(st, ":expected_version", a.version);
  const auto rows = read_rows(db, st, lib::kAccountCreatedAt);
  db.exec(lib::named_sql(lib::Sql::kCommit, false));
  if (rows.size() != 1) throw std::runtime_error("raw update changed no row");
  return watch.finish();
}

void remove_store(const std::string& path) {
  for (const auto& f : {path, path + "-wal", path + "-shm"}) std::remove(f.c_str());
}

}  // namespace

boost::json::object run_sqlite(const Options& o) {
  boost::json::object out;
  const std::string base = o.dir + "/sqlite-" + std::to_string(o.scale);
  const std::int64_t row_n = o.row_accounts();

  std::fprintf(stderr, "sqlite: import (engine's best raw, %lld accounts)\n",
               static_cast<long long>(o.scale));
  const auto best_path = fresh_store(base + "-best.db");
  const auto best = run_in_child([&] { return raw_best_import(best_path, o); });
  // The populated store: the engine's best store (every account of the
  // scale), copied so that the library and the straightforward loader each
  // add the next `row_n` accounts to the same store.
  const std::string populated_path = base + "-populated.db";
  remove_store(populated_path);
  std::filesystem::copy_file(best_path, populated_path);
  std::fprintf(stderr,
               "sqlite: import (straightforward raw, next %lld accounts into the populated "
               "store)\n",
               static_cast<long long>(row_n));
  const auto straight_populated = run_in_child(
      [&] { return raw_straightforward_import(best_path, o, o.scale, o.scale + row_n); });
  std::fprintf(stderr, "sqlite: import (library, next %lld accounts into the populated store)\n",
               static_cast<long long>(row_n));
  const auto lib_populated =
      run_in_child([&] { return library_import(populated_path, o, o.scale, o.scale + row_n); });
  remove_store(best_path);
  remove_store(populated_path);
  std::fprintf(stderr, "sqlite: import (straightforward raw, %lld accounts)\n",
               static_cast<long long>(row_n));
  const auto straight_path = fresh_store(base + "-straightforward.db");
  const auto straight =
      run_in_child([&] { return raw_straightforward_import(straight_path, o, 0, row_n); });
  remove_store(straight_path);
  std::fprintf(stderr, "sqlite: import (library, %lld accounts)\n",
               static_cast<long long>(o.scale));
  const auto lib_path = fresh_store(base + "-library.db");
  const auto lib = run_in_child([&] { return library_import(lib_path, o, 0, o.scale); });

  out["import"] = import_results(o, lib, straight, best, lib_populated, straight_populated);

  if (o.run_io()) {
    int io_store = 0;
    out["io"] = run_io_workloads(
        o, [&] { return fresh_store(base + "-io-" + std::to_string(io_store++) + ".db"); },
        ratio(best.count, best.seconds), ratio(straight.count, straight.seconds),
        ratio(straight_populated.count, straight_populated.seconds));
    for (int i = 0; i < io_store; ++i) remove_store(base + "-io-" + std::to_string(i) + ".db");
  }

  std::fprintf(stderr, "sqlite: spreading created_at over five years\n");
  spread_created_at(lib_path, o);

  std::fprintf(stderr, "sqlite: export\n");
  out["export"] = export_json(run_in_child([&] { return library_export(lib_path); }));

  std::fprintf(stderr, "sqlite: search, point read, update, stats\n");
  Db db(lib_path);
  lib::FtsQueryBuilder fts(db.get());
  RawHooks hooks;
  hooks.warm = [&] {
    db.exec("SELECT count(*) FROM customer_accounts; SELECT count(*) FROM customer_contacts");
  };
  hooks.same_sql = [&](const GenQuery& q, bool second, Sample& out,
                       std::vector<custmgmt::Id>* ids) {
    return run_same_sql(db, fts, q, second, out, ids);
  };
  hooks.straightforward = [&](const GenQuery& q, bool second, Sample& out) {
    return run_straightforward(db, q, second, out);
  };
  hooks.point_read = [&](custmgmt::Id id) { return raw_point_read(db, id); };
  hooks.update = [&](const custmgmt::Account& a) { return raw_update(db, a); };
  run_query_workloads(lib_path, o, hooks, out);
  return out;
}

}  // namespace bench
