/* Tests of the import/export, backup, restore, verify and archive functions
 * of the C ABI (custmgmt.h) and of cm_account_create_many(), written in C11.
 *
 * Usage: capi_io_test [URI | --env VAR]
 *   With no argument the tests run on a fresh SQLite file in a temporary
 *   directory. With a URI they run there; with --env VAR the URI is read
 *   from the environment and the run is skipped (exit code 77) when VAR is
 *   unset. Each test acts as new users (fresh UUIDs), who see only what they
 *   create, so a shared database needs no cleaning; "a fresh store" is a new
 *   SQLite file, or a new user on the store under test.
 * Every allocation is released so that the run is clean under valgrind.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "custmgmt/custmgmt.h"

#include "capi_harness.h"

/* ------------------------------------------------------------ fixtures */

static char g_sentinel; /* preset into out params to see them reset */
#define SENTINEL ((char*)&g_sentinel)
#define SENTINEL_TXN ((cm_txn*)&g_sentinel)

/* A path in the temporary directory, malloc'd. */
static char* tmp_path(const char* name) {
  return format("%s/%s", g_tmpdir, name);
}

static cm_store* open_store_at(const char* uri) {
  cm_store* store = NULL;
  if (cm_store_open(&store, uri, NULL) != CM_OK) {
    fprintf(stderr, "cannot open %s: %s\n", uri, cm_last_error_message());
    exit(1);
  }
  return store;
}

/* A new SQLite store in the temporary directory (file `name`). */
static cm_store* fresh_sqlite_store(const char* name) {
  char* uri = format("sqlite:%s/%s", g_tmpdir, name);
  cm_store* store;
  remove_sqlite_files(name);
  store = open_store_at(uri);
  free(uri);
  return store;
}

static cm_session* new_user(cm_store* store) {
  cm_session* s = NULL;
  char uuid[37];
  new_uuid(uuid);
  if (cm_session_open(&s, store, uuid) != CM_OK) {
    fprintf(stderr, "cannot open a session: %s\n", cm_last_error_message());
    exit(1);
  }
  return s;
}

/* Creates an account from JSON and returns its id (-1 on failure). */
static int64_t add_account(cm_session* s, const char* json) {
  char* out = NULL;
  int64_t id = -1;
  if (OK(cm_account_create(&out, s, json))) id = json_int(out, "id");
  cm_string_free(out);
  return id;
}

static int64_t add_contact(cm_session* s, int64_t account_id, const char* fields) {
  char* in = format("{\"customer_account_id\":%" PRId64 ",%s}", account_id, fields);
  char* out = NULL;
  int64_t id = -1;
  if (OK(cm_contact_add(&out, s, in))) id = json_int(out, "id");
  cm_string_free(out);
  free(in);
  return id;
}

/* The whole of a file, malloc'd (NULL when it cannot be read). */
static char* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  char* data;
  long n;
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  data = malloc((size_t)n + 1);
  if (data == NULL) abort();
  if (fread(data, 1, (size_t)n, f) != (size_t)n) {
    free(data);
    fclose(f);
    return NULL;
  }
  data[n] = '\0';
  fclose(f);
  if (size != NULL) *size = (size_t)n;
  return data;
}

static int write_file(const char* path, const char* data, size_t size) {
  FILE* f = fopen(path, "wb");
  int ok;
  if (f == NULL) return 0;
  ok = fwrite(data, 1, size, f) == size;
  return fclose(f) == 0 && ok;
}

/* Reads an unsigned count of a report. */
static int64_t report_int(const char* report, const char* key) {
  return report == NULL ? -1 : json_int(report, key);
}

static int report_bool(const char* report, const char* key) {
  int v = -1;
  if (report == NULL || cm_json_get_bool(&v, report, key) != CM_OK) return -1;
  return v;
}

/* The CSV export of everything `s` sees (accounts oldest first): no ids nor
 * timestamps, so two stores holding the same data give the same text. */
static char* csv_of(cm_session* s) {
  char* data = NULL;
  size_t size = 0;
  if (!OK(cm_export_buffer(&data, &size, NULL, s, "{\"format\":\"csv\"}", NULL, NULL))) {
    return NULL;
  }
  return data;
}

/* Number of lines of `text`. */
static size_t line_count(const char* text) {
  size_t n = 0;
  for (; text != NULL && *text != '\0'; ++text) n += *text == '\n';
  return n;
}

/* Two accounts, three contacts: the data of the round-trip tests. The phone
 * is typed with its +country so that CSV, which writes a national form as
 * E.164, carries it as typed. */
static void seed(cm_session* s) {
  const int64_t a =
      add_account(s,
                  "{\"company_name\":\"Round Trip Traders\",\"customer_type\":\"Commercial\","
                  "\"billing_address\":{\"street\":\"1 Main St\",\"city\":\"Austin\","
                  "\"state\":\"TX\",\"zip\":\"78701\",\"country\":\"US\"},"
                  "\"tags\":[\"vip\",\"wholesale\"],\"account_notes\":\"pays on time\"}");
  const int64_t b =
      add_account(s, "{\"company_name\":\"Round Trip Home\",\"customer_type\":\"Residential\"}");
  add_contact(s, a,
              "\"contact_name\":\"Ann Lee\",\"email\":\"ann@rt.example\","
              "\"phone\":\"+1 512-555-0100\",\"role\":\"Owner\",\"is_primary_contact\":true");
  add_contact(s, a, "\"contact_name\":\"Bob Roe\",\"email\":\"bob@rt.example\"");
  add_contact(s, b, "\"contact_name\":\"Cy Home\",\"contact_notes\":\"evenings\"");
}

/* ------------------------------------------------------------ progress */

typedef struct progress_log {
  int calls;
  uint64_t last;
  int decreasing; /* set when a call gave fewer records than the previous */
} progress_log;

static void on_progress(uint64_t records, void* user_data) {
  progress_log* log = user_data;
  if (records < log->last) log->decreasing = 1;
  log->last = records;
  ++log->calls;
}

/* ------------------------------------------------------------ tests */

