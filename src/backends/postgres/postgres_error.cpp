#include "backends/postgres/postgres_error.hpp"

#include <exception>
#include <pqxx/except>
#include <string>

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

[[noreturn]] void throw_sql_error(const pqxx::sql_error& e, std::string_view what, Damage* damage) {
  const std::string& state = e.sqlstate();
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
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    throw BackendError("backend.error", describe(what, first_line(e.what())));
  }
}

}  // namespace custmgmt::detail::postgres
