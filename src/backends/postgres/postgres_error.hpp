// Translation of libpqxx exceptions into the custmgmt::Error family.
#pragma once

#include <string_view>

namespace custmgmt::detail::postgres {

// What a translated failure means for the connection it happened on.
enum class Damage {
  kNone,        // the connection is fine (the transaction may be aborted)
  kConnection,  // the connection is gone: discard it, reconnect next time
};

// Rethrows the exception in flight (call only inside a catch block) as a
// custmgmt error; custmgmt errors pass through unchanged. `what` names the
// operation ("insert_account"); it is library text, never user data.
// `damage`, when non-null, receives what the failure did to the connection.
//
// Mapping (SQLSTATE in BackendError::backend_code()):
// - 23505 on idx_customer_contacts_primary / idx_customer_contacts_email_unique
//   -> Conflict contact.duplicate_primary / contact.duplicate_email;
// - 42501 (privilege or row-level security) -> PermissionDenied permission.denied;
// - lost connection, class 08, 57P01-57P03, in-doubt commit -> backend.connection;
// - 55P03, 57014, 40001, 40P01 -> backend.busy; 25006 -> backend.readonly;
//   53100 -> backend.full; 58030 -> backend.io; XX001, XX002 -> backend.corrupt;
// - anything else -> backend.error.
[[noreturn]] void rethrow_translated(std::string_view what, Damage* damage);

}  // namespace custmgmt::detail::postgres
