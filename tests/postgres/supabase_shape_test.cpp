// The migrations and the library on a database shaped like a Supabase
// project: an `auth` schema the library does not own (auth.users with
// Supabase's columns, Supabase's auth.uid()/auth.role()/auth.jwt()), the
// `anon` role, and `unaccent` installed in the `extensions` schema. The
// library must use those objects as they are, leave them in place when it
// rolls its schema back, enforce row-level security through Supabase's own
// auth.uid(), and report a user unknown to auth.users as a ValidationError.
//
// Needs the server of pg_test_env.hpp; fails (never skips) without it.
#define BOOST_TEST_MODULE custmgmt_postgres_supabase_shape
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <pqxx/connection>
#include <pqxx/transaction>
#include <string>

#include "custmgmt/custmgmt.hpp"
#include "postgres/pg_test_env.hpp"

namespace pg = custmgmt::test::pg;
using custmgmt::Account;
using custmgmt::CustomerType;
using custmgmt::Session;
using custmgmt::Store;

namespace {

const std::string kUserA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const std::string kUserB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const std::string kUnknown = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";

// What a Supabase project has before custmgmt's migrations run (abridged to
// the objects the migrations touch; definitions as in Supabase's auth
// schema). The schema is owned by the superuser, not by the library's roles,
// as Supabase's is owned by supabase_auth_admin.
const char* const kSupabaseSetup = R"sql(
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon NOLOGIN NOINHERIT;
  END IF;
END $$;
CREATE SCHEMA auth;
CREATE TABLE auth.users (
  instance_id uuid,
  id uuid PRIMARY KEY,
  aud varchar(255),
  role varchar(255),
  email varchar(255) UNIQUE,
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now()
);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA auth TO anon, authenticated, service_role;
GRANT REFERENCES (id) ON auth.users TO service_role;
CREATE SCHEMA extensions;
GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;
CREATE EXTENSION unaccent WITH SCHEMA extensions;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
INSERT INTO auth.users (id, aud, role, email) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'authenticated', 'authenticated', 'a@example.com'),
  ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'authenticated', 'authenticated', 'b@example.com');
)sql";

// The objects Supabase owns, as a string to compare before and after.
std::string supabase_objects(const std::string& db) {
  return pg::admin_exec(
      db,
      "SELECT concat_ws(' | ',"
      " (SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position)"
      "    FROM information_schema.columns WHERE table_schema = 'auth' AND table_name = 'users'),"
      " (SELECT string_agg(p.oid::text || ':' || p.proname || ':' || md5(p.prosrc), ','"
      "                    ORDER BY p.proname)"
      "    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth'),"
      " (SELECT string_agg(id::text, ',' ORDER BY id) FROM auth.users),"
      " (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
      "    WHERE e.extname = 'unaccent'))");
}

struct SupabaseDatabase {
  SupabaseDatabase() : db("cm_test_supabase_" + std::to_string(::getpid())) {
    pg::admin_exec("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    pg::admin_exec("postgres", "CREATE DATABASE " + db + " OWNER service_role");
    pg::admin_exec(db, kSupabaseSetup);
    before = supabase_objects(db);
  }
  ~SupabaseDatabase() {
    try {
      pg::admin_exec("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    } catch (...) {
      // A leftover database is dropped by the next run's constructor.
    }
  }
  std::string uri() const {
    return pg::with_database(pg::required_env("CUSTMGMT_TEST_PG_URI"), db);
  }
  std::string db;
  std::string before;
};

Account account_named(const std::string& name) {
  Account a;
  a.company_name = name;
  a.customer_type = CustomerType::Commercial;
  return a;
}

// Counts the accounts a raw client sees as `role` with the given JWT claims
// setting, the way PostgREST sets them.
long long raw_visible(const std::string& uri, const std::string& role, const std::string& setting,
                      const std::string& value) {
  pqxx::connection conn(uri);
  pqxx::work tx(conn);
  tx.exec("SET LOCAL ROLE " + role);
  if (!setting.empty()) tx.exec_params("SELECT set_config($1, $2, true)", setting, value);
  return tx.exec("SELECT count(*) FROM customer_accounts")[0][0].as<long long>();
}

}  // namespace

using DropTestDatabases = pg::DropTestDatabases;
BOOST_TEST_GLOBAL_FIXTURE(DropTestDatabases);

BOOST_AUTO_TEST_CASE(migrations_use_supabase_objects_and_roll_back_only_their_own) {
  SupabaseDatabase f;
  Store store = Store::open(f.uri());
  BOOST_TEST(store.schema_version() == store.latest_schema_version());
  // Nothing of Supabase's was replaced, altered or added to.
  BOOST_TEST(supabase_objects(f.db) == f.before);
  BOOST_TEST(pg::admin_exec(f.db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'public'") ==
             "1");

  {
    Session a = store.session(kUserA);
    a.accounts().create(account_named("Supabase Plumbing"));
  }
  store.migrate(0);
  BOOST_TEST(store.schema_version() == 0);
  BOOST_TEST(supabase_objects(f.db) == f.before);
  BOOST_TEST(pg::admin_exec(f.db, "SELECT to_regclass('public.customer_accounts') IS NULL") == "t");
  store.migrate(store.latest_schema_version());
  BOOST_TEST(supabase_objects(f.db) == f.before);
}

BOOST_AUTO_TEST_CASE(row_level_security_runs_on_supabase_auth_uid) {
  SupabaseDatabase f;
  Store store = Store::open(f.uri());
  Session a = store.session(kUserA);
  Session b = store.session(kUserB);
  const Account mine = a.accounts().create(account_named("Owned By A"));
  BOOST_TEST(!b.accounts().find(mine.id).has_value());
  BOOST_TEST(a.accounts().get(mine.id).created_by.value_or("") == kUserA);

  // PostgREST's two ways of passing the user: the claims document, and the
  // older per-claim setting Supabase's auth.uid() also reads.
  BOOST_TEST(raw_visible(f.uri(), "authenticated", "request.jwt.claims",
                         "{\"sub\":\"" + kUserA + "\",\"role\":\"authenticated\"}") == 1);
  BOOST_TEST(raw_visible(f.uri(), "authenticated", "request.jwt.claim.sub", kUserA) == 1);
  BOOST_TEST(raw_visible(f.uri(), "authenticated", "request.jwt.claims",
                         "{\"sub\":\"" + kUserB + "\",\"role\":\"authenticated\"}") == 0);
  // No claims at all: an authenticated request without a user sees nothing.
  BOOST_TEST(raw_visible(f.uri(), "authenticated", "", "") == 0);
  // The anonymous role has no grant on the tables at all.
  BOOST_CHECK_THROW(raw_visible(f.uri(), "anon", "", ""), pqxx::insufficient_privilege);
}

BOOST_AUTO_TEST_CASE(a_user_unknown_to_supabase_auth_is_a_validation_error) {
  SupabaseDatabase f;
  Store store = Store::open(f.uri());
  Session stranger = store.session(kUnknown);
  try {
    stranger.accounts().create(account_named("Nobody's"));
    BOOST_FAIL("a write as a user missing from auth.users succeeded");
  } catch (const custmgmt::ValidationError& e) {
    BOOST_REQUIRE(!e.errors().empty());
    BOOST_TEST(e.errors().front().field == "created_by");
    BOOST_TEST(e.errors().front().code == "user.unknown");
  }
  // Nothing was written, and the session is usable afterwards.
  Session service = store.service();
  BOOST_TEST(service.accounts().stats().total_accounts == 0);
  Session a = store.session(kUserA);
  BOOST_TEST(a.accounts().create(account_named("Fine")).id > 0);
}
