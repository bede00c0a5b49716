/* Tests of the C ABI (custmgmt.h), written in C11.
 *
 * Usage: capi_test [URI | --env VAR]
 *   With no argument every test runs on a fresh SQLite file in a temporary
 *   directory. With a URI the store tests run there (the schema tests, which
 *   migrate down to 0, then use their own SQLite file). With --env VAR the
 *   URI is read from the environment; when VAR is unset the run is skipped
 *   (exit code 77).
 * Every allocation is released so that the run is clean under valgrind.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "custmgmt/custmgmt.h"

#include "capi_harness.h"

/* ------------------------------------------------------------ fixtures */

static cm_store* open_store(void) {
  cm_store* store = NULL;
  if (cm_store_open(&store, g_uri, NULL) != CM_OK) {
    fprintf(stderr, "cannot open %s: %s\n", g_uri, cm_last_error_message());
    exit(1);
  }
  return store;
}

static cm_session* user_session(cm_store* store, char uuid_out[37]) {
  cm_session* s = NULL;
  char local[37];
  char* uuid = uuid_out != NULL ? uuid_out : local;
  new_uuid(uuid);
  if (cm_session_open(&s, store, uuid) != CM_OK) {
    fprintf(stderr, "cannot open a session: %s\n", cm_last_error_message());
    exit(1);
  }
  return s;
}

/* Creates an account and returns its JSON (cm_string_free) or NULL. */
static char* create_account(cm_session* s, const char* name, const char* type, const char* extra) {
  char* in = format("{\"company_name\":\"%s\",\"customer_type\":\"%s\"%s}", name, type,
                    extra ? extra : "");
  char* out = NULL;
  cm_status st = cm_account_create(&out, s, in);
  if (st != CM_OK) {
    fprintf(stderr, "create_account(%s) failed: %s\n", in, cm_last_error_message());
    ++g_failures;
  }
  free(in);
  return out;
}

/* Number of accounts visible to `s` (archived too) named exactly `name`.
 * Used after rollbacks, where SQLite may hand the rolled-back id out again. */
static size_t count_named(cm_session* s, const char* name) {
  char* quoted = json_quote(name);
  char* query = format("{\"text\":%s,\"archived\":\"include\",\"limit\":1000}", quoted);
  cm_page* page = NULL;
  size_t count = 0, i, found = 0;
  if (cm_account_search(&page, s, query) == CM_OK && cm_page_count(&count, page) == CM_OK) {
    for (i = 0; i < count; ++i) {
      const char* item = NULL;
      char* company = NULL;
      if (cm_page_item(&item, page, i) == CM_OK &&
          cm_json_get_string(&company, item, "company_name") == CM_OK && streq(company, name)) {
        ++found;
      }
      cm_string_free(company);
    }
  } else {
    fail(__FILE__, __LINE__, "count_named: search failed");
  }
  cm_page_free(page);
  free(query);
  free(quoted);
  return found;
}

static int64_t create_account_id(cm_session* s, const char* name, const char* type,
                                 const char* extra) {
  char* json = create_account(s, name, type, extra);
  int64_t id = json ? json_int(json, "id") : -1;
  cm_string_free(json);
  return id;
}

/* ------------------------------------------------------------ tests */

static void test_version_and_status_names(void) {
  CHECK_STR(cm_version(), CM_VERSION_STRING);
  CHECK_STR(cm_status_name(CM_OK), "CM_OK");
  CHECK_STR(cm_status_name(CM_ERR_CONFLICT), "CM_ERR_CONFLICT");
  CHECK_STR(cm_status_name(CM_ERR_INTERNAL), "CM_ERR_INTERNAL");
  CHECK_STR(cm_status_name((cm_status)42), "CM_UNKNOWN");
}

static void test_free_functions_accept_null(void) {
  cm_string_free(NULL);
  cm_store_free(NULL);
  cm_session_free(NULL);
  cm_txn_free(NULL);
  cm_page_free(NULL);
  CHECK(1);
}

static void test_null_arguments_are_invalid_argument(void) {
  cm_store* store = open_store();
  cm_session* s = user_session(store, NULL);
  cm_store* st = NULL;
  cm_session* se = NULL;
  cm_txn* tx = NULL;
  cm_page* pg = NULL;
  char* str = NULL;
  const char* cstr = NULL;
  int i = 0;
  int64_t n = 0;
  size_t z = 0;
  cm_store_options opts = CM_STORE_OPTIONS_INIT;

#define NULL_ARG(call)                                \
  do {                                                \
    EXPECT(call, CM_ERR_INVALID_ARGUMENT);            \
    CHECK_STR(cm_last_error_code(), "argument.null"); \
  } while (0)

  NULL_ARG(cm_store_options_init(NULL, CM_STORE_OPTIONS_VERSION));
  NULL_ARG(cm_store_open(NULL, ":memory:", NULL));
  NULL_ARG(cm_store_open(&st, NULL, &opts));
  CHECK(st == NULL);
  NULL_ARG(cm_store_backend_name(NULL, store));
  NULL_ARG(cm_store_backend_name(&str, NULL));
  NULL_ARG(cm_store_schema_version(NULL, store));
  NULL_ARG(cm_store_schema_version(&i, NULL));
  NULL_ARG(cm_store_latest_schema_version(&i, NULL));
  NULL_ARG(cm_store_migrate(NULL, 1));
  NULL_ARG(cm_session_open(&se, NULL, "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"));
  NULL_ARG(cm_session_open(&se, store, NULL));
  NULL_ARG(cm_session_open(NULL, store, "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"));
  NULL_ARG(cm_session_open_service(NULL, store, NULL));
  NULL_ARG(cm_session_open_service(&se, NULL, NULL));
  CHECK(se == NULL);
  NULL_ARG(cm_session_user(NULL, s));
  NULL_ARG(cm_session_user(&str, NULL));
  NULL_ARG(cm_session_is_service(&i, NULL));
  NULL_ARG(cm_txn_begin(&tx, NULL));
  NULL_ARG(cm_txn_begin(NULL, s));
  NULL_ARG(cm_txn_commit(NULL));
  NULL_ARG(cm_txn_rollback(NULL));
  NULL_ARG(cm_txn_is_active(&i, NULL));
  NULL_ARG(cm_account_create(&str, s, NULL));
  NULL_ARG(cm_account_create(&str, NULL, "{}"));
  NULL_ARG(cm_account_create(NULL, s, "{}"));
  NULL_ARG(cm_account_get(NULL, s, 1));
  NULL_ARG(cm_account_get(&str, NULL, 1));
  NULL_ARG(cm_account_find(&str, NULL, 1));
  NULL_ARG(cm_account_update(&str, s, NULL));
  NULL_ARG(cm_account_update(&str, NULL, "{}"));
  NULL_ARG(cm_account_remove(NULL, 1));
  NULL_ARG(cm_account_archive(&str, NULL, 1));
  NULL_ARG(cm_account_restore(&str, NULL, 1));
  NULL_ARG(cm_account_search(&pg, NULL, NULL));
  NULL_ARG(cm_account_search(NULL, s, NULL));
  NULL_ARG(cm_account_stats(&str, NULL, NULL));
  NULL_ARG(cm_contact_add(&str, s, NULL));
  NULL_ARG(cm_contact_add(&str, NULL, "{}"));
  NULL_ARG(cm_contact_get(&str, NULL, 1));
  NULL_ARG(cm_contact_find(NULL, s, 1));
  NULL_ARG(cm_contact_update(&str, s, NULL));
  NULL_ARG(cm_contact_remove(NULL, 1));
  NULL_ARG(cm_contact_list(&pg, NULL, 1, NULL, 10));
  NULL_ARG(cm_contact_list(NULL, s, 1, NULL, 10));
  NULL_ARG(cm_contact_set_primary(&str, NULL, 1));
  NULL_ARG(cm_contact_search(&pg, s, NULL));
  NULL_ARG(cm_contact_search(&pg, NULL, "{\"text\":\"x\"}"));
  NULL_ARG(cm_page_count(&z, NULL));
  NULL_ARG(cm_page_item(&cstr, NULL, 0));
  NULL_ARG(cm_page_next_cursor(&cstr, NULL));
  NULL_ARG(cm_page_json(&cstr, NULL));
  NULL_ARG(cm_validate_email(&str, NULL));
  NULL_ARG(cm_validate_email(NULL, "a@b.example"));
  NULL_ARG(cm_validate_phone(&str, NULL, NULL, NULL, NULL));
  NULL_ARG(cm_validate_phone(NULL, NULL, NULL, "+14155552671", NULL));
  NULL_ARG(cm_validate_address(&str, NULL));
  NULL_ARG(cm_country_alpha2(&str, NULL));
  NULL_ARG(cm_json_get_int64(&n, NULL, "id"));
  NULL_ARG(cm_json_get_int64(&n, "{}", NULL));
  NULL_ARG(cm_json_get_bool(NULL, "{}", "x"));
  NULL_ARG(cm_json_get_string(&str, NULL, "x"));
  CHECK(str == NULL && tx == NULL && pg == NULL);
#undef NULL_ARG

  /* Out parameters are reset even when the call fails later. */
  str = (char*)"stale";
  EXPECT(cm_account_get(&str, s, 987654321), CM_ERR_NOT_FOUND);
  CHECK(str == NULL);
  EXPECT(cm_last_error_json(NULL), CM_ERR_INVALID_ARGUMENT);

  cm_session_free(s);
  cm_store_free(store);
}

