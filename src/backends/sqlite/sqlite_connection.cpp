#include "backends/sqlite/sqlite_connection.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <utility>

#include "backends/sqlite/sqlite_error.hpp"
#include "backends/sqlite/sqlite_rows.hpp"
#include "custmgmt/address.hpp"
#include "custmgmt/error.hpp"
#include "domain/search_text.hpp"

namespace custmgmt::detail {

using sqlite::BoundStatement;
using sqlite::Sql;

namespace {

// Searches differ only in shape; a handful of shapes cover normal use, and
// the bound keeps a caller cycling through tag counts from growing the cache
// without limit.
constexpr std::size_t kMaxCachedSearches = 32;

std::int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t as_int64(std::size_t n) {
  return static_cast<std::int64_t>(std::min<std::size_t>(n, INT64_MAX));
}

void bind_account_fields(BoundStatement& stmt, const Account& account,
                         const std::string& name_key) {
  stmt.bind(":company_name", account.company_name);
  stmt.bind(":name_key", name_key);
  stmt.bind(":customer_type", to_string(account.customer_type));
  stmt.bind(":billing_address", to_json(account.billing_address));
  stmt.bind(":service_address", to_json(account.service_address));
  stmt.bind(":account_notes", account.account_notes);
  stmt.bind(":tags", sqlite::tags_to_json(account.tags));
}

std::optional<Account> one_account(BoundStatement& stmt) {
  if (!stmt.step()) return std::nullopt;
  Account account = sqlite::read_account(stmt);
  stmt.run();  // to SQLITE_DONE, so a RETURNING statement has fully finished
  return account;
}

std::optional<Contact> one_contact(BoundStatement& stmt) {
  if (!stmt.step()) return std::nullopt;
  Contact contact = sqlite::read_contact(stmt);
  stmt.run();
  return contact;
}

void bind_after(BoundStatement& stmt, const backend::SortKey& key) {
  // The order decides which parts of the key its SQL compares.
  stmt.bind_if_used(":after_number", key.number);
  stmt.bind_if_used(":after_text", std::optional<std::string>(key.text));
  stmt.bind(":after_id", key.id);
}

// The keyset position of each part of a relevance search
// (sqlite::account_search_sql()): parts before the cursor's tier are closed,
// the cursor's own tier starts after (name key, id), later tiers start at
// their beginning (every key is > ("", INT64_MIN)).
void bind_ranked_after(BoundStatement& stmt, const backend::SortKey& key) {
  static const char* const kOpen[] = {":open_0", ":open_1", ":open_2"};
  static const char* const kText[] = {":after_text_0", ":after_text_1", ":after_text_2"};
  static const char* const kId[] = {":after_id_0", ":after_id_1", ":after_id_2"};
  for (std::int64_t t = 0; t < 3; ++t) {
    const bool here = key.number == t;
    stmt.bind(kOpen[t], std::int64_t{key.number <= t ? 1 : 0});
    // "" rather than an empty view: a null pointer would bind NULL.
    stmt.bind(kText[t], here ? std::string_view(key.text) : std::string_view(""));
    stmt.bind(kId[t], here ? key.id : INT64_MIN);
  }
}

}  // namespace

// remove_diacritics "0": only case is folded; jürgen@ and jurgen@ differ.
SqliteConnection::SqliteConnection(sqlite::DatabasePtr db, backend::Actor actor)
    : db_(std::move(db)), actor_(std::move(actor)), fts_(db_.get()), case_folder_(db_.get(), "0") {}

SqliteConnection::~SqliteConnection() {
  rollback();
}

BoundStatement SqliteConnection::statement(Sql id, const char* what) {
  auto& slot = named_[static_cast<std::size_t>(id)];
  if (!slot) slot = sqlite::prepare(db_.get(), sqlite::named_sql(id, actor_.service), true);
  return BoundStatement(db_.get(), slot.get(), what);
}

BoundStatement SqliteConnection::search_statement(const std::string& sql, const char* what) {
  auto it = searches_.find(sql);
  if (it == searches_.end()) {
    auto stmt = sqlite::prepare(db_.get(), sql, true);
    if (searches_.size() >= kMaxCachedSearches) searches_.clear();
    it = searches_.emplace(sql, std::move(stmt)).first;
  }
  return BoundStatement(db_.get(), it->second.get(), what);
}

void SqliteConnection::bind_actor(BoundStatement& stmt) const {
  stmt.bind_if_used(":uid", actor_.user);
  stmt.bind_if_used(":actor_user", actor_.user);
}

std::optional<std::string> SqliteConnection::email_key(const std::optional<std::string>& email) {
  if (!email) return std::nullopt;
  return case_folder_.fold_case(*email);
}

void SqliteConnection::bind_contact_fields(BoundStatement& stmt, const Contact& contact,
                                           const std::string& name_key) {
  stmt.bind(":account_id", contact.customer_account_id);
  stmt.bind(":contact_name", contact.contact_name);
  stmt.bind(":name_key", name_key);
  stmt.bind(":email", contact.email);
  stmt.bind(":email_key", email_key(contact.email));
  stmt.bind(":phone", contact.phone);
  stmt.bind(":phone_extension", contact.phone_extension);
  stmt.bind(":phone_display", contact.phone_display);
  stmt.bind(":role", contact.role);
  stmt.bind(":is_primary", std::int64_t{contact.is_primary_contact ? 1 : 0});
  stmt.bind(":contact_notes", contact.contact_notes);
}

void SqliteConnection::exec(const std::string& sql, const char* what) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    const std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    sqlite::throw_error_message(rc, what, text);
  }
}

