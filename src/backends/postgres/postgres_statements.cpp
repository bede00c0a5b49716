#include "backends/postgres/postgres_statements.hpp"

#include <array>
#include <string_view>

namespace custmgmt::detail::postgres {

namespace {

// Timestamps cross the wire as integer microseconds since the Unix epoch:
// exact both ways, independent of the session's TimeZone and DateStyle.
std::string micros(std::string_view column) {
  return "coalesce((extract(epoch FROM " + std::string(column) + ") * 1000000)::int8, 0)";
}
std::string micros_or_null(std::string_view column) {
  return "(extract(epoch FROM " + std::string(column) + ") * 1000000)::int8";
}
std::string timestamp(std::string_view param) {
  return "(timestamptz 'epoch' + " + std::string(param) + "::int8 * interval '1 microsecond')";
}

std::string address_columns(std::string_view column) {
  std::string out;
  for (const char* key : {"street", "city", "state", "zip", "country"}) {
    out += "coalesce(" + std::string(column) + " ->> '" + key + "', ''), ";
  }
  return out;
}

// Column order read by postgres_rows.cpp.
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

// updated_at is moved by the custmgmt_touch_updated_at trigger. $actor is
// NULL for a service actor without audit user, which leaves updated_by alone.
std::string touch(std::string_view actor_param) {
  return "updated_by = coalesce(custmgmt_audit_user(" + std::string(actor_param) +
         "::uuid), updated_by), version = version + 1";
}

// The text filter: every word a prefix of a word of the name (see
// custmgmt_prefix_query in the migration). Words that fold to no indexable
// word at all (only emoji or punctuation, say) are compared with the name
// key instead, as the SQLite backend does. With plan_cache_mode =
// force_custom_plan both functions are evaluated once, at planning, and the
// IS NULL tests fold away.
std::string unindexed_words_filter(std::string_view key_column) {
  return "NOT EXISTS (SELECT 1 FROM unnest(custmgmt_unindexed_words($1::text[])) AS w "
         "WHERE strpos(' ' || " +
         std::string(key_column) + ", ' ' || w) = 0)";
}

std::string text_filter(std::string_view name_column, std::string_view key_column) {
  const std::string name(name_column);
  return "($1::text[] IS NULL OR ((custmgmt_prefix_query($1::text[]) IS NULL OR "
         "custmgmt_name_tsv(" +
         name + ") @@ custmgmt_prefix_query($1::text[])) AND " +
         unindexed_words_filter(key_column) + "))";
}

// Relevance tiers 0 and 1 (the name key equals or starts with the text key)
// or tier 2. With a known $2 and the "C" collation of the key, PostgreSQL
// turns ^@ into a range scan of the name-key index.
std::string named(std::string_view key_column, bool tiers_0_and_1) {
  const std::string test = std::string(key_column) + " ^@ $2::text";
  return tiers_0_and_1 ? test : "NOT (" + test + ")";
}

struct Order {
  std::string where;  // extra condition of the variant ("true" for none)
  std::string after;  // keyset condition, rows strictly after the position
  std::string by;     // ORDER BY list
};

Order account_order(Stmt id) {
  const std::string ts = timestamp("$9");
  switch (id) {
    case Stmt::kSearchAccountsNamed:
    case Stmt::kSearchAccountsOther:
    case Stmt::kSearchAccountsPrefix:
    case Stmt::kSearchAccountsOtherVisible:
      return {named("company_name_key",
                    id == Stmt::kSearchAccountsNamed || id == Stmt::kSearchAccountsPrefix),
              "(company_name_key, id) > ($10::text, $11::int8)", "company_name_key, id"};
    case Stmt::kSearchAccountsCreatedDesc:
    case Stmt::kSearchAccountsTagsCreatedDesc:
      return {"true", "(created_at, id) < (" + ts + ", $11::int8)", "created_at DESC, id DESC"};
    case Stmt::kSearchAccountsCreatedAsc:
      return {"true", "(created_at, id) > (" + ts + ", $11::int8)", "created_at, id"};
    case Stmt::kSearchAccountsName:
      return {"true", "(company_name_key, id) > ($10::text, $11::int8)", "company_name_key, id"};
    default:  // kSearchAccountsUpdatedDesc
      return {"true", "(updated_at, id) < (" + ts + ", $11::int8)", "updated_at DESC, id DESC"};
  }
}

std::string search_accounts(Stmt id) {
  const Order order = account_order(id);
  std::string text;
  switch (id) {
    case Stmt::kSearchAccountsPrefix:
      // Every name in tiers 0 and 1 matches these words; $1 keeps its type.
      text = "($1::text[] IS NULL OR true)";
      break;
    case Stmt::kSearchAccountsOtherVisible:
      // Ids from the GIN index (the function applies the SELECT policy's
      // test; the policy on customer_accounts filters each row again), and
      // the words no index holds compared with the name key as usual.
      text = "id IN (SELECT custmgmt_account_name_matches($1::text[])) AND " +
             unindexed_words_filter("company_name_key");
      break;
    case Stmt::kSearchAccountsTagsCreatedDesc:
      // Ids from the caller's tag keys, already filtered and in order (the
      // function applies the SELECT policy's test; the policy on
      // customer_accounts and every filter below apply again to each row).
      text =
          "id IN (SELECT custmgmt_account_tag_page($4::text[], $5::text[], $3::text, "
          "CASE WHEN $6::int8 IS NULL THEN NULL ELSE " +
          timestamp("$6") + " END, CASE WHEN $7::int8 IS NULL THEN NULL ELSE " + timestamp("$7") +
          " END, $8::int4, "
          "CASE WHEN $9::int8 IS NULL OR $10::text IS NULL OR $11::int8 IS NULL THEN NULL "
          "ELSE " +
          timestamp("$9") +
          " END, CASE WHEN $9::int8 IS NULL OR $10::text IS NULL OR $11::int8 IS NULL "
          "THEN NULL ELSE $11::int8 END, $12::int8)) AND " +
          text_filter("company_name", "company_name_key");
      break;
    default:
      text = text_filter("company_name", "company_name_key");
      break;
  }
  // $2 is referenced by every variant so that its type is always known.
  return "SELECT " + account_columns() + " FROM customer_accounts WHERE " + text +
         " AND ($2::text IS NULL OR true)"
         " AND ($3::text IS NULL OR customer_type = $3::text)"
         " AND ($4::text[] IS NULL OR tags && $4::text[])"
         " AND ($5::text[] IS NULL OR tags @> $5::text[])"
         " AND ($6::int8 IS NULL OR created_at >= " +
         timestamp("$6") + ") AND ($7::int8 IS NULL OR created_at < " + timestamp("$7") +
         ") AND (CASE $8::int4 WHEN 0 THEN archived_at IS NULL WHEN 2 THEN archived_at IS NOT "
         "NULL ELSE true END)"
         " AND " +
         order.where + " AND ($9::int8 IS NULL OR $10::text IS NULL OR $11::int8 IS NULL OR " +
         order.after + ") ORDER BY " + order.by + " LIMIT $12::int8";
}

Order contact_order(Stmt id) {
  switch (id) {
    case Stmt::kSearchContactsNamed:
    case Stmt::kSearchContactsOther:
      return {named("contact_name_key", id == Stmt::kSearchContactsNamed),
              "(contact_name_key, id) > ($7::text, $8::int8)", "contact_name_key, id"};
    case Stmt::kSearchContactsName:
      return {"true", "(contact_name_key, id) > ($7::text, $8::int8)", "contact_name_key, id"};
    default: {  // kSearchContactsPrimaryThenName: (primary DESC, key, id)
      const std::string p = "(CASE WHEN coalesce(is_primary_contact, false) THEN 1 ELSE 0 END)";
      return {"true",
              "(" + p + " < $6::int8 OR (" + p +
                  " = $6::int8 AND (contact_name_key, id) > ($7::text, $8::int8)))",
              p + " DESC, contact_name_key, id"};
    }
  }
}

std::string search_contacts(Stmt id) {
  const Order order = contact_order(id);
  return "SELECT " + contact_columns() + " FROM customer_contacts WHERE " +
         text_filter("contact_name", "contact_name_key") +
         " AND ($2::text IS NULL OR true)"
         " AND ($3::text IS NULL OR lower(email) = lower($3::text))"
         " AND ($4::text IS NULL OR phone = $4::text)"
         " AND ($5::int8 IS NULL OR customer_account_id = $5::int8)"
         " AND " +
         order.where + " AND ($6::int8 IS NULL OR $7::text IS NULL OR $8::int8 IS NULL OR " +
         order.after + ") ORDER BY " + order.by + " LIMIT $9::int8";
}

std::string build(Stmt id) {
  switch (id) {
    case Stmt::kActor:
      // set_config('role', ..., true) is SET LOCAL ROLE; both end with the
      // transaction, so a pooled or reused connection never keeps them.
      return "SELECT set_config('role', $1::text, true), "
             "set_config('request.jwt.claims', $2::text, true)";

    case Stmt::kInsertAccount:
      // One clock reading for both timestamps; clock_timestamp() rather than
      // now() so that rows created in one transaction still differ in time.
      return "WITH t AS (SELECT clock_timestamp() AS now) "
             "INSERT INTO customer_accounts (company_name, company_name_key, customer_type, "
             "billing_address, service_address, account_notes, tags, created_at, updated_at, "
             "created_by, updated_by) SELECT $1::text, $2::text, $3::text, $4::jsonb, $5::jsonb, "
             "$6::text, $7::text[], t.now, t.now, custmgmt_audit_user($8::uuid), "
             "custmgmt_audit_user($9::uuid) FROM t RETURNING " +
             account_columns();
    case Stmt::kInsertAccounts:
      // One statement for a whole batch: the rows arrive as one JSON array
      // (a single parameter, so any number of rows and no SQL per row).
      return "WITH t AS (SELECT clock_timestamp() AS now) "
             "INSERT INTO customer_accounts (company_name, company_name_key, customer_type, "
             "billing_address, service_address, account_notes, tags, created_at, updated_at, "
             "created_by, updated_by) SELECT r.company_name, r.company_name_key, "
             "r.customer_type, r.billing_address, r.service_address, r.account_notes, "
             "ARRAY(SELECT jsonb_array_elements_text(r.tags)), t.now, t.now, "
             "custmgmt_audit_user(r.created_by), custmgmt_audit_user(r.updated_by) "
             "FROM t, ROWS FROM (jsonb_to_recordset($1::jsonb) AS (company_name text, "
             "company_name_key text, customer_type text, billing_address jsonb, service_address "
             "jsonb, account_notes text, tags jsonb, created_by uuid, updated_by uuid)) "
             "WITH ORDINALITY AS r(company_name, company_name_key, customer_type, "
             "billing_address, service_address, account_notes, tags, created_by, updated_by, "
             "ord) ORDER BY r.ord RETURNING " +
             account_columns();
    case Stmt::kSelectAccount:
      return "SELECT " + account_columns() + " FROM customer_accounts WHERE id = $1::int8";
    case Stmt::kSelectAccountsByNameKeys:
      // RLS limits the candidates to visible accounts; the name-key index
      // answers each key.
      return "SELECT " + account_columns() +
             " FROM customer_accounts WHERE company_name_key = ANY($1::text[]) ORDER BY id";
    case Stmt::kUpdateAccount:
      return "UPDATE customer_accounts SET company_name = $2::text, company_name_key = $3::text, "
             "customer_type = $4::text, billing_address = $5::jsonb, service_address = "
             "$6::jsonb, account_notes = $7::text, tags = $8::text[], " +
             touch("$9") + " WHERE id = $1::int8 AND version = $10::int8 RETURNING " +
             account_columns();
    case Stmt::kSetArchived:
      return "UPDATE customer_accounts SET archived_at = CASE WHEN $2::bool THEN "
             "clock_timestamp() END, " +
             touch("$3") +
             " WHERE id = $1::int8 AND (archived_at IS NOT NULL) <> $2::bool RETURNING " +
             account_columns();
    case Stmt::kDeleteAccount:
      return "DELETE FROM customer_accounts WHERE id = $1::int8";
    case Stmt::kSearchAccountsNamed:
    case Stmt::kSearchAccountsOther:
    case Stmt::kSearchAccountsPrefix:
    case Stmt::kSearchAccountsOtherVisible:
    case Stmt::kSearchAccountsCreatedDesc:
    case Stmt::kSearchAccountsTagsCreatedDesc:
    case Stmt::kSearchAccountsCreatedAsc:
    case Stmt::kSearchAccountsName:
    case Stmt::kSearchAccountsUpdatedDesc:
      return search_accounts(id);
    case Stmt::kStatsAccounts:
      return "SELECT count(*) FILTER (WHERE a.archived_at IS NULL), "
             "count(*) FILTER (WHERE a.archived_at IS NULL AND a.customer_type = 'Residential'), "
             "count(*) FILTER (WHERE a.archived_at IS NULL AND a.customer_type = 'Commercial'), "
             "count(*) FILTER (WHERE a.archived_at IS NOT NULL), "
             "(SELECT count(*) FROM customer_contacts c JOIN customer_accounts ca "
             "ON ca.id = c.customer_account_id WHERE ca.archived_at IS NULL), "
             "count(*) FILTER (WHERE a.archived_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
             "customer_contacts c WHERE c.customer_account_id = a.id AND c.is_primary_contact)) "
             "FROM customer_accounts a";
    case Stmt::kStatsMonths:
      return "SELECT extract(year FROM m)::int4, extract(month FROM m)::int4, count(*) FROM "
             "(SELECT date_trunc('month', created_at AT TIME ZONE 'UTC') AS m "
             "FROM customer_accounts WHERE archived_at IS NULL AND created_at >= " +
             timestamp("$1") + ") s GROUP BY m ORDER BY m";
    case Stmt::kStatsTopTags:
      return "SELECT t.tag, count(*) AS n FROM customer_accounts a, unnest(a.tags) AS t(tag) "
             "WHERE a.archived_at IS NULL GROUP BY t.tag "
             "ORDER BY n DESC, t.tag COLLATE \"C\" LIMIT $1::int8";

    case Stmt::kInsertContact:
      // Selecting the account through RLS makes an invisible account a
      // zero-row insert (reported as not found) rather than a policy error.
      return "WITH t AS (SELECT clock_timestamp() AS now) "
             "INSERT INTO customer_contacts (customer_account_id, contact_name, "
             "contact_name_key, email, phone, phone_extension, phone_display, role, "
             "is_primary_contact, contact_notes, created_at, updated_at, created_by, updated_by) "
             "SELECT a.id, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, "
             "$9::bool, $10::text, t.now, t.now, custmgmt_audit_user($11::uuid), "
             "custmgmt_audit_user($12::uuid) FROM customer_accounts a, t WHERE a.id = $1::int8 "
             "RETURNING " +
             contact_columns();
    case Stmt::kInsertContacts:
      // kInsertContact for a whole batch, the rows as one JSON array; the
      // join through RLS drops rows of invisible accounts, as there.
      return "WITH t AS (SELECT clock_timestamp() AS now) "
             "INSERT INTO customer_contacts (customer_account_id, contact_name, "
             "contact_name_key, email, phone, phone_extension, phone_display, role, "
             "is_primary_contact, contact_notes, created_at, updated_at, created_by, updated_by) "
             "SELECT a.id, r.contact_name, r.contact_name_key, r.email, r.phone, "
             "r.phone_extension, r.phone_display, r.role, r.is_primary_contact, r.contact_notes, "
             "t.now, t.now, custmgmt_audit_user(r.created_by), custmgmt_audit_user(r.updated_by) "
             "FROM t, ROWS FROM (jsonb_to_recordset($1::jsonb) AS (customer_account_id int8, "
             "contact_name text, contact_name_key text, email text, phone text, phone_extension "
             "text, phone_display text, role text, is_primary_contact bool, contact_notes text, "
             "created_by uuid, updated_by uuid)) WITH ORDINALITY AS r(customer_account_id, "
             "contact_name, contact_name_key, email, phone, phone_extension, phone_display, role, "
             "is_primary_contact, contact_notes, created_by, updated_by, ord) "
             "JOIN customer_accounts a ON a.id = r.customer_account_id ORDER BY r.ord RETURNING " +
             contact_columns();
    case Stmt::kSelectContact:
      return "SELECT " + contact_columns() + " FROM customer_contacts WHERE id = $1::int8";
    case Stmt::kSelectContactsOfAccounts:
      // The per-account listing's order (kSearchContactsPrimaryThenName).
      return "SELECT " + contact_columns() +
             " FROM customer_contacts WHERE customer_account_id = ANY($1::int8[]) ORDER BY "
             "customer_account_id, (CASE WHEN coalesce(is_primary_contact, false) THEN 1 ELSE 0 "
             "END) DESC, contact_name_key, id";
    case Stmt::kUpdateContact:
      return "UPDATE customer_contacts SET customer_account_id = $2::int8, contact_name = "
             "$3::text, contact_name_key = $4::text, email = $5::text, phone = $6::text, "
             "phone_extension = $7::text, phone_display = $8::text, role = $9::text, "
             "is_primary_contact = $10::bool, contact_notes = $11::text, " +
             touch("$12") +
             " WHERE id = $1::int8 AND version = $13::int8 AND EXISTS (SELECT 1 FROM "
             "customer_accounts a WHERE a.id = $2::int8) RETURNING " +
             contact_columns();
    case Stmt::kDeleteContact:
      return "DELETE FROM customer_contacts WHERE id = $1::int8";
    case Stmt::kLockPrimaryState:
      // Locks the account so that two concurrent set_primary calls on one
      // account run one after the other (the second then clears the first's
      // primary) instead of failing on the unique index.
      return "SELECT a.id, coalesce(c.is_primary_contact, false) FROM customer_contacts c "
             "JOIN customer_accounts a ON a.id = c.customer_account_id WHERE c.id = $1::int8 "
             "FOR NO KEY UPDATE OF a";
    case Stmt::kClearPrimary:
      return "UPDATE customer_contacts SET is_primary_contact = false, " + touch("$3") +
             " WHERE customer_account_id = $1::int8 AND is_primary_contact AND id <> $2::int8";
    case Stmt::kMakePrimary:
      return "UPDATE customer_contacts SET is_primary_contact = true, " + touch("$2") +
             " WHERE id = $1::int8 RETURNING " + contact_columns();
    case Stmt::kSearchContactsNamed:
    case Stmt::kSearchContactsOther:
    case Stmt::kSearchContactsName:
    case Stmt::kSearchContactsPrimaryThenName:
      return search_contacts(id);

    case Stmt::kMigrationLock:
      // Serialises migration runners of several processes; released at
      // commit or rollback.
      return "SELECT pg_advisory_xact_lock(hashtext('custmgmt.schema_migrations'))";
    case Stmt::kMigrationsTableExists:
      return "SELECT to_regclass('schema_migrations') IS NOT NULL";
    case Stmt::kCreateMigrationsTable:
      return "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
             "applied_at timestamptz NOT NULL DEFAULT now()); "
             "GRANT SELECT ON schema_migrations TO PUBLIC";
    case Stmt::kAppliedMigrations:
      return "SELECT version FROM schema_migrations ORDER BY version";
    case Stmt::kRecordMigration:
      return "INSERT INTO schema_migrations (version, name) VALUES ($1::int4, $2::text)";
    case Stmt::kEraseMigration:
      return "DELETE FROM schema_migrations WHERE version = $1::int4";
    case Stmt::kDropMigrationsTable:
      return "DROP TABLE IF EXISTS schema_migrations";

    case Stmt::kCount:
      break;
  }
  return {};
}

constexpr std::array<const char*, kStmtCount> kNames = {
    "cm_actor",
    "cm_insert_account",
    "cm_insert_accounts",
    "cm_select_account",
    "cm_select_accounts_by_name_keys",
    "cm_update_account",
    "cm_set_archived",
    "cm_delete_account",
    "cm_search_accounts_named",
    "cm_search_accounts_other",
    "cm_search_accounts_prefix",
    "cm_search_accounts_other_visible",
    "cm_search_accounts_created_desc",
    "cm_search_accounts_tags_created_desc",
    "cm_search_accounts_created_asc",
    "cm_search_accounts_name",
    "cm_search_accounts_updated_desc",
    "cm_stats_accounts",
    "cm_stats_months",
    "cm_stats_top_tags",
    "cm_insert_contact",
    "cm_insert_contacts",
    "cm_select_contact",
    "cm_select_contacts_of_accounts",
    "cm_update_contact",
    "cm_delete_contact",
    "cm_lock_primary_state",
    "cm_clear_primary",
    "cm_make_primary",
    "cm_search_contacts_named",
    "cm_search_contacts_other",
    "cm_search_contacts_name",
    "cm_search_contacts_primary",
    "cm_migration_lock",
    "cm_migrations_table_exists",
    "cm_create_migrations_table",
    "cm_applied_migrations",
    "cm_record_migration",
    "cm_erase_migration",
    "cm_drop_migrations_table",
};

}  // namespace

const char* statement_name(Stmt id) {
  return kNames[static_cast<std::size_t>(id)];
}

const std::string& statement_sql(Stmt id) {
  static const std::array<std::string, kStmtCount> sql = [] {
    std::array<std::string, kStmtCount> out;
    for (std::size_t i = 0; i < kStmtCount; ++i) out[i] = build(static_cast<Stmt>(i));
    return out;
  }();
  return sql[static_cast<std::size_t>(id)];
}

}  // namespace custmgmt::detail::postgres
