#include "backends/sqlite/sqlite_statements.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string_view>

#include "backends/sqlite/sqlite_error.hpp"

namespace custmgmt::detail::sqlite {

namespace {

constexpr std::string_view kAccountColumns =
    "id, company_name, customer_type, billing_address, service_address, account_notes, tags, "
    "created_at, updated_at, created_by, updated_by, archived_at, version";

constexpr std::string_view kContactColumns =
    "id, customer_account_id, contact_name, email, phone, phone_extension, phone_display, role, "
    "is_primary_contact, contact_notes, created_at, updated_at, created_by, updated_by, version";

// Every write sets these. max(..., updated_at + 1) keeps updated_at strictly
// increasing even when the clock stands still or steps back; :actor_user is
// NULL for a service actor without audit user, which leaves updated_by alone.
constexpr std::string_view kTouch =
    "updated_at = max(:now, updated_at + 1), updated_by = coalesce(:actor_user, updated_by), "
    "version = version + 1";

// The spec's SELECT/UPDATE policy on customer_accounts, for rows of `table`.
std::string account_visible(std::string_view table, bool service) {
  if (service) return "1";
  std::string t(table);
  return "(" + t + ".created_by = :uid OR " + t + ".updated_by = :uid)";
}

// The same predicate on customer_accounts written unindexable (unary +), for
// statements that another index must drive: left indexable, the planner may
// answer the OR through the created_by / updated_by indexes (every account of
// the user, then a sort) and probe the selective term per row.
std::string account_visible_as_filter(bool service) {
  if (service) return "1";
  return "(+customer_accounts.created_by = :uid OR +customer_accounts.updated_by = :uid)";
}

// The contact policies: the contact's account (customer_contacts row of the
// statement) is visible. The service role sees every contact; the foreign
// key guarantees the account exists.
std::string contact_visible(bool service) {
  if (service) return "1";
  return "EXISTS (SELECT 1 FROM customer_accounts a WHERE a.id = "
         "customer_contacts.customer_account_id AND " +
         account_visible("a", false) + ")";
}

// The account named by `parameter` exists and is visible: the target of a
// contact insert or move. Checked for the service role too, so that a missing
// account gives "no row" instead of a foreign-key error.
std::string target_account_visible(std::string_view parameter, bool service) {
  return "EXISTS (SELECT 1 FROM customer_accounts a WHERE a.id = " + std::string(parameter) +
         " AND " + account_visible("a", service) + ")";
}

std::string tier(std::string_view key_column) {
  const std::string k(key_column);
  return "(CASE WHEN " + k + " = :text_key THEN 0 WHEN substr(" + k +
         ", 1, length(:text_key)) = :text_key THEN 1 ELSE 2 END)";
}

// A word the FTS5 tokenizer reduces to nothing (emoji, symbols) cannot be
// matched through the index; it must still be a prefix of a word of the
// name, so it is compared with the stored name key (words joined by single
// spaces).
std::string fallback_words(std::string_view key_column) {
  return "NOT EXISTS (SELECT 1 FROM json_each(:fallback) w WHERE instr(' ' || " +
         std::string(key_column) + ", ' ' || w.value) = 0)";
}

std::string parameter_list(std::string (*name)(std::size_t), std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += ", ";
    out += name(i);
  }
  return out;
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::string named_sql(Sql id, bool service) {
  const std::string accounts(kAccountColumns);
  const std::string contacts(kContactColumns);
  const std::string touch(kTouch);
  switch (id) {
    case Sql::kBegin:
      // IMMEDIATE takes the write lock up front: a deferred transaction that
      // reads first and writes later can deadlock against another writer,
      // and SQLite then fails at once without calling the busy handler.
      return "BEGIN IMMEDIATE";
    case Sql::kCommit:
      return "COMMIT";

    case Sql::kInsertAccount:
      // Inserts are plain single-row VALUES statements with no trigger and
      // no RETURNING (migration 0002 dropped the AFTER INSERT triggers; the
      // connection writes the FTS5 and tag rows with the next two
      // statements). A trigger, a RETURNING clause or INSERT … SELECT makes
      // SQLite open a statement journal, and with it a savepoint on every
      // FTS5 table written in the transaction, which flushes FTS5's pending
      // terms into a new segment: ≈ 16 µs per row against ≈ 2.6 µs
      // (docs/benchmarks.md). The INSERT policy (a user inserts only as
      // himself) is checked by the connection before this runs.
      return "INSERT INTO customer_accounts (company_name, company_name_key, customer_type, "
             "billing_address, service_address, account_notes, tags, created_at, updated_at, "
             "created_by, updated_by, version) "
             "VALUES (:company_name, :name_key, :customer_type, :billing_address, "
             ":service_address, :account_notes, :tags, :now, :now, :created_by, :updated_by, 1)";
    case Sql::kInsertAccountFts:
      return "INSERT INTO customer_accounts_fts (rowid, company_name) VALUES (:id, :company_name)";
    case Sql::kInsertAccountTag:
      // The account's created_at and customer_type are copied onto its tag
      // rows (migration 0003), so that tag filters walk them in search order.
      return "INSERT OR IGNORE INTO customer_account_tags (account_id, tag, created_at, "
             "customer_type) VALUES (:id, :tag, :now, :customer_type)";
    case Sql::kSelectAccount:
      return "SELECT " + accounts + " FROM customer_accounts WHERE id = :id AND " +
             account_visible("customer_accounts", service);
    case Sql::kSelectAccountsByNameKeys:
      // Driven by idx_customer_accounts_name_key, one probe per key; unary +
      // keeps the visibility OR a filter (see account_search_sql()).
      return "SELECT " + accounts +
             " FROM customer_accounts WHERE company_name_key IN (SELECT value FROM "
             "json_each(:name_keys)) AND " +
             account_visible_as_filter(service) + " ORDER BY id";
    case Sql::kUpdateAccount:
      return "UPDATE customer_accounts SET company_name = :company_name, "
             "company_name_key = :name_key, customer_type = :customer_type, "
             "billing_address = :billing_address, service_address = :service_address, "
             "account_notes = :account_notes, tags = :tags, " +
             touch + " WHERE id = :id AND version = :expected_version AND " +
             account_visible("customer_accounts", service) + " RETURNING " + accounts;
    case Sql::kSetArchived:
      // Only a change of state is a write; the caller reads the row when
      // nothing changed.
      return "UPDATE customer_accounts SET archived_at = CASE WHEN :archive THEN :now END, " +
             touch + " WHERE id = :id AND (archived_at IS NOT NULL) <> :archive AND " +
             account_visible("customer_accounts", service) + " RETURNING " + accounts;
    case Sql::kDeleteAccount:
      // The spec's DELETE policy: only the creator, not the last updater.
      return std::string("DELETE FROM customer_accounts WHERE id = :id AND ") +
             (service ? "1" : "created_by = :uid");

    case Sql::kInsertContact:
      // As kInsertAccount: VALUES without trigger or RETURNING; the
      // connection checks the target account with kTargetAccountVisible
      // first and writes the FTS5 row after.
      return "INSERT INTO customer_contacts (customer_account_id, contact_name, "
             "contact_name_key, email, email_key, phone, phone_extension, phone_display, role, "
             "is_primary_contact, contact_notes, created_at, updated_at, created_by, updated_by, "
             "version) "
             "VALUES (:account_id, :contact_name, :name_key, :email, :email_key, :phone, "
             ":phone_extension, :phone_display, :role, :is_primary, :contact_notes, :now, :now, "
             ":created_by, :updated_by, 1)";
    case Sql::kInsertContactFts:
      return "INSERT INTO customer_contacts_fts (rowid, contact_name) VALUES (:id, :contact_name)";
    case Sql::kTargetAccountVisible:
      return "SELECT " + target_account_visible(":account_id", service);
    case Sql::kSelectContact:
      return "SELECT " + contacts + " FROM customer_contacts WHERE id = :id AND " +
             contact_visible(service);
    case Sql::kSelectContactsOfAccounts:
      // The per-account listing's order, read from
      // idx_customer_contacts_account_id account by account.
      return "SELECT " + contacts +
             " FROM customer_contacts WHERE customer_account_id IN (SELECT value FROM "
             "json_each(:account_ids)) AND " +
             contact_visible(service) +
             " ORDER BY customer_account_id, is_primary_contact DESC, contact_name_key, id";
    case Sql::kUpdateContact:
      return "UPDATE customer_contacts SET customer_account_id = :account_id, "
             "contact_name = :contact_name, contact_name_key = :name_key, email = :email, "
             "email_key = :email_key, "
             "phone = :phone, phone_extension = :phone_extension, phone_display = :phone_display, "
             "role = :role, is_primary_contact = :is_primary, contact_notes = :contact_notes, " +
             touch + " WHERE id = :id AND version = :expected_version AND " +
             contact_visible(service) + " AND " + target_account_visible(":account_id", service) +
             " RETURNING " + contacts;
    case Sql::kDeleteContact:
      return "DELETE FROM customer_contacts WHERE id = :id AND " + contact_visible(service);
    case Sql::kPrimaryState:
      return "SELECT customer_account_id, is_primary_contact FROM customer_contacts "
             "WHERE id = :id AND " +
             contact_visible(service);
    case Sql::kClearPrimary:
      return "UPDATE customer_contacts SET is_primary_contact = 0, " + touch +
             " WHERE customer_account_id = :account_id AND is_primary_contact = 1 AND id <> :id";
    case Sql::kMakePrimary:
      return "UPDATE customer_contacts SET is_primary_contact = 1, " + touch +
             " WHERE id = :id AND " + contact_visible(service) + " RETURNING " + contacts;

    case Sql::kStatsAccounts:
      return "SELECT coalesce(sum(archived_at IS NULL), 0), "
             "coalesce(sum(archived_at IS NULL AND customer_type = 'Residential'), 0), "
             "coalesce(sum(archived_at IS NULL AND customer_type = 'Commercial'), 0), "
             "coalesce(sum(archived_at IS NOT NULL), 0) "
             "FROM customer_accounts WHERE " +
             account_visible("customer_accounts", service);
    case Sql::kStatsContacts:
      return "SELECT count(*) FROM customer_contacts c JOIN customer_accounts a "
             "ON a.id = c.customer_account_id WHERE a.archived_at IS NULL AND " +
             account_visible("a", service);
    case Sql::kStatsWithoutPrimary:
      return "SELECT count(*) FROM customer_accounts a WHERE a.archived_at IS NULL AND " +
             account_visible("a", service) +
             " AND NOT EXISTS (SELECT 1 FROM customer_contacts c "
             "WHERE c.customer_account_id = a.id AND c.is_primary_contact = 1)";
    case Sql::kStatsMonths:
      // Floor division, so that instants before 1970 fall into the right month.
      return "SELECT CAST(strftime('%Y', s, 'unixepoch') AS INTEGER) AS y, "
             "CAST(strftime('%m', s, 'unixepoch') AS INTEGER) AS m, count(*) "
             "FROM (SELECT (created_at - ((created_at % 1000000) + 1000000) % 1000000) / 1000000 "
             "AS s FROM customer_accounts WHERE archived_at IS NULL AND created_at >= :since AND " +
             account_visible("customer_accounts", service) + ") GROUP BY y, m ORDER BY y, m";
    case Sql::kStatsTopTags:
      return "SELECT t.tag, count(*) AS n FROM customer_account_tags t JOIN customer_accounts a "
             "ON a.id = t.account_id WHERE a.archived_at IS NULL AND " +
             account_visible("a", service) + " GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT :limit";

    case Sql::kMigrationsTableExists:
      return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
    case Sql::kCreateMigrationsTable:
      return "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
             "name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
    case Sql::kSelectMigrations:
      return "SELECT version FROM schema_migrations ORDER BY version";
    case Sql::kInsertMigration:
      return "INSERT INTO schema_migrations (version, name, applied_at) "
             "VALUES (:version, :name, :now)";
    case Sql::kDeleteMigration:
      return "DELETE FROM schema_migrations WHERE version = :version";
    case Sql::kDropMigrationsTable:
      return "DROP TABLE IF EXISTS schema_migrations";
    case Sql::kCount:
      break;
  }
  return {};
}

void choose_tier2_walk(sqlite3* db, AccountSearchShape& shape, const std::string& match,
                       std::int64_t threshold) {
  shape.tier2_walk = false;
  if (!shape.match || match.empty() || shape.sort != AccountSort::Relevance) return;
  const auto integer = [db](const char* sql, const std::string* text, std::int64_t number) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, &sqlite3_finalize);
    if (rc == SQLITE_OK && text != nullptr) {
      rc = sqlite3_bind_text(stmt.get(), 1, text->data(), static_cast<int>(text->size()),
                             SQLITE_TRANSIENT);
      if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt.get(), 2, number);
    }
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_ROW) throw_error(db, rc, "search_accounts (choosing the tier-2 plan)");
    return sqlite3_column_int64(stmt.get(), 0);
  };
  if (threshold < 0) {
    const auto n = integer("SELECT coalesce(max(id), 0) FROM customer_accounts", nullptr, 0);
    threshold = std::max<std::int64_t>(
        kTier2WalkMinMatches, static_cast<std::int64_t>(std::sqrt(static_cast<double>(n))));
  }
  const auto matches = integer(
      "SELECT count(*) FROM (SELECT rowid FROM customer_accounts_fts WHERE "
      "customer_accounts_fts MATCH ?1 LIMIT ?2)",
      &match, threshold + 1);
  shape.tier2_walk = matches > threshold;
}

