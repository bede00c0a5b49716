// What only the PostgreSQL backend has: row-level security enforced by the
// server for any client, migrations that leave nothing behind, reconnection,
// the name-search configuration, the bulk insert path and read replicas,
// all through the public API (raw libpqxx only to look below it).
// Needs the server of pg_test_env.hpp; fails (never skips) without it.
//
// The suite read_replicas stops and restarts the shared replica and pauses
// its WAL replay: ctest runs it as its own test (postgres_replica_test,
// RUN_SERIAL), and postgres_test runs everything else.
#define BOOST_TEST_MODULE custmgmt_postgres
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <chrono>
#include <pqxx/connection>
#include <pqxx/errorhandler>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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

// custmgmt_account_name_matches() runs as the migration role, which bypasses
// RLS; called directly it must still answer only with what the caller's
// SELECT policy shows (docs/security.md).
BOOST_AUTO_TEST_CASE(name_match_function_called_directly_reveals_only_visible_ids) {
  FreshDatabase f;
  Session a = f.store.session(kUserA);
  const Account mine = a.accounts().create(account_named("Acme Plumbing"));
  const Account theirs = f.store.session(kUserB).accounts().create(account_named("Acme Roofing"));

  RawApp raw(f.db);
  const std::string call =
      "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') "
      "FROM custmgmt_account_name_matches(ARRAY['acme']) AS m(id)";
  {
    pqxx::work tx(raw.conn);
    act_as(tx, kUserA);
    BOOST_TEST(tx.exec1(call)[0].as<std::string>() == std::to_string(mine.id));
  }
  {
    pqxx::work tx(raw.conn);
    act_as(tx, kUserB);
    BOOST_TEST(tx.exec1(call)[0].as<std::string>() == std::to_string(theirs.id));
  }
  {
    // No claims at all: auth.uid() is NULL, so nothing.
    pqxx::work tx(raw.conn);
    tx.exec0("SET LOCAL ROLE authenticated");
    BOOST_TEST(tx.exec1(call)[0].as<std::string>().empty());
  }
  // It is SECURITY DEFINER here (the test cluster migrates as service_role),
  // so the answers above are its own filtering, not RLS inside it.
  BOOST_TEST(pg::admin_exec(f.db,
                            "SELECT prosecdef FROM pg_proc "
                            "WHERE proname = 'custmgmt_account_name_matches'") == "t");
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

BOOST_AUTO_TEST_SUITE(bulk_insert)

std::vector<Account> numbered_accounts(int count, const std::string& prefix) {
  std::vector<Account> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    Account a = account_named(prefix + " " + std::to_string(i));
    a.customer_type = i % 3 == 0 ? CustomerType::Residential : CustomerType::Commercial;
    a.tags = {"bulk", i % 2 == 0 ? "even" : "odd"};
    a.billing_address.street = std::to_string(i) + " \"Quoted\" Street, O'Hara's";
    a.billing_address.city = "Zürich";
    if (i % 5 == 0) a.account_notes = "note\n" + std::to_string(i) + " \\ tab\t end";
    out.push_back(std::move(a));
  }
  return out;
}

std::string count_accounts(const std::string& db) {
  return pg::admin_exec(db, "SELECT count(*) FROM customer_accounts");
}