// ---- transactions

void SqliteConnection::begin() {
  auto stmt = statement(Sql::kBegin, "begin");
  stmt.run();
}

void SqliteConnection::begin_snapshot() {
  // DEFERRED: no write lock. The first read of a transaction fixes what it
  // sees (in WAL mode, its end mark in the log), so read at once: the
  // snapshot is then the database as of this call. query_only makes a write
  // fail with SQLITE_READONLY (backend.readonly), as PostgreSQL's READ ONLY.
  exec("BEGIN DEFERRED", "begin_snapshot");
  snapshot_ = true;
  try {
    exec("PRAGMA query_only = 1", "begin_snapshot");
    exec("SELECT count(*) FROM sqlite_master", "begin_snapshot");
  } catch (...) {
    rollback();
    throw;
  }
}

void SqliteConnection::commit() {
  // A failed COMMIT (e.g. SQLITE_BUSY in rollback-journal mode while readers
  // remain) leaves the transaction open; the domain then calls rollback().
  auto stmt = statement(Sql::kCommit, "commit");
  stmt.run();
  if (snapshot_) {
    snapshot_ = false;
    exec("PRAGMA query_only = 0", "commit");
  }
}

void SqliteConnection::rollback() noexcept {
  if (!db_) return;
  // After some errors (SQLITE_FULL, IOERR, ...) SQLite has already rolled
  // back by itself; a second ROLLBACK would only fail.
  if (sqlite3_get_autocommit(db_.get()) == 0) {
    sqlite3_exec(db_.get(), sqlite::kRollbackSql, nullptr, nullptr, nullptr);
  }
  if (snapshot_) {
    snapshot_ = false;
    sqlite3_exec(db_.get(), "PRAGMA query_only = 0", nullptr, nullptr, nullptr);
  }
}

void SqliteConnection::savepoint(const std::string& name) {
  exec(sqlite::savepoint_sql(name), "savepoint");
}

void SqliteConnection::release_savepoint(const std::string& name) {
  exec(sqlite::release_savepoint_sql(name), "release_savepoint");
}

void SqliteConnection::rollback_to_savepoint(const std::string& name) {
  exec(sqlite::rollback_to_savepoint_sql(name), "rollback_to_savepoint");
}

// ---- accounts

Account SqliteConnection::insert_account(const Account& account, const std::string& name_key) {
  return insert_accounts({account}, {name_key}).front();
}

