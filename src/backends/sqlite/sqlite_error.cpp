#include "backends/sqlite/sqlite_error.hpp"

#include <sqlite3.h>

#include "custmgmt/error.hpp"

namespace custmgmt::detail::sqlite {

namespace {

struct CodeName {
  int code;
  const char* name;
};

#define CUSTMGMT_SQLITE_CODE(c) \
  { c, #c }

// Extended codes first so that lookups of an extended code find its own
// name; the primary codes close the table.
constexpr CodeName kCodeNames[] = {
    CUSTMGMT_SQLITE_CODE(SQLITE_ERROR_MISSING_COLLSEQ),
    CUSTMGMT_SQLITE_CODE(SQLITE_ERROR_RETRY),
    CUSTMGMT_SQLITE_CODE(SQLITE_ERROR_SNAPSHOT),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_READ),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_SHORT_READ),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_WRITE),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_FSYNC),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_DIR_FSYNC),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_TRUNCATE),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_FSTAT),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_UNLOCK),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_RDLOCK),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_DELETE),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_NOMEM),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_ACCESS),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_CHECKRESERVEDLOCK),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_LOCK),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_CLOSE),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_SHMOPEN),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_SHMSIZE),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_SHMLOCK),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_SHMMAP),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_SEEK),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_DELETE_NOENT),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_MMAP),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_GETTEMPPATH),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_CONVPATH),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_AUTH),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_BEGIN_ATOMIC),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_COMMIT_ATOMIC),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_ROLLBACK_ATOMIC),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_DATA),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR_CORRUPTFS),
    CUSTMGMT_SQLITE_CODE(SQLITE_LOCKED_SHAREDCACHE),
    CUSTMGMT_SQLITE_CODE(SQLITE_LOCKED_VTAB),
    CUSTMGMT_SQLITE_CODE(SQLITE_BUSY_RECOVERY),
    CUSTMGMT_SQLITE_CODE(SQLITE_BUSY_SNAPSHOT),
    CUSTMGMT_SQLITE_CODE(SQLITE_BUSY_TIMEOUT),
    CUSTMGMT_SQLITE_CODE(SQLITE_CANTOPEN_NOTEMPDIR),
    CUSTMGMT_SQLITE_CODE(SQLITE_CANTOPEN_ISDIR),
    CUSTMGMT_SQLITE_CODE(SQLITE_CANTOPEN_FULLPATH),
    CUSTMGMT_SQLITE_CODE(SQLITE_CANTOPEN_CONVPATH),
    CUSTMGMT_SQLITE_CODE(SQLITE_CANTOPEN_SYMLINK),
    CUSTMGMT_SQLITE_CODE(SQLITE_CORRUPT_VTAB),
    CUSTMGMT_SQLITE_CODE(SQLITE_CORRUPT_SEQUENCE),
    CUSTMGMT_SQLITE_CODE(SQLITE_CORRUPT_INDEX),
    CUSTMGMT_SQLITE_CODE(SQLITE_READONLY_RECOVERY),
    CUSTMGMT_SQLITE_CODE(SQLITE_READONLY_CANTLOCK),
    CUSTMGMT_SQLITE_CODE(SQLITE_READONLY_ROLLBACK),
    CUSTMGMT_SQLITE_CODE(SQLITE_READONLY_DBMOVED),
    CUSTMGMT_SQLITE_CODE(SQLITE_READONLY_CANTINIT),
    CUSTMGMT_SQLITE_CODE(SQLITE_READONLY_DIRECTORY),
    CUSTMGMT_SQLITE_CODE(SQLITE_ABORT_ROLLBACK),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT_CHECK),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT_COMMITHOOK),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT_FOREIGNKEY),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT_FUNCTION),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT_NOTNULL),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT_PRIMARYKEY),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT_TRIGGER),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT_UNIQUE),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT_VTAB),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT_ROWID),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT_PINNED),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT_DATATYPE),
    CUSTMGMT_SQLITE_CODE(SQLITE_OK),
    CUSTMGMT_SQLITE_CODE(SQLITE_ERROR),
    CUSTMGMT_SQLITE_CODE(SQLITE_INTERNAL),
    CUSTMGMT_SQLITE_CODE(SQLITE_PERM),
    CUSTMGMT_SQLITE_CODE(SQLITE_ABORT),
    CUSTMGMT_SQLITE_CODE(SQLITE_BUSY),
    CUSTMGMT_SQLITE_CODE(SQLITE_LOCKED),
    CUSTMGMT_SQLITE_CODE(SQLITE_NOMEM),
    CUSTMGMT_SQLITE_CODE(SQLITE_READONLY),
    CUSTMGMT_SQLITE_CODE(SQLITE_INTERRUPT),
    CUSTMGMT_SQLITE_CODE(SQLITE_IOERR),
    CUSTMGMT_SQLITE_CODE(SQLITE_CORRUPT),
    CUSTMGMT_SQLITE_CODE(SQLITE_NOTFOUND),
    CUSTMGMT_SQLITE_CODE(SQLITE_FULL),
    CUSTMGMT_SQLITE_CODE(SQLITE_CANTOPEN),
    CUSTMGMT_SQLITE_CODE(SQLITE_PROTOCOL),
    CUSTMGMT_SQLITE_CODE(SQLITE_EMPTY),
    CUSTMGMT_SQLITE_CODE(SQLITE_SCHEMA),
    CUSTMGMT_SQLITE_CODE(SQLITE_TOOBIG),
    CUSTMGMT_SQLITE_CODE(SQLITE_CONSTRAINT),
    CUSTMGMT_SQLITE_CODE(SQLITE_MISMATCH),
    CUSTMGMT_SQLITE_CODE(SQLITE_MISUSE),
    CUSTMGMT_SQLITE_CODE(SQLITE_NOLFS),
    CUSTMGMT_SQLITE_CODE(SQLITE_AUTH),
    CUSTMGMT_SQLITE_CODE(SQLITE_FORMAT),
    CUSTMGMT_SQLITE_CODE(SQLITE_RANGE),
    CUSTMGMT_SQLITE_CODE(SQLITE_NOTADB),
};