BOOST_AUTO_TEST_CASE(create_many_stores_5000_rows_in_one_call_in_input_order) {
  FreshDatabase f;
  Session a = f.store.session(kUserA);
  const auto input = numbered_accounts(5000, "Bulk");
  const auto start = std::chrono::steady_clock::now();
  const auto stored = a.accounts().create_many(input);
  const auto took = std::chrono::steady_clock::now() - start;
  BOOST_TEST_MESSAGE("create_many: 5000 accounts in "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                     << " ms");
  BOOST_TEST(count_accounts(f.db) == "5000");
  BOOST_TEST_REQUIRE(stored.size() == input.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    BOOST_TEST(stored[i].company_name == input[i].company_name);
    BOOST_CHECK(stored[i].customer_type == input[i].customer_type);
    BOOST_TEST(stored[i].tags == input[i].tags);
    BOOST_CHECK(stored[i].billing_address == input[i].billing_address);
    BOOST_CHECK(stored[i].service_address == input[i].service_address);
    BOOST_CHECK(stored[i].account_notes == input[i].account_notes);
    BOOST_CHECK(stored[i].created_by == kUserA);
    BOOST_CHECK(stored[i].updated_by == kUserA);
    BOOST_TEST(stored[i].version == 1);
    BOOST_CHECK(!stored[i].archived_at.has_value());
    if (i > 0) BOOST_TEST(stored[i].id > stored[i - 1].id);
  }
  // What came back is what a later read sees, and what create() stores.
  for (const std::size_t i : {std::size_t{0}, std::size_t{1234}, std::size_t{4999}}) {
    BOOST_CHECK(a.accounts().get(stored[i].id) == stored[i]);
  }
  const Account single = a.accounts().create(input[5]);
  Account expected = stored[5];
  expected.id = single.id;
  expected.created_at = single.created_at;
  expected.updated_at = single.updated_at;
  BOOST_CHECK(single == expected);

  AccountQuery q;
  q.tags_all = {"bulk", "odd"};
  q.sort = custmgmt::AccountSort::CreatedAsc;
  q.limit = 100;
  const auto page = a.accounts().search(q);
  BOOST_TEST_REQUIRE(page.items.size() == 100u);
  BOOST_TEST(page.items.at(0).company_name == "Bulk 1");
  BOOST_TEST(found(a, "bulk 4321") == std::vector<std::string>{"Bulk 4321"});
  BOOST_TEST(a.accounts().create_many({}).empty());
}

BOOST_AUTO_TEST_CASE(create_many_rows_belong_to_their_owner_only) {
  FreshDatabase f;
  Session a = f.store.session(kUserA);
  Session b = f.store.session(kUserB);
  const auto mine = a.accounts().create_many(numbered_accounts(3, "Mine"));
  BOOST_TEST(found(a, "mine").size() == 3u);
  BOOST_TEST(found(b, "mine").empty());
  BOOST_CHECK_THROW(b.accounts().get(mine.at(0).id), custmgmt::NotFound);

  // A user cannot insert for another user, not even one row of many; the
  // check happens before anything is written.
  auto input = numbered_accounts(3, "Theirs");
  input[2].created_by = kUserB;
  BOOST_CHECK_THROW(a.accounts().create_many(input), custmgmt::PermissionDenied);
  BOOST_TEST(count_accounts(f.db) == "3");

  // The service role inserts for anyone; each user then sees his own rows.
  Session service = f.store.service();
  auto both = numbered_accounts(4, "Shared");
  for (std::size_t i = 0; i < both.size(); ++i) both[i].created_by = i % 2 ? kUserB : kUserA;
  const auto stored = service.accounts().create_many(both);
  BOOST_TEST_REQUIRE(stored.size() == 4u);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    BOOST_CHECK(stored[i].created_by == both[i].created_by);
  }
  BOOST_TEST(found(a, "shared") == (std::vector<std::string>{"Shared 0", "Shared 2"}));
  BOOST_TEST(found(b, "shared") == (std::vector<std::string>{"Shared 1", "Shared 3"}));

  // Row-level security checks every row itself, below the library: the
  // application role acting as A cannot bulk-insert B's row either.
  RawApp raw(f.db);
  pqxx::work tx(raw.conn);
  act_as(tx, kUserA);
  BOOST_CHECK_THROW(tx.exec_params("INSERT INTO customer_accounts (company_name, company_name_key, "
                                   "customer_type, created_by) SELECT 'X' || g, 'x ' || g, "
                                   "'Commercial', CASE WHEN g = 2 THEN $1::uuid ELSE $2::uuid END "
                                   "FROM generate_series(1, 3) g",
                                   kUserB, kUserA),
                    pqxx::insufficient_privilege);
}

// A trigger that fails the insert of one named row: a database-side
// failure in the middle of a bulk insert. Dropped again at scope exit, since
// pooled test databases are reused.
struct PoisonTrigger {
  explicit PoisonTrigger(std::string database) : db(std::move(database)) {
    pg::admin_exec(db,
                   "CREATE FUNCTION cm_test_poison() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN IF NEW.company_name = 'Poison' THEN RAISE EXCEPTION 'poisoned row'; "
                   "END IF; RETURN NEW; END $$; "
                   "CREATE TRIGGER cm_test_poison BEFORE INSERT ON customer_accounts "
                   "FOR EACH ROW EXECUTE FUNCTION cm_test_poison()");
  }
  ~PoisonTrigger() {
    try {
      pg::admin_exec(db,
                     "DROP TRIGGER IF EXISTS cm_test_poison ON customer_accounts; "
                     "DROP FUNCTION IF EXISTS cm_test_poison()");
    } catch (...) {
    }
  }
  std::string db;
};

