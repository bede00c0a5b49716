// Validation and normalisation of whole records before they reach a backend.
#pragma once

#include <string>
#include <vector>

#include "custmgmt/account.hpp"
#include "custmgmt/contact.hpp"
#include "custmgmt/error.hpp"
#include "custmgmt/validate.hpp"

namespace custmgmt::detail {

// Checks every editable field of `in` and returns the normalised record;
// all problems are appended to `errors` (nothing is thrown for bad input).
Account normalize_account(const Account& in, FieldErrors& errors);

// Same for a contact; `region` is the store's default phone region.
Contact normalize_contact(const Contact& in, const PhoneOptions& phone, FieldErrors& errors);

class SessionImpl;

// Stores accounts already normalised by normalize_account(), deciding
// created_by/updated_by as AccountRepository::create() does, in one
// transaction level through Connection::insert_accounts().
// @throws PermissionDenied, BackendError.
std::vector<Account> store_new_accounts(SessionImpl& session, std::vector<Account> clean);

// Stores contacts already normalised by normalize_contact(), with the audit
// fields ContactRepository::add() sets, in one transaction level through
// Connection::insert_contacts().
// @throws NotFound (`account.not_found`), Conflict, BackendError.
std::vector<Contact> store_new_contacts(SessionImpl& session, std::vector<Contact> clean);

// Re-homes errors of a standalone validator ("address.zip") under a record
// field ("billing_address.zip").
void append_prefixed(FieldErrors& out, const FieldErrors& in, const std::string& from,
                     const std::string& to);

}  // namespace custmgmt::detail
