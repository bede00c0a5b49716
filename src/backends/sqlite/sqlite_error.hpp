// Translation of SQLite result codes into the custmgmt::Error family.
#pragma once

#include <string>
#include <string_view>

struct sqlite3;

namespace custmgmt::detail::sqlite {

// The name of an (extended) result code, e.g. "SQLITE_BUSY_SNAPSHOT"; falls
// back to the name of the primary code for codes this table does not know.
std::string result_code_name(int rc);

// Throws the custmgmt error for `rc` returned by an operation on `db` (may be
// null when the database could not be allocated). `what` says what was being
// done ("opening the database", "search_accounts"); it is library text, never
// user data.
//
// Mapping: unique violations of idx_customer_contacts_primary /
// idx_customer_contacts_email_unique -> Conflict contact.duplicate_primary /
// contact.duplicate_email; BUSY, LOCKED -> backend.busy; READONLY ->
// backend.readonly; FULL -> backend.full; CORRUPT, NOTADB ->
// backend.corrupt; CANTOPEN, IOERR -> backend.io; anything else ->
// backend.error. BackendError::backend_code() holds result_code_name(rc).
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view what);

// Same, for a failure without a usable connection message.
[[noreturn]] void throw_error_message(int rc, std::string_view what, std::string_view message);

}  // namespace custmgmt::detail::sqlite