BOOST_AUTO_TEST_CASE(a_failure_in_a_later_batch_leaves_nothing) {
  FreshDatabase f;
  Session a = f.store.session(kUserA);
  PoisonTrigger poison(f.db);
  auto input = numbered_accounts(5000, "Doomed");
  input[4500].company_name = "Poison";  // in the fifth batch of 1000
  try {
    a.accounts().create_many(input);
    BOOST_FAIL("a bulk insert with a failing row succeeded");
  } catch (const custmgmt::BackendError& e) {
    BOOST_TEST(e.backend_code() == "P0001");
  }
  BOOST_TEST(count_accounts(f.db) == "0");

  // Inside the caller's transaction the failed call is undone alone (to its
  // savepoint): the transaction's other work stays and can be committed.
  {
    auto tx = a.transaction();
    a.accounts().create(account_named("Earlier"));
    BOOST_CHECK_THROW(a.accounts().create_many(input), custmgmt::BackendError);
    a.accounts().create(account_named("Later"));
    tx.commit();
  }
  BOOST_TEST(count_accounts(f.db) == "2");
  BOOST_TEST(found(a, "doomed").empty());
  BOOST_TEST(a.accounts().create_many(numbered_accounts(2, "Fine")).size() == 2u);
  BOOST_TEST(count_accounts(f.db) == "4");
}

BOOST_AUTO_TEST_SUITE_END()

// Tag searches of a user session in created order read a page from the
// caller's tag keys (migration 0003) instead of walking customer_accounts.
BOOST_AUTO_TEST_SUITE(tag_search)

// The ids of every page of `q`, in order, following the cursors.
std::vector<custmgmt::Id> paged_ids(Session& s, AccountQuery q) {
  std::vector<custmgmt::Id> out;
  for (int pages = 0; pages < 100; ++pages) {
    const auto page = s.accounts().search(q);
    for (const auto& a : page.items) out.push_back(a.id);
    if (!page.next_cursor) return out;
    q.cursor = *page.next_cursor;
  }
  BOOST_FAIL("more than 100 pages");
  return out;
}

// The same search written plainly, run as `user` under row-level security.
std::vector<custmgmt::Id> plain_ids(const std::string& db, const std::string& user,
                                    const std::string& where) {
  RawApp raw(db);
  pqxx::work tx(raw.conn);
  act_as(tx, user);
  std::vector<custmgmt::Id> out;
  for (const auto& row : tx.exec("SELECT id FROM customer_accounts WHERE " + where +
                                 " ORDER BY created_at DESC, id DESC")) {
    out.push_back(row[0].as<custmgmt::Id>());
  }
  return out;
}

// The tag keys as they should be, recomputed from customer_accounts, and as
// they are.
std::pair<std::string, std::string> tag_keys_expected_and_stored(const std::string& db) {
  const std::string cols =
      "user_id::text || ' ' || tag || ' ' || coalesce(created_at::text, '-') || ' ' || "
      "account_id || ' ' || customer_type || ' ' || archived || ' ' || tags::text";
  return {pg::admin_exec(
              db, "SELECT coalesce(string_agg(k, E'\\n' ORDER BY k), '') FROM (SELECT " + cols +
                      " AS k FROM (SELECT DISTINCT u.id AS user_id, t.tag, a.created_at, "
                      "a.id AS account_id, a.customer_type, a.archived_at IS NOT NULL AS "
                      "archived, a.tags FROM customer_accounts a, unnest(a.tags) t(tag), "
                      "unnest(ARRAY[a.created_by, a.updated_by]) u(id) "
                      "WHERE u.id IS NOT NULL) s) x"),
          pg::admin_exec(db, "SELECT coalesce(string_agg(k, E'\\n' ORDER BY k), '') FROM (SELECT " +
                                 cols + " AS k FROM custmgmt_account_tag_keys) x")};
}

