/* onboard.c -- onboarding a commercial customer through the C interface of
 * custmgmt (custmgmt/custmgmt.h). onboard.py does the same task in Python.
 *
 *   onboard [PATH]   (default: onboard.db; created and migrated when missing)
 *
 * Creates a commercial account and two contacts in one transaction, makes one
 * contact the primary, finds the account again by a name prefix and the
 * contact by its phone number typed another way, shows a rejected record with
 * its field errors, archives and restores the account, prints statistics,
 * exports the account with its contacts as NDJSON, and finally removes the
 * account (and so its contacts) so that the program
 * can run any number of times on the same file.
 *
 * Every status is checked. On the first unexpected one the program prints the
 * last error of its thread and exits with 1. Each function frees what it
 * holds at a single `done` label: every string and handle the library returns
 * has its own cm_*_free() function, and cm_*_free(NULL) does nothing, so
 * pointers start as NULL and are freed unconditionally.
 */
#include <inttypes.h>
#include <stdio.h>

#include "custmgmt/custmgmt.h"

/* The acting user (the spec's auth.uid()): a session sees only the accounts
 * its user created or last updated. */
static const char* const kAgent = "3d9f0c52-8b1e-4f6a-a7c4-5e2b1d0c9f87";

/* ------------------------------------------------------------ errors */

/* Prints the field errors of the last error (set for CM_ERR_VALIDATION). */
static void print_field_errors(FILE* to) {
  const size_t count = cm_last_error_field_count();
  for (size_t i = 0; i < count; ++i) {
    const char* field = NULL;
    const char* code = NULL;
    const char* message = NULL;
    if (cm_last_error_field(&field, &code, &message, i) == CM_OK) {
      fprintf(to, "  %s: %s (%s)\n", field[0] != '\0' ? field : "(document)", code, message);
    }
  }
}

/* True for CM_OK; otherwise prints the thread's last error and returns 0. */
static int ok(cm_status status, const char* call) {
  if (status == CM_OK) return 1;
  fprintf(stderr, "%s failed: %s %s: %s\n", call, cm_status_name(status), cm_last_error_code(),
          cm_last_error_message());
  print_field_errors(stderr);
  return 0;
}

