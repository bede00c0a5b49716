/* Hostile text through the C ABI (C11): names with SQL and FTS syntax,
 * escapes and non-ASCII text round-trip byte for byte through the JSON
 * records; NUL bytes and control characters escaped into the JSON are
 * CM_ERR_VALIDATION; searches with hostile text return CM_OK or
 * CM_ERR_VALIDATION and never list every account. (tests/capi covers NULL
 * arguments, malformed and oversized JSON and 10 MB strings.) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custmgmt/custmgmt.h"

static int g_failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++g_failures;                                                            \
    }                                                                          \
  } while (0)

/* JSON string literal contents and the bytes they stand for. */
struct text {
  const char* json;
  const char* bytes;
};

static const struct text kHostile[] = {
    {"O'Brien \\\"The Boss\\\"", "O'Brien \"The Boss\""},
    {"'); DROP TABLE customer_accounts; --", "'); DROP TABLE customer_accounts; --"},
    {"100% _off_ \\\\ back\\\\slash", "100% _off_ \\ back\\slash"},
    {"NEAR(alpha beta) OR -gamma ^delta \\\"x\\\"*", "NEAR(alpha beta) OR -gamma ^delta \"x\"*"},
    {"\\u200fRTL\\u202e evil", "\xe2\x80\x8fRTL\xe2\x80\xae evil"},
    {"emoji \\ud83d\\ude80 and e\\u0301", "emoji \xf0\x9f\x9a\x80 and e\xcc\x81"},
    {"\xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a\xe7\xa4\xbe",
     "\xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a\xe7\xa4\xbe"},
};

static const char* const kRejected[] = {"a\\u0000b", "\\u0000", "tab\\there", "bell\\u0007",
                                        "c1\\u0085"};

static const char* const kSearches[] = {
    "*",    "%",    "_",         "\\\"",           "* OR *",  "NOT x",     "-x", "' OR 1=1 --",
    "\\\\", "NEAR", "a\\u0000b", "\\ud83d\\ude80", "\\u202e", "\\\"\\\"*", ""};

static size_t count_page(cm_page* page) {
  size_t n = 0;
  if (page != NULL && cm_page_count(&n, page) != CM_OK) n = (size_t)-1;
  return n;
}

int main(void) {
  cm_store* store = NULL;
  cm_session* s = NULL;
  char json[1024];
  size_t i;

  if (cm_store_open(&store, ":memory:", NULL) != CM_OK ||
      cm_session_open(&s, store, "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa") != CM_OK) {
    fprintf(stderr, "cannot open a store: %s\n", cm_last_error_message());
    return 1;
  }

  for (i = 0; i < sizeof kHostile / sizeof kHostile[0]; ++i) {
    char* created = NULL;
    char* name = NULL;
    char* notes = NULL;
    snprintf(json, sizeof json,
             "{\"company_name\":\"<%s>\",\"customer_type\":\"Commercial\",\"account_notes\":"
             "\"%s\"}",
             kHostile[i].json, kHostile[i].json);
    CHECK(cm_account_create(&created, s, json) == CM_OK);
    if (created == NULL) {
      fprintf(stderr, "  create %s: %s\n", json, cm_last_error_message());
      continue;
    }
    CHECK(cm_json_get_string(&name, created, "company_name") == CM_OK);
    CHECK(cm_json_get_string(&notes, created, "account_notes") == CM_OK);
    if (name != NULL) {
      CHECK(name[0] == '<' && strncmp(name + 1, kHostile[i].bytes, strlen(kHostile[i].bytes)) == 0);
      CHECK(strlen(name) == strlen(kHostile[i].bytes) + 2);
    }
    CHECK(notes != NULL && strcmp(notes, kHostile[i].bytes) == 0);
    cm_string_free(name);
    cm_string_free(notes);
    cm_string_free(created);
  }

  for (i = 0; i < sizeof kRejected / sizeof kRejected[0]; ++i) {
    char* created = (char*)"unchanged";
    snprintf(json, sizeof json, "{\"company_name\":\"%s\",\"customer_type\":\"Commercial\"}",
             kRejected[i]);
    CHECK(cm_account_create(&created, s, json) == CM_ERR_VALIDATION);
    CHECK(created == NULL);
    CHECK(strcmp(cm_last_error_code(), "validation.failed") == 0);
  }

  for (i = 0; i < sizeof kSearches / sizeof kSearches[0]; ++i) {
    cm_page* page = NULL;
    cm_status st;
    snprintf(json, sizeof json, "{\"text\":\"%s\",\"limit\":1000}", kSearches[i]);
    st = cm_account_search(&page, s, json);
    CHECK(st == CM_OK || st == CM_ERR_VALIDATION);
    if (st != CM_OK && st != CM_ERR_VALIDATION) fprintf(stderr, "  search %s: %d\n", json, st);
    CHECK(count_page(page) < sizeof kHostile / sizeof kHostile[0]);
    cm_page_free(page);
    page = NULL;
    st = cm_contact_search(&page, s, json);
    CHECK(st == CM_OK || st == CM_ERR_VALIDATION);
    cm_page_free(page);
  }

  /* Regression (found by fuzz_capi_json): a key that is not UTF-8 is quoted
   * in the error message; cm_last_error_json() wrote those bytes raw, so
   * the error JSON was not valid JSON. */
  {
    int64_t value = 0;
    char* err = NULL;
    char* message = NULL;
    CHECK(cm_json_get_int64(&value, "{\"version\":3}", "v\xff\xfe key") == CM_ERR_NOT_FOUND);
    CHECK(cm_last_error_json(&err) == CM_OK && err != NULL);
    CHECK(cm_json_get_string(&message, err, "message") == CM_OK);
    CHECK(message != NULL && strstr(message, "v\xef\xbf\xbd\xef\xbf\xbd key") != NULL);
    cm_string_free(message);
    cm_string_free(err);
  }

  cm_session_free(s);
  cm_store_free(store);
  if (g_failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", g_failures);
    return 1;
  }
  printf("capi hostile text: ok\n");
  return 0;
}