// Two users' accounts with four tags and two types over 60 days, some on the
// same instant (the id breaks the tie); returns user A's.
std::vector<Account> tagged_store(FreshDatabase& f) {
  Session a = f.store.session(kUserA);
  Session b = f.store.session(kUserB);
  const char* const tags[] = {"red", "green", "blue", "gold"};
  std::vector<Account> mine;
  std::vector<Account> input;
  for (int i = 0; i < 120; ++i) {
    Account x = account_named("Tagged " + std::to_string(i));
    x.customer_type = i % 3 == 0 ? CustomerType::Residential : CustomerType::Commercial;
    x.tags = {tags[i % 4]};
    if (i % 5 == 0) x.tags.push_back(tags[(i / 5) % 4]);
    if (i % 7 == 0) x.tags.push_back("gold");
    input.push_back(x);
  }
  // Interleaved with B's, so that A's rows are spread through every tag.
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (i % 2 == 0) {
      mine.push_back(a.accounts().create(input[i]));
    } else {
      b.accounts().create(input[i]);
    }
  }
  // created_at by a raw UPDATE (the library sets it to now): the trigger
  // keeps the tag keys right. Every third day holds two accounts.
  pg::admin_exec(f.db,
                 "UPDATE customer_accounts SET created_at = timestamptz '2025-01-01 00:00:00+00' "
                 "+ (id / 2) * interval '1 day'");
  return mine;
}

BOOST_AUTO_TEST_CASE(pages_equal_the_plain_search_of_each_user) {
  FreshDatabase f;
  tagged_store(f);
  Session a = f.store.session(kUserA);
  Session b = f.store.session(kUserB);
  struct Case {
    std::vector<std::string> any, all;
    std::optional<CustomerType> type;
    bool range;
    std::string where;
  };
  const std::vector<Case> cases = {
      {{"red"}, {}, std::nullopt, false, "tags && ARRAY['red']"},
      {{"red", "gold"}, {}, std::nullopt, false, "tags && ARRAY['red','gold']"},
      {{}, {"blue", "gold"}, std::nullopt, false, "tags @> ARRAY['blue','gold']"},
      {{"red", "blue"},
       {"gold"},
       CustomerType::Residential,
       true,
       "tags && ARRAY['red','blue'] AND tags @> ARRAY['gold'] AND customer_type = 'Residential' "
       "AND created_at >= timestamptz '2025-01-10 00:00:00+00' AND created_at < timestamptz "
       "'2025-02-20 00:00:00+00'"},
      {{"green"},
       {},
       CustomerType::Commercial,
       true,
       "tags && ARRAY['green'] AND customer_type = 'Commercial' AND created_at >= timestamptz "
       "'2025-01-10 00:00:00+00' AND created_at < timestamptz '2025-02-20 00:00:00+00'"},
      {{"none-such"}, {}, std::nullopt, false, "tags && ARRAY['none-such']"},
  };
  const auto from = custmgmt::from_micros(1736467200000000LL);  // 2025-01-10
  const auto to = custmgmt::from_micros(1740009600000000LL);    // 2025-02-20
  for (const auto& c : cases) {
    for (std::size_t limit : {1u, 3u, 7u, 1000u}) {
      AccountQuery q;
      q.tags_any = c.any;
      q.tags_all = c.all;
      q.customer_type = c.type;
      if (c.range) {
        q.created_from = from;
        q.created_to = to;
      }
      q.limit = limit;
      const std::string where = c.where + " AND archived_at IS NULL";
      BOOST_TEST(paged_ids(a, q) == plain_ids(f.db, kUserA, where), c.where << " limit " << limit);
      BOOST_TEST(paged_ids(b, q) == plain_ids(f.db, kUserB, where), c.where << " limit " << limit);
    }
  }
  BOOST_TEST(!plain_ids(f.db, kUserA, "tags && ARRAY['red'] AND archived_at IS NULL").empty());
}