/* Runs a call; on failure reports it and jumps to the function's `done`. */
#define CHECK(call)                    \
  do {                                 \
    if (!ok((call), #call)) goto done; \
  } while (0)

/* Writes {"customer_account_id":ID,FIELDS} into `buf`. FIELDS is constant
 * text here; JSON built from user input needs proper escaping. */
static int contact_json(char* buf, size_t size, int64_t account_id, const char* fields) {
  const int n = snprintf(buf, size, "{\"customer_account_id\":%" PRId64 ",%s}", account_id, fields);
  if (n < 0 || (size_t)n >= size) {
    fprintf(stderr, "contact JSON does not fit in %zu bytes\n", size);
    return 0;
  }
  return 1;
}

/* True when a search found `want` records; otherwise says so. */
static int expect_found(size_t got, size_t want, const char* what) {
  if (got == want) return 1;
  fprintf(stderr, "%s: found %zu, expected %zu\n", what, got, want);
  return 0;
}

/* ------------------------------------------------------------ steps */

/* Creates the account and both contacts atomically: when any call fails,
 * cm_txn_free() rolls back the transaction and nothing is stored. */
static int onboard(int64_t* out_account, int64_t* out_maria, int64_t* out_thomas,
                   cm_session* agent) {
  static const char* const kAccount =
      "{\"company_name\":\"Northwind Traders\",\"customer_type\":\"Commercial\","
      "\"billing_address\":{\"street\":\"1 Harbor Way\",\"city\":\"Seattle\","
      "\"state\":\"washington\",\"zip\":\"98101\",\"country\":\"USA\"},"
      "\"tags\":[\"wholesale\",\"new\"]}";
  static const char* const kContacts[2] = {
      "\"contact_name\":\"Maria Anders\",\"email\":\"Maria.Anders@NORTHWIND.example\","
      "\"phone\":\"(206) 555-0143\",\"role\":\"Purchasing\"",
      "\"contact_name\":\"Thomas Hardy\",\"email\":\"thomas.hardy@northwind.example\","
      "\"phone\":\"+1 206 555 0178 ext. 12\",\"role\":\"Accounts payable\""};
  int64_t* const ids[2] = {out_maria, out_thomas};
  int success = 0;
  cm_txn* txn = NULL;
  char* account = NULL;
  char* name = NULL;
  char* contact = NULL;
  char* email = NULL;
  char* phone = NULL;
  char json[512];

  CHECK(cm_txn_begin(&txn, agent));
  CHECK(cm_account_create(&account, agent, kAccount));
  CHECK(cm_json_get_int64(out_account, account, "id"));
  CHECK(cm_json_get_string(&name, account, "company_name"));
  printf("Onboarded account #%" PRId64 " %s\n", *out_account, name);
  for (int i = 0; i < 2; ++i) {
    if (!contact_json(json, sizeof json, *out_account, kContacts[i])) goto done;
    CHECK(cm_contact_add(&contact, agent, json));
    CHECK(cm_json_get_int64(ids[i], contact, "id"));
    cm_string_free(name);
    name = NULL;
    CHECK(cm_json_get_string(&name, contact, "contact_name"));
    CHECK(cm_json_get_string(&email, contact, "email"));
    CHECK(cm_json_get_string(&phone, contact, "phone"));
    printf("  contact #%" PRId64 " %s <%s> %s\n", *ids[i], name, email, phone);
    cm_string_free(contact);
    cm_string_free(email);
    cm_string_free(phone);
    contact = email = phone = NULL;
  }
  CHECK(cm_txn_commit(txn));
  success = 1;
done:
  cm_txn_free(txn); /* rolls back unless committed */
  cm_string_free(account);
  cm_string_free(name);
  cm_string_free(contact);
  cm_string_free(email);
  cm_string_free(phone);
  return success;
}

/* Makes `contact_id` the primary contact (clearing the previous primary, if
 * any, atomically) and lists the contacts, primary first. */
static int make_primary(cm_session* agent, int64_t account_id, int64_t contact_id) {
  int success = 0;
  char* primary = NULL;
  cm_page* page = NULL;
  char* name = NULL;
  size_t count = 0;

  CHECK(cm_contact_set_primary(&primary, agent, contact_id));
  CHECK(cm_contact_list(&page, agent, account_id, NULL, 50));
  CHECK(cm_page_count(&count, page));
  printf("Contacts, primary first:\n");
  for (size_t i = 0; i < count; ++i) {
    const char* item = NULL; /* borrowed from the page */
    int is_primary = 0;
    CHECK(cm_page_item(&item, page, i));
    CHECK(cm_json_get_bool(&is_primary, item, "is_primary_contact"));
    CHECK(cm_json_get_string(&name, item, "contact_name"));
    printf("  %s %s\n", is_primary ? "*" : " ", name);
    cm_string_free(name);
    name = NULL;
  }
  success = 1;
done:
  cm_string_free(primary);
  cm_page_free(page);
  cm_string_free(name);
  return success;
}

/* Searches accounts by name prefix and prints the hits; `*out_count` is the
 * number found on the first page. */
static int search_accounts(size_t* out_count, cm_session* agent, const char* query_json,
                           const char* label) {
  int success = 0;
  cm_page* page = NULL;
  char* name = NULL;

  CHECK(cm_account_search(&page, agent, query_json));
  CHECK(cm_page_count(out_count, page));
  printf("Search %s: %zu found\n", label, *out_count);
  for (size_t i = 0; i < *out_count; ++i) {
    const char* item = NULL;
    int64_t id = 0;
    CHECK(cm_page_item(&item, page, i));
    CHECK(cm_json_get_int64(&id, item, "id"));
    CHECK(cm_json_get_string(&name, item, "company_name"));
    printf("  #%" PRId64 " %s\n", id, name);
    cm_string_free(name);
    name = NULL;
  }
  success = 1;
done:
  cm_page_free(page);
  cm_string_free(name);
  return success;
}

/* Finds the contact again by its phone number typed another way: phones are
 * compared as E.164, the typed form is kept in phone_display. */
static int find_by_phone(cm_session* agent, int64_t contact_id) {
  int success = 0;
  cm_page* page = NULL;
  char* name = NULL;
  char* phone = NULL;
  char* display = NULL;
  size_t count = 0;

  CHECK(cm_contact_search(&page, agent, "{\"phone\":\"206.555.0143\"}"));
  CHECK(cm_page_count(&count, page));
  printf("Phone \"206.555.0143\": %zu found\n", count);
  for (size_t i = 0; i < count; ++i) {
    const char* item = NULL;
    int64_t id = 0;
    CHECK(cm_page_item(&item, page, i));
    CHECK(cm_json_get_int64(&id, item, "id"));
    if (id != contact_id) {
      fprintf(stderr, "the phone search found contact #%" PRId64 ", not #%" PRId64 "\n", id,
              contact_id);
      goto done;
    }
    CHECK(cm_json_get_string(&name, item, "contact_name"));
    CHECK(cm_json_get_string(&phone, item, "phone"));
    CHECK(cm_json_get_string(&display, item, "phone_display"));
    printf("  %s %s (typed \"%s\")\n", name, phone, display);
    cm_string_free(name);
    cm_string_free(phone);
    cm_string_free(display);
    name = phone = display = NULL;
  }
  success = expect_found(count, 1, "phone search");
done:
  cm_page_free(page);
  cm_string_free(name);
  cm_string_free(phone);
  cm_string_free(display);
  return success;
}

/* A contact with three bad fields is rejected whole: CM_ERR_VALIDATION with
 * one field error per field, and nothing stored. */
static int show_validation_error(cm_session* agent, int64_t account_id) {
  char* stored = NULL;
  char json[256];
  cm_status status;

  if (!contact_json(json, sizeof json, account_id,
                    "\"contact_name\":\"\",\"email\":\"maria@\",\"phone\":\"555\"")) {
    return 0;
  }
  status = cm_contact_add(&stored, agent, json);
  if (status != CM_ERR_VALIDATION) {
    cm_string_free(stored); /* non-NULL only if it was stored after all */
    fprintf(stderr, "expected CM_ERR_VALIDATION, got %s %s\n", cm_status_name(status),
            cm_last_error_code());
    return 0;
  }
  printf("Rejected contact: %s %s, %zu field errors\n", cm_status_name(status),
         cm_last_error_code(), cm_last_error_field_count());
  print_field_errors(stdout);
  return 1;
}

/* Archives the account (hidden from search) and restores it. */
static int archive_and_restore(cm_session* agent, int64_t account_id) {
  static const char* const kQuery = "{\"text\":\"northw\"}";
  int success = 0;
  char* account = NULL;
  char* archived_at = NULL;
  size_t count = 0;

  CHECK(cm_account_archive(&account, agent, account_id));
  CHECK(cm_json_get_string(&archived_at, account, "archived_at"));
  printf("Archived #%" PRId64 "\n", account_id);
  if (!search_accounts(&count, agent, kQuery, "\"northw\" after archiving") ||
      !expect_found(count, 0, "search after archiving")) {
    goto done;
  }
  cm_string_free(account);
  account = NULL;
  CHECK(cm_account_restore(&account, agent, account_id));
  printf("Restored #%" PRId64 "\n", account_id);
  if (!search_accounts(&count, agent, kQuery, "\"northw\" after restoring") ||
      !expect_found(count, 1, "search after restoring")) {
    goto done;
  }
  success = 1;
done:
  cm_string_free(account);
  cm_string_free(archived_at);
  return success;
}

/* Statistics over the accounts the session sees, read with flat accessors. */
static int print_stats(cm_session* agent) {
  static const char* const kKeys[] = {"total_accounts", "commercial_accounts", "archived_accounts",
                                      "total_contacts", "accounts_without_primary_contact"};
  int success = 0;
  char* stats = NULL;

  CHECK(cm_account_stats(&stats, agent, "{\"months\":1,\"top_tags\":5}"));
  printf("Stats:");
  for (size_t i = 0; i < sizeof kKeys / sizeof kKeys[0]; ++i) {
    int64_t value = 0;
    CHECK(cm_json_get_int64(&value, stats, kKeys[i]));
    printf(" %s=%" PRId64, kKeys[i], value);
  }
  printf("\n");
  success = 1;
done:
  cm_string_free(stats);
  return success;
}

/* Exports the account with its contacts as NDJSON (one JSON object per line)
 * into memory and prints it; cm_export_file() writes a file the same way and
 * cm_import_file() reads it back. */
static int export_account(cm_session* agent, int64_t account_id) {
  int success = 0;
  char options[64];
  char* ndjson = NULL;
  size_t size = 0;
  char* report = NULL;
  char* name = NULL;
  int64_t accounts = 0;
  int64_t contacts = 0;

  snprintf(options, sizeof options, "{\"format\":\"ndjson\",\"account_id\":%" PRId64 "}",
           account_id);
  CHECK(cm_export_buffer(&ndjson, &size, &report, agent, options, NULL, NULL));
  CHECK(cm_json_get_int64(&accounts, report, "accounts"));
  CHECK(cm_json_get_int64(&contacts, report, "contacts"));
  CHECK(cm_json_get_string(&name, ndjson, "company_name")); /* one line: one object */
  printf("Exported %" PRId64 " account, %" PRId64 " contacts: %s with %" PRId64 " contacts\n",
         accounts, contacts, name, contacts);
  fwrite(ndjson, 1, size, stdout);
  success = 1;
done:
  cm_string_free(ndjson);
  cm_string_free(report);
  cm_string_free(name);
  return success;
}

/* Deletes the account and, with it, its contacts. */
static int remove_account(cm_session* agent, int64_t account_id) {
  int success = 0;
  char* found = NULL;

  CHECK(cm_account_remove(agent, account_id));
  CHECK(cm_account_find(&found, agent, account_id)); /* CM_OK, NULL: gone */
  printf("Removed #%" PRId64 " and its contacts: %s\n", account_id,
         found == NULL ? "gone" : "still there");
  success = found == NULL;
done:
  cm_string_free(found);
  return success;
}

/* ------------------------------------------------------------ main */

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "onboard.db";
  int success = 0;
  cm_store_options options = CM_STORE_OPTIONS_INIT;
  cm_store* store = NULL;
  cm_session* agent = NULL;
  char* backend = NULL;
  int64_t account = 0;
  int64_t maria = 0;
  int64_t thomas = 0;
  size_t found = 0;

  options.default_region = "US"; /* numbers written without +country */
  CHECK(cm_store_open(&store, path, &options));
  CHECK(cm_store_backend_name(&backend, store));
  printf("custmgmt %s, %s store %s\n", cm_version(), backend, path);
  CHECK(cm_session_open(&agent, store, kAgent));

  if (!onboard(&account, &maria, &thomas, agent)) goto done;
  if (!make_primary(agent, account, thomas)) goto done;
  if (!search_accounts(&found, agent, "{\"text\":\"northw\"}", "\"northw\"") ||
      !expect_found(found, 1, "name search")) {
    goto done;
  }
  if (!find_by_phone(agent, maria)) goto done;
  if (!show_validation_error(agent, account)) goto done;
  if (!archive_and_restore(agent, account)) goto done;
  if (!print_stats(agent)) goto done;
  if (!export_account(agent, account)) goto done;
  if (!remove_account(agent, account)) goto done;
  printf("Done\n");
  success = 1;
done:
  cm_session_free(agent);
  cm_store_free(store);
  cm_string_free(backend);
  return success ? 0 : 1;
}
