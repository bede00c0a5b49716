// Every SQL statement of the PostgreSQL backend, in one place. Each is a
// named prepared statement; user text only ever reaches them as a bound
// parameter. Visibility is not in these statements: PostgreSQL's row-level
// security policies (migrations/postgres) apply it for the role the
// transaction runs as.
#pragma once

#include <cstddef>
#include <string>

namespace custmgmt::detail::postgres {

enum class Stmt : std::size_t {
  kActor,  // $1 role, $2 JWT claims JSON ('' for none)

  kInsertAccount,
  kInsertAccounts,  // $1 JSON array of rows (see PostgresConnection::insert_accounts)
  kSelectAccount,
  kSelectAccountsByNameKeys,  // $1 text[] of name keys (import's natural-key lookup)
  kUpdateAccount,
  kSetArchived,
  kDeleteAccount,
  kSearchAccountsNamed,  // relevance tiers 0 and 1: name key starts with the text key
  kSearchAccountsOther,  // relevance tier 2: the other matches
  // Tiers 0 and 1 read from the name-key index alone, for search words that
  // make the text filter redundant there (prefix_implies_text_match()).
  kSearchAccountsPrefix,
  // Tier 2 for a user session: the candidates come from
  // custmgmt_account_name_matches() (migration 0002), which uses the GIN
  // index that row-level security keeps *Other from using.
  kSearchAccountsOtherVisible,
  kSearchAccountsCreatedDesc,
  // Created order with a tag filter, for a user session: the candidates come
  // from custmgmt_account_tag_page() (migration 0003), which walks the
  // caller's tag keys in (created_at DESC, id DESC) order.
  kSearchAccountsTagsCreatedDesc,
  kSearchAccountsCreatedAsc,
  kSearchAccountsName,
  kSearchAccountsUpdatedDesc,
  kStatsAccounts,
  kStatsMonths,
  kStatsTopTags,

  kInsertContact,
  kInsertContacts,  // $1 JSON array of rows (see PostgresConnection::insert_contacts)
  kSelectContact,
  kSelectContactsOfAccounts,  // $1 int8[] of account ids
  kUpdateContact,
  kDeleteContact,
  kLockPrimaryState,
  kClearPrimary,
  kMakePrimary,
  kSearchContactsNamed,  // as the account variants
  kSearchContactsOther,
  kSearchContactsName,
  kSearchContactsPrimaryThenName,

  kMigrationLock,
  kMigrationsTableExists,
  kCreateMigrationsTable,
  kAppliedMigrations,
  kRecordMigration,
  kEraseMigration,
  kDropMigrationsTable,

  kCount
};

constexpr std::size_t kStmtCount = static_cast<std::size_t>(Stmt::kCount);

// The prepared statement's name, e.g. "cm_insert_account".
const char* statement_name(Stmt id);

// Its SQL text.
const std::string& statement_sql(Stmt id);

// Parameter order of the account searches:
// $1 words text[] (NULL: no text filter), $2 text_key, $3 customer_type,
// $4 tags_any text[], $5 tags_all text[], $6 created_from µs, $7 created_to
// µs, $8 archived (0 exclude, 1 include, 2 only), $9 after.number (NULL: no
// keyset position), $10 after.text, $11 after.id, $12 limit.
//
// Relevance order is served by two statements, each ordered by (name key,
// id) so that the name-key B-tree yields rows in order and LIMIT stops the
// scan early; a sort over every match (a 2-letter prefix may match a third
// of the table) is never needed. *Named returns tiers 0 and 1 (the name key
// starts with $2: within that range, key order is tier order, since the
// exact match sorts first), *Other tier 2; the keyset of both is (key, id).
// The connection runs *Other only when *Named did not fill the page.
//
// Parameter order of the contact searches:
// $1 words, $2 text_key, $3 email, $4 phone, $5 account_id, $6 after.number
// (NULL: none), $7 after.text, $8 after.id, $9 limit.

}  // namespace custmgmt::detail::postgres