BOOST_AUTO_TEST_CASE(archive_update_share_and_delete_keep_the_pages_right) {
  FreshDatabase f;
  const auto mine = tagged_store(f);
  Session a = f.store.session(kUserA);
  Session b = f.store.session(kUserB);
  AccountQuery q;
  q.tags_any = {"red", "gold"};
  q.limit = 4;

  a.accounts().archive(mine.at(0).id);
  a.accounts().archive(mine.at(1).id);
  Account retagged = a.accounts().get(mine.at(2).id);
  retagged.tags = {"gold", "silver"};
  a.accounts().update(retagged);
  a.accounts().remove(mine.at(3).id);
  // Shared: the service role acting for B updates one of A's accounts, so
  // updated_by = B and both see it.
  Session service_for_b = f.store.service(kUserB);
  Account shared = service_for_b.accounts().get(mine.at(4).id);
  shared.account_notes = "shared with B";
  shared.tags = {"red"};
  service_for_b.accounts().update(shared);

  const std::string base = "tags && ARRAY['red','gold']";
  for (auto archived : {custmgmt::ArchivedFilter::Exclude, custmgmt::ArchivedFilter::Include,
                        custmgmt::ArchivedFilter::Only}) {
    q.archived = archived;
    const std::string where =
        base + (archived == custmgmt::ArchivedFilter::Exclude ? " AND archived_at IS NULL"
                : archived == custmgmt::ArchivedFilter::Only  ? " AND archived_at IS NOT NULL"
                                                              : "");
    BOOST_TEST(paged_ids(a, q) == plain_ids(f.db, kUserA, where));
    BOOST_TEST(paged_ids(b, q) == plain_ids(f.db, kUserB, where));
  }
  q.archived = custmgmt::ArchivedFilter::Only;
  BOOST_TEST(!paged_ids(a, q).empty());
  BOOST_TEST(paged_ids(b, q).empty());
  q.archived = custmgmt::ArchivedFilter::Exclude;
  const auto b_ids = paged_ids(b, q);
  BOOST_TEST((std::find(b_ids.begin(), b_ids.end(), mine.at(4).id) != b_ids.end()));
  q.tags_any = {"silver"};
  BOOST_TEST(paged_ids(a, q) == std::vector<custmgmt::Id>{mine.at(2).id});

  const auto [expected, stored] = tag_keys_expected_and_stored(f.db);
  BOOST_TEST(stored == expected);
  BOOST_TEST(!stored.empty());
  a.accounts().restore(mine.at(0).id);
  const auto [expected2, stored2] = tag_keys_expected_and_stored(f.db);
  BOOST_TEST(stored2 == expected2);
}

// custmgmt_account_tag_page() runs as the migration role; called directly
// it answers only with the caller's visible accounts (docs/security.md).
BOOST_AUTO_TEST_CASE(tag_page_function_called_directly_reveals_only_visible_ids) {
  FreshDatabase f;
  tagged_store(f);
  const std::string call =
      "SELECT coalesce(string_agg(m.id::text, ',' ORDER BY m.id), '') FROM "
      "custmgmt_account_tag_page(ARRAY['red','green','blue','gold'], NULL, NULL, NULL, NULL, 1, "
      "NULL, NULL, 1000) AS m(id)";
  const std::string visible =
      "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM customer_accounts";
  RawApp raw(f.db);
  for (const std::string& user : {kUserA, kUserB}) {
    pqxx::work tx(raw.conn);
    act_as(tx, user);
    const std::string ids = tx.exec1(call)[0].as<std::string>();
    BOOST_TEST(!ids.empty());
    BOOST_TEST(ids == tx.exec1(visible)[0].as<std::string>());
  }
  {
    pqxx::work tx(raw.conn);
    tx.exec0("SET LOCAL ROLE authenticated");
    BOOST_TEST(tx.exec1(call)[0].as<std::string>().empty());
  }
  {
    // The table itself is closed to the application roles.
    pqxx::work tx(raw.conn);
    act_as(tx, kUserA);
    BOOST_CHECK_THROW(tx.exec("SELECT count(*) FROM custmgmt_account_tag_keys"),
                      pqxx::insufficient_privilege);
  }
  {
    pqxx::work tx(raw.conn);
    act_as(tx, kUserA);
    BOOST_CHECK_THROW(tx.exec("SELECT custmgmt_account_tag_page(NULL, '{}', NULL, NULL, NULL, 0, "
                              "NULL, NULL, 10)"),
                      pqxx::data_exception);
  }
  BOOST_TEST(pg::admin_exec(f.db,
                            "SELECT prosecdef FROM pg_proc "
                            "WHERE proname = 'custmgmt_account_tag_page'") == "t");
}

BOOST_AUTO_TEST_SUITE_END()

// ---- verify(): the backend's own checks (Connection::check_integrity)

BOOST_AUTO_TEST_SUITE(integrity)