std::string tag_any_parameter(std::size_t index) {
  return ":tag_any_" + std::to_string(index);
}

std::string tag_all_parameter(std::size_t index) {
  return ":tag_all_" + std::to_string(index);
}

namespace {

// The filters of an account search other than the text and the keyset.
// `indexed` false writes them unindexable (unary +) for the parts that
// must be driven by the name-key index or the FTS5 match: otherwise the
// planner may start from the type index or a tag list and sort every row.
std::string account_filters(const AccountSearchShape& shape, bool indexed) {
  const std::string plus = indexed ? "" : "+";
  std::string sql;
  if (shape.fallback) sql += " AND " + fallback_words("customer_accounts.company_name_key");
  if (shape.customer_type) sql += " AND " + plus + "customer_type = :customer_type";
  // Both tag filters start from the (tag, account_id) key of the tag table.
  if (shape.tags_any > 0) {
    sql += " AND " + plus +
           "id IN (SELECT t.account_id FROM customer_account_tags t WHERE t.tag IN (" +
           parameter_list(&tag_any_parameter, shape.tags_any) + "))";
  }
  if (shape.tags_all > 0) {
    sql += " AND " + plus +
           "id IN (SELECT t.account_id FROM customer_account_tags t WHERE t.tag IN (" +
           parameter_list(&tag_all_parameter, shape.tags_all) +
           ") GROUP BY t.account_id HAVING count(*) = :tag_all_count)";
  }
  if (shape.created_from) sql += " AND " + plus + "created_at >= :created_from";
  if (shape.created_to) sql += " AND " + plus + "created_at < :created_to";
  switch (shape.archived) {
    case ArchivedFilter::Exclude:
      sql += " AND archived_at IS NULL";
      break;
    case ArchivedFilter::Only:
      sql += " AND archived_at IS NOT NULL";
      break;
    case ArchivedFilter::Include:
      break;
  }
  return sql;
}

constexpr std::string_view kFtsMatch =
    "id IN (SELECT rowid FROM customer_accounts_fts WHERE customer_accounts_fts MATCH :match)";

// Relevance order: see account_search_sql() in the header. Tier t's rows are
// exactly those with tier(company_name_key) = t (the range bounds only make
// the index usable), so the union is the old single statement's result in
// the same order; each part's ORDER BY ... LIMIT sits in a subquery, which
// SQLite must honour, and UNION ALL without an outer ORDER BY runs its parts
// left to right and stops once the LIMIT is reached.
std::string ranked_account_search_sql(const AccountSearchShape& shape, bool service) {
  const std::string columns(kAccountColumns);
  const std::string visible = account_visible_as_filter(service);
  const std::string filters = account_filters(shape, false);
  const std::string key_prefix = "substr(company_name_key, 1, length(:text_key)) = :text_key";
  const std::string tier_where[3] = {
      "company_name_key = :text_key",
      "company_name_key > :text_key AND company_name_key < :text_key_end AND " + key_prefix,
      (shape.match ? std::string(kFtsMatch) + " AND " : std::string()) + "NOT (" + key_prefix +
          ")"};
  const char* tier_order[3] = {"id", "company_name_key, id", "company_name_key, id"};
  std::string sql;
  for (int t = 0; t < 3; ++t) {
    const std::string n = std::to_string(t);
    const bool walk = t == 2 && shape.tier2_walk && shape.match;
    // The walk reads the name-key index in order and tests the match list
    // on each entry (unary +: the list must not drive the loop).
    std::string where =
        visible + " AND " +
        (walk ? "+" + std::string(kFtsMatch) + " AND NOT (" + key_prefix + ")" : tier_where[t]);
    if (t < 2 && !shape.prefix_implies_match && shape.match)
      where += " AND " + std::string(kFtsMatch);
    where += filters;
    if (shape.after) {
      where += " AND :open_" + n + " AND (company_name_key, id) > (:after_text_" + n +
               ", :after_id_" + n + ")";
    }
    if (t > 0) sql += " UNION ALL ";
    sql += "SELECT * FROM (SELECT " + columns + " FROM customer_accounts" +
           (walk ? " INDEXED BY idx_customer_accounts_name_key" : "") + " WHERE " + where +
           " ORDER BY " + tier_order[t] + " LIMIT :limit)";
  }
  return sql + " LIMIT :limit";
}

// A tag filter without text in created order: see tag_walk_applies() in the
// header. One walk per tag of idx_customer_account_tags_created, in the
// index's (created_at, account_id) order, with the type, the created range
// and the keyset position tested on the index entry; only entries passing
// them read the account row (visibility, archived_at). tags_all walks its
// first tag and probes the others by primary key; tags_any alone is a
// UNION ALL of one walk per tag, which SQLite merges in order (walk k skips
// accounts that an earlier tag's walk yields).
std::string tag_walk_account_search_sql(const AccountSearchShape& shape, bool service) {
  const bool ascending = shape.sort == AccountSort::CreatedAsc;
  // The account's columns, with id and created_at read from the tag entry
  // (equal to the row's, migration 0003) so that the walk's order serves
  // the ORDER BY.
  const std::string columns =
      "t.account_id AS id, company_name, customer_accounts.customer_type, billing_address, "
      "service_address, account_notes, tags, t.created_at AS created_at, updated_at, created_by, "
      "updated_by, archived_at, version";
  std::string entry;
  if (shape.customer_type) entry += " AND t.customer_type = :customer_type";
  // The keyset position also bounds created_at, folded into the range
  // bound it tightens: SQLite starts the index range from one bound per
  // side, and a row-value comparison alone is only a filter (a later page
  // would re-read every entry of the earlier ones).
  if (shape.after && ascending) {
    entry += shape.created_from ? " AND t.created_at >= max(:after_number, :created_from)"
                                : " AND t.created_at >= :after_number";
  } else if (shape.created_from) {
    entry += " AND t.created_at >= :created_from";
  }
  if (shape.after && !ascending) {
    entry += shape.created_to ? " AND t.created_at <= min(:after_number, :created_to - 1)"
                              : " AND t.created_at <= :after_number";
  } else if (shape.created_to) {
    entry += " AND t.created_at < :created_to";
  }
  if (shape.after) {
    entry += std::string(" AND (t.created_at, t.account_id) ") + (ascending ? ">" : "<") +
             " (:after_number, :after_id)";
  }
  const auto has_tag = [](const std::string& tags) {
    return "EXISTS (SELECT 1 FROM customer_account_tags e WHERE e.tag IN (" + tags +
           ") AND e.account_id = t.account_id)";
  };
  std::string row = " AND " + account_visible_as_filter(service);
  switch (shape.archived) {
    case ArchivedFilter::Exclude:
      row += " AND archived_at IS NULL";
      break;
    case ArchivedFilter::Only:
      row += " AND archived_at IS NOT NULL";
      break;
    case ArchivedFilter::Include:
      break;
  }
  const auto walk = [&](const std::string& tag, const std::string& probes) {
    return "SELECT " + columns +
           " FROM customer_account_tags t INDEXED BY idx_customer_account_tags_created "
           "CROSS JOIN customer_accounts ON customer_accounts.id = t.account_id WHERE t.tag = " +
           tag + entry + probes + row;
  };
  const std::string order = ascending ? " ORDER BY 8, 1" : " ORDER BY 8 DESC, 1 DESC";
  if (shape.tags_all > 0) {
    std::string probes;
    for (std::size_t i = 1; i < shape.tags_all; ++i)
      probes += " AND " + has_tag(tag_all_parameter(i));
    if (shape.tags_any > 0) {
      probes += " AND " + has_tag(parameter_list(&tag_any_parameter, shape.tags_any));
    }
    return walk(tag_all_parameter(0), probes) + order + " LIMIT :limit";
  }
  std::string sql;
  for (std::size_t i = 0; i < shape.tags_any; ++i) {
    if (i > 0) sql += " UNION ALL ";
    std::string earlier;
    for (std::size_t j = 0; j < i; ++j) earlier += (j > 0 ? ", " : "") + tag_any_parameter(j);
    sql += walk(tag_any_parameter(i), i > 0 ? " AND NOT " + has_tag(earlier) : std::string());
  }
  return sql + order + " LIMIT :limit";
}

}  // namespace