#undef CUSTMGMT_SQLITE_CODE

const char* find_name(int rc) {
  for (const auto& entry : kCodeNames) {
    if (entry.code == rc) return entry.name;
  }
  return nullptr;
}

// The public code for everything that is not a recognised unique violation.
const char* public_code(int primary) {
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "backend.busy";
    case SQLITE_READONLY:
      return "backend.readonly";
    case SQLITE_FULL:
      return "backend.full";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "backend.corrupt";
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return "backend.io";
    default:
      return "backend.error";
  }
}

[[noreturn]] void throw_translated(int rc, std::string_view what, std::string_view message) {
  const int primary = rc & 0xff;
  if (primary == SQLITE_CONSTRAINT) {
    // SQLite names the columns of the violated unique index: (account,
    // email_key) for the email rule, the account alone for the primary
    // rule; an index on expressions would be named instead. Only schema
    // names appear in these messages, never values, so nothing of another
    // user leaks.
    if (message.find("customer_contacts.email_key") != std::string_view::npos ||
        message.find("idx_customer_contacts_email_unique") != std::string_view::npos) {
      throw Conflict("contact.duplicate_email",
                     "another contact of this account already has this email address");
    }
    if (message.find("customer_contacts.customer_account_id") != std::string_view::npos ||
        message.find("idx_customer_contacts_primary") != std::string_view::npos) {
      throw Conflict("contact.duplicate_primary", "this account already has a primary contact");
    }
  }
  std::string text = "sqlite: ";
  text.append(what);
  text += ": ";
  text.append(message);
  throw BackendError(public_code(primary), text, result_code_name(rc));
}

}  // namespace

std::string result_code_name(int rc) {
  if (const char* name = find_name(rc)) return name;
  if (const char* name = find_name(rc & 0xff)) return name;
  return "SQLITE_" + std::to_string(rc);
}

void throw_error(sqlite3* db, int rc, std::string_view what) {
  // sqlite3_errmsg() describes the most recent failure of `db`, which is the
  // one we are reporting: callers translate immediately after the failing
  // call. Without a handle only the generic text for the code is known.
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw_translated(rc, what, message != nullptr ? message : "");
}

void throw_error_message(int rc, std::string_view what, std::string_view message) {
  throw_translated(rc, what, message);
}

}  // namespace custmgmt::detail::sqlite