bool has_check(const std::vector<custmgmt::IntegrityProblem>& problems, const std::string& check,
               const std::string& needle) {
  for (const auto& p : problems) {
    if (p.check == check && p.message.find(needle) != std::string::npos) return true;
  }
  return false;
}

BOOST_AUTO_TEST_CASE(verify_finds_orphan_contacts_and_unforced_row_level_security) {
  FreshDatabase f;
  Session service = f.store.service();
  const auto kept = service.accounts().create(account_named("Kept"));
  service.contacts().add(contact_of(kept.id, "Kim"));
  const auto gone = service.accounts().create(account_named("Gone"));
  const auto orphan = service.contacts().add(contact_of(gone.id, "Olaf"));
  BOOST_TEST(custmgmt::verify(service).empty());

  // The pool reuses this database: put row-level security back whatever
  // happens.
  struct Restore {
    std::string db;
    ~Restore() { pg::admin_exec(db, "ALTER TABLE customer_contacts FORCE ROW LEVEL SECURITY"); }
  } restore{f.db};
  pg::admin_exec(f.db, "ALTER TABLE customer_contacts NO FORCE ROW LEVEL SECURITY");
  // Foreign keys bypassed, as a careless bulk load with triggers off would.
  pg::admin_exec(f.db,
                 "SET session_replication_role = replica; DELETE FROM customer_accounts "
                 "WHERE id = " +
                     std::to_string(gone.id));
  const auto problems = custmgmt::verify(service);
  BOOST_TEST(has_check(problems, "row_level_security", "customer_contacts"));
  BOOST_TEST(has_check(problems, "foreign_key_check",
                       "customer_contacts " + std::to_string(orphan.id) + " belongs to account " +
                           std::to_string(gone.id)));
  BOOST_TEST(problems.size() == 2u);
  // A user session gets only the invariants over what it sees.
  Session user = f.store.session(kUserA);
  BOOST_TEST(custmgmt::verify(user).empty());
}

BOOST_AUTO_TEST_SUITE_END()

// ---- read replicas (ctest: postgres_replica_test, RUN_SERIAL)

BOOST_AUTO_TEST_SUITE(read_replicas)

custmgmt::StoreOptions with_replica(const std::string& db) {
  custmgmt::StoreOptions o;
  o.read_replicas = {pg::with_database(pg::required_env("CUSTMGMT_TEST_PG_REPLICA_URI"), db)};
  return o;
}

// Where one read went, told by the store's counters.
enum class Served { kReplica, kFallback, kPrimary };

template <typename Read>
auto read_counting(const Store& store, Served& served, Read&& read) {
  const auto before = store.stats();
  auto result = read();
  const auto after = store.stats();
  const auto replica = after.replica_reads - before.replica_reads;
  const auto fallback = after.replica_fallbacks - before.replica_fallbacks;
  BOOST_REQUIRE_MESSAGE(replica + fallback <= 1, "one read was counted more than once");
  served = replica == 1 ? Served::kReplica : fallback == 1 ? Served::kFallback : Served::kPrimary;
  return result;
}