bool tag_walk_applies(const AccountSearchShape& shape) {
  if (shape.match || shape.fallback) return false;
  if (shape.tags_any == 0 && shape.tags_all == 0) return false;
  return shape.sort == AccountSort::CreatedDesc || shape.sort == AccountSort::CreatedAsc ||
         shape.sort == AccountSort::Default;
}

std::string account_search_sql(const AccountSearchShape& shape, bool service) {
  if (shape.sort == AccountSort::Relevance) return ranked_account_search_sql(shape, service);
  if (tag_walk_applies(shape)) return tag_walk_account_search_sql(shape, service);
  // With a text filter the FTS5 match is the selective term. Left indexable,
  // the visibility OR lets the planner answer it through the created_by /
  // updated_by indexes (every account of the user, then a sort) and probe
  // the match list per row: 7x the CPU time of driving from the match at 10k
  // accounts (docs/benchmarks.md). Unary + keeps those two terms as filters.
  const std::string visible = shape.match ? account_visible_as_filter(service)
                                          : account_visible("customer_accounts", service);
  std::string sql =
      "SELECT " + std::string(kAccountColumns) + " FROM customer_accounts WHERE " + visible;
  if (shape.match) sql += " AND " + std::string(kFtsMatch);
  sql += account_filters(shape, true);
  std::string after;
  std::string order;
  switch (shape.sort) {
    case AccountSort::CreatedAsc:
      after = "(created_at, id) > (:after_number, :after_id)";
      order = "created_at, id";
      break;
    case AccountSort::NameAsc:
      after = "(company_name_key, id) > (:after_text, :after_id)";
      order = "company_name_key, id";
      break;
    case AccountSort::UpdatedDesc:
      after = "(updated_at, id) < (:after_number, :after_id)";
      order = "updated_at DESC, id DESC";
      break;
    case AccountSort::Relevance:  // handled above
    case AccountSort::Default:    // resolved by the domain; treated as its no-text meaning
    case AccountSort::CreatedDesc:
      after = "(created_at, id) < (:after_number, :after_id)";
      order = "created_at DESC, id DESC";
      break;
  }
  if (shape.after) sql += " AND " + after;
  sql += " ORDER BY " + order + " LIMIT :limit";
  return sql;
}