std::vector<Account> SqliteConnection::insert_accounts(const std::vector<Account>& accounts,
                                                       const std::vector<std::string>& name_keys) {
  if (name_keys.size() != accounts.size()) {
    throw BackendError("backend.error", "sqlite: insert_accounts: one name key per account");
  }
  // The domain already refuses this; the spec's INSERT policy is repeated
  // here so that the backend alone never lets it through.
  for (const auto& a : accounts) {
    if (!actor_.service && a.created_by != actor_.user) {
      throw PermissionDenied("permission.denied", "a user can only create accounts as himself");
    }
  }
  const std::int64_t now = now_micros();
  std::vector<Account> out;
  out.reserve(accounts.size());
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const Account& account = accounts[i];
    {
      auto stmt = statement(Sql::kInsertAccount, "insert_account");
      bind_account_fields(stmt, account, name_keys[i]);
      stmt.bind(":now", now);
      stmt.bind(":created_by", account.created_by);
      stmt.bind(":updated_by", account.updated_by);
      stmt.run();
    }
    const Id id = sqlite3_last_insert_rowid(db_.get());
    {
      auto stmt = statement(Sql::kInsertAccountFts, "insert_account");
      stmt.bind(":id", id);
      stmt.bind(":company_name", account.company_name);
      stmt.run();
    }
    for (const auto& tag : account.tags) {
      auto stmt = statement(Sql::kInsertAccountTag, "insert_account");
      stmt.bind(":id", id);
      stmt.bind(":tag", tag);
      stmt.bind(":now", now);
      stmt.bind(":customer_type", to_string(account.customer_type));
      stmt.run();
    }
    // What RETURNING would have read back: the bound values.
    Account stored = account;
    stored.id = id;
    stored.created_at = stored.updated_at = from_micros(now);
    stored.archived_at.reset();
    stored.version = 1;
    out.push_back(std::move(stored));
  }
  return out;
}

std::optional<Account> SqliteConnection::select_account(Id id) {
  auto stmt = statement(Sql::kSelectAccount, "select_account");
  stmt.bind(":id", id);
  bind_actor(stmt);
  return one_account(stmt);
}

std::vector<Account> SqliteConnection::select_accounts_by_name_keys(
    const std::vector<std::string>& name_keys) {
  std::vector<Account> rows;
  if (name_keys.empty()) return rows;
  auto stmt = statement(Sql::kSelectAccountsByNameKeys, "select_accounts_by_name_keys");
  stmt.bind(":name_keys", sqlite::tags_to_json(name_keys));
  bind_actor(stmt);
  while (stmt.step()) rows.push_back(sqlite::read_account(stmt));
  return rows;
}

std::optional<Account> SqliteConnection::update_account(const Account& account,
                                                        const std::string& name_key,
                                                        std::int64_t expected_version) {
  auto stmt = statement(Sql::kUpdateAccount, "update_account");
  bind_account_fields(stmt, account, name_key);
  stmt.bind(":id", account.id);
  stmt.bind(":expected_version", expected_version);
  stmt.bind(":now", now_micros());
  bind_actor(stmt);
  return one_account(stmt);
}

std::optional<Account> SqliteConnection::set_archived(Id id, bool archived) {
  std::optional<Account> stored;
  {
    auto stmt = statement(Sql::kSetArchived, "set_archived");
    stmt.bind(":id", id);
    stmt.bind(":archive", std::int64_t{archived ? 1 : 0});
    stmt.bind(":now", now_micros());
    bind_actor(stmt);
    stored = one_account(stmt);
  }
  // Already in the requested state: nothing to write, report the row as is.
  if (!stored) return select_account(id);
  return stored;
}

bool SqliteConnection::delete_account(Id id) {
  auto stmt = statement(Sql::kDeleteAccount, "delete_account");
  stmt.bind(":id", id);
  bind_actor(stmt);
  stmt.run();
  // Rows of the statement itself; cascades and triggers are not counted.
  return sqlite3_changes64(db_.get()) > 0;
}