// Waits (up to 30 s) until `check(result)` holds for a read the replica
// served: the replica has replayed what the test needs. `read` must not
// throw for state the replica has not replayed yet (use find(), not get()).
template <typename Read, typename Check>
void await_replica(const Store& store, Read&& read, Check&& check) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    Served served{};
    const auto result = read_counting(store, served, read);
    if (served == Served::kReplica && check(result)) return;
    if (std::chrono::steady_clock::now() > deadline) {
      BOOST_FAIL("the replica did not serve the expected state within 30 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// The superuser on the replica.
std::string replica_admin(const std::string& sql) {
  pqxx::connection conn(
      pg::with_database(pg::required_env("CUSTMGMT_TEST_PG_REPLICA_ADMIN_URI"), "postgres"));
  pqxx::quiet_errorhandler quiet(conn);
  pqxx::nontransaction tx(conn);
  const auto r = tx.exec(sql);
  if (r.empty() || r.columns() == 0 || r[0][0].is_null()) return {};
  return r[0][0].c_str();
}

// Pauses WAL replay on the replica while it lives: the replica keeps
// answering, but shows the primary's state of the moment of the pause.
struct ReplayPaused {
  ReplayPaused() { replica_admin("SELECT pg_wal_replay_pause()"); }
  ~ReplayPaused() {
    try {
      replica_admin("SELECT pg_wal_replay_resume()");
    } catch (...) {
    }
  }
};

BOOST_AUTO_TEST_CASE(reads_outside_a_transaction_are_served_by_the_replica) {
  FreshDatabase f;
  Store routed = Store::open(app_uri(f.db), with_replica(f.db));
  Session a = routed.session(kUserA);
  const Account before = a.accounts().create(account_named("Before"));
  const auto get = [&] { return a.accounts().get(before.id); };
  const auto name_is = [](const char* name) {
    return [name](const std::optional<Account>& x) { return x && x->company_name == name; };
  };
  const auto find = [&] { return a.accounts().find(before.id); };
  await_replica(routed, find, name_is("Before"));
  // Until the fresh test database has replayed onto the replica, a read may
  // legitimately fall back to the primary; count fallbacks from here on.
  const auto fallbacks_before = routed.stats().replica_fallbacks;

  // With replay paused, the primary and the replica differ: a read that
  // returns the old name can only have come from the replica.
  {
    ReplayPaused paused;
    Account changed = before;
    changed.company_name = "After";
    const Account after = a.accounts().update(changed);
    BOOST_TEST(after.company_name == "After");

    Served served{};
    BOOST_TEST(read_counting(routed, served, get).company_name == "Before");
    BOOST_CHECK(served == Served::kReplica);
    BOOST_TEST(read_counting(routed, served, [&] { return found(a, "before"); }) ==
               std::vector<std::string>{"Before"});
    BOOST_CHECK(served == Served::kReplica);
    BOOST_TEST(read_counting(routed, served, [&] { return a.accounts().stats().total_accounts; }) ==
               1);
    BOOST_CHECK(served == Served::kReplica);

    // Inside a transaction every read goes to the primary and sees the
    // session's own writes.
    {
      auto tx = a.transaction();
      BOOST_TEST(read_counting(routed, served, get).company_name == "After");
      BOOST_CHECK(served == Served::kPrimary);
      tx.commit();
    }
    // A store without replicas reads the primary.
    Session direct = f.store.session(kUserA);
    BOOST_TEST(direct.accounts().get(before.id).company_name == "After");
  }
  await_replica(routed, find, name_is("After"));
  BOOST_TEST(routed.stats().replica_fallbacks == fallbacks_before);
  BOOST_TEST(f.store.stats().replica_reads == 0u);
}

BOOST_AUTO_TEST_CASE(a_lost_replica_connection_falls_back_once_then_reconnects) {
  FreshDatabase f;
  Store routed = Store::open(app_uri(f.db), with_replica(f.db));
  Session a = routed.session(kUserA);
  const Account account = a.accounts().create(account_named("Acme"));
  const auto find = [&] { return a.accounts().find(account.id); };
  await_replica(routed, find, [](const std::optional<Account>& x) { return x.has_value(); });

  {
    // Ends the session's replica connection (a login may signal its own
    // backends); only this process's database is touched.
    pqxx::connection other(
        pg::with_database(pg::required_env("CUSTMGMT_TEST_PG_REPLICA_URI"), f.db));
    pqxx::nontransaction tx(other);
    tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = current_user "
        "AND datname = current_database() AND pid <> pg_backend_pid()");
  }
  Served served{};
  BOOST_TEST(read_counting(routed, served, find).has_value());
  BOOST_CHECK(served == Served::kFallback);
  BOOST_TEST(read_counting(routed, served, find).has_value());
  BOOST_CHECK(served == Served::kReplica);
}

BOOST_AUTO_TEST_CASE(an_unreachable_replica_sends_every_read_to_the_primary) {
  FreshDatabase f;
  custmgmt::StoreOptions o;
  o.read_replicas = {"postgresql://custmgmt_app@127.0.0.1:1/none?connect_timeout=2"};
  Store routed = Store::open(app_uri(f.db), o);
  Session a = routed.session(kUserA);
  const Account account = a.accounts().create(account_named("Acme"));
  const auto start = routed.stats();
  BOOST_TEST(a.accounts().get(account.id).company_name == "Acme");
  BOOST_TEST(found(a, "acme") == std::vector<std::string>{"Acme"});
  BOOST_TEST(routed.stats().replica_fallbacks == start.replica_fallbacks + 2);
  BOOST_TEST(routed.stats().replica_reads == start.replica_reads);
}

// pg_ctl on the replica's data directory, run as the directory's owner
// (via runuser when the test runs as root: pg_ctl refuses root).
void replica_ctl(const std::vector<std::string>& args) {
  const std::string data = pg::required_env("CUSTMGMT_TEST_PG_REPLICA_DIR");
  const std::string bin =
      pg::optional_env("CUSTMGMT_TEST_PG_BIN").value_or("/usr/lib/postgresql/15/bin");
  struct stat st {};
  if (::stat(data.c_str(), &st) != 0) {
    throw std::runtime_error("CUSTMGMT_TEST_PG_REPLICA_DIR: no such directory: " + data);
  }
  std::vector<std::string> argv;
  if (::geteuid() != st.st_uid) {
    const passwd* owner = ::getpwuid(st.st_uid);
    if (::geteuid() != 0 || owner == nullptr) {
      throw std::runtime_error("run the replica test as the owner of " + data + " or as root");
    }
    argv = {"runuser", "-u", owner->pw_name, "--"};
  }
  argv.push_back(bin + "/pg_ctl");
  argv.push_back("-D");
  argv.push_back(data);
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (auto& s : argv) c_argv.push_back(s.data());
  c_argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // pg_ctl's progress dots are noise in the test log; errors stay.
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) ::dup2(null, STDOUT_FILENO);
    ::execvp(c_argv[0], c_argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("pg_ctl " + args.back() + " failed on " + data);
  }
}

