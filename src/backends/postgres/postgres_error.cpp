#include "backends/postgres/postgres_error.hpp"

#include <cstring>
#include <exception>
#include <pqxx/except>
#include <string>
#include <typeinfo>

#include "custmgmt/error.hpp"

namespace custmgmt::detail::postgres {

namespace {

// The server's primary message only: the DETAIL lines of a unique violation
// repeat the row's values, which do not belong in an error text.
std::string first_line(const char* message) {
  std::string text(message);
  const auto end = text.find('\n');
  if (end != std::string::npos) text.resize(end);
  return text;
}

std::string describe(std::string_view what, const std::string& message) {
  return "postgresql: " + std::string(what) + ": " + message;
}

bool is_connection_state(const std::string& state) {
  return state.compare(0, 2, "08") == 0 || state == "57P01" || state == "57P02" || state == "57P03";
}

// Whether `e` is a T. libpqxx's leaf exception classes have no key function,
// so their type_info may exist once per shared object and dynamic_cast can
// miss; the mangled names still agree.
template <typename T>
bool is_a(const pqxx::sql_error& e) {
  return dynamic_cast<const T*>(&e) != nullptr ||
         std::strcmp(typeid(e).name(), typeid(T).name()) == 0;
}

// libpqxx 6.4 leaves sqlstate() empty for some of the classes it throws
// (insufficient_privilege among them); the class then tells the state.
std::string state_of(const pqxx::sql_error& e) {
  if (!e.sqlstate().empty()) return e.sqlstate();
  if (is_a<pqxx::insufficient_privilege>(e)) return "42501";
  if (is_a<pqxx::unique_violation>(e)) return "23505";
  if (is_a<pqxx::foreign_key_violation>(e)) return "23503";
  if (is_a<pqxx::disk_full>(e)) return "53100";
  if (is_a<pqxx::out_of_memory>(e)) return "53200";
  return {};
}

[[noreturn]] void throw_sql_error(const pqxx::sql_error& e, std::string_view what, Damage* damage) {
  const std::string state = state_of(e);
  const std::string message = first_line(e.what());
  // Constraint names are identifiers, never translated, so they can be found
  // in the message whatever lc_messages is (libpqxx 6 does not expose the
  // error's constraint field).
  if (state == "23505") {
    if (message.find("idx_customer_contacts_primary") != std::string::npos) {
      throw Conflict("contact.duplicate_primary", "the account already has a primary contact");
    }
    if (message.find("idx_customer_contacts_email_unique") != std::string::npos) {
      throw Conflict("contact.duplicate_email",
                     "another contact of the account has this email address");
    }
  }
  if (state == "23503") {
    // On Supabase auth.users belongs to Supabase's auth service: a session
    // acting as a user it does not know fails on the audit columns' foreign
    // keys (where the migration created auth.users itself, users are
    // registered on first write and this cannot happen).
    for (const char* column : {"created_by", "updated_by"}) {
      if (message.find(std::string("_") + column + "_fkey") != std::string::npos) {
        throw ValidationError({{column, "user.unknown",
                                std::string(column) + " names a user that is not in auth.users"}});
      }
    }
  }
  if (state == "42501") throw PermissionDenied("permission.denied", describe(what, message));
  if (is_connection_state(state)) {
    if (damage != nullptr) *damage = Damage::kConnection;
    throw BackendError("backend.connection", describe(what, message), state);
  }
  const char* code = "backend.error";
  if (state == "55P03" || state == "57014" || state == "40001" || state == "40P01") {
    code = "backend.busy";
  } else if (state == "25006") {
    code = "backend.readonly";
  } else if (state == "53100") {
    code = "backend.full";
  } else if (state == "58030") {
    code = "backend.io";
  } else if (state == "XX001" || state == "XX002") {
    code = "backend.corrupt";
  }
  throw BackendError(code, describe(what, message), state);
}

}  // namespace

void rethrow_translated(std::string_view what, Damage* damage) {
  if (damage != nullptr) *damage = Damage::kNone;
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const pqxx::broken_connection& e) {
    if (damage != nullptr) *damage = Damage::kConnection;
    throw BackendError("backend.connection", describe(what, first_line(e.what())), "08006");
  } catch (const pqxx::in_doubt_error& e) {
    // The commit may or may not have happened; the connection is unusable.
    if (damage != nullptr) *damage = Damage::kConnection;
    throw BackendError(
        "backend.connection",
        describe(what, "connection lost during commit, outcome unknown: " + first_line(e.what())),
        "08007");
  } catch (const pqxx::sql_error& e) {
    throw_sql_error(e, what, damage);
  } catch (const pqxx::deadlock_detected& e) {
    throw BackendError("backend.busy", describe(what, first_line(e.what())), "40P01");
  } catch (const pqxx::statement_completion_unknown& e) {
    if (damage != nullptr) *damage = Damage::kConnection;
    throw BackendError("backend.connection", describe(what, first_line(e.what())), "08007");
  } catch (const pqxx::transaction_rollback& e) {
    throw BackendError("backend.busy", describe(what, first_line(e.what())), "40001");
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    throw BackendError("backend.error", describe(what, first_line(e.what())));
  }
}

}  // namespace custmgmt::detail::postgres