std::vector<Account> SqliteConnection::search_accounts(const backend::AccountSearch& search) {
  sqlite::TextFilter text;
  if (!search.words.empty()) text = fts_.build(search.words);
  // tags_all counts matching rows of the tag table, one per distinct tag;
  // the tag walks (sqlite::tag_walk_applies()) want distinct tags too.
  const auto distinct = [](std::vector<std::string> tags) {
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return tags;
  };
  const std::vector<std::string> tags_all = distinct(search.tags_all);
  const std::vector<std::string> tags_any = distinct(search.tags_any);

  sqlite::AccountSearchShape shape;
  shape.match = !text.match.empty();
  shape.fallback = !text.fallback.empty();
  shape.customer_type = search.customer_type.has_value();
  shape.tags_any = tags_any.size();
  shape.tags_all = tags_all.size();
  shape.created_from = search.created_from.has_value();
  shape.created_to = search.created_to.has_value();
  shape.archived = search.archived;
  shape.sort = search.sort;
  shape.after = search.after.has_value();
  shape.prefix_implies_match = detail::prefix_implies_text_match(search.words);
  sqlite::choose_tier2_walk(db_.get(), shape, text.match);

  auto stmt =
      search_statement(sqlite::account_search_sql(shape, actor_.service), "search_accounts");
  bind_actor(stmt);
  if (shape.match) stmt.bind(":match", text.match);
  if (shape.fallback) stmt.bind(":fallback", text.fallback);
  stmt.bind_if_used(":text_key", std::optional<std::string>(search.text_key));
  if (search.customer_type) stmt.bind(":customer_type", to_string(*search.customer_type));
  for (std::size_t i = 0; i < tags_any.size(); ++i) {
    stmt.bind(sqlite::tag_any_parameter(i).c_str(), tags_any[i]);
  }
  for (std::size_t i = 0; i < tags_all.size(); ++i) {
    stmt.bind(sqlite::tag_all_parameter(i).c_str(), tags_all[i]);
  }
  if (!tags_all.empty()) stmt.bind_if_used(":tag_all_count", as_int64(tags_all.size()));
  if (search.created_from) stmt.bind(":created_from", to_micros(*search.created_from));
  if (search.created_to) stmt.bind(":created_to", to_micros(*search.created_to));
  if (search.sort == AccountSort::Relevance) {
    stmt.bind(":text_key_end", detail::prefix_upper_bound(search.text_key));
    if (search.after) bind_ranked_after(stmt, *search.after);
  } else if (search.after) {
    bind_after(stmt, *search.after);
  }
  stmt.bind(":limit", as_int64(search.limit));

  std::vector<Account> rows;
  while (stmt.step()) rows.push_back(sqlite::read_account(stmt));
  return rows;
}

AccountStats SqliteConnection::account_stats(const backend::StatsSpec& spec) {
  AccountStats stats;
  {
    auto stmt = statement(Sql::kStatsAccounts, "account_stats");
    bind_actor(stmt);
    if (stmt.step()) {
      stats.total_accounts = stmt.int64(0);
      stats.residential_accounts = stmt.int64(1);
      stats.commercial_accounts = stmt.int64(2);
      stats.archived_accounts = stmt.int64(3);
    }
  }
  {
    auto stmt = statement(Sql::kStatsContacts, "account_stats");
    bind_actor(stmt);
    if (stmt.step()) stats.total_contacts = stmt.int64(0);
  }
  {
    auto stmt = statement(Sql::kStatsWithoutPrimary, "account_stats");
    bind_actor(stmt);
    if (stmt.step()) stats.accounts_without_primary_contact = stmt.int64(0);
  }
  {
    auto stmt = statement(Sql::kStatsMonths, "account_stats");
    bind_actor(stmt);
    stmt.bind(":since", to_micros(spec.since));
    while (stmt.step()) {
      stats.new_accounts_per_month.push_back(MonthCount{
          static_cast<int>(stmt.int64(0)), static_cast<int>(stmt.int64(1)), stmt.int64(2)});
    }
  }
  if (spec.top_tags > 0) {
    auto stmt = statement(Sql::kStatsTopTags, "account_stats");
    bind_actor(stmt);
    stmt.bind(":limit", std::int64_t{spec.top_tags});
    while (stmt.step()) stats.top_tags.push_back(TagCount{stmt.text(0), stmt.int64(1)});
  }
  return stats;
}