// Stops the replica server; starts it again at scope exit, whatever
// happened, so the tests after this one find it running.
struct ReplicaStopped {
  ReplicaStopped() { replica_ctl({"-m", "fast", "-w", "-t", "60", "stop"}); }
  ~ReplicaStopped() {
    try {
      restart();
    } catch (const std::exception& e) {
      BOOST_TEST_MESSAGE("could not restart the replica: " << e.what());
    }
  }
  void restart() {
    if (running) return;
    // The log goes into the data directory: the server must not inherit
    // the test's standard output (ctest waits for it to close).
    const std::string log = pg::required_env("CUSTMGMT_TEST_PG_REPLICA_DIR") + "/restart.log";
    replica_ctl({"-l", log, "-w", "-t", "60", "start"});
    running = true;
  }
  bool running = false;
};

BOOST_AUTO_TEST_CASE(stopping_the_replica_keeps_reads_working) {
  FreshDatabase f;
  Store routed = Store::open(app_uri(f.db), with_replica(f.db));
  Session a = routed.session(kUserA);
  const Account account = a.accounts().create(account_named("Acme"));
  const auto get = [&] { return a.accounts().get(account.id); };
  await_replica(
      routed, [&] { return a.accounts().find(account.id); },
      [](const std::optional<Account>& x) { return x.has_value(); });

  Account written_while_down;
  {
    ReplicaStopped stopped;
    Served served{};
    // The session's open replica connection is gone: the primary answers.
    BOOST_TEST(read_counting(routed, served, get).company_name == "Acme");
    BOOST_CHECK(served == Served::kFallback);
    BOOST_TEST(read_counting(routed, served, [&] { return found(a, "acme"); }) ==
               std::vector<std::string>{"Acme"});
    BOOST_CHECK(served == Served::kFallback);
    // So does a new session, which cannot connect to the replica at all.
    Session b = routed.session(kUserA);
    BOOST_TEST(read_counting(routed, served, [&] {
                 return b.accounts().get(account.id);
               }).company_name == "Acme");
    BOOST_CHECK(served == Served::kFallback);
    // Writes never needed the replica, and their results are readable.
    written_while_down = b.accounts().create(account_named("Written while down"));
    BOOST_TEST(read_counting(routed, served, [&] {
                 return a.accounts().get(written_while_down.id);
               }).company_name == "Written while down");
    BOOST_CHECK(served == Served::kFallback);
    BOOST_TEST(routed.stats().replica_fallbacks >= 4u);

    stopped.restart();
  }
  // Back up, the replica catches up and serves reads again.
  await_replica(
      routed, [&] { return a.accounts().find(written_while_down.id); },
      [](const std::optional<Account>& x) { return x.has_value(); });
}

BOOST_AUTO_TEST_SUITE_END()
