// What only the PostgreSQL backend has: row-level security enforced by the
// server for any client, migrations that leave nothing behind, reconnection,
// the name-search configuration, the bulk insert path and read replicas.
// Needs the server of pg_test_env.hpp; fails (never skips) without it.
#define BOOST_TEST_MODULE custmgmt_postgres
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <pqxx/connection>
#include <pqxx/errorhandler>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/transaction>
#include <string>
#include <thread>
#include <vector>

#include "backends/postgres/postgres_backend.hpp"
#include "backends/postgres/postgres_connection.hpp"
#include "custmgmt/custmgmt.hpp"
#include "postgres/pg_test_env.hpp"

namespace pg = custmgmt::test::pg;
using custmgmt::Account;
using custmgmt::AccountQuery;
using custmgmt::Contact;
using custmgmt::CustomerType;
using custmgmt::Session;
using custmgmt::Store;

namespace {

const std::string kUserA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const std::string kUserB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

std::string app_uri(const std::string& db) {
  return pg::with_database(pg::required_env("CUSTMGMT_TEST_PG_URI"), db);
}

struct FreshDatabase {
  FreshDatabase() : db(pg::pool().fresh_database()), store(Store::open(app_uri(db))) {}
  std::string db;
  Store store;
};

Account account_named(const std::string& name) {
  Account a;
  a.company_name = name;
  a.customer_type = CustomerType::Commercial;
  return a;
}

Contact contact_of(custmgmt::Id account, const std::string& name) {
  Contact c;
  c.customer_account_id = account;
  c.contact_name = name;
  c.email = "someone@example.com";
  return c;
}

// A raw connection as the application login, outside the library.
struct RawApp {
  explicit RawApp(const std::string& db) : conn(app_uri(db)), quiet(conn) {}
  pqxx::connection conn;
  pqxx::quiet_errorhandler quiet;
};

// Acts as `user` the way Supabase's PostgREST does: SET LOCAL ROLE plus the
// JWT claims of the transaction.
void act_as(pqxx::work& tx, const std::string& user) {
  tx.exec("SET LOCAL ROLE authenticated");
  tx.exec_params("SELECT set_config('request.jwt.claims', $1, true)",
                 "{\"sub\":\"" + user + "\",\"role\":\"authenticated\"}");
}

std::vector<std::string> names(const std::vector<Account>& rows) {
  std::vector<std::string> out;
  for (const auto& a : rows) out.push_back(a.company_name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> found(Session& s, const std::string& text) {
  AccountQuery q;
  q.text = text;
  q.limit = 1000;
  return names(s.accounts().search(q).items);
}

// Every object of a database that is not part of PostgreSQL itself: the
// catalog rows a migration could have left behind.
std::string catalog_snapshot(const std::string& db) {
  return pg::admin_exec(
      db,
      "SELECT string_agg(o, E'\\n' ORDER BY o) FROM ("
      " SELECT 'relation ' || n.nspname || '.' || c.relname AS o FROM pg_class c"
      "  JOIN pg_namespace n ON n.oid = c.relnamespace"
      "  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
      " UNION ALL SELECT 'function ' || n.nspname || '.' || p.proname FROM pg_proc p"
      "  JOIN pg_namespace n ON n.oid = p.pronamespace"
      "  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
      " UNION ALL SELECT 'type ' || n.nspname || '.' || t.typname FROM pg_type t"
      "  JOIN pg_namespace n ON n.oid = t.typnamespace"
      "  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
      " UNION ALL SELECT 'schema ' || nspname FROM pg_namespace"
      " UNION ALL SELECT 'extension ' || extname FROM pg_extension"
      " UNION ALL SELECT 'policy ' || polname FROM pg_policy"
      " UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal"
      " UNION ALL SELECT 'acl ' || nspname || ' ' || coalesce(nspacl::text, '') FROM pg_namespace"
      ") s");
}

}  // namespace

using DropTestDatabases = pg::DropTestDatabases;
BOOST_TEST_GLOBAL_FIXTURE(DropTestDatabases);

BOOST_AUTO_TEST_SUITE(row_level_security)

BOOST_AUTO_TEST_CASE(raw_client_as_another_user_sees_and_changes_nothing) {
  FreshDatabase f;
  Session a = f.store.session(kUserA);
  const Account account = a.accounts().create(account_named("Acme Plumbing"));
  a.contacts().add(contact_of(account.id, "Ann Smith"));

  RawApp raw(f.db);
  {
    pqxx::work tx(raw.conn);
    act_as(tx, kUserB);
    BOOST_TEST(tx.exec1("SELECT count(*) FROM customer_accounts")[0].as<int>() == 0);
    BOOST_TEST(tx.exec1("SELECT count(*) FROM customer_contacts")[0].as<int>() == 0);
    BOOST_TEST(tx.exec("UPDATE customer_accounts SET account_notes = 'x'").affected_rows() == 0);
    BOOST_TEST(tx.exec("UPDATE customer_contacts SET role = 'x'").affected_rows() == 0);
    BOOST_TEST(tx.exec("DELETE FROM customer_contacts").affected_rows() == 0);
    BOOST_TEST(tx.exec("DELETE FROM customer_accounts").affected_rows() == 0);
    tx.commit();
  }
  {
    // The owner's claims see the rows, so the zeros above are RLS at work.
    pqxx::work tx(raw.conn);
    act_as(tx, kUserA);
    BOOST_TEST(tx.exec1("SELECT count(*) FROM customer_accounts")[0].as<int>() == 1);
    BOOST_TEST(tx.exec1("SELECT count(*) FROM customer_contacts")[0].as<int>() == 1);
  }
  BOOST_CHECK(a.accounts().get(account.id).account_notes == account.account_notes);
}

BOOST_AUTO_TEST_CASE(raw_client_cannot_insert_for_another_user) {
  FreshDatabase f;
  RawApp raw(f.db);
  pqxx::work tx(raw.conn);
  act_as(tx, kUserB);
  BOOST_CHECK_THROW(tx.exec_params("INSERT INTO customer_accounts (company_name, company_name_key, "
                                   "customer_type, created_by) VALUES ('X', 'x', 'Commercial', $1)",
                                   kUserA),
                    pqxx::insufficient_privilege);
}

BOOST_AUTO_TEST_CASE(login_role_has_no_rights_of_its_own) {
  FreshDatabase f;
  RawApp raw(f.db);
  pqxx::nontransaction tx(raw.conn);
  const auto r = tx.exec1(
      "SELECT r.rolsuper, r.rolbypassrls, r.rolinherit, "
      "(SELECT count(*) FROM pg_class c WHERE c.relname IN ('customer_accounts', "
      "'customer_contacts') AND c.relowner = r.oid), "
      "(SELECT bool_and(relforcerowsecurity AND relrowsecurity) FROM pg_class "
      "WHERE relname IN ('customer_accounts', 'customer_contacts')) "
      "FROM pg_roles r WHERE r.rolname = current_user");
  BOOST_TEST(!r[0].as<bool>());     // not superuser
  BOOST_TEST(!r[1].as<bool>());     // not BYPASSRLS
  BOOST_TEST(!r[2].as<bool>());     // NOINHERIT: nothing without SET ROLE
  BOOST_TEST(r[3].as<int>() == 0);  // owns neither table
  BOOST_TEST(r[4].as<bool>());      // RLS enabled and forced
  BOOST_CHECK_THROW(tx.exec("SELECT count(*) FROM customer_accounts"),
                    pqxx::insufficient_privilege);
}

BOOST_AUTO_TEST_CASE(service_role_sees_every_user) {
  FreshDatabase f;
  Session a = f.store.session(kUserA);
  Session b = f.store.session(kUserB);
  a.accounts().create(account_named("Acme"));
  b.accounts().create(account_named("Bravo"));
  Session service = f.store.service();
  BOOST_TEST(service.accounts().stats().total_accounts == 2);
  BOOST_TEST(a.accounts().stats().total_accounts == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(migrations)

BOOST_AUTO_TEST_CASE(up_down_up_leaves_nothing_after_full_rollback) {
  // An untouched database of the same cluster is the reference.
  const std::string empty = "cm_test_empty_" + std::to_string(::getpid());
  pg::admin_exec("postgres", "DROP DATABASE IF EXISTS " + empty);
  pg::admin_exec("postgres", "CREATE DATABASE " + empty + " OWNER service_role");
  const std::string reference = catalog_snapshot(empty);
  pg::admin_exec("postgres", "DROP DATABASE " + empty);

  FreshDatabase f;
  const int latest = f.store.latest_schema_version();
  BOOST_TEST(f.store.schema_version() == latest);
  BOOST_TEST(catalog_snapshot(f.db) != reference);
  f.store.migrate(0);
  BOOST_TEST(f.store.schema_version() == 0);
  BOOST_TEST(catalog_snapshot(f.db) == reference);

  f.store.migrate(latest);
  {
    Session a = f.store.session(kUserA);
    const Account account = a.accounts().create(account_named("Again"));
    BOOST_TEST(a.accounts().get(account.id).company_name == "Again");
  }
  f.store.migrate(0);
  BOOST_TEST(catalog_snapshot(f.db) == reference);
  f.store.migrate(latest);
  BOOST_TEST(f.store.schema_version() == latest);
}

BOOST_AUTO_TEST_CASE(spec_indexes_exist_and_primary_contact_index_is_unique) {
  FreshDatabase f;
  const std::string indexes =
      pg::admin_exec(f.db,
                     "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes "
                     "WHERE indexname IN ('idx_customer_accounts_company_name', "
                     "'idx_customer_accounts_customer_type', 'idx_customer_accounts_created_at', "
                     "'idx_customer_accounts_tags', 'idx_customer_contacts_account_id', "
                     "'idx_customer_contacts_name', 'idx_customer_contacts_email', "
                     "'idx_customer_contacts_primary')");
  BOOST_TEST(indexes ==
             "idx_customer_accounts_company_name,idx_customer_accounts_created_at,"
             "idx_customer_accounts_customer_type,idx_customer_accounts_tags,"
             "idx_customer_contacts_account_id,idx_customer_contacts_email,"
             "idx_customer_contacts_name,idx_customer_contacts_primary");
  BOOST_TEST(pg::admin_exec(f.db,
                            "SELECT indisunique FROM pg_index WHERE indexrelid = "
                            "'idx_customer_contacts_primary'::regclass") == "t");
  BOOST_TEST(pg::admin_exec(f.db,
                            "SELECT count(*) FROM pg_policy WHERE polroles = "
                            "ARRAY['authenticated'::regrole::oid]") == "8");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(connections)

BOOST_AUTO_TEST_CASE(session_reconnects_after_its_backend_is_terminated) {
  FreshDatabase f;
  Session a = f.store.session(kUserA);
  const Account account = a.accounts().create(account_named("Acme"));
  const std::string kill =
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
      "current_database() AND usename = 'custmgmt_app'";

  // Killed while idle: the next call notices on BEGIN and retries at once.
  BOOST_TEST(pg::admin_exec(f.db, kill) != "0");
  BOOST_TEST(a.accounts().get(account.id).company_name == "Acme");

  // Killed inside a transaction: that work is lost and reported, and the
  // session works again afterwards.
  {
    auto tx = a.transaction();
    a.accounts().create(account_named("Lost"));
    pg::admin_exec(f.db, kill);
    try {
      a.accounts().create(account_named("Lost too"));
      tx.commit();
      BOOST_FAIL("a write on a terminated connection succeeded");
    } catch (const custmgmt::BackendError& e) {
      BOOST_TEST(e.code() == "backend.connection");
    }
  }
  BOOST_TEST(found(a, "lost").empty());
  BOOST_TEST(a.accounts().create(account_named("After")).company_name == "After");
  BOOST_TEST(found(a, "acme after").empty());
  BOOST_TEST(found(a, "after") == std::vector<std::string>{"After"});
}

BOOST_AUTO_TEST_CASE(unreachable_server_is_a_connection_error) {
  FreshDatabase f;
  // A port nothing listens on (the replica's data dir has none here).
  try {
    Store::open("postgresql://custmgmt_app@127.0.0.1:1/none?connect_timeout=2");
    BOOST_FAIL("opened a store on a closed port");
  } catch (const custmgmt::BackendError& e) {
    BOOST_TEST(e.code() == "backend.connection");
  }
}

BOOST_AUTO_TEST_CASE(malformed_uri_is_a_validation_error) {
  try {
    Store::open("postgresql://host:notaport:/x?nonsense_option=1");
    BOOST_FAIL("accepted a malformed URI");
  } catch (const custmgmt::ValidationError& e) {
    BOOST_TEST(e.errors().at(0).code == "store.uri_invalid");
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(name_search)

// The spec's to_tsvector('english', ...) would lose all of these: stop words
// ("he", "all") and stems ("cany" -> "cani" misses "canyon", "plumbi" vs
// lexeme "plumb").
BOOST_AUTO_TEST_CASE(stop_words_and_unstemmed_prefixes_are_found) {
  FreshDatabase f;
  Session a = f.store.session(kUserA);
  for (const char* n : {"He Said Plumbing", "All Star Heating", "Canyon Supplies", "Plumbing Co",
                        "Crème Brûlée Bakery", "O'Brien & Søn", "Hello World"}) {
    a.accounts().create(account_named(n));
  }
  BOOST_TEST(found(a, "he") ==
             (std::vector<std::string>{"All Star Heating", "He Said Plumbing", "Hello World"}));
  BOOST_TEST(found(a, "all") == std::vector<std::string>{"All Star Heating"});
  BOOST_TEST(found(a, "cany") == std::vector<std::string>{"Canyon Supplies"});
  BOOST_TEST(found(a, "plumbi") == (std::vector<std::string>{"He Said Plumbing", "Plumbing Co"}));
  BOOST_TEST(found(a, "CREME brul") == std::vector<std::string>{"Crème Brûlée Bakery"});
  BOOST_TEST(found(a, "crème") == std::vector<std::string>{"Crème Brûlée Bakery"});
  BOOST_TEST(found(a, "o brien son") == std::vector<std::string>{"O'Brien & Søn"});
  BOOST_TEST(found(a, "sai he") == std::vector<std::string>{"He Said Plumbing"});
  BOOST_TEST(found(a, "lumbing").empty());  // prefixes of words only
}

BOOST_AUTO_TEST_CASE(name_search_uses_the_word_index) {
  FreshDatabase f;
  const std::string plan =
      pg::admin_exec(f.db,
                     "SET enable_seqscan = off; "
                     "EXPLAIN (FORMAT JSON) SELECT id FROM customer_accounts WHERE "
                     "custmgmt_name_tsv(company_name) @@ custmgmt_prefix_query(ARRAY['acm'])");
  BOOST_TEST(plan.find("idx_customer_accounts_name_words") != std::string::npos, plan);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(backend_internals)

custmgmt::detail::PostgresConfig config_for(const std::string& db) {
  custmgmt::detail::PostgresConfig c;
  c.uri = app_uri(db);
  return c;
}

BOOST_AUTO_TEST_CASE(bulk_insert_stores_every_row_in_order) {
  FreshDatabase f;
  custmgmt::detail::PostgresBackend backend(config_for(f.db));
  custmgmt::backend::Actor actor;
  actor.user = kUserA;
  auto conn = backend.connect(actor);
  auto& pgconn = dynamic_cast<custmgmt::detail::PostgresConnection&>(*conn);
  std::vector<std::pair<Account, std::string>> rows;
  for (int i = 0; i < 2500; ++i) {
    Account a = account_named("Bulk " + std::to_string(i));
    a.tags = {"bulk", i % 2 == 0 ? "even" : "odd"};
    a.billing_address.city = "Town \"" + std::to_string(i) + "\"";
    a.created_by = kUserA;
    a.updated_by = kUserA;
    rows.emplace_back(a, custmgmt::backend::search_key(a.company_name));
  }
  const auto start = std::chrono::steady_clock::now();
  const auto stored = pgconn.insert_accounts(rows);
  const auto took = std::chrono::steady_clock::now() - start;
  BOOST_TEST_MESSAGE("2500 accounts in "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                     << " ms");
  BOOST_TEST_REQUIRE(stored.size() == rows.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    BOOST_TEST(stored[i].company_name == rows[i].first.company_name);
    BOOST_TEST(stored[i].tags == rows[i].first.tags);
    BOOST_CHECK(stored[i].billing_address == rows[i].first.billing_address);
    BOOST_TEST(stored[i].version == 1);
    if (i > 0) BOOST_TEST(stored[i].id > stored[i - 1].id);
  }
  Session a = f.store.session(kUserA);
  BOOST_TEST(a.accounts().stats().total_accounts == 2500);
  AccountQuery q;
  q.tags_all = {"bulk", "odd"};
  q.limit = 1000;
  q.sort = custmgmt::AccountSort::CreatedAsc;
  const auto page = a.accounts().search(q);
  BOOST_TEST(page.items.size() == 1000u);
  BOOST_TEST(page.items.at(0).company_name == "Bulk 1");

  // Under RLS a row naming another user is refused as a whole batch.
  rows.resize(1);
  rows[0].first.created_by = kUserB;
  BOOST_CHECK_THROW(pgconn.insert_accounts(rows), custmgmt::PermissionDenied);
}

BOOST_AUTO_TEST_CASE(reads_go_to_the_replica_and_fall_back_to_the_primary) {
  FreshDatabase f;
  const std::string replica = pg::required_env("CUSTMGMT_TEST_PG_REPLICA_URI");
  custmgmt::backend::Actor actor;
  actor.user = kUserA;

  custmgmt::detail::PostgresBackend plain(config_for(f.db));
  auto on_primary = plain.connect(actor);
  auto& primary_conn = dynamic_cast<custmgmt::detail::PostgresConnection&>(*on_primary);
  const auto [primary_port, primary_standby] = primary_conn.read_server();
  BOOST_TEST(!primary_standby);

  auto c = config_for(f.db);
  c.replica_uris = {pg::with_database(replica, f.db)};
  custmgmt::detail::PostgresBackend routed(c);
  auto conn = routed.connect(actor);
  auto& pgconn = dynamic_cast<custmgmt::detail::PostgresConnection&>(*conn);

  // A write, then reads outside a transaction: they are served by the
  // standby once it has replayed the write.
  const Account stored = primary_conn.insert_account(
      [] {
        Account a = account_named("Replicated");
        a.created_by = kUserA;
        a.updated_by = kUserA;
        return a;
      }(),
      "replicated");
  std::optional<Account> seen;
  for (int i = 0; i < 100 && !seen; ++i) {
    seen = pgconn.select_account(stored.id);
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST_REQUIRE(seen.has_value());
  BOOST_TEST(seen->company_name == "Replicated");
  const auto [port, standby] = pgconn.read_server();
  BOOST_TEST(standby);
  BOOST_TEST(port != primary_port);
  BOOST_TEST(routed.stats().replica_reads >= 2);
  BOOST_TEST(routed.stats().replica_fallbacks == 0);

  // Reads inside a transaction go to the primary.
  pgconn.begin();
  BOOST_TEST(!pgconn.read_server().second);
  pgconn.rollback();

  // The replica connection is lost (as when the replica stops): the next
  // read is served by the primary and counted as a fallback; the one after
  // reconnects to the replica.
  {
    pqxx::connection other(pg::with_database(replica, f.db));
    pqxx::nontransaction tx(other);
    // A login may signal its own backends.
    tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = current_user "
        "AND pid <> pg_backend_pid()");
  }
  const auto before = routed.stats().replica_fallbacks;
  BOOST_TEST(!pgconn.read_server().second);
  BOOST_TEST(routed.stats().replica_fallbacks == before + 1);
  BOOST_TEST(pgconn.read_server().second);
  BOOST_TEST(pgconn.select_account(stored.id).has_value());

  // A replica that cannot be reached at all: every read falls back.
  auto dead = config_for(f.db);
  dead.replica_uris = {"postgresql://custmgmt_app@127.0.0.1:1/none?connect_timeout=2"};
  custmgmt::detail::PostgresBackend unreachable(dead);
  auto dconn = unreachable.connect(actor);
  auto& dpg = dynamic_cast<custmgmt::detail::PostgresConnection&>(*dconn);
  BOOST_TEST(dpg.select_account(stored.id).has_value());
  BOOST_TEST(!dpg.read_server().second);
  BOOST_TEST(unreachable.stats().replica_fallbacks == 2);
  BOOST_TEST(unreachable.stats().replica_reads == 0);
}

BOOST_AUTO_TEST_SUITE_END()