// ---- contacts

std::optional<Contact> SqliteConnection::insert_contact(const Contact& contact,
                                                        const std::string& name_key) {
  return insert_contacts({contact}, {name_key}).front();
}

std::vector<std::optional<Contact>> SqliteConnection::insert_contacts(
    const std::vector<Contact>& contacts, const std::vector<std::string>& name_keys) {
  if (name_keys.size() != contacts.size()) {
    throw BackendError("backend.error", "sqlite: insert_contacts: one name key per contact");
  }
  const std::int64_t now = now_micros();
  std::unordered_map<Id, bool> visible;
  std::vector<std::optional<Contact>> out;
  out.reserve(contacts.size());
  for (std::size_t i = 0; i < contacts.size(); ++i) {
    const Contact& contact = contacts[i];
    auto [seen, fresh] = visible.try_emplace(contact.customer_account_id, false);
    if (fresh) {
      auto stmt = statement(Sql::kTargetAccountVisible, "insert_contact");
      stmt.bind(":account_id", contact.customer_account_id);
      bind_actor(stmt);
      seen->second = stmt.step() && stmt.int64(0) != 0;
    }
    if (!seen->second) {
      out.emplace_back(std::nullopt);
      continue;
    }
    {
      auto stmt = statement(Sql::kInsertContact, "insert_contact");
      bind_contact_fields(stmt, contact, name_keys[i]);
      stmt.bind(":now", now);
      stmt.bind(":created_by", contact.created_by);
      stmt.bind(":updated_by", contact.updated_by);
      stmt.run();
    }
    const Id id = sqlite3_last_insert_rowid(db_.get());
    {
      auto stmt = statement(Sql::kInsertContactFts, "insert_contact");
      stmt.bind(":id", id);
      stmt.bind(":contact_name", contact.contact_name);
      stmt.run();
    }
    Contact stored = contact;
    stored.id = id;
    stored.created_at = stored.updated_at = from_micros(now);
    stored.version = 1;
    out.emplace_back(std::move(stored));
  }
  return out;
}

std::optional<Contact> SqliteConnection::select_contact(Id id) {
  auto stmt = statement(Sql::kSelectContact, "select_contact");
  stmt.bind(":id", id);
  bind_actor(stmt);
  return one_contact(stmt);
}

std::optional<Contact> SqliteConnection::update_contact(const Contact& contact,
                                                        const std::string& name_key,
                                                        std::int64_t expected_version) {
  auto stmt = statement(Sql::kUpdateContact, "update_contact");
  bind_contact_fields(stmt, contact, name_key);
  stmt.bind(":id", contact.id);
  stmt.bind(":expected_version", expected_version);
  stmt.bind(":now", now_micros());
  bind_actor(stmt);
  return one_contact(stmt);
}

std::vector<Contact> SqliteConnection::select_contacts_of_accounts(
    const std::vector<Id>& account_ids) {
  std::vector<Contact> rows;
  if (account_ids.empty()) return rows;
  std::string ids = "[";
  for (std::size_t i = 0; i < account_ids.size(); ++i) {
    if (i > 0) ids += ',';
    ids += std::to_string(account_ids[i]);
  }
  ids += ']';
  auto stmt = statement(Sql::kSelectContactsOfAccounts, "select_contacts_of_accounts");
  stmt.bind(":account_ids", ids);
  bind_actor(stmt);
  while (stmt.step()) rows.push_back(sqlite::read_contact(stmt));
  return rows;
}

bool SqliteConnection::delete_contact(Id id) {
  auto stmt = statement(Sql::kDeleteContact, "delete_contact");
  stmt.bind(":id", id);
  bind_actor(stmt);
  stmt.run();
  return sqlite3_changes64(db_.get()) > 0;
}

