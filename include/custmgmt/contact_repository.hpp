/// @file contact_repository.hpp
/// @brief Operations on `customer_contacts` for one session.
#pragma once

#include <optional>
#include <vector>

#include "custmgmt/contact.hpp"
#include "custmgmt/export.hpp"
#include "custmgmt/query.hpp"

namespace custmgmt {

namespace detail {
class SessionImpl;
}

/// @brief The contacts of the accounts visible to one Session. Obtained from
/// Session::contacts(); lives as long as the session. Not thread-safe.
///
/// A contact follows its account: whoever may read the account may read, add,
/// change and delete its contacts (the spec's policies). Contacts of accounts
/// the user cannot read are reported as NotFound. At most one contact per
/// account is primary and an email is used once per account
/// (case-insensitively); both rules are enforced by the database as well.
class CUSTMGMT_API ContactRepository {
 public:
  ContactRepository(const ContactRepository&) = delete;
  ContactRepository& operator=(const ContactRepository&) = delete;

  /// @brief Validates, normalises and adds a contact to
  /// `contact.customer_account_id`.
  /// @return the stored contact.
  /// @throws ValidationError; NotFound (`account.not_found`) when the account
  ///         is not visible; Conflict (`contact.duplicate_primary`,
  ///         `contact.duplicate_email`); BackendError.
  Contact add(const Contact& contact);

  /// @brief Validates every contact, then adds them all in one transaction
  /// through the backend's bulk path (one multi-row statement per 1,000
  /// rows on PostgreSQL, one reused prepared statement on SQLite): the
  /// import fast path. Nothing is written unless every contact is valid and
  /// every insert succeeds; the rules of add() hold across the batch too
  /// (two primaries or one email twice for an account, within the batch or
  /// against stored contacts, is a Conflict).
  /// @return the stored contacts, in input order.
  /// @throws ValidationError listing the errors of every contact, fields
  ///         prefixed with the index (`[3].email`); NotFound
  ///         (`account.not_found`) when an account is not visible; Conflict
  ///         (`contact.duplicate_primary`, `contact.duplicate_email`);
  ///         BackendError.
  std::vector<Contact> add_many(const std::vector<Contact>& contacts);

  /// @brief The contact with this id.
  /// @throws NotFound (`contact.not_found`); BackendError.
  Contact get(Id id);

  /// @brief The contact with this id, or std::nullopt.
  /// @throws BackendError.
  std::optional<Contact> find(Id id);

  /// @brief Replaces the editable fields of contact `contact.id`;
  /// `contact.version` must equal the stored version. Changing
  /// `customer_account_id` moves the contact; the target account must be
  /// visible too.
  /// @return the stored contact.
  /// @throws ValidationError; NotFound; Conflict (`conflict.stale_version`,
  ///         `contact.duplicate_primary`, `contact.duplicate_email`);
  ///         BackendError.
  Contact update(const Contact& contact);

  /// @brief Deletes the contact.
  /// @throws NotFound; BackendError.
  void remove(Id id);

  /// @brief Contacts of one account: the primary contact first, then by
  /// name, then id; keyset-paginated like AccountQuery.
  /// @throws NotFound (`account.not_found`); ValidationError
  ///         (`cursor.invalid`, `query.limit_invalid`); BackendError.
  Page<Contact> list(Id account_id, const std::string& cursor = {}, std::size_t limit = 50);

  /// @brief Makes this contact the primary one of its account, atomically
  /// clearing the previous primary (no moment with two or, for a reader,
  /// with none).
  /// @return the stored contact.
  /// @throws NotFound; BackendError.
  Contact set_primary(Id contact_id);

  /// @brief Searches contacts by name, email or phone; see ContactQuery.
  /// @throws ValidationError (`query.empty`, `cursor.invalid`,
  ///         `query.limit_invalid`, `email.*`, `phone.*`); BackendError.
  Page<Contact> search(const ContactQuery& query);

 private:
  friend class detail::SessionImpl;
  explicit ContactRepository(detail::SessionImpl* session) : session_(session) {}
  detail::SessionImpl* session_;
};

}  // namespace custmgmt
