/* Downstream C program against an installed custmgmt: built by the CMake
 * consumer (custmgmt::custmgmt_c) and by the pkg-config test with
 *   cc -std=c11 main.c $(pkg-config --cflags --libs custmgmt-c)
 * Round trip: open a SQLite file, create an account and a contact, search,
 * read back, and see a validation error. Usage: consumer_c PATH.db */
#include <custmgmt/custmgmt.h>

#include <stdio.h>
#include <string.h>

static int failures = 0;

static void check(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "FAILED: %s (last error: %s %s)\n", what, cm_last_error_code(),
            cm_last_error_message());
    ++failures;
  }
}

int main(int argc, char** argv) {
  cm_store* store = NULL;
  cm_session* session = NULL;
  cm_page* page = NULL;
  char* account = NULL;
  char* contact = NULL;
  char* phone = NULL;
  char* bad = NULL;
  char contact_json[256];
  int64_t account_id = 0;
  size_t count = 0;

  if (argc != 2) {
    fprintf(stderr, "usage: consumer_c PATH.db\n");
    return 2;
  }
  remove(argv[1]);
  check(strcmp(cm_version(), CM_VERSION_STRING) == 0, "cm_version() == CM_VERSION_STRING");

  if (cm_store_open(&store, argv[1], NULL) != CM_OK) {
    fprintf(stderr, "cm_store_open: %s\n", cm_last_error_message());
    return 1;
  }
  check(cm_session_open(&session, store, "6f1c2a54-93a8-4c1e-9d4b-2f0e8a7b1c3d") == CM_OK,
        "cm_session_open");
  check(cm_account_create(&account, session,
                          "{\"company_name\": \"Downstream C Works\","
                          " \"customer_type\": \"Commercial\","
                          " \"billing_address\": {\"city\": \"Ottawa\", \"state\": \"Ontario\","
                          " \"zip\": \"k1a 0b1\", \"country\": \"Canada\"}}") == CM_OK,
        "cm_account_create");
  check(account != NULL && cm_json_get_int64(&account_id, account, "id") == CM_OK,
        "the stored account has an id");

  snprintf(contact_json, sizeof contact_json,
           "{\"customer_account_id\": %lld, \"contact_name\": \"Grace\","
           " \"phone\": \"+44 20 7946 0958\", \"is_primary_contact\": true}",
           (long long)account_id);
  check(cm_contact_add(&contact, session, contact_json) == CM_OK, "cm_contact_add");
  check(contact != NULL && cm_json_get_string(&phone, contact, "phone") == CM_OK &&
            phone != NULL && strcmp(phone, "+442079460958") == 0,
        "phone stored as E.164");

  check(cm_account_search(&page, session, "{\"text\": \"downstream c\"}") == CM_OK &&
            cm_page_count(&count, page) == CM_OK && count == 1,
        "prefix search finds the account");

  check(cm_account_create(&bad, session, "{\"company_name\": \"\"}") == CM_ERR_VALIDATION &&
            bad == NULL && cm_last_error_field_count() >= 1,
        "an empty company_name is a validation error");

  cm_page_free(page);
  cm_string_free(phone);
  cm_string_free(contact);
  cm_string_free(account);
  cm_session_free(session);
  cm_store_free(store);
  if (failures == 0) printf("C consumer ok: custmgmt %s\n", cm_version());
  return failures == 0 ? 0 : 1;
}