static void test_store_options_and_open_errors(void) {
  cm_store_options opts;
  cm_store_options defaults = CM_STORE_OPTIONS_INIT;
  cm_store* store = (cm_store*)&opts; /* must be reset to NULL on failure */
  char* name = NULL;
  char path[512];

  OK(cm_store_options_init(&opts, CM_STORE_OPTIONS_VERSION));
  CHECK(opts.version == CM_STORE_OPTIONS_VERSION && opts.default_region == NULL);
  CHECK(opts.busy_timeout_ms == defaults.busy_timeout_ms && opts.migrate_on_open == 1);
  EXPECT(cm_store_options_init(&opts, 99), CM_ERR_INVALID_ARGUMENT);
  CHECK_STR(cm_last_error_code(), "options.version_unknown");

  OK(cm_store_options_init(&opts, CM_STORE_OPTIONS_VERSION));
  opts.version = 0;
  EXPECT(cm_store_open(&store, ":memory:", &opts), CM_ERR_INVALID_ARGUMENT);
  CHECK(store == NULL);

  OK(cm_store_options_init(&opts, CM_STORE_OPTIONS_VERSION));
  opts.default_region = "XX";
  EXPECT(cm_store_open(&store, ":memory:", &opts), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("default_region", "phone.region_invalid");

  OK(cm_store_options_init(&opts, CM_STORE_OPTIONS_VERSION));
  opts.busy_timeout_ms = -1;
  EXPECT(cm_store_open(&store, ":memory:", &opts), CM_ERR_VALIDATION);
  CHECK(cm_last_error_field_count() > 0);

  EXPECT(cm_store_open(&store, "", NULL), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("uri", "store.uri_invalid");
  CHECK(store == NULL);

  snprintf(path, sizeof path, "sqlite:%s/no/such/dir/x.db", g_tmpdir);
  EXPECT(cm_store_open(&store, path, NULL), CM_ERR_BACKEND);
  CHECK(cm_last_error_backend_code()[0] != '\0');
  CHECK(store == NULL);

  OK(cm_store_options_init(&opts, CM_STORE_OPTIONS_VERSION));
  opts.default_region = "GB";
  opts.busy_timeout_ms = 100;
  REQUIRE_OK(cm_store_open(&store, ":memory:", &opts));
  OK(cm_store_backend_name(&name, store));
  CHECK_STR(name, "sqlite");
  cm_string_free(name);
  cm_store_free(store);
}

static void test_default_region_applies_to_contact_phones(void) {
  cm_store_options opts = CM_STORE_OPTIONS_INIT;
  cm_store* store = NULL;
  cm_session* s;
  int64_t account;
  char *in, *out = NULL, *phone = NULL;
  opts.default_region = "DE";
  REQUIRE_OK(cm_store_open(&store, g_uri, &opts));
  s = user_session(store, NULL);
  account = create_account_id(s, "Berlin GmbH", "Commercial", NULL);
  in = format("{\"customer_account_id\":%" PRId64
              ",\"contact_name\":\"Jan\",\"phone\":\"030 123456\"}",
              account);
  OK(cm_contact_add(&out, s, in));
  OK(cm_json_get_string(&phone, out, "phone"));
  CHECK_STR(phone, "+4930123456");
  cm_string_free(phone);
  cm_string_free(out);
  free(in);
  cm_session_free(s);
  cm_store_free(store);
}

static void test_sessions_user_and_service(void) {
  cm_store* store = open_store();
  cm_session *s = NULL, *svc = NULL;
  char uuid[37];
  char upper[37];
  char* user = NULL;
  int flag = -1;
  size_t i;

  EXPECT(cm_session_open(&s, store, "not-a-uuid"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("user", "uuid.invalid");
  CHECK(s == NULL);
  EXPECT(cm_session_open_service(&svc, store, "nope"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("audit_user", "uuid.invalid");

  new_uuid(uuid);
  for (i = 0; i < sizeof uuid; ++i) {
    upper[i] = (uuid[i] >= 'a' && uuid[i] <= 'f') ? (char)(uuid[i] - 'a' + 'A') : uuid[i];
  }
  REQUIRE_OK(cm_session_open(&s, store, upper));
  OK(cm_session_user(&user, s));
  CHECK_STR(user, uuid); /* normalised to lower case */
  cm_string_free(user);
  user = NULL;
  OK(cm_session_is_service(&flag, s));
  CHECK(flag == 0);

  REQUIRE_OK(cm_session_open_service(&svc, store, NULL));
  OK(cm_session_is_service(&flag, svc));
  CHECK(flag == 1);
  OK(cm_session_user(&user, svc));
  CHECK(user == NULL);
  cm_session_free(svc);
  svc = NULL;
  REQUIRE_OK(cm_session_open_service(&svc, store, uuid));
  OK(cm_session_user(&user, svc));
  CHECK_STR(user, uuid);
  cm_string_free(user);

  /* A session outlives the store handle it came from. */
  cm_store_free(store);
  {
    char* json = create_account(s, "After Store Free", "Commercial", NULL);
    CHECK(json != NULL);
    cm_string_free(json);
  }
  cm_session_free(s);
  cm_session_free(svc);
}

static void test_account_crud_round_trip(void) {
  cm_store* store = open_store();
  char uuid[37];
  cm_session* s = user_session(store, uuid);
  char *created, *got = NULL, *again = NULL, *str = NULL, *upd_in, *updated = NULL;
  int64_t id, version;
  const char* extra =
      ",\"billing_address\":{\"street\":\" 1 Main St \",\"city\":\"Anytown\","
      "\"state\":\"california\",\"zip\":\"12345\",\"country\":\"USA\"},"
      "\"account_notes\":\"line 1\\nline 2\",\"tags\":[\"vip\",\" east \",\"vip\"]";

  created = create_account(s, "  Acme Plumbing  ", "commercial", extra);
  if (created == NULL) return;
  id = json_int(created, "id");
  CHECK(id > 0);
  CHECK(json_int(created, "version") == 1);
  OK(cm_json_get_string(&str, created, "company_name"));
  CHECK_STR(str, "Acme Plumbing");
  cm_string_free(str);
  OK(cm_json_get_string(&str, created, "customer_type"));
  CHECK_STR(str, "Commercial");
  cm_string_free(str);
  OK(cm_json_get_string(&str, created, "created_by"));
  CHECK_STR(str, uuid);
  cm_string_free(str);
  OK(cm_json_get_string(&str, created, "updated_by"));
  CHECK_STR(str, uuid);
  cm_string_free(str);
  OK(cm_json_get_string(&str, created, "created_at"));
  CHECK(str != NULL && strlen(str) == 27 && str[26] == 'Z');
  cm_string_free(str);
  str = NULL;
  EXPECT(cm_json_get_string(&str, created, "archived_at"), CM_ERR_NOT_FOUND);
  CHECK(strstr(created, "\"state\":\"CA\"") != NULL);
  CHECK(strstr(created, "\"country\":\"US\"") != NULL);
  CHECK(strstr(created, "\"street\":\"1 Main St\"") != NULL);
  CHECK(strstr(created, "\"service_address\":{}") != NULL);
  CHECK(strstr(created, "\"tags\":[\"vip\",\"east\"]") != NULL);
  CHECK(strstr(created, "\"account_notes\":\"line 1\\nline 2\"") != NULL);

  OK(cm_account_get(&got, s, id));
  CHECK_STR(got, created);
  OK(cm_account_find(&again, s, id));
  CHECK_STR(again, created);
  cm_string_free(again);
  again = (char*)"stale";
  OK(cm_account_find(&again, s, id + 100000));
  CHECK(again == NULL);
  EXPECT(cm_account_get(&again, s, id + 100000), CM_ERR_NOT_FOUND);
  CHECK_STR(cm_last_error_code(), "account.not_found");

  /* What get returns can be sent back unchanged as an update. */
  OK(cm_account_update(&updated, s, got));
  CHECK(json_int(updated, "version") == 2);
  cm_string_free(updated);
  updated = NULL;

  /* A stale version is a conflict and changes nothing. */
  EXPECT(cm_account_update(&updated, s, got), CM_ERR_CONFLICT);
  CHECK_STR(cm_last_error_code(), "conflict.stale_version");
  CHECK(updated == NULL);

  version = 2;
  upd_in = format("{\"id\":%" PRId64 ",\"version\":%" PRId64
                  ",\"company_name\":\"Acme Heating\",\"customer_type\":\"Residential\","
                  "\"account_notes\":null}",
                  id, version);
  OK(cm_account_update(&updated, s, upd_in));
  CHECK(json_int(updated, "version") == 3);
  CHECK(strstr(updated, "\"customer_type\":\"Residential\"") != NULL);
  CHECK(strstr(updated, "\"account_notes\":null") != NULL);
  CHECK(strstr(updated, "\"billing_address\":{}") != NULL);
  cm_string_free(updated);
  updated = NULL;
  free(upd_in);

  /* Unknown id on update. */
  upd_in = format("{\"id\":%" PRId64
                  ",\"version\":1,\"company_name\":\"X\","
                  "\"customer_type\":\"Commercial\"}",
                  id + 100000);
  EXPECT(cm_account_update(&updated, s, upd_in), CM_ERR_NOT_FOUND);
  free(upd_in);

  /* Archive and restore. */
  OK(cm_account_archive(&updated, s, id));
  OK(cm_json_get_string(&str, updated, "archived_at"));
  CHECK(str != NULL);
  cm_string_free(str);
  cm_string_free(updated);
  OK(cm_account_archive(&updated, s, id)); /* archiving again changes nothing */
  cm_string_free(updated);
  OK(cm_account_restore(&updated, s, id));
  CHECK(strstr(updated, "\"archived_at\":null") != NULL);
  cm_string_free(updated);
  EXPECT(cm_account_archive(&updated, s, id + 100000), CM_ERR_NOT_FOUND);
  EXPECT(cm_account_restore(&updated, s, id + 100000), CM_ERR_NOT_FOUND);

  OK(cm_account_remove(s, id));
  EXPECT(cm_account_get(&again, s, id), CM_ERR_NOT_FOUND);
  EXPECT(cm_account_remove(s, id), CM_ERR_NOT_FOUND);

  cm_string_free(got);
  cm_string_free(created);
  cm_session_free(s);
  cm_store_free(store);
}

static void test_invalid_json_is_a_validation_error(void) {
  cm_store* store = open_store();
  cm_session* s = user_session(store, NULL);
  char* out = NULL;
  char* err = NULL;
  char* big;
  size_t n;

  EXPECT(cm_account_create(&out, s, "not json"), CM_ERR_VALIDATION);
  CHECK_STR(cm_last_error_code(), "validation.failed");
  CHECK_FIELD_ERROR("", "json.invalid");
  CHECK(out == NULL);

  EXPECT(cm_account_create(&out, s, "[1,2]"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("", "json.not_object");

  EXPECT(
      cm_account_create(&out, s, "{\"company_name\":\"Caf\xe9\",\"customer_type\":\"Commercial\"}"),
      CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("", "json.invalid_utf8");
  EXPECT(cm_contact_add(&out, s, "{\"contact_name\":\"\xc0\xaf\"}"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("", "json.invalid_utf8");

  /* Every structural problem of one document at once. */
  EXPECT(cm_account_create(&out, s,
                           "{\"company_name\":5,\"customer_type\":\"Commercial\",\"bogus\":1,"
                           "\"tags\":[\"a\",2],\"billing_address\":{\"zip\":7,\"planet\":\"x\"},"
                           "\"created_at\":\"yesterday\",\"version\":1.5}"),
         CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("company_name", "json.type_mismatch");
  CHECK_FIELD_ERROR("bogus", "json.unknown_key");
  CHECK_FIELD_ERROR("tags[1]", "json.type_mismatch");
  CHECK_FIELD_ERROR("billing_address.zip", "json.type_mismatch");
  CHECK_FIELD_ERROR("billing_address.planet", "json.unknown_key");
  CHECK_FIELD_ERROR("created_at", "json.timestamp_invalid");
  CHECK_FIELD_ERROR("version", "json.type_mismatch");
  CHECK(cm_last_error_field_count() == 7);

  OK(cm_last_error_json(&err));
  CHECK(err != NULL && strstr(err, "\"status\":\"CM_ERR_VALIDATION\"") != NULL);
  CHECK(err != NULL && strstr(err, "\"field\":\"bogus\",\"code\":\"json.unknown_key\"") != NULL);
  cm_string_free(err);
  /* Reading the error does not clear it. */
  CHECK(cm_last_error_status() == CM_ERR_VALIDATION);
  EXPECT(cm_last_error_field(NULL, NULL, NULL, 7), CM_ERR_INVALID_ARGUMENT);
  CHECK(cm_last_error_field_count() == 7);

  EXPECT(cm_account_create(&out, s, "{\"company_name\":\"X\"}"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("customer_type", "customer_type.required");
  EXPECT(cm_account_create(&out, s, "{\"company_name\":\"X\",\"customer_type\":\"Industrial\"}"),
         CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("customer_type", "customer_type.invalid");

  /* Well-formed JSON, invalid contents: the store reports all fields. */
  EXPECT(cm_account_create(&out, s,
                           "{\"company_name\":\" \",\"customer_type\":\"Commercial\","
                           "\"billing_address\":{\"country\":\"Atlantis\"},"
                           "\"created_by\":\"nobody\"}"),
         CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("company_name", "text.required");
  CHECK_FIELD_ERROR("billing_address.country", "address.country_unknown");
  CHECK_FIELD_ERROR("created_by", "uuid.invalid");

  /* Nesting beyond the parser's depth limit. */
  {
    char deep[256 + 64];
    int i;
    strcpy(deep, "{\"tags\":");
    for (i = 0; i < 100; ++i) strcat(deep, "[");
    for (i = 0; i < 100; ++i) strcat(deep, "]");
    strcat(deep, "}");
    EXPECT(cm_account_create(&out, s, deep), CM_ERR_VALIDATION);
    CHECK_FIELD_ERROR("", "json.invalid");
  }

  /* More than 16 MiB of JSON is refused before parsing. */
  n = (size_t)17 * 1024 * 1024;
  big = malloc(n + 1);
  if (big == NULL) abort();
  memset(big, ' ', n);
  big[0] = '{';
  big[n - 1] = '}';
  big[n] = '\0';
  EXPECT(cm_account_create(&out, s, big), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("", "json.too_large");
  {
    cm_page* page = NULL;
    int64_t value = 0;
    EXPECT(cm_account_search(&page, s, big), CM_ERR_VALIDATION);
    CHECK(page == NULL);
    EXPECT(cm_account_stats(&out, s, big), CM_ERR_VALIDATION);
    EXPECT(cm_contact_search(&page, s, big), CM_ERR_VALIDATION);
    EXPECT(cm_json_get_int64(&value, big, "id"), CM_ERR_VALIDATION);
  }
  EXPECT(cm_validate_address(&out, big), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("", "json.too_large");

  /* 10 MB inside a well-formed document reaches the field limits. */
  {
    static const char kHead[] = "{\"customer_type\":\"Commercial\",\"company_name\":\"";
    const size_t head = sizeof kHead - 1;
    n = g_hostile_bytes;
    memcpy(big, kHead, head);
    memset(big + head, 'a', n);
    memcpy(big + head + n, "\"}", 3);
    EXPECT(cm_account_create(&out, s, big), CM_ERR_VALIDATION);
    CHECK_FIELD_ERROR("company_name", "text.too_long");
  }

  /* 10 MB plain strings. */
  n = g_hostile_bytes;
  memset(big, 'a', n);
  big[n] = '\0';
  EXPECT(cm_validate_email(&out, big), CM_ERR_VALIDATION);
  CHECK(cm_last_error_field_count() > 0);
  EXPECT(cm_validate_phone(&out, NULL, NULL, big, NULL), CM_ERR_VALIDATION);
  EXPECT(cm_country_alpha2(&out, big), CM_ERR_NOT_FOUND);
  {
    cm_session* none = NULL;
    EXPECT(cm_session_open(&none, store, big), CM_ERR_VALIDATION);
    CHECK(none == NULL);
  }
  free(big);
  CHECK(out == NULL);

  cm_session_free(s);
  cm_store_free(store);
}

static void test_last_error_is_cleared_by_success(void) {
  char* v = NULL;
  EXPECT(cm_validate_email(&v, "nope"), CM_ERR_VALIDATION);
  CHECK(cm_last_error_status() == CM_ERR_VALIDATION);
  CHECK(cm_last_error_code()[0] != '\0');
  OK(cm_validate_email(&v, "a@b.example"));
  CHECK(cm_last_error_status() == CM_OK);
  CHECK_STR(cm_last_error_code(), "");
  CHECK_STR(cm_last_error_message(), "");
  CHECK(cm_last_error_field_count() == 0);
  cm_string_free(v);
  EXPECT(cm_validate_email(&v, "nope"), CM_ERR_VALIDATION);
  cm_last_error_clear();
  CHECK(cm_last_error_status() == CM_OK && cm_last_error_field_count() == 0);
}

static void* failing_thread(void* arg) {
  char* out = NULL;
  int* ok = arg;
  /* A fresh thread starts without an error. */
  *ok = cm_last_error_status() == CM_OK;
  *ok = *ok && cm_country_alpha2(&out, "Atlantis") == CM_ERR_NOT_FOUND;
  *ok = *ok && streq(cm_last_error_code(), "country.unknown");
  return NULL;
}

static void test_last_error_is_per_thread(void) {
  pthread_t t;
  int thread_ok = 0;
  char* out = NULL;
  EXPECT(cm_validate_email(&out, "nope"), CM_ERR_VALIDATION);
  CHECK(pthread_create(&t, NULL, failing_thread, &thread_ok) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  CHECK(thread_ok);
  CHECK(cm_last_error_status() == CM_ERR_VALIDATION);
  CHECK_STR(cm_last_error_code(), "validation.failed");
  CHECK_FIELD_ERROR("email", "email.invalid");
}

static void test_visibility_between_two_users(void) {
  cm_store* store = open_store();
  char a_id[37], b_id[37];
  cm_session* a = user_session(store, a_id);
  cm_session* b = user_session(store, b_id);
  cm_session* svc = NULL;
  cm_page* page = NULL;
  size_t count = 99;
  char *out = NULL, *got = NULL, *in;
  int64_t id = create_account_id(a, "Visible Only To A", "Commercial", ",\"tags\":[\"vis\"]");

  /* B neither sees nor touches A's account. */
  EXPECT(cm_account_get(&out, b, id), CM_ERR_NOT_FOUND);
  OK(cm_account_find(&out, b, id));
  CHECK(out == NULL);
  EXPECT(cm_account_archive(&out, b, id), CM_ERR_NOT_FOUND);
  EXPECT(cm_account_remove(b, id), CM_ERR_NOT_FOUND);
  REQUIRE_OK(cm_account_search(&page, b, "{\"tags_any\":[\"vis\"]}"));
  OK(cm_page_count(&count, page));
  CHECK(count == 0);
  cm_page_free(page);
  page = NULL;
  in = format("{\"customer_account_id\":%" PRId64 ",\"contact_name\":\"Spy\"}", id);
  EXPECT(cm_contact_add(&out, b, in), CM_ERR_NOT_FOUND);
  CHECK_STR(cm_last_error_code(), "account.not_found");
  free(in);

  /* A user may only create accounts as himself. */
  in = format(",\"created_by\":\"%s\"", b_id);
  {
    char* json = format("{\"company_name\":\"Forged\",\"customer_type\":\"Commercial\"%s}", in);
    EXPECT(cm_account_create(&out, a, json), CM_ERR_PERMISSION);
    CHECK_STR(cm_last_error_code(), "permission.denied");
    free(json);
  }
  free(in);

  /* The service role, writing as B, makes B the last updater: B now sees it
   * but may not delete what A created. */
  REQUIRE_OK(cm_session_open_service(&svc, store, b_id));
  REQUIRE_OK(cm_account_get(&got, svc, id));
  OK(cm_account_update(&out, svc, got));
  cm_string_free(got);
  got = NULL;
  CHECK(out != NULL && strstr(out, b_id) != NULL);
  cm_string_free(out);
  out = NULL;
  OK(cm_account_get(&out, b, id));
  cm_string_free(out);
  out = NULL;
  EXPECT(cm_account_remove(b, id), CM_ERR_PERMISSION);
  CHECK_STR(cm_last_error_code(), "permission.denied");
  OK(cm_account_remove(a, id));

  /* The service role creates for any user. */
  in = format(
      "{\"company_name\":\"For A\",\"customer_type\":\"Residential\",\"created_by\":\"%s\"}", a_id);
  OK(cm_account_create(&out, svc, in));
  free(in);
  id = json_int(out, "id");
  cm_string_free(out);
  out = NULL;
  OK(cm_account_get(&out, a, id));
  cm_string_free(out);
  OK(cm_account_remove(svc, id));

  cm_session_free(svc);
  cm_session_free(a);
  cm_session_free(b);
  cm_store_free(store);
}

/* Follows cursors through a search and checks that every id comes exactly
 * once. Returns the number of pages. */
static int page_through(cm_session* s, const char* filters, int64_t* ids, size_t* n_ids) {
  char* cursor = NULL;
  int pages = 0;
  *n_ids = 0;
  for (;;) {
    cm_page* page = NULL;
    size_t count = 0, i;
    const char* next = NULL;
    char* query;
    if (cursor != NULL) {
      char* quoted = json_quote(cursor);
      query = format("{%s,\"cursor\":%s}", filters, quoted);
      free(quoted);
    } else {
      query = format("{%s}", filters);
    }
    if (!OK(cm_account_search(&page, s, query))) {
      free(query);
      break;
    }
    free(query);
    ++pages;
    OK(cm_page_count(&count, page));
    for (i = 0; i < count; ++i) {
      const char* item = NULL;
      OK(cm_page_item(&item, page, i));
      ids[(*n_ids)++] = json_int(item, "id");
    }
    OK(cm_page_next_cursor(&next, page));
    free(cursor);
    cursor = next != NULL ? format("%s", next) : NULL;
    cm_page_free(page);
    if (cursor == NULL || pages > 20) break;
  }
  free(cursor);
  return pages;
}

static void test_search_filters_and_cursor_pagination(void) {
  cm_store* store = open_store();
  cm_session* s = user_session(store, NULL);
  int64_t created[7], ids[32];
  size_t n = 0, i, j, count = 0;
  cm_page* page = NULL;
  const char *item = NULL, *json = NULL, *next = NULL;
  char* name = NULL;
  char* out = NULL;
  int pages;

  for (i = 0; i < 7; ++i) {
    char company[32];
    snprintf(company, sizeof company, "Paging Co %u", (unsigned)i);
    created[i] = create_account_id(s, company, i % 2 ? "Residential" : "Commercial",
                                   i < 3 ? ",\"tags\":[\"pg\",\"gold\"]" : ",\"tags\":[\"pg\"]");
  }

  pages = page_through(s, "\"tags_any\":[\"pg\"],\"sort\":\"name_asc\",\"limit\":3", ids, &n);
  CHECK(pages == 3);
  CHECK(n == 7);
  for (i = 0; i < n && i < 7; ++i) {
    CHECK(ids[i] == created[i]); /* name order is creation order here */
    for (j = i + 1; j < n; ++j) CHECK(ids[i] != ids[j]);
  }
  pages = page_through(s, "\"tags_any\":[\"pg\"],\"limit\":2", ids, &n);
  CHECK(pages == 4 && n == 7);
  CHECK(ids[0] == created[6]); /* default: newest first */

  /* Filters. */
  REQUIRE_OK(cm_account_search(&page, s, "{\"tags_all\":[\"pg\",\"gold\"]}"));
  OK(cm_page_count(&count, page));
  CHECK(count == 3);
  OK(cm_page_json(&json, page));
  CHECK(json != NULL && strncmp(json, "{\"items\":[", 10) == 0);
  CHECK(json != NULL && strstr(json, "\"next_cursor\":null") != NULL);
  OK(cm_page_next_cursor(&next, page));
  CHECK(next == NULL);
  EXPECT(cm_page_item(&item, page, 3), CM_ERR_INVALID_ARGUMENT);
  CHECK(item == NULL);
  cm_page_free(page);

  REQUIRE_OK(
      cm_account_search(&page, s, "{\"tags_any\":[\"pg\"],\"customer_type\":\"RESIDENTIAL\"}"));
  OK(cm_page_count(&count, page));
  CHECK(count == 3);
  cm_page_free(page);

  REQUIRE_OK(cm_account_search(&page, s, "{\"text\":\"paging co 4\"}"));
  OK(cm_page_count(&count, page));
  CHECK(count >= 1);
  OK(cm_page_item(&item, page, 0));
  OK(cm_json_get_string(&name, item, "company_name"));
  CHECK_STR(name, "Paging Co 4");
  cm_string_free(name);
  cm_page_free(page);

  REQUIRE_OK(cm_account_search(
      &page, s, "{\"tags_any\":[\"pg\"],\"created_from\":\"2999-01-01T00:00:00Z\"}"));
  OK(cm_page_count(&count, page));
  CHECK(count == 0);
  cm_page_free(page);
  REQUIRE_OK(cm_account_search(&page, s,
                               "{\"tags_any\":[\"pg\"],\"created_from\":\"2000-01-01T00:00:00Z\","
                               "\"created_to\":\"2999-01-01T00:00:00+02:00\"}"));
  OK(cm_page_count(&count, page));
  CHECK(count == 7);
  cm_page_free(page);

  OK(cm_account_archive(&out, s, created[0]));
  cm_string_free(out);
  REQUIRE_OK(cm_account_search(&page, s, "{\"tags_any\":[\"pg\"],\"archived\":\"only\"}"));
  OK(cm_page_count(&count, page));
  CHECK(count == 1);
  cm_page_free(page);
  REQUIRE_OK(cm_account_search(&page, s, "{\"tags_any\":[\"pg\"]}"));
  OK(cm_page_count(&count, page));
  CHECK(count == 6);
  cm_page_free(page);
  REQUIRE_OK(cm_account_search(
      &page, s, "{\"tags_any\":[\"pg\"],\"archived\":\"Include\",\"sort\":\"updated_desc\"}"));
  OK(cm_page_count(&count, page));
  CHECK(count == 7);
  cm_page_free(page);
  page = NULL;

  /* Bad queries. */
  EXPECT(cm_account_search(&page, s, "{\"cursor\":\"garbage\"}"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("cursor", "cursor.invalid");
  CHECK(page == NULL);
  EXPECT(cm_account_search(&page, s,
                           "{\"limit\":0,\"sort\":\"sideways\",\"archived\":\"never\","
                           "\"tags_any\":\"pg\",\"colour\":1}"),
         CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("sort", "query.sort_invalid");
  CHECK_FIELD_ERROR("archived", "query.archived_invalid");
  CHECK_FIELD_ERROR("tags_any", "json.type_mismatch");
  CHECK_FIELD_ERROR("colour", "json.unknown_key");
  EXPECT(cm_account_search(&page, s, "{\"limit\":0}"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("limit", "query.limit_invalid");
  EXPECT(cm_account_search(&page, s, "{\"limit\":-1}"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("limit", "query.limit_invalid");

  /* A cursor only fits the query it came from. */
  REQUIRE_OK(cm_account_search(&page, s, "{\"tags_any\":[\"pg\"],\"limit\":2}"));
  OK(cm_page_next_cursor(&next, page));
  if (next != NULL) {
    char* quoted = json_quote(next);
    char* q = format("{\"tags_any\":[\"gold\"],\"limit\":2,\"cursor\":%s}", quoted);
    cm_page* other = NULL;
    EXPECT(cm_account_search(&other, s, q), CM_ERR_VALIDATION);
    CHECK_FIELD_ERROR("cursor", "cursor.invalid");
    free(q);
    free(quoted);
  } else {
    CHECK(next != NULL);
  }
  cm_page_free(page);

  cm_session_free(s);
  cm_store_free(store);
}

static void test_stats(void) {
  cm_store* store = open_store();
  cm_session* s = user_session(store, NULL);
  char *stats = NULL, *out = NULL, *in;
  int64_t a1 = create_account_id(s, "Stats One", "Commercial", ",\"tags\":[\"vip\"]");
  int64_t a2 = create_account_id(s, "Stats Two", "Residential", ",\"tags\":[\"vip\",\"new\"]");
  int64_t a3 = create_account_id(s, "Stats Three", "Commercial", NULL);

  in = format("{\"customer_account_id\":%" PRId64
              ",\"contact_name\":\"P\",\"is_primary_contact\":true}",
              a1);
  OK(cm_contact_add(&out, s, in));
  cm_string_free(out);
  free(in);
  OK(cm_account_archive(&out, s, a3));
  cm_string_free(out);

  REQUIRE_OK(cm_account_stats(&stats, s, NULL));
  CHECK(json_int(stats, "total_accounts") == 2);
  CHECK(json_int(stats, "residential_accounts") == 1);
  CHECK(json_int(stats, "commercial_accounts") == 1);
  CHECK(json_int(stats, "archived_accounts") == 1);
  CHECK(json_int(stats, "total_contacts") == 1);
  CHECK(json_int(stats, "accounts_without_primary_contact") == 1);
  CHECK(
      strstr(stats, "\"top_tags\":[{\"tag\":\"vip\",\"count\":2},{\"tag\":\"new\",\"count\":1}]") !=
      NULL);
  CHECK(strstr(stats, "\"new_accounts_per_month\":[{\"year\":") != NULL);
  cm_string_free(stats);
  stats = NULL;

  REQUIRE_OK(cm_account_stats(&stats, s, "{\"months\":2,\"top_tags\":1}"));
  CHECK(strstr(stats, "\"top_tags\":[{\"tag\":\"vip\",\"count\":2}]") != NULL);
  cm_string_free(stats);
  stats = NULL;

  EXPECT(cm_account_stats(&stats, s, "{\"months\":0,\"top_tags\":1000}"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("months", "stats.months_invalid");
  CHECK_FIELD_ERROR("top_tags", "stats.top_tags_invalid");
  EXPECT(cm_account_stats(&stats, s, "{\"months\":\"twelve\",\"days\":3}"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("months", "json.type_mismatch");
  CHECK_FIELD_ERROR("days", "json.unknown_key");
  EXPECT(cm_account_stats(&stats, s, "{\"months\":99999999999}"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("months", "stats.months_invalid");
  CHECK(stats == NULL);
  (void)a2;

  cm_session_free(s);
  cm_store_free(store);
}

static void test_contacts(void) {
  cm_store* store = open_store();
  cm_session* s = user_session(store, NULL);
  cm_session* other = user_session(store, NULL);
  int64_t account = create_account_id(s, "Contacts Inc", "Commercial", NULL);
  int64_t account2 = create_account_id(s, "Other Inc", "Commercial", NULL);
  int64_t ann, bob;
  char *in, *out = NULL, *str = NULL, *ann_json = NULL;
  int flag = -1;
  cm_page* page = NULL;
  size_t count = 0;
  const char *item = NULL, *next = NULL;

  in = format("{\"customer_account_id\":%" PRId64
              ",\"contact_name\":\" Ann Smith \","
              "\"email\":\"Ann@Example.COM\",\"phone\":\"(415) 555-2671 x12\",\"role\":\"CEO\","
              "\"is_primary_contact\":true,\"contact_notes\":\"likes tea\"}",
              account);
  REQUIRE_OK(cm_contact_add(&ann_json, s, in));
  free(in);
  ann = json_int(ann_json, "id");
  CHECK(ann > 0);
  CHECK(json_int(ann_json, "customer_account_id") == account);
  CHECK(json_int(ann_json, "version") == 1);
  OK(cm_json_get_string(&str, ann_json, "contact_name"));
  CHECK_STR(str, "Ann Smith");
  cm_string_free(str);
  OK(cm_json_get_string(&str, ann_json, "email"));
  CHECK_STR(str, "Ann@example.com");
  cm_string_free(str);
  OK(cm_json_get_string(&str, ann_json, "phone"));
  CHECK_STR(str, "+14155552671");
  cm_string_free(str);
  OK(cm_json_get_string(&str, ann_json, "phone_extension"));
  CHECK_STR(str, "12");
  cm_string_free(str);
  OK(cm_json_get_bool(&flag, ann_json, "is_primary_contact"));
  CHECK(flag == 1);
  EXPECT(cm_json_get_bool(&flag, ann_json, "role"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("role", "json.type_mismatch");

  OK(cm_contact_get(&out, s, ann));
  CHECK_STR(out, ann_json);
  cm_string_free(out);
  OK(cm_contact_find(&out, s, ann));
  CHECK(out != NULL);
  cm_string_free(out);
  OK(cm_contact_find(&out, s, ann + 100000));
  CHECK(out == NULL);
  EXPECT(cm_contact_get(&out, s, ann + 100000), CM_ERR_NOT_FOUND);
  CHECK_STR(cm_last_error_code(), "contact.not_found");
  EXPECT(cm_contact_get(&out, other, ann), CM_ERR_NOT_FOUND);

  /* Per-account rules. */
  in = format("{\"customer_account_id\":%" PRId64
              ",\"contact_name\":\"Dup\",\"email\":\"ann@EXAMPLE.com\"}",
              account);
  EXPECT(cm_contact_add(&out, s, in), CM_ERR_CONFLICT);
  CHECK_STR(cm_last_error_code(), "contact.duplicate_email");
  free(in);
  in = format("{\"customer_account_id\":%" PRId64
              ",\"contact_name\":\"Dup\",\"is_primary_contact\":true}",
              account);
  EXPECT(cm_contact_add(&out, s, in), CM_ERR_CONFLICT);
  CHECK_STR(cm_last_error_code(), "contact.duplicate_primary");
  free(in);
  in = format("{\"customer_account_id\":%" PRId64
              ",\"contact_name\":\"\",\"email\":\"bad@\","
              "\"phone\":\"12\",\"color\":\"red\"}",
              account);
  EXPECT(cm_contact_add(&out, s, in), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("color", "json.unknown_key");
  free(in);
  in = format("{\"customer_account_id\":%" PRId64
              ",\"contact_name\":\"\",\"email\":\"bad@\","
              "\"phone\":\"12\"}",
              account);
  EXPECT(cm_contact_add(&out, s, in), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("contact_name", "text.required");
  CHECK(has_field_error("email", "email.invalid") ||
        has_field_error("email", "email.domain_invalid"));
  CHECK(cm_last_error_field_count() >= 3);
  free(in);
  EXPECT(cm_contact_add(&out, s, "{\"customer_account_id\":999999999,\"contact_name\":\"X\"}"),
         CM_ERR_NOT_FOUND);

  in = format("{\"customer_account_id\":%" PRId64
              ",\"contact_name\":\"Bob Jones\","
              "\"phone\":\"+1 201 555 0123\"}",
              account);
  REQUIRE_OK(cm_contact_add(&out, s, in));
  free(in);
  bob = json_int(out, "id");
  cm_string_free(out);

  /* List: primary first, then by name; pages follow cursors. */
  REQUIRE_OK(cm_contact_list(&page, s, account, NULL, 50));
  OK(cm_page_count(&count, page));
  CHECK(count == 2);
  OK(cm_page_item(&item, page, 0));
  CHECK(json_int(item, "id") == ann);
  cm_page_free(page);
  REQUIRE_OK(cm_contact_list(&page, s, account, "", 1));
  OK(cm_page_count(&count, page));
  CHECK(count == 1);
  OK(cm_page_next_cursor(&next, page));
  CHECK(next != NULL);
  if (next != NULL) {
    cm_page* second = NULL;
    REQUIRE_OK(cm_contact_list(&second, s, account, next, 1));
    OK(cm_page_item(&item, second, 0));
    CHECK(json_int(item, "id") == bob);
    OK(cm_page_next_cursor(&next, second));
    CHECK(next == NULL);
    cm_page_free(second);
  }
  cm_page_free(page);
  page = NULL;
  EXPECT(cm_contact_list(&page, s, account, "bogus", 10), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("cursor", "cursor.invalid");
  EXPECT(cm_contact_list(&page, s, account, NULL, 0), CM_ERR_VALIDATION);
  EXPECT(cm_contact_list(&page, other, account, NULL, 10), CM_ERR_NOT_FOUND);
  CHECK(page == NULL);

  /* Set primary moves the flag atomically. */
  OK(cm_contact_set_primary(&out, s, bob));
  OK(cm_json_get_bool(&flag, out, "is_primary_contact"));
  CHECK(flag == 1);
  cm_string_free(out);
  OK(cm_contact_get(&out, s, ann));
  OK(cm_json_get_bool(&flag, out, "is_primary_contact"));
  CHECK(flag == 0);
  cm_string_free(out);
  out = NULL;
  EXPECT(cm_contact_set_primary(&out, s, ann + 100000), CM_ERR_NOT_FOUND);
  EXPECT(cm_contact_set_primary(&out, other, ann), CM_ERR_NOT_FOUND);

  /* Search. */
  REQUIRE_OK(cm_contact_search(&page, s, "{\"email\":\"ANN@example.com\"}"));
  OK(cm_page_count(&count, page));
  CHECK(count == 1);
  cm_page_free(page);
  REQUIRE_OK(cm_contact_search(&page, s, "{\"phone\":\"(415) 555-2671\"}"));
  OK(cm_page_count(&count, page));
  CHECK(count == 1);
  cm_page_free(page);
  in = format("{\"text\":\"jon\",\"account_id\":%" PRId64 ",\"limit\":5}", account);
  REQUIRE_OK(cm_contact_search(&page, s, in));
  free(in);
  OK(cm_page_count(&count, page));
  CHECK(count == 1);
  OK(cm_page_item(&item, page, 0));
  CHECK(json_int(item, "id") == bob);
  cm_page_free(page);
  REQUIRE_OK(cm_contact_search(&page, other, "{\"email\":\"ann@example.com\"}"));
  OK(cm_page_count(&count, page));
  CHECK(count == 0);
  cm_page_free(page);
  page = NULL;
  EXPECT(cm_contact_search(&page, s, "{}"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("query", "query.empty");
  EXPECT(cm_contact_search(&page, s, "{\"account_id\":\"1\"}"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("account_id", "json.type_mismatch");

  /* Update, stale update, move to another account. */
  OK(cm_contact_get(&out, s, ann));
  {
    char* first = NULL;
    char* moved = NULL;
    char* stale = NULL;
    OK(cm_contact_update(&first, s, out));
    CHECK(json_int(first, "version") == json_int(out, "version") + 1);
    EXPECT(cm_contact_update(&stale, s, out), CM_ERR_CONFLICT);
    CHECK_STR(cm_last_error_code(), "conflict.stale_version");
    in = format("{\"id\":%" PRId64 ",\"version\":%" PRId64 ",\"customer_account_id\":%" PRId64
                ",\"contact_name\":\"Ann Moved\"}",
                ann, json_int(first, "version"), account2);
    OK(cm_contact_update(&moved, s, in));
    CHECK(json_int(moved, "customer_account_id") == account2);
    CHECK(strstr(moved, "\"email\":null") != NULL);
    free(in);
    in = format("{\"id\":%" PRId64
                ",\"version\":1,\"contact_name\":\"X\","
                "\"customer_account_id\":%" PRId64 "}",
                ann, account);
    EXPECT(cm_contact_update(&stale, other, in), CM_ERR_NOT_FOUND);
    free(in);
    cm_string_free(first);
    cm_string_free(moved);
  }
  cm_string_free(out);
  out = NULL;

  OK(cm_contact_remove(s, ann));
  EXPECT(cm_contact_get(&out, s, ann), CM_ERR_NOT_FOUND);
  EXPECT(cm_contact_remove(s, ann), CM_ERR_NOT_FOUND);
  EXPECT(cm_contact_remove(other, bob), CM_ERR_NOT_FOUND);

  /* Deleting the account deletes its contacts. */
  OK(cm_account_remove(s, account));
  EXPECT(cm_contact_get(&out, s, bob), CM_ERR_NOT_FOUND);

  cm_string_free(ann_json);
  cm_session_free(other);
  cm_session_free(s);
  cm_store_free(store);
}

static void test_transactions(void) {
  cm_store* store = open_store();
  cm_session* s = user_session(store, NULL);
  cm_txn *t = NULL, *inner = NULL;
  char* out = NULL;
  int64_t id;
  int active = -1;

  /* Freed without commit: rolled back. */
  REQUIRE_OK(cm_txn_begin(&t, s));
  OK(cm_txn_is_active(&active, t));
  CHECK(active == 1);
  id = create_account_id(s, "Txn Freed", "Commercial", NULL);
  OK(cm_account_get(&out, s, id));
  cm_string_free(out);
  out = NULL;
  cm_txn_free(t);
  EXPECT(cm_account_get(&out, s, id), CM_ERR_NOT_FOUND);

  /* Committed: kept; a second commit is a state error. */
  REQUIRE_OK(cm_txn_begin(&t, s));
  id = create_account_id(s, "Txn Committed", "Commercial", NULL);
  OK(cm_txn_commit(t));
  OK(cm_txn_is_active(&active, t));
  CHECK(active == 0);
  EXPECT(cm_txn_commit(t), CM_ERR_STATE);
  CHECK_STR(cm_last_error_code(), "txn.ended");
  EXPECT(cm_txn_rollback(t), CM_ERR_STATE);
  cm_txn_free(t);
  OK(cm_account_get(&out, s, id));
  cm_string_free(out);
  out = NULL;

  /* Rolled back explicitly. */
  REQUIRE_OK(cm_txn_begin(&t, s));
  OK(cm_account_remove(s, id));
  OK(cm_txn_rollback(t));
  cm_txn_free(t);
  OK(cm_account_get(&out, s, id));
  cm_string_free(out);
  out = NULL;

  /* Nested: the inner one must end first; rolling it back keeps the outer
   * one's work. */
  REQUIRE_OK(cm_txn_begin(&t, s));
  {
    int64_t kept1 = create_account_id(s, "Outer Keeps", "Commercial", NULL);
    int64_t kept2;
    REQUIRE_OK(cm_txn_begin(&inner, s));
    EXPECT(cm_txn_commit(t), CM_ERR_STATE);
    CHECK_STR(cm_last_error_code(), "txn.not_innermost");
    EXPECT(cm_txn_rollback(t), CM_ERR_STATE);
    create_account_id(s, "Inner Dropped", "Commercial", NULL);
    OK(cm_txn_rollback(inner));
    cm_txn_free(inner);
    REQUIRE_OK(cm_txn_begin(&inner, s));
    kept2 = create_account_id(s, "Inner Kept", "Commercial", NULL);
    OK(cm_txn_commit(inner));
    cm_txn_free(inner);
    OK(cm_txn_commit(t));
    cm_txn_free(t);
    OK(cm_account_get(&out, s, kept1));
    cm_string_free(out);
    out = NULL;
    OK(cm_account_get(&out, s, kept2));
    cm_string_free(out);
    out = NULL;
    CHECK(count_named(s, "Inner Dropped") == 0);
  }

  /* Freeing an outer transaction rolls back the inner one too. */
  REQUIRE_OK(cm_txn_begin(&t, s));
  REQUIRE_OK(cm_txn_begin(&inner, s));
  id = create_account_id(s, "Both Dropped", "Commercial", NULL);
  cm_txn_free(t);
  OK(cm_txn_is_active(&active, inner));
  CHECK(active == 0);
  EXPECT(cm_txn_commit(inner), CM_ERR_STATE);
  cm_txn_free(inner);
  EXPECT(cm_account_get(&out, s, id), CM_ERR_NOT_FOUND);

  /* A transaction survives a failed call inside it. */
  REQUIRE_OK(cm_txn_begin(&t, s));
  id = create_account_id(s, "Survives", "Commercial", NULL);
  EXPECT(cm_account_create(&out, s, "{\"company_name\":\"\",\"customer_type\":\"Commercial\"}"),
         CM_ERR_VALIDATION);
  EXPECT(cm_account_get(&out, s, id + 100000), CM_ERR_NOT_FOUND);
  OK(cm_txn_commit(t));
  cm_txn_free(t);
  OK(cm_account_get(&out, s, id));
  cm_string_free(out);
  out = NULL;

  /* Freeing the session rolls back its open transactions; the handles are
   * freed afterwards and do nothing else. */
  {
    cm_session* s2 = NULL;
    char* user = NULL;
    REQUIRE_OK(cm_session_user(&user, s));
    REQUIRE_OK(cm_session_open(&s2, store, user));
    cm_string_free(user);
    REQUIRE_OK(cm_txn_begin(&t, s2));
    REQUIRE_OK(cm_txn_begin(&inner, s2));
    id = create_account_id(s2, "Session Freed", "Commercial", NULL);
    cm_session_free(s2);
    OK(cm_txn_is_active(&active, t));
    CHECK(active == 0);
    EXPECT(cm_txn_commit(t), CM_ERR_STATE);
    cm_txn_free(t);
    cm_txn_free(inner);
    EXPECT(cm_account_get(&out, s, id), CM_ERR_NOT_FOUND);
  }

  cm_session_free(s);
  cm_store_free(store);
}

static void test_validators(void) {
  char *out = NULL, *ext = NULL, *region = NULL;

  OK(cm_validate_email(&out, "  Ann@Example.COM "));
  CHECK_STR(out, "Ann@example.com");
  cm_string_free(out);
  out = NULL;
  EXPECT(cm_validate_email(&out, "not an email"), CM_ERR_VALIDATION);
  CHECK_STR(cm_last_error_code(), "validation.failed");
  CHECK_FIELD_ERROR("email", "email.invalid");
  CHECK(out == NULL);
  EXPECT(cm_validate_email(&out, ""), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("email", "email.required");
  EXPECT(cm_validate_email(&out, "a\xff@example.com"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("email", "text.invalid_utf8");

  OK(cm_validate_phone(&out, &ext, &region, "(415) 555-2671 ext. 7", NULL));
  CHECK_STR(out, "+14155552671");
  CHECK_STR(ext, "7");
  CHECK_STR(region, "US");
  cm_string_free(out);
  cm_string_free(ext);
  cm_string_free(region);
  out = ext = region = NULL;
  OK(cm_validate_phone(&out, NULL, &region, "030 123456", "DE"));
  CHECK_STR(out, "+4930123456");
  CHECK_STR(region, "DE");
  cm_string_free(out);
  cm_string_free(region);
  out = region = NULL;
  OK(cm_validate_phone(&out, &ext, NULL, "+44 121 234 5678", ""));
  CHECK_STR(out, "+441212345678");
  CHECK_STR(ext, "");
  cm_string_free(out);
  cm_string_free(ext);
  out = ext = NULL;
  EXPECT(cm_validate_phone(&out, &ext, &region, "12", NULL), CM_ERR_VALIDATION);
  CHECK(out == NULL && ext == NULL && region == NULL);
  CHECK(cm_last_error_field_count() > 0);
  EXPECT(cm_validate_phone(&out, NULL, NULL, "+14155552671", "XX"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("phone", "phone.region_invalid");

  OK(cm_validate_address(&out,
                         "{\"street\":\" 1 Main St \",\"city\":\"Anytown\","
                         "\"state\":\"California\",\"zip\":\"12345\",\"country\":\"usa\"}"));
  CHECK_STR(out,
            "{\"street\":\"1 Main St\",\"city\":\"Anytown\",\"state\":\"CA\",\"zip\":\"12345\","
            "\"country\":\"US\"}");
  cm_string_free(out);
  out = NULL;
  OK(cm_validate_address(&out, "{}"));
  CHECK_STR(out, "{}");
  cm_string_free(out);
  out = NULL;
  EXPECT(cm_validate_address(&out, "{\"zip\":\"abc\",\"country\":\"US\",\"floor\":\"2\"}"),
         CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("address.zip", "address.zip_invalid");
  CHECK_FIELD_ERROR("address.floor", "address.unknown_key");
  EXPECT(cm_validate_address(&out, "[]"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("address", "address.not_object");
  EXPECT(cm_validate_address(&out, "{"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("address", "address.not_json");
  EXPECT(cm_validate_address(&out, "{\"city\":\"\xc3\x28\"}"), CM_ERR_VALIDATION);
  CHECK(out == NULL);

  OK(cm_country_alpha2(&out, "Germany"));
  CHECK_STR(out, "DE");
  cm_string_free(out);
  OK(cm_country_alpha2(&out, "usa"));
  CHECK_STR(out, "US");
  cm_string_free(out);
  out = NULL;
  EXPECT(cm_country_alpha2(&out, "Atlantis"), CM_ERR_NOT_FOUND);
  CHECK_STR(cm_last_error_code(), "country.unknown");
  CHECK(out == NULL);
}

static void test_json_helpers(void) {
  int64_t n = 0;
  int b = -1;
  char* s = NULL;
  const char* doc =
      "{\"id\":42,\"big\":18446744073709551615,\"neg\":-7,\"f\":1.5,\"t\":true,"
      "\"name\":\"Zo\\u00eb\",\"nothing\":null}";
  OK(cm_json_get_int64(&n, doc, "id"));
  CHECK(n == 42);
  OK(cm_json_get_int64(&n, doc, "neg"));
  CHECK(n == -7);
  EXPECT(cm_json_get_int64(&n, doc, "big"), CM_ERR_VALIDATION);
  CHECK(n == 0);
  EXPECT(cm_json_get_int64(&n, doc, "f"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("f", "json.type_mismatch");
  EXPECT(cm_json_get_int64(&n, doc, "missing"), CM_ERR_NOT_FOUND);
  CHECK_STR(cm_last_error_code(), "json.key_missing");
  EXPECT(cm_json_get_int64(&n, doc, "nothing"), CM_ERR_NOT_FOUND);
  OK(cm_json_get_bool(&b, doc, "t"));
  CHECK(b == 1);
  OK(cm_json_get_string(&s, doc, "name"));
  CHECK_STR(s, "Zo\xc3\xab");
  cm_string_free(s);
  s = NULL;
  EXPECT(cm_json_get_string(&s, doc, "id"), CM_ERR_VALIDATION);
  EXPECT(cm_json_get_string(&s, "[1]", "id"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("", "json.not_object");
  EXPECT(cm_json_get_string(&s, "{", "id"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("", "json.invalid");
  EXPECT(cm_json_get_string(&s, "{\"a\":\"\xff\"}", "a"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("", "json.invalid_utf8");
  CHECK(s == NULL);
}

static void test_schema_versions_and_migrations(void) {
  char path[512];
  cm_store *store = NULL, *strict = NULL;
  cm_store_options opts = CM_STORE_OPTIONS_INIT;
  int version = -1, latest = -1;

  snprintf(path, sizeof path, "sqlite:%s/migrations.db", g_tmpdir);
  REQUIRE_OK(cm_store_open(&store, path, NULL));
  OK(cm_store_latest_schema_version(&latest, store));
  CHECK(latest > 0);
  OK(cm_store_schema_version(&version, store));
  CHECK(version == latest);

  OK(cm_store_migrate(store, 0));
  OK(cm_store_schema_version(&version, store));
  CHECK(version == 0);

  opts.migrate_on_open = 0;
  EXPECT(cm_store_open(&strict, path, &opts), CM_ERR_BACKEND);
  CHECK_STR(cm_last_error_code(), "backend.schema_outdated");
  CHECK(strict == NULL);

  OK(cm_store_migrate(store, latest));
  OK(cm_store_schema_version(&version, store));
  CHECK(version == latest);
  REQUIRE_OK(cm_store_open(&strict, path, &opts));
  cm_store_free(strict);

  EXPECT(cm_store_migrate(store, latest + 5), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("target", "migration.unknown_version");
  EXPECT(cm_store_migrate(store, -1), CM_ERR_VALIDATION);
  cm_store_free(store);

  /* The store under test is current too. */
  store = open_store();
  OK(cm_store_schema_version(&version, store));
  OK(cm_store_latest_schema_version(&latest, store));
  CHECK(version == latest);
  cm_store_free(store);
}

/* ------------------------------------------------------------ main */

static const test_case kTests[] = {
    {"version_and_status_names", test_version_and_status_names},
    {"free_functions_accept_null", test_free_functions_accept_null},
    {"null_arguments_are_invalid_argument", test_null_arguments_are_invalid_argument},
    {"store_options_and_open_errors", test_store_options_and_open_errors},
    {"default_region_applies_to_contact_phones", test_default_region_applies_to_contact_phones},
    {"sessions_user_and_service", test_sessions_user_and_service},
    {"account_crud_round_trip", test_account_crud_round_trip},
    {"invalid_json_is_a_validation_error", test_invalid_json_is_a_validation_error},
    {"last_error_is_cleared_by_success", test_last_error_is_cleared_by_success},
    {"last_error_is_per_thread", test_last_error_is_per_thread},
    {"visibility_between_two_users", test_visibility_between_two_users},
    {"search_filters_and_cursor_pagination", test_search_filters_and_cursor_pagination},
    {"stats", test_stats},
    {"contacts", test_contacts},
    {"transactions", test_transactions},
    {"validators", test_validators},
    {"json_helpers", test_json_helpers},
    {"schema_versions_and_migrations", test_schema_versions_and_migrations},
};

int main(int argc, char** argv) {
  static const char* const kLeftovers[] = {"migrations.db", NULL};
  return run_tests(argc, argv, kTests, sizeof kTests / sizeof kTests[0], "capi.db", kLeftovers);
}
