// Every SQL statement of the SQLite backend (the schema itself lives in
// migrations/sqlite). Statements take user data only through named
// parameters; the text of a statement depends only on the statement, on
// whether the connection acts as the service role, and for searches on the
// shape of the query (which filters are set, the order, how many tags), never
// on the values searched for.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "custmgmt/backend.hpp"
#include "custmgmt/query.hpp"

namespace custmgmt::detail::sqlite {

// Named statements, prepared once per connection and kept.
enum class Sql : int {
  kBegin,
  kCommit,
  kInsertAccount,
  kInsertAccountFts,
  kInsertAccountTag,
  kSelectAccount,
  kSelectAccountsByNameKeys,
  kUpdateAccount,
  kSetArchived,
  kDeleteAccount,
  kInsertContact,
  kInsertContactFts,
  kTargetAccountVisible,
  kSelectContact,
  kSelectContactsOfAccounts,
  kUpdateContact,
  kDeleteContact,
  kPrimaryState,
  kClearPrimary,
  kMakePrimary,
  kStatsAccounts,
  kStatsContacts,
  kStatsWithoutPrimary,
  kStatsMonths,
  kStatsTopTags,
  kMigrationsTableExists,
  kCreateMigrationsTable,
  kSelectMigrations,
  kInsertMigration,
  kDeleteMigration,
  kDropMigrationsTable,
  kCount,
};

constexpr std::size_t kSqlCount = static_cast<std::size_t>(Sql::kCount);

// The text of a named statement for a user connection (`service` false,
// visibility predicates bound to `:uid`) or a service-role connection.
std::string named_sql(Sql id, bool service);

// Account rows are read in this column order by every statement returning them.
enum AccountColumn : int {
  kAccountId,
  kAccountCompanyName,
  kAccountCustomerType,
  kAccountBillingAddress,
  kAccountServiceAddress,
  kAccountNotes,
  kAccountTags,
  kAccountCreatedAt,
  kAccountUpdatedAt,
  kAccountCreatedBy,
  kAccountUpdatedBy,
  kAccountArchivedAt,
  kAccountVersion,
};

// Contact rows are read in this column order by every statement returning them.
enum ContactColumn : int {
  kContactId,
  kContactAccountId,
  kContactName,
  kContactEmail,
  kContactPhone,
  kContactPhoneExtension,
  kContactPhoneDisplay,
  kContactRole,
  kContactIsPrimary,
  kContactNotes,
  kContactCreatedAt,
  kContactUpdatedAt,
  kContactCreatedBy,
  kContactUpdatedBy,
  kContactVersion,
};

// Which parts an account search needs. Parameters: :match (FTS5 query),
// :fallback (JSON array of words matched on the name key), :text_key,
// :customer_type, :tag_any_N, :tag_all_N, :tag_all_count, :created_from,
// :created_to, :after_number, :after_text, :after_id, :limit, :uid.
struct AccountSearchShape {
  bool match = false;
  bool fallback = false;
  bool customer_type = false;
  std::size_t tags_any = 0;
  std::size_t tags_all = 0;
  bool created_from = false;
  bool created_to = false;
  ArchivedFilter archived = ArchivedFilter::Exclude;
  AccountSort sort = AccountSort::CreatedDesc;
  bool after = false;
  // Relevance order only: names in tiers 0 and 1 match the text by
  // construction (prefix_implies_text_match()), so those tiers are read from
  // the name-key index without the FTS5 test.
  bool prefix_implies_match = false;
  // Relevance order with text only: tier 2 walks idx_customer_accounts_name_key
  // in (key, id) order testing each entry against the FTS5 match list,
  // instead of reading every match and sorting (choose_tier2_walk()).
  bool tier2_walk = false;
};

// Which parts a contact search needs. Parameters: :match, :fallback,
// :text_key, :email_key, :phone, :account_id, :after_number, :after_text,
// :after_id, :limit, :uid.
struct ContactSearchShape {
  bool match = false;
  bool fallback = false;
  bool email = false;
  bool phone = false;
  bool account_id = false;
  backend::ContactOrder order = backend::ContactOrder::Name;
  bool after = false;
};

// Relevance order (text present) is a UNION ALL of three parts read in
// order, each index-ordered and limited, so that SQLite stops at the first
// part that fills the page: tier 0 (:text_key equals the name key), tier 1
// (the key starts with :text_key: the range [:text_key, :text_key_end) of
// idx_customer_accounts_name_key) and tier 2 (the other FTS5 matches, sorted,
// or with shape.tier2_walk read from the name-key index in order; only read
// when tiers 0 and 1 do not fill the page). Part t's keyset
// position is :open_t (0 when the cursor lies past the tier), :after_text_t
// and :after_id_t.
//
// A search with tags and no text in created order (tag_walk_applies())
// walks the tag table's idx_customer_account_tags_created instead (migration
// 0003): the tags_all walk of :tag_all_0 probing the other tags, or for
// tags_any alone an ordered merge of one walk per tag. The tag parameters
// must then be distinct (the connection removes duplicates).
std::string account_search_sql(const AccountSearchShape& shape, bool service);

// True when account_search_sql() answers `shape` with the tag walk.
bool tag_walk_applies(const AccountSearchShape& shape);
std::string contact_search_sql(const ContactSearchShape& shape, bool service);

// Decides shape.tier2_walk for a relevance search whose FTS5 query is
// `match` (the :match bound to the statement; empty: no FTS5 test, no walk).
// Sorting tier 2 costs about one row read per match (M); walking the
// name-key index costs about limit·N/M index steps (N accounts) plus the
// match list. So it walks when a bounded count of the match list (at most
// threshold + 1 rowids) exceeds `threshold`; a negative threshold means
// max(kTier2WalkMinMatches, √N) with N estimated from the largest account
// id. Runs two small statements on `db`; throws as sqlite::throw_error() when
// they fail.
// Also used by custmgmt-bench, whose "same SQL raw" runs the library's
// statements.
inline constexpr std::int64_t kTier2WalkMinMatches = 32;
void choose_tier2_walk(sqlite3* db, AccountSearchShape& shape, const std::string& match,
                       std::int64_t threshold = -1);

// Names of the per-tag parameters of account_search_sql().
std::string tag_any_parameter(std::size_t index);
std::string tag_all_parameter(std::size_t index);

// Savepoint statements. `name` comes from the domain layer, not from users;
// it is quoted as an identifier all the same.
std::string savepoint_sql(const std::string& name);
std::string release_savepoint_sql(const std::string& name);
std::string rollback_to_savepoint_sql(const std::string& name);

// Text of the rollback used by Connection::rollback(), which must not throw
// and so runs it without a cached statement.
inline constexpr const char* kRollbackSql = "ROLLBACK";

// Connection set-up (sqlite_database.cpp).
inline constexpr const char* kForeignKeysOnSql = "PRAGMA foreign_keys = ON";
inline constexpr const char* kJournalModeSql = "PRAGMA journal_mode";
inline constexpr const char* kJournalModeWalSql = "PRAGMA journal_mode = WAL";
inline constexpr const char* kSynchronousNormalSql = "PRAGMA synchronous = NORMAL";

// Hands out FTS5's C API through sqlite3_bind_pointer() (sqlite_fts.cpp).
inline constexpr const char* kFts5ApiSql = "SELECT fts5(?1)";

}  // namespace custmgmt::detail::sqlite
