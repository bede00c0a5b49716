/// @file account_repository.hpp
/// @brief Operations on `customer_accounts` for one session.
#pragma once

#include <optional>
#include <vector>

#include "custmgmt/account.hpp"
#include "custmgmt/export.hpp"
#include "custmgmt/query.hpp"

namespace custmgmt {

namespace detail {
class SessionImpl;
}

/// @brief The accounts visible to one Session. Obtained from
/// Session::accounts(); lives as long as the session. Not thread-safe.
///
/// Rights follow the spec's policies: a user reads and updates an account he
/// created or last updated, creates accounts only as himself, and deletes only
/// accounts he created. The service role may do everything. An account the
/// user may not read is reported as NotFound, never as PermissionDenied.
/// Every write validates and normalises the whole record first and raises a
/// ValidationError listing all field errors; nothing is written then.
class CUSTMGMT_API AccountRepository {
 public:
  AccountRepository(const AccountRepository&) = delete;
  AccountRepository& operator=(const AccountRepository&) = delete;

  /// @brief Validates, normalises and inserts a new account.
  /// @return the stored account (id, timestamps, audit fields, version 1).
  /// @throws ValidationError; PermissionDenied when a user session names
  ///         another user in `created_by`; BackendError.
  Account create(const Account& account);

  /// @brief Validates every account, then inserts them all in one
  /// transaction through the backend's bulk path (the import fast path).
  /// Nothing is written unless every account is valid.
  /// @return the stored accounts, in input order.
  /// @throws ValidationError listing the errors of every account, fields
  ///         prefixed with the index (`[3].company_name`); PermissionDenied as
  ///         create(); BackendError.
  std::vector<Account> create_many(const std::vector<Account>& accounts);

  /// @brief The account with this id.
  /// @throws NotFound (`account.not_found`); BackendError.
  Account get(Id id);

  /// @brief The account with this id, or std::nullopt.
  /// @throws BackendError.
  std::optional<Account> find(Id id);

  /// @brief Replaces the editable fields of account `account.id`.
  ///
  /// `account.version` must equal the stored version (the one the caller
  /// read); otherwise the write is stale and nothing changes. `created_by`
  /// cannot be changed through update.
  /// @return the stored account (version + 1, new updated_at/updated_by).
  /// @throws ValidationError; NotFound; Conflict (`conflict.stale_version`);
  ///         BackendError.
  Account update(const Account& account);

  /// @brief Deletes the account and, by cascade, its contacts.
  /// @throws NotFound; PermissionDenied when the user can see the account but
  ///         did not create it; BackendError.
  void remove(Id id);

  /// @brief Archives the account: hidden from search unless asked for.
  /// Archiving an archived account changes nothing.
  /// @return the stored account.
  /// @throws NotFound; BackendError.
  Account archive(Id id);

  /// @brief Restores an archived account. Restoring an active account
  /// changes nothing.
  /// @return the stored account.
  /// @throws NotFound; BackendError.
  Account restore(Id id);

  /// @brief Searches accounts; see AccountQuery for matching, ranking and
  /// pagination rules.
  /// @throws ValidationError (`cursor.invalid`, `query.limit_invalid`,
  ///         `query.range_invalid`, `query.sort_invalid`, `text.*`, `tag.*`);
  ///         BackendError.
  Page<Account> search(const AccountQuery& query = {});

  /// @brief Statistics over the accounts this session can see.
  /// @throws ValidationError (`stats.months_invalid`, `stats.top_tags_invalid`);
  ///         BackendError.
  AccountStats stats(const StatsOptions& options = {});

 private:
  friend class detail::SessionImpl;
  explicit AccountRepository(detail::SessionImpl* session) : session_(session) {}
  detail::SessionImpl* session_;
};

}  // namespace custmgmt