std::string contact_search_sql(const ContactSearchShape& shape, bool service) {
  std::string sql = "SELECT " + std::string(kContactColumns) + " FROM customer_contacts WHERE " +
                    contact_visible(service);
  if (shape.match) {
    sql +=
        " AND id IN (SELECT rowid FROM customer_contacts_fts WHERE customer_contacts_fts MATCH "
        ":match)";
  }
  if (shape.fallback) sql += " AND " + fallback_words("customer_contacts.contact_name_key");
  if (shape.email) sql += " AND email_key = :email_key";
  if (shape.phone) sql += " AND phone = :phone";
  if (shape.account_id) sql += " AND customer_account_id = :account_id";
  std::string after;
  std::string order;
  switch (shape.order) {
    case backend::ContactOrder::Relevance: {
      const std::string t = tier("contact_name_key");
      after = "(" + t + ", contact_name_key, id) > (:after_number, :after_text, :after_id)";
      order = t + ", contact_name_key, id";
      break;
    }
    case backend::ContactOrder::Name:
      after = "(contact_name_key, id) > (:after_text, :after_id)";
      order = "contact_name_key, id";
      break;
    case backend::ContactOrder::PrimaryThenName:
      // Mixed directions: a row value cannot express it, so the OR form.
      after =
          "(is_primary_contact < :after_number OR (is_primary_contact = :after_number AND "
          "(contact_name_key, id) > (:after_text, :after_id)))";
      order = "is_primary_contact DESC, contact_name_key, id";
      break;
  }
  if (shape.after) sql += " AND " + after;
  sql += " ORDER BY " + order + " LIMIT :limit";
  return sql;
}

std::string savepoint_sql(const std::string& name) {
  return "SAVEPOINT " + quote_identifier(name);
}

std::string release_savepoint_sql(const std::string& name) {
  return "RELEASE SAVEPOINT " + quote_identifier(name);
}

std::string rollback_to_savepoint_sql(const std::string& name) {
  // ROLLBACK TO leaves the savepoint on the stack; the seam's contract is
  // "rolls back to and releases".
  return "ROLLBACK TO SAVEPOINT " + quote_identifier(name) + "; RELEASE SAVEPOINT " +
         quote_identifier(name);
}

}  // namespace custmgmt::detail::sqlite
