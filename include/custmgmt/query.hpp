/// @file query.hpp
/// @brief Query objects, pages with keyset cursors, and statistics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "custmgmt/types.hpp"

namespace custmgmt {

/// @brief Which accounts a search returns with respect to archiving.
enum class ArchivedFilter {
  Exclude,  ///< Only active accounts (the default).
  Include,  ///< Active and archived accounts.
  Only,     ///< Only archived accounts.
};

/// @brief Sort order of an account search.
///
/// Every order ends with the account id as tie-breaker, so it is total.
enum class AccountSort {
  Default,      ///< Relevance when `text` is set, otherwise CreatedDesc.
  Relevance,    ///< Ranked text match (requires `text`).
  CreatedDesc,  ///< Newest first.
  CreatedAsc,   ///< Oldest first.
  NameAsc,      ///< By company name, case-insensitive (ASCII) byte order.
  UpdatedDesc,  ///< Most recently changed first.
};

/// @brief Search over the acting user's accounts. All set filters must hold.
///
/// **Text.** The text is split into words (letters and digits; other
/// characters separate words and are never interpreted as query syntax). An
/// account matches when every word is a prefix of some word of its company
/// name, case- and accent-insensitively: `"acm plu"` finds `"Acme
/// Plumbing"`. Text with no word in it matches nothing.
///
/// **Ranking** (AccountSort::Relevance): first accounts whose name equals the
/// words typed, then names that start with them, then the other matches;
/// within a tier by name, then id. The rank of a row depends only on that
/// row and the query, never on the rest of the table.
///
/// **Pagination** is keyset-based: pass Page::next_cursor back as `cursor`
/// with the same filters and sort. Because every order is a total order on
/// values of the row itself (including the relevance tier), a page never
/// repeats or skips a row that was present and unchanged while other rows
/// were added or removed. A row whose sort key changes between pages may
/// move across the cursor.
struct AccountQuery {
  std::optional<std::string> text;                    ///< Words to match in company_name.
  std::optional<CustomerType> customer_type;          ///< Only this type.
  std::vector<std::string> tags_any;                  ///< At least one of these tags.
  std::vector<std::string> tags_all;                  ///< All of these tags.
  std::optional<Timestamp> created_from;              ///< created_at >= this.
  std::optional<Timestamp> created_to;                ///< created_at < this.
  ArchivedFilter archived = ArchivedFilter::Exclude;  ///< Archive handling.
  AccountSort sort = AccountSort::Default;            ///< Sort order.
  std::string cursor;                                 ///< Opaque cursor from a previous page.
  std::size_t limit = 50;                             ///< Page size, 1–1000.
};

/// @brief Search over contacts of the acting user's accounts. At least one
/// of `text`, `email`, `phone` or `account_id` must be set.
///
/// `text` follows the rules of AccountQuery::text on contact_name and ranks
/// the same way. `email` matches the whole address case-insensitively after
/// normalisation. `phone` is normalised exactly like stored numbers (same
/// default region), so `(415) 555-2671` finds `+14155552671`. Without text
/// the order is by name, then id. Pagination as for AccountQuery.
struct ContactQuery {
  std::optional<std::string> text;   ///< Words to match in contact_name.
  std::optional<std::string> email;  ///< Exact address (normalised).
  std::optional<std::string> phone;  ///< Any format; compared as E.164.
  std::optional<Id> account_id;      ///< Only contacts of this account.
  std::string cursor;                ///< Opaque cursor from a previous page.
  std::size_t limit = 50;            ///< Page size, 1–1000.
};

/// @brief One page of results.
template <typename T>
struct Page {
  std::vector<T> items;                    ///< The rows of this page.
  std::optional<std::string> next_cursor;  ///< Set when more rows may follow.
};

/// @brief Options of AccountRepository::stats().
struct StatsOptions {
  int months = 12;    ///< How many calendar months (UTC) of new accounts, 1–120.
  int top_tags = 10;  ///< How many of the most used tags, 0–100.
};

/// @brief Count of accounts created in one calendar month (UTC).
struct MonthCount {
  int year = 0;            ///< e.g. 2025.
  int month = 0;           ///< 1–12.
  std::int64_t count = 0;  ///< Accounts created in that month.
  /// @brief Field-wise equality.
  bool operator==(const MonthCount& o) const {
    return year == o.year && month == o.month && count == o.count;
  }
};

/// @brief A tag and the number of active accounts carrying it.
struct TagCount {
  std::string tag;         ///< The tag.
  std::int64_t count = 0;  ///< Active accounts with it.
  /// @brief Field-wise equality.
  bool operator==(const TagCount& o) const { return tag == o.tag && count == o.count; }
};

/// @brief Statistics over the accounts the acting user can see (all accounts
/// for the service role). Archived accounts are counted only in
/// `archived_accounts`; every other figure covers active accounts.
struct AccountStats {
  std::int64_t total_accounts = 0;                    ///< Active accounts.
  std::int64_t residential_accounts = 0;              ///< Active, Residential.
  std::int64_t commercial_accounts = 0;               ///< Active, Commercial.
  std::int64_t archived_accounts = 0;                 ///< Archived accounts.
  std::int64_t total_contacts = 0;                    ///< Contacts of active accounts.
  std::int64_t accounts_without_primary_contact = 0;  ///< Active, no primary.
  std::vector<MonthCount> new_accounts_per_month;     ///< Oldest first, zero months included.
  std::vector<TagCount> top_tags;                     ///< Most used first, ties by tag.
};

}  // namespace custmgmt