static void test_null_arguments(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* s = new_user(store);
  char* out = SENTINEL;
  char* data = SENTINEL;
  size_t size = 7;
  uint64_t count = 7;
  char* path = tmp_path("null.ndjson");

  EXPECT(cm_account_create_many(NULL, s, "[]"), CM_ERR_INVALID_ARGUMENT);
  CHECK_STR(cm_last_error_code(), "argument.null");
  EXPECT(cm_account_create_many(&out, NULL, "[]"), CM_ERR_INVALID_ARGUMENT);
  CHECK(out == NULL);
  out = SENTINEL;
  EXPECT(cm_account_create_many(&out, s, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK(out == NULL);
  CHECK(strstr(cm_last_error_message(), "accounts_json_array") != NULL);

  out = SENTINEL;
  EXPECT(cm_export_file(&out, NULL, path, NULL, NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK(out == NULL);
  EXPECT(cm_export_file(&out, s, NULL, NULL, NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK(strstr(cm_last_error_message(), "path") != NULL);
  EXPECT(cm_export_file(NULL, s, path, NULL, NULL, NULL), CM_ERR_INVALID_ARGUMENT);

  out = SENTINEL;
  EXPECT(cm_export_buffer(&data, &size, &out, NULL, NULL, NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK(data == NULL && size == 0 && out == NULL);
  EXPECT(cm_export_buffer(NULL, &size, NULL, s, NULL, NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  data = SENTINEL;
  EXPECT(cm_export_buffer(&data, NULL, NULL, s, NULL, NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK(data == NULL);

  out = SENTINEL;
  EXPECT(cm_import_file(&out, NULL, path, NULL, NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK(out == NULL);
  EXPECT(cm_import_file(&out, s, NULL, NULL, NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  EXPECT(cm_import_file(NULL, s, path, NULL, NULL, NULL), CM_ERR_INVALID_ARGUMENT);

  out = SENTINEL;
  EXPECT(cm_import_buffer(&out, NULL, "", 0, NULL, NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK(out == NULL);
  EXPECT(cm_import_buffer(&out, s, NULL, 10, NULL, NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK_STR(cm_last_error_code(), "argument.null");
  EXPECT(cm_import_buffer(NULL, s, "", 0, NULL, NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  /* NULL with size 0 is an empty input. */
  if (OK(cm_import_buffer(&out, s, NULL, 0, NULL, NULL, NULL))) {
    CHECK(report_int(out, "rows") == 0);
  }
  cm_string_free(out);

  out = SENTINEL;
  EXPECT(cm_backup(&out, NULL, path), CM_ERR_INVALID_ARGUMENT);
  CHECK(out == NULL);
  EXPECT(cm_backup(&out, s, NULL), CM_ERR_INVALID_ARGUMENT);
  EXPECT(cm_backup(NULL, s, path), CM_ERR_INVALID_ARGUMENT);

  out = SENTINEL;
  EXPECT(cm_restore_account(&out, NULL, path, 1), CM_ERR_INVALID_ARGUMENT);
  CHECK(out == NULL);
  EXPECT(cm_restore_account(&out, s, NULL, 1), CM_ERR_INVALID_ARGUMENT);
  EXPECT(cm_restore_account(NULL, s, path, 1), CM_ERR_INVALID_ARGUMENT);

  out = SENTINEL;
  size = 7;
  EXPECT(cm_verify(&out, &size, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK(out == NULL && size == 0);
  EXPECT(cm_verify(NULL, NULL, s), CM_ERR_INVALID_ARGUMENT);

  EXPECT(cm_archive_older_than(&count, NULL, "2000-01-01T00:00:00Z"), CM_ERR_INVALID_ARGUMENT);
  CHECK(count == 0);
  EXPECT(cm_archive_older_than(&count, s, NULL), CM_ERR_INVALID_ARGUMENT);
  EXPECT(cm_archive_older_than(NULL, s, "2000-01-01T00:00:00Z"), CM_ERR_INVALID_ARGUMENT);

  EXPECT(cm_csv_columns(NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK_STR(cm_last_error_code(), "argument.null");

  free(path);
  cm_session_free(s);
  cm_store_free(store);
}

static void test_csv_columns(void) {
  char* columns = NULL;
  REQUIRE_OK(cm_csv_columns(&columns));
  CHECK(strncmp(columns, "[\"company_name\",\"customer_type\",", 32) == 0);
  CHECK(strstr(columns, "\"email\"") != NULL);
  CHECK(strstr(columns, "\"contact_notes\"]") != NULL);
  cm_string_free(columns);
}

static void test_create_many(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* s = new_user(store);
  char* out = NULL;
  char* first = NULL;
  cm_page* page = NULL;
  size_t count = 99;

  if (OK(cm_account_create_many(&out, s,
                                "[{\"company_name\":\"Many One\",\"customer_type\":\"Commercial\"},"
                                "{\"company_name\":\"Many Two\",\"customer_type\":\"residential\","
                                "\"tags\":[\"x\"]}]"))) {
    CHECK(out[0] == '[');
    CHECK(strstr(out, "\"company_name\":\"Many One\"") <
          strstr(out, "\"company_name\":\"Many Two\""));
    CHECK(strstr(out, "\"version\":1") != NULL);
  }
  cm_string_free(out);
  out = NULL;
  if (OK(cm_account_search(&page, s, "{\"sort\":\"name_asc\"}"))) {
    const char* item = NULL;
    OK(cm_page_count(&count, page));
    CHECK(count == 2);
    OK(cm_page_item(&item, page, 0));
    OK(cm_json_get_string(&first, item, "company_name"));
    CHECK_STR(first, "Many One");
    cm_string_free(first);
  }
  cm_page_free(page);
  page = NULL;

  /* An empty array stores nothing. */
  if (OK(cm_account_create_many(&out, s, "[]"))) CHECK_STR(out, "[]");
  cm_string_free(out);
  out = SENTINEL;

  /* All or nothing: one bad element (structural or by content) stores none. */
  EXPECT(
      cm_account_create_many(&out, s,
                             "[{\"company_name\":\"Many Three\",\"customer_type\":\"Commercial\"},"
                             "{\"company_name\":\"Many Four\",\"customer_type\":\"Alien\"},"
                             "{\"company_name\":\"Many Five\",\"customer_type\":\"Commercial\","
                             "\"colour\":\"red\"}, 7]"),
      CM_ERR_VALIDATION);
  CHECK(out == NULL);
  CHECK_FIELD_ERROR("[1].customer_type", "customer_type.invalid");
  CHECK_FIELD_ERROR("[2].colour", "json.unknown_key");
  CHECK_FIELD_ERROR("[3]", "json.not_object");
  out = SENTINEL;
  EXPECT(cm_account_create_many(&out, s,
                                "[{\"company_name\":\"Many Six\",\"customer_type\":\"Commercial\"},"
                                "{\"company_name\":\"Many Seven\",\"customer_type\":\"Commercial\","
                                "\"billing_address\":{\"country\":\"Atlantis\"}}]"),
         CM_ERR_VALIDATION);
  CHECK(out == NULL);
  CHECK(cm_last_error_field_count() >= 1);
  {
    const char* field = NULL;
    OK(cm_last_error_field(&field, NULL, NULL, 0));
    CHECK(field != NULL && strncmp(field, "[1].billing_address", 19) == 0);
  }
  if (OK(cm_account_search(&page, s, "{}"))) {
    OK(cm_page_count(&count, page));
    CHECK(count == 2); /* still only Many One and Many Two */
  }
  cm_page_free(page);

  out = SENTINEL;
  EXPECT(cm_account_create_many(&out, s, "{\"company_name\":\"x\"}"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("", "json.not_array");
  EXPECT(cm_account_create_many(&out, s, "[{"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("", "json.invalid");
  EXPECT(cm_account_create_many(&out, s, "[\"\xff\"]"), CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("", "json.invalid_utf8");
  CHECK(out == NULL);

  cm_session_free(s);
  cm_store_free(store);
}

/* cm_contact_add_many: all or nothing, the rules of cm_contact_add across the
 * batch, errors prefixed with the element's index. */
static void test_contact_add_many(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* s = new_user(store);
  char* account = NULL;
  char* out = NULL;
  char* doc = NULL;
  int64_t id = 0;
  cm_page* page = NULL;
  size_t count = 99;

  if (!OK(cm_account_create(
          &account, s, "{\"company_name\":\"Bulk Contacts\",\"customer_type\":\"Commercial\"}"))) {
    cm_session_free(s);
    cm_store_free(store);
    return;
  }
  OK(cm_json_get_int64(&id, account, "id"));
  cm_string_free(account);

  doc = format("[{\"customer_account_id\":%" PRId64
               ",\"contact_name\":\"Ann\","
               "\"email\":\"ann@example.com\",\"is_primary_contact\":true},"
               "{\"customer_account_id\":%" PRId64
               ",\"contact_name\":\"Ben\","
               "\"phone\":\"+1 415 555 2671\"}]",
               id, id);
  if (OK(cm_contact_add_many(&out, s, doc))) {
    CHECK(out[0] == '[');
    CHECK(strstr(out, "\"contact_name\":\"Ann\"") < strstr(out, "\"contact_name\":\"Ben\""));
    CHECK(strstr(out, "\"phone\":\"+14155552671\"") != NULL);
  }
  cm_string_free(out);
  free(doc);

  /* A second primary (against the stored one) and a bad email: nothing stored. */
  out = SENTINEL;
  doc = format("[{\"customer_account_id\":%" PRId64
               ",\"contact_name\":\"Cid\"},"
               "{\"customer_account_id\":%" PRId64
               ",\"contact_name\":\"Dee\","
               "\"email\":\"not an email\"}]",
               id, id);
  EXPECT(cm_contact_add_many(&out, s, doc), CM_ERR_VALIDATION);
  CHECK(out == NULL);
  CHECK_FIELD_ERROR("[1].email", "email.invalid");
  free(doc);
  out = SENTINEL;
  doc = format("[{\"customer_account_id\":%" PRId64
               ",\"contact_name\":\"Eve\"},"
               "{\"customer_account_id\":%" PRId64
               ",\"contact_name\":\"Fay\","
               "\"is_primary_contact\":true}]",
               id, id);
  EXPECT(cm_contact_add_many(&out, s, doc), CM_ERR_CONFLICT);
  CHECK(out == NULL);
  CHECK_STR(cm_last_error_code(), "contact.duplicate_primary");
  free(doc);
  if (OK(cm_contact_list(&page, s, id, NULL, 50))) {
    OK(cm_page_count(&count, page));
    CHECK(count == 2); /* Ann and Ben only: Eve was not kept */
  }
  cm_page_free(page);

  out = SENTINEL;
  EXPECT(cm_contact_add_many(&out, s, "{\"contact_name\":\"x\"}"), CM_ERR_VALIDATION);
  CHECK(out == NULL);
  CHECK_FIELD_ERROR("", "json.not_array");
  EXPECT(cm_contact_add_many(&out, s, NULL), CM_ERR_INVALID_ARGUMENT);
  EXPECT(cm_contact_add_many(NULL, s, "[]"), CM_ERR_INVALID_ARGUMENT);
  EXPECT(cm_contact_add_many(&out, NULL, "[]"), CM_ERR_INVALID_ARGUMENT);
  if (OK(cm_contact_add_many(&out, s, "[]"))) CHECK_STR(out, "[]");
  cm_string_free(out);
  cm_session_free(s);
  cm_store_free(store);
}

/* Counts the accounts a session sees. */
static size_t visible_accounts(cm_session* s) {
  cm_page* page = NULL;
  size_t count = 0;
  if (OK(cm_account_search(&page, s, "{\"limit\":1000}"))) OK(cm_page_count(&count, page));
  cm_page_free(page);
  return count;
}

/* cm_txn_begin_snapshot: reads see one moment; writes are refused; it cannot
 * start inside a read-write transaction. */
static void test_snapshot_transaction(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* reader = new_user(store);
  cm_session* writer = NULL;
  char* user = NULL;
  char* out = NULL;
  cm_txn* snap = NULL;
  cm_txn* inner = NULL;
  cm_txn* rw = NULL;
  const char* const acct = "{\"company_name\":\"Snap\",\"customer_type\":\"Residential\"}";

  OK(cm_session_user(&user, reader));
  OK(cm_session_open(&writer, store, user));
  cm_string_free(user);
  OK(cm_account_create(&out, writer, acct));
  cm_string_free(out);
  out = NULL;

  if (OK(cm_txn_begin_snapshot(&snap, reader))) {
    CHECK(visible_accounts(reader) == 1);
    OK(cm_account_create(&out, writer, acct)); /* committed by another session */
    cm_string_free(out);
    out = SENTINEL;
    CHECK(visible_accounts(reader) == 1); /* not seen inside the snapshot */
    EXPECT(cm_account_create(&out, reader, acct), CM_ERR_BACKEND);
    CHECK_STR(cm_last_error_code(), "backend.readonly");
    CHECK(out == NULL);
    /* Nested: a savepoint of the same snapshot. */
    if (OK(cm_txn_begin(&inner, reader))) {
      CHECK(visible_accounts(reader) == 1);
      OK(cm_txn_commit(inner));
    }
    cm_txn_free(inner);
    OK(cm_txn_commit(snap));
  }
  cm_txn_free(snap);
  CHECK(visible_accounts(reader) == 2);

  snap = SENTINEL_TXN;
  if (OK(cm_txn_begin(&rw, reader))) {
    EXPECT(cm_txn_begin_snapshot(&snap, reader), CM_ERR_STATE);
    CHECK_STR(cm_last_error_code(), "txn.snapshot_in_transaction");
    CHECK(snap == NULL);
    OK(cm_txn_rollback(rw));
  }
  cm_txn_free(rw);
  EXPECT(cm_txn_begin_snapshot(NULL, reader), CM_ERR_INVALID_ARGUMENT);
  EXPECT(cm_txn_begin_snapshot(&snap, NULL), CM_ERR_INVALID_ARGUMENT);
  cm_session_free(writer);
  cm_session_free(reader);
  cm_store_free(store);
}

static void test_export_import_round_trip(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* source = new_user(store);
  cm_store* fresh = fresh_sqlite_store("round_trip.db");
  cm_session* target = new_user(fresh);
  cm_session* other = new_user(store); /* the "fresh store" on this backend */
  char* ndjson_path = tmp_path("round_trip.ndjson");
  char* csv_path = tmp_path("round_trip.csv");
  char* report = NULL;
  char* ndjson = NULL;
  char* csv = NULL;
  char* file_text = NULL;
  char* expected_csv = NULL;
  char* got_csv = NULL;
  char* columns = NULL;
  size_t ndjson_size = 0, csv_size = 0, file_size = 0;

  seed(source);
  expected_csv = csv_of(source);
  CHECK(line_count(expected_csv) == 4); /* header + one row per contact */

  /* NDJSON to a file (format from the extension) and to a buffer. */
  if (OK(cm_export_file(&report, source, ndjson_path, NULL, NULL, NULL))) {
    CHECK(report_int(report, "accounts") == 2);
    CHECK(report_int(report, "contacts") == 3);
  }
  cm_string_free(report);
  report = NULL;
  if (OK(cm_export_buffer(&ndjson, &ndjson_size, &report, source, NULL, NULL, NULL))) {
    CHECK(report_int(report, "accounts") == 2);
    CHECK(strlen(ndjson) == ndjson_size);
    CHECK(line_count(ndjson) == 2);
    CHECK(strstr(ndjson, "\"contacts\":[") != NULL);
    file_text = read_file(ndjson_path, &file_size);
    CHECK(file_text != NULL && file_size == ndjson_size &&
          memcmp(file_text, ndjson, file_size) == 0);
    free(file_text);
  }
  cm_string_free(report);
  report = NULL;

  /* CSV to a file (".csv" selects it) and to a buffer; the header is
   * cm_csv_columns(). */
  if (OK(cm_export_file(&report, source, csv_path, NULL, NULL, NULL))) {
    CHECK(report_int(report, "contacts") == 3);
  }
  cm_string_free(report);
  report = NULL;
  if (OK(cm_export_buffer(&csv, &csv_size, NULL, source, "{\"format\":\"CSV\"}", NULL, NULL))) {
    file_text = read_file(csv_path, &file_size);
    CHECK(file_text != NULL && file_size == csv_size && memcmp(file_text, csv, csv_size) == 0);
    free(file_text);
    CHECK_STR(csv, expected_csv);
    if (OK(cm_csv_columns(&columns))) {
      /* ["a","b",...] -> a,b,... must be the first line. */
      char* header = malloc(strlen(columns) + 1);
      size_t i, j = 0;
      if (header == NULL) abort();
      for (i = 1; columns[i] != ']'; ++i) {
        if (columns[i] != '"') header[j++] = columns[i];
      }
      header[j] = '\0';
      CHECK(strncmp(csv, header, j) == 0 && (csv[j] == '\r' || csv[j] == '\n'));
      free(header);
    }
    cm_string_free(columns);
  }

  /* Import the NDJSON file into a fresh store: the same data. */
  if (OK(cm_import_file(&report, target, ndjson_path, NULL, NULL, NULL))) {
    CHECK(report_int(report, "rows") == 2);
    CHECK(report_int(report, "accounts_created") == 2);
    CHECK(report_int(report, "contacts_created") == 3);
    CHECK(report_int(report, "rejected") == 0);
    CHECK(report_bool(report, "committed") == 1);
    CHECK(strstr(report, "\"errors\":[]") != NULL);
  }
  cm_string_free(report);
  report = NULL;
  got_csv = csv_of(target);
  CHECK_STR(got_csv, expected_csv);
  cm_string_free(got_csv);

  /* Importing it again changes nothing. */
  if (OK(cm_import_file(&report, target, ndjson_path, NULL, NULL, NULL))) {
    CHECK(report_int(report, "accounts_created") == 0);
    CHECK(report_int(report, "accounts_unchanged") == 2);
    CHECK(report_int(report, "contacts_created") == 0);
    CHECK(report_int(report, "contacts_unchanged") == 3);
  }
  cm_string_free(report);
  report = NULL;
  /* Neither does the CSV file of the same data. */
  if (OK(cm_import_file(&report, target, csv_path, NULL, NULL, NULL))) {
    CHECK(report_int(report, "rows") == 3);
    CHECK(report_int(report, "accounts_created") == 0);
    CHECK(report_int(report, "contacts_created") == 0);
    CHECK(report_int(report, "contacts_unchanged") == 3);
  }
  cm_string_free(report);
  report = NULL;

  /* The buffers into a new user of the store under test: CSV, then NDJSON
   * (which finds everything already there). */
  if (OK(cm_import_buffer(&report, other, csv, csv_size, "{\"format\":\"csv\"}", NULL, NULL))) {
    CHECK(report_int(report, "accounts_created") == 2);
    CHECK(report_int(report, "contacts_created") == 3);
  }
  cm_string_free(report);
  report = NULL;
  got_csv = csv_of(other);
  CHECK_STR(got_csv, expected_csv);
  cm_string_free(got_csv);
  if (OK(cm_import_buffer(&report, other, ndjson, ndjson_size, NULL, NULL, NULL))) {
    CHECK(report_int(report, "accounts_created") == 0);
    CHECK(report_int(report, "accounts_unchanged") == 2);
    CHECK(report_int(report, "contacts_unchanged") == 3);
  }
  cm_string_free(report);
  report = NULL;

  /* Exporting one account, and a query. */
  {
    char* page_json = NULL;
    cm_page* page = NULL;
    const char* item = NULL;
    char* options = NULL;
    char* one = NULL;
    size_t one_size = 0;
    if (OK(cm_account_search(&page, source, "{\"text\":\"Round Trip Home\"}")) &&
        OK(cm_page_item(&item, page, 0))) {
      options = format("{\"account_id\":%" PRId64 ",\"format\":null}", json_int(item, "id"));
      if (OK(cm_export_buffer(&one, &one_size, &report, source, options, NULL, NULL))) {
        CHECK(line_count(one) == 1);
        CHECK(strstr(one, "Cy Home") != NULL && strstr(one, "Ann Lee") == NULL);
        CHECK(report_int(report, "accounts") == 1 && report_int(report, "contacts") == 1);
      }
      cm_string_free(one);
      cm_string_free(report);
      report = NULL;
      free(options);
    }
    cm_page_free(page);
    if (OK(cm_export_buffer(&one, &one_size, NULL, source,
                            "{\"query\":{\"customer_type\":\"commercial\",\"limit\":1}}", NULL,
                            NULL))) {
      CHECK(line_count(one) == 1);
      CHECK(strstr(one, "Round Trip Traders") != NULL);
    }
    cm_string_free(one);
    (void)page_json;
  }

  cm_string_free(ndjson);
  cm_string_free(csv);
  cm_string_free(expected_csv);
  free(ndjson_path);
  free(csv_path);
  cm_session_free(source);
  cm_session_free(target);
  cm_session_free(other);
  cm_store_free(store);
  cm_store_free(fresh);
  remove_sqlite_files("round_trip.db");
  remove_sqlite_files("round_trip.ndjson");
  remove_sqlite_files("round_trip.csv");
}

/* Three rows: a valid account, one with a bad contact email, one that is not
 * JSON. */
static const char kMixedNdjson[] =
    "{\"company_name\":\"Mixed Good\",\"customer_type\":\"Commercial\","
    "\"contacts\":[{\"contact_name\":\"Gus\",\"email\":\"gus@mixed.example\"}]}\n"
    "{\"company_name\":\"Mixed Bad Mail\",\"customer_type\":\"Commercial\","
    "\"contacts\":[{\"contact_name\":\"Bea\",\"email\":\"not-an-email\"}]}\n"
    "this is not json\n";

static size_t count_visible(cm_session* s) {
  cm_page* page = NULL;
  size_t count = 0;
  if (OK(cm_account_search(&page, s, "{\"archived\":\"include\",\"limit\":1000}"))) {
    OK(cm_page_count(&count, page));
  }
  cm_page_free(page);
  return count;
}

static void test_rejected_rows_are_reported(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* s = new_user(store);
  char* report = SENTINEL;
  char* last = NULL;

  EXPECT(cm_import_buffer(&report, s, kMixedNdjson, strlen(kMixedNdjson), NULL, NULL, NULL),
         CM_ERR_VALIDATION);
  CHECK(report != NULL && report != SENTINEL);
  if (report != NULL && report != SENTINEL) {
    CHECK_STR(cm_last_error_code(), "import.rows_rejected");
    CHECK_STR(cm_last_error_message(), "2 rows rejected");
    CHECK_FIELD_ERROR("line 2: contacts[0].email", "email.invalid");
    CHECK(cm_last_error_field_count() == 2);
    {
      const char *field = NULL, *code = NULL;
      OK(cm_last_error_field(&field, &code, NULL, 1));
      CHECK(field != NULL && strncmp(field, "line 3", 6) == 0);
      CHECK(code != NULL && strncmp(code, "json.", 5) == 0);
    }
    /* The error JSON carries the same (read before the report: reading it
     * with cm_json_get_int64() is a call that clears the last error). */
    if (OK(cm_last_error_json(&last))) {
      CHECK(strstr(last, "\"code\":\"import.rows_rejected\"") != NULL);
      CHECK(strstr(last, "\"field\":\"line 2: contacts[0].email\"") != NULL);
    }
    cm_string_free(last);
    CHECK(report_int(report, "rows") == 3);
    CHECK(report_int(report, "rejected") == 2);
    CHECK(report_int(report, "accounts_created") == 1);
    CHECK(report_int(report, "contacts_created") == 1);
    CHECK(report_bool(report, "committed") == 1);
    CHECK(strstr(report,
                 "{\"line\":2,\"field\":\"contacts[0].email\",\"code\":\"email.invalid\"") != NULL);
    cm_string_free(report);
  }
  CHECK(count_visible(s) == 1);

  /* CSV: line numbers count the header; max_errors_kept bounds the list. */
  {
    static const char kCsv[] =
        "company_name,customer_type,contact_name,email\n"
        "Csv Good,commercial,Ann,ann@csv.example\n"
        "Csv Bad,martian,Bob,bob@csv.example\n"
        "Csv Worse,commercial,Cy,nope\n";
    report = NULL;
    EXPECT(cm_import_buffer(&report, s, kCsv, strlen(kCsv),
                            "{\"format\":\"csv\",\"max_errors_kept\":1}", NULL, NULL),
           CM_ERR_VALIDATION);
    CHECK_FIELD_ERROR("line 3: customer_type", "customer_type.invalid");
    CHECK(cm_last_error_field_count() == 1);
    CHECK(report_int(report, "rejected") == 2);
    CHECK(report_int(report, "accounts_created") == 1);
    CHECK(strstr(report, "\"line\":3,\"field\":\"customer_type\"") != NULL);
    CHECK(strstr(report, "\"line\":4") == NULL); /* counted, not kept */
    cm_string_free(report);
  }
  CHECK(count_visible(s) == 2);

  cm_session_free(s);
  cm_store_free(store);
}

static void test_strict_mode_imports_nothing(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* s = new_user(store);
  char* report = NULL;

  EXPECT(cm_import_buffer(&report, s, kMixedNdjson, strlen(kMixedNdjson), "{\"strict\":true}", NULL,
                          NULL),
         CM_ERR_VALIDATION);
  CHECK_STR(cm_last_error_code(), "import.rows_rejected");
  CHECK_STR(cm_last_error_message(), "2 rows rejected, nothing imported (strict)");
  CHECK(report_bool(report, "committed") == 0);
  CHECK(report_int(report, "accounts_created") == 0);
  CHECK(report_int(report, "rejected") == 2);
  cm_string_free(report);
  CHECK(count_visible(s) == 0);

  /* Strict with nothing wrong commits. */
  report = NULL;
  if (OK(cm_import_buffer(&report, s, kMixedNdjson, strchr(kMixedNdjson, '\n') - kMixedNdjson + 1,
                          "{\"strict\":true,\"batch_size\":1}", NULL, NULL))) {
    CHECK(report_bool(report, "committed") == 1);
    CHECK(report_int(report, "accounts_created") == 1);
  }
  cm_string_free(report);
  CHECK(count_visible(s) == 1);

  cm_session_free(s);
  cm_store_free(store);
}

static void test_progress_callback(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* s = new_user(store);
  char* report = NULL;
  char* data = NULL;
  size_t size = 0;
  progress_log log = {0, 0, 0};
  static const char kRows[] =
      "{\"company_name\":\"Prog A\",\"customer_type\":\"Commercial\"}\n"
      "{\"company_name\":\"Prog B\",\"customer_type\":\"Commercial\"}\n"
      "{\"company_name\":\"Prog C\",\"customer_type\":\"Commercial\"}\n";

  if (OK(cm_import_buffer(&report, s, kRows, strlen(kRows), "{\"batch_size\":1}", on_progress,
                          &log))) {
    CHECK(log.calls >= 3);
    CHECK(log.last == 3);
    CHECK(!log.decreasing);
  }
  cm_string_free(report);
  report = NULL;

  memset(&log, 0, sizeof log);
  if (OK(cm_export_buffer(&data, &size, NULL, s, NULL, on_progress, &log))) {
    CHECK(log.calls == 3);
    CHECK(log.last == 3);
  }
  cm_string_free(data);

  /* The file forms call it too; NULL means none. */
  {
    char* path = tmp_path("progress.ndjson");
    memset(&log, 0, sizeof log);
    if (OK(cm_export_file(&report, s, path, NULL, on_progress, &log))) CHECK(log.last == 3);
    cm_string_free(report);
    report = NULL;
    memset(&log, 0, sizeof log);
    if (OK(cm_import_file(&report, s, path, NULL, on_progress, &log))) {
      CHECK(log.last == 3);
      CHECK(report_int(report, "accounts_unchanged") == 3);
    }
    cm_string_free(report);
    report = NULL;
    memset(&log, 0, sizeof log);
    if (OK(cm_import_file(&report, s, path, NULL, NULL, &log))) CHECK(log.calls == 0);
    cm_string_free(report);
    free(path);
    remove_sqlite_files("progress.ndjson");
  }

  cm_session_free(s);
  cm_store_free(store);
}

static void test_backup_and_restore_account(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* s = new_user(store);
  char* path = tmp_path("user.backup");
  char* kind = NULL;
  char* report = NULL;
  char* account = NULL;
  cm_page* page = NULL;
  size_t count = 0;
  const int64_t id = add_account(
      s, "{\"company_name\":\"Backup Co\",\"customer_type\":\"Commercial\",\"tags\":[\"b\"]}");
  const int64_t keep =
      add_account(s, "{\"company_name\":\"Kept Co\",\"customer_type\":\"Residential\"}");
  int64_t restored = -1;

  add_contact(s, id, "\"contact_name\":\"Dee\",\"email\":\"dee@backup.example\"");
  add_contact(s, id, "\"contact_name\":\"Eve\",\"is_primary_contact\":true");

  /* A user session's backup is an NDJSON export of what it sees. */
  if (OK(cm_backup(&kind, s, path))) CHECK_STR(kind, "ndjson");
  cm_string_free(kind);
  kind = NULL;

  REQUIRE_OK(cm_account_remove(s, id));
  if (OK(cm_restore_account(&report, s, path, id))) {
    CHECK(report_bool(report, "recreated") == 1);
    CHECK(report_int(report, "contacts_created") == 2);
    CHECK(report_int(report, "contacts_deleted") == 0);
    restored = report_int(report, "account_id");
    CHECK(restored > 0 && restored != id);
  }
  cm_string_free(report);
  report = NULL;
  if (OK(cm_account_get(&account, s, restored))) {
    CHECK(strstr(account, "\"company_name\":\"Backup Co\"") != NULL);
    CHECK(strstr(account, "\"tags\":[\"b\"]") != NULL);
  }
  cm_string_free(account);
  if (OK(cm_contact_list(&page, s, restored, NULL, 10))) {
    OK(cm_page_count(&count, page));
    CHECK(count == 2);
  }
  cm_page_free(page);

  /* An account that still exists is set back: the contact added since goes. */
  add_contact(s, keep, "\"contact_name\":\"Late Comer\"");
  if (OK(cm_restore_account(&report, s, path, keep))) {
    CHECK(report_bool(report, "recreated") == 0);
    CHECK(report_int(report, "account_id") == keep);
    CHECK(report_int(report, "contacts_deleted") == 1);
  }
  cm_string_free(report);
  report = SENTINEL;

  /* Not in the backup; a file that is not a backup; no file at all. */
  EXPECT(cm_restore_account(&report, s, path, INT64_C(9000000000000)), CM_ERR_NOT_FOUND);
  CHECK(report == NULL);
  CHECK_STR(cm_last_error_code(), "account.not_found");
  {
    char* junk = tmp_path("junk.backup");
    CHECK(write_file(junk, "not a backup\n", 13));
    EXPECT(cm_restore_account(&report, s, junk, id), CM_ERR_VALIDATION);
    CHECK_FIELD_ERROR("file", "restore.format_invalid");
    free(junk);
    remove_sqlite_files("junk.backup");
  }
  {
    char* missing = tmp_path("missing.backup");
    EXPECT(cm_restore_account(&report, s, missing, id), CM_ERR_BACKEND);
    CHECK(strstr(cm_last_error_message(), "missing.backup") != NULL);
    free(missing);
  }
  CHECK(report == NULL);

  /* The service role on a SQLite file gets a database file, which restores
   * too. (Not on a shared server, where it would copy everyone's rows.) */
  if (g_private_sqlite) {
    cm_session* service = NULL;
    char* db_path = tmp_path("service.backup");
    REQUIRE_OK(cm_session_open_service(&service, store, NULL));
    if (OK(cm_backup(&kind, service, db_path))) CHECK_STR(kind, "sqlite_file");
    cm_string_free(kind);
    if (OK(cm_account_remove(s, restored)) &&
        OK(cm_restore_account(&report, service, db_path, restored))) {
      CHECK(report_bool(report, "recreated") == 1);
      CHECK(report_int(report, "contacts_created") == 2);
    }
    cm_string_free(report);
    cm_session_free(service);
    free(db_path);
    remove_sqlite_files("service.backup");
  }

  /* Inside an open transaction a backup cannot take its own snapshot. */
  {
    cm_txn* txn = NULL;
    kind = SENTINEL;
    if (OK(cm_txn_begin(&txn, s))) {
      EXPECT(cm_backup(&kind, s, path), CM_ERR_STATE);
      CHECK(kind == NULL);
      CHECK_STR(cm_last_error_code(), "backup.in_transaction");
      OK(cm_txn_rollback(txn));
    }
    cm_txn_free(txn);
  }

  /* An in-memory store is backed up too: the service role gets a database
   * file, a user an NDJSON export. */
  {
    cm_store* memory = open_store_at(":memory:");
    cm_session* service = NULL;
    cm_session* user = new_user(memory);
    char* memory_path = tmp_path("memory.backup");
    size_t size = 0;
    char* head = NULL;
    if (OK(cm_session_open_service(&service, memory, NULL)) &&
        OK(cm_backup(&kind, service, memory_path))) {
      CHECK_STR(kind, "sqlite_file");
      head = read_file(memory_path, &size);
      CHECK(head != NULL && size > 16 && memcmp(head, "SQLite format 3", 16) == 0);
      free(head);
    }
    cm_string_free(kind);
    kind = NULL;
    add_account(user, "{\"company_name\":\"Memory Co\",\"customer_type\":\"Commercial\"}");
    if (OK(cm_backup(&kind, user, memory_path))) {
      CHECK_STR(kind, "ndjson");
      head = read_file(memory_path, &size);
      CHECK(head != NULL && strstr(head, "\"company_name\":\"Memory Co\"") != NULL);
      free(head);
    }
    cm_string_free(kind);
    free(memory_path);
    remove_sqlite_files("memory.backup");
    cm_session_free(service);
    cm_session_free(user);
    cm_store_free(memory);
  }

  free(path);
  remove_sqlite_files("user.backup");
  cm_session_free(s);
  cm_store_free(store);
}

static void test_verify_sound_store(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* s = new_user(store);
  char* problems = NULL;
  size_t count = 99;

  seed(s);
  if (OK(cm_verify(&problems, &count, s))) {
    CHECK(count == 0);
    CHECK_STR(problems, "[]");
  }
  cm_string_free(problems);
  problems = NULL;
  if (OK(cm_verify(&problems, NULL, s))) CHECK_STR(problems, "[]");
  cm_string_free(problems);

  /* A SQLite store also passes its engine checks, seen by the service role. */
  if (g_private_sqlite) {
    cm_session* service = NULL;
    problems = NULL;
    REQUIRE_OK(cm_session_open_service(&service, store, NULL));
    if (OK(cm_verify(&problems, &count, service))) CHECK(count == 0);
    cm_string_free(problems);
    cm_session_free(service);
  }
  cm_session_free(s);
  cm_store_free(store);
}

static void test_archive_older_than(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* s = new_user(store);
  cm_session* bystander = new_user(store);
  uint64_t count = 99;

  add_account(s, "{\"company_name\":\"Old One\",\"customer_type\":\"Commercial\"}");
  add_account(s, "{\"company_name\":\"Old Two\",\"customer_type\":\"Commercial\"}");
  add_account(bystander, "{\"company_name\":\"Not Mine\",\"customer_type\":\"Commercial\"}");

  /* Nothing was updated before 2000. */
  if (OK(cm_archive_older_than(&count, s, "2000-01-01T00:00:00Z"))) CHECK(count == 0);
  /* Everything this user sees was updated before 2999; others' stay. */
  if (OK(cm_archive_older_than(&count, s, "2999-01-01T00:00:00+02:00"))) CHECK(count == 2);
  CHECK(count_visible(s) == 2); /* archived, still there */
  {
    cm_page* page = NULL;
    size_t active = 99;
    if (OK(cm_account_search(&page, s, "{}"))) OK(cm_page_count(&active, page));
    CHECK(active == 0);
    cm_page_free(page);
    if (OK(cm_account_search(&page, bystander, "{}"))) OK(cm_page_count(&active, page));
    CHECK(active == 1);
    cm_page_free(page);
  }
  /* Already archived: nothing more. */
  if (OK(cm_archive_older_than(&count, s, "2999-01-01T00:00:00Z"))) CHECK(count == 0);

  count = 99;
  EXPECT(cm_archive_older_than(&count, s, "yesterday"), CM_ERR_VALIDATION);
  CHECK(count == 0);
  CHECK_FIELD_ERROR("cutoff", "timestamp.invalid");

  cm_session_free(s);
  cm_session_free(bystander);
  cm_store_free(store);
}

static void test_bad_options(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* s = new_user(store);
  char* out = SENTINEL;
  char* data = SENTINEL;
  size_t size = 7;
  char* path = tmp_path("options.ndjson");
  char* big;

  EXPECT(cm_export_buffer(&data, &size, NULL, s, "{", NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK(data == NULL && size == 0);
  CHECK_STR(cm_last_error_code(), "options.invalid");
  CHECK_FIELD_ERROR("", "json.invalid");
  EXPECT(cm_export_buffer(&data, &size, NULL, s, "[1]", NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK_STR(cm_last_error_code(), "options.invalid");
  EXPECT(cm_import_buffer(&out, s, "", 0, "{\"strict\":\"\xff\"}", NULL, NULL),
         CM_ERR_INVALID_ARGUMENT);
  CHECK(out == NULL);
  CHECK_FIELD_ERROR("", "json.invalid_utf8");

  EXPECT(cm_export_file(&out, s, path, "{\"colour\":\"red\"}", NULL, NULL),
         CM_ERR_INVALID_ARGUMENT);
  CHECK(out == NULL);
  CHECK_STR(cm_last_error_code(), "options.unknown_key");
  CHECK_FIELD_ERROR("colour", "options.unknown_key");
  CHECK(strstr(cm_last_error_message(), "colour") != NULL);
  /* Import options are not export options, and the other way round. */
  EXPECT(cm_import_buffer(&out, s, "", 0, "{\"account_id\":1}", NULL, NULL),
         CM_ERR_INVALID_ARGUMENT);
  CHECK_FIELD_ERROR("account_id", "options.unknown_key");
  EXPECT(cm_export_buffer(&data, &size, NULL, s, "{\"strict\":true}", NULL, NULL),
         CM_ERR_INVALID_ARGUMENT);
  CHECK_FIELD_ERROR("strict", "options.unknown_key");

  EXPECT(cm_import_buffer(&out, s, "", 0, "{\"strict\":\"yes\"}", NULL, NULL),
         CM_ERR_INVALID_ARGUMENT);
  CHECK_FIELD_ERROR("strict", "options.type_mismatch");
  EXPECT(cm_import_buffer(&out, s, "", 0, "{\"batch_size\":-1}", NULL, NULL),
         CM_ERR_INVALID_ARGUMENT);
  CHECK_FIELD_ERROR("batch_size", "options.type_mismatch");
  EXPECT(cm_import_buffer(&out, s, "", 0, "{\"max_errors_kept\":1.5}", NULL, NULL),
         CM_ERR_INVALID_ARGUMENT);
  CHECK_FIELD_ERROR("max_errors_kept", "options.type_mismatch");
  EXPECT(cm_export_buffer(&data, &size, NULL, s, "{\"account_id\":\"7\"}", NULL, NULL),
         CM_ERR_INVALID_ARGUMENT);
  CHECK_FIELD_ERROR("account_id", "options.type_mismatch");
  EXPECT(cm_export_buffer(&data, &size, NULL, s, "{\"query\":\"vip\"}", NULL, NULL),
         CM_ERR_INVALID_ARGUMENT);
  CHECK_FIELD_ERROR("query", "options.type_mismatch");
  EXPECT(cm_export_buffer(&data, &size, NULL, s, "{\"format\":\"xml\"}", NULL, NULL),
         CM_ERR_INVALID_ARGUMENT);
  CHECK_FIELD_ERROR("format", "options.value_invalid");
  EXPECT(cm_import_file(&out, s, path, "{\"format\":3}", NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK_FIELD_ERROR("format", "options.type_mismatch");

  /* The query is validated like cm_account_search()'s, fields under "query.". */
  EXPECT(cm_export_buffer(&data, &size, NULL, s, "{\"query\":{\"limit\":\"ten\",\"x\":1}}", NULL,
                          NULL),
         CM_ERR_VALIDATION);
  CHECK(data == NULL);
  CHECK_FIELD_ERROR("query.limit", "json.type_mismatch");
  CHECK_FIELD_ERROR("query.x", "json.unknown_key");
  EXPECT(cm_export_buffer(&data, &size, NULL, s, "{\"query\":{\"sort\":\"sideways\"}}", NULL, NULL),
         CM_ERR_VALIDATION);
  CHECK_FIELD_ERROR("query.sort", "query.sort_invalid");
  /* An account the user cannot see. */
  EXPECT(cm_export_buffer(&data, &size, NULL, s, "{\"account_id\":9000000000000}", NULL, NULL),
         CM_ERR_NOT_FOUND);
  CHECK_STR(cm_last_error_code(), "account.not_found");

  /* batch_size 0 is the import's own validation error, without a report. */
  out = SENTINEL;
  EXPECT(cm_import_buffer(&out, s, "", 0, "{\"batch_size\":0}", NULL, NULL), CM_ERR_VALIDATION);
  CHECK(out == NULL);
  CHECK(cm_last_error_field_count() >= 1);

  /* Options larger than a JSON document may be. */
  big = malloc((size_t)17 * 1024 * 1024);
  if (big == NULL) abort();
  memset(big, ' ', (size_t)17 * 1024 * 1024 - 1);
  big[0] = '{';
  big[(size_t)17 * 1024 * 1024 - 2] = '}';
  big[(size_t)17 * 1024 * 1024 - 1] = '\0';
  EXPECT(cm_import_buffer(&out, s, "", 0, big, NULL, NULL), CM_ERR_INVALID_ARGUMENT);
  CHECK_FIELD_ERROR("", "json.too_large");
  free(big);

  free(path);
  remove_sqlite_files("options.ndjson");
  cm_session_free(s);
  cm_store_free(store);
}

static void test_hostile_data_and_files(void) {
  cm_store* store = open_store_at(g_uri);
  cm_session* s = new_user(store);
  char* report = SENTINEL;
  char* garbage;
  size_t i;
  char* missing = tmp_path("no-such-dir/missing.ndjson");

  /* Invalid UTF-8 rejects its row; the report says so. */
  {
    static const char kBad[] = "{\"company_name\":\"Caf\xe9\",\"customer_type\":\"Commercial\"}\n";
    EXPECT(cm_import_buffer(&report, s, kBad, strlen(kBad), NULL, NULL, NULL), CM_ERR_VALIDATION);
    CHECK_STR(cm_last_error_message(), "1 row rejected");
    CHECK(report_int(report, "rejected") == 1);
    CHECK(strstr(report, "utf8") != NULL || strstr(report, "UTF-8") != NULL);
    cm_string_free(report);
    report = NULL;
    EXPECT(cm_import_buffer(&report, s, "company_name,customer_type\nCaf\xe9,commercial\n", 43,
                            "{\"format\":\"csv\"}", NULL, NULL),
           CM_ERR_VALIDATION);
    CHECK(report_int(report, "rejected") == 1);
    cm_string_free(report);
    report = NULL;
  }

  /* A buffer of garbage bytes (NUL and newlines included) is read to the
   * end and rejected, whichever format. */
  garbage = malloc(g_hostile_bytes);
  if (garbage == NULL) abort();
  srand(42);
  for (i = 0; i < g_hostile_bytes; ++i) garbage[i] = (char)(rand() & 0xff);
  EXPECT(cm_import_buffer(&report, s, garbage, g_hostile_bytes, NULL, NULL, NULL),
         CM_ERR_VALIDATION);
  CHECK(report_int(report, "rows") > 0);
  CHECK(report_int(report, "rejected") > 0);
  CHECK(report_int(report, "accounts_created") == 0);
  cm_string_free(report);
  report = NULL;
  EXPECT(cm_import_buffer(&report, s, garbage, g_hostile_bytes, "{\"format\":\"csv\"}", NULL, NULL),
         CM_ERR_VALIDATION);
  CHECK(report_int(report, "rejected") > 0);
  CHECK(report_int(report, "accounts_created") == 0);
  cm_string_free(report);
  report = NULL;
  /* One line longer than a JSON document may be. */
  {
    const size_t n = (size_t)17 * 1024 * 1024;
    char* line = malloc(n);
    if (line == NULL) abort();
    memset(line, 'x', n);
    EXPECT(cm_import_buffer(&report, s, line, n, NULL, NULL, NULL), CM_ERR_VALIDATION);
    CHECK(strstr(report, "json.too_large") != NULL);
    cm_string_free(report);
    report = NULL;
    free(line);
  }
  free(garbage);
  CHECK(count_visible(s) == 0);

  /* Files that cannot be opened. */
  report = SENTINEL;
  EXPECT(cm_import_file(&report, s, missing, NULL, NULL, NULL), CM_ERR_BACKEND);
  CHECK(report == NULL);
  CHECK_STR(cm_last_error_code(), "backend.io");
  CHECK(strstr(cm_last_error_message(), "missing.ndjson") != NULL);
  report = SENTINEL;
  EXPECT(cm_export_file(&report, s, missing, NULL, NULL, NULL), CM_ERR_BACKEND);
  CHECK(report == NULL);
  CHECK_STR(cm_last_error_code(), "backend.io");
  EXPECT(cm_import_file(&report, s, "", NULL, NULL, NULL), CM_ERR_BACKEND);
  report = SENTINEL;
  EXPECT(cm_backup(&report, s, missing), CM_ERR_BACKEND);
  CHECK(report == NULL);

  free(missing);
  cm_session_free(s);
  cm_store_free(store);
}

/* ------------------------------------------------------------ main */

static const test_case kTests[] = {
    {"null_arguments", test_null_arguments},
    {"csv_columns", test_csv_columns},
    {"create_many", test_create_many},
    {"contact_add_many", test_contact_add_many},
    {"snapshot_transaction", test_snapshot_transaction},
    {"export_import_round_trip", test_export_import_round_trip},
    {"rejected_rows_are_reported", test_rejected_rows_are_reported},
    {"strict_mode_imports_nothing", test_strict_mode_imports_nothing},
    {"progress_callback", test_progress_callback},
    {"backup_and_restore_account", test_backup_and_restore_account},
    {"verify_sound_store", test_verify_sound_store},
    {"archive_older_than", test_archive_older_than},
    {"bad_options", test_bad_options},
    {"hostile_data_and_files", test_hostile_data_and_files},
};

int main(int argc, char** argv) {
  return run_tests(argc, argv, kTests, sizeof kTests / sizeof kTests[0], "capi_io.db", NULL);
}