std::optional<Contact> SqliteConnection::set_primary_contact(Id id) {
  Id account_id = 0;
  {
    auto stmt = statement(Sql::kPrimaryState, "set_primary_contact");
    stmt.bind(":id", id);
    bind_actor(stmt);
    if (!stmt.step()) return std::nullopt;
    account_id = stmt.int64(0);
    // Already primary: no write, so no version bump for other holders.
    if (stmt.int64(1) != 0) {
      stmt.run();
      return select_contact(id);
    }
  }
  const std::int64_t now = now_micros();
  {
    // Clear first: the unique partial index is checked per statement, and
    // inside the caller's transaction no reader sees the gap.
    auto stmt = statement(Sql::kClearPrimary, "set_primary_contact");
    stmt.bind(":account_id", account_id);
    stmt.bind(":id", id);
    stmt.bind(":now", now);
    bind_actor(stmt);
    stmt.run();
  }
  auto stmt = statement(Sql::kMakePrimary, "set_primary_contact");
  stmt.bind(":id", id);
  stmt.bind(":now", now);
  bind_actor(stmt);
  return one_contact(stmt);
}

std::vector<Contact> SqliteConnection::search_contacts(const backend::ContactSearch& search) {
  sqlite::TextFilter text;
  if (!search.words.empty()) text = fts_.build(search.words);

  sqlite::ContactSearchShape shape;
  shape.match = !text.match.empty();
  shape.fallback = !text.fallback.empty();
  shape.email = search.email.has_value();
  shape.phone = search.phone.has_value();
  shape.account_id = search.account_id.has_value();
  shape.order = search.order;
  shape.after = search.after.has_value();

  auto stmt =
      search_statement(sqlite::contact_search_sql(shape, actor_.service), "search_contacts");
  bind_actor(stmt);
  if (shape.match) stmt.bind(":match", text.match);
  if (shape.fallback) stmt.bind(":fallback", text.fallback);
  stmt.bind_if_used(":text_key", std::optional<std::string>(search.text_key));
  if (search.email) stmt.bind(":email_key", email_key(search.email));
  if (search.phone) stmt.bind(":phone", *search.phone);
  if (search.account_id) stmt.bind(":account_id", *search.account_id);
  if (search.after) bind_after(stmt, *search.after);
  stmt.bind(":limit", as_int64(search.limit));

  std::vector<Contact> rows;
  while (stmt.step()) rows.push_back(sqlite::read_contact(stmt));
  return rows;
}

// ---- migrations

std::vector<int> SqliteConnection::applied_migrations() {
  bool exists = false;
  {
    auto stmt = statement(Sql::kMigrationsTableExists, "applied_migrations");
    exists = stmt.step();
  }
  // Creating the table only when it is missing keeps this a pure read, so
  // a read-only database that is up to date still opens.
  if (!exists) {
    auto stmt = statement(Sql::kCreateMigrationsTable, "applied_migrations");
    stmt.run();
  }
  std::vector<int> versions;
  auto stmt = statement(Sql::kSelectMigrations, "applied_migrations");
  while (stmt.step()) versions.push_back(static_cast<int>(stmt.int64(0)));
  return versions;
}

void SqliteConnection::execute_script(const std::string& sql) {
  exec(sql, "execute_script");
}

void SqliteConnection::record_migration(const backend::Migration& migration, bool applied) {
  if (applied) {
    auto stmt = statement(Sql::kInsertMigration, "record_migration");
    stmt.bind(":version", std::int64_t{migration.version});
    stmt.bind(":name", migration.name);
    stmt.bind(":now", now_micros());
    stmt.run();
  } else {
    auto stmt = statement(Sql::kDeleteMigration, "record_migration");
    stmt.bind(":version", std::int64_t{migration.version});
    stmt.run();
  }
}

void SqliteConnection::drop_migrations_table() {
  auto stmt = statement(Sql::kDropMigrationsTable, "drop_migrations_table");
  stmt.run();
}

}  // namespace custmgmt::detail
