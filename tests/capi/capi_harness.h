/* The check macros, small helpers and the main loop shared by the C ABI
 * tests (C11). Include once per test program, after the system headers and
 * custmgmt/custmgmt.h; the program defines _POSIX_C_SOURCE 200809L (mkdtemp)
 * before any include. */
#ifndef CUSTMGMT_TESTS_CAPI_HARNESS_H_
#define CUSTMGMT_TESTS_CAPI_HARNESS_H_

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "custmgmt/custmgmt.h"

static int g_checks;
static int g_failures;
static const char* g_test = "";

static inline void fail(const char* file, int line, const char* what) {
  ++g_failures;
  fprintf(stderr, "%s:%d: [%s] %s\n", file, line, g_test, what);
}

#define CHECK(cond)                                            \
  do {                                                         \
    ++g_checks;                                                \
    if (!(cond)) fail(__FILE__, __LINE__, "CHECK(" #cond ")"); \
  } while (0)

static inline int expect_status(cm_status got, cm_status want, const char* call, const char* file,
                                int line) {
  char buf[1024];
  ++g_checks;
  if (got == want) return 1;
  snprintf(buf, sizeof buf, "%s returned %s, expected %s (last error %s: %s)", call,
           cm_status_name(got), cm_status_name(want), cm_last_error_code(),
           cm_last_error_message());
  fail(file, line, buf);
  return 0;
}

/* EXPECT checks a status; REQUIRE also leaves the test function. */
#define EXPECT(call, status) expect_status((call), (status), #call, __FILE__, __LINE__)
#define OK(call) EXPECT(call, CM_OK)
#define REQUIRE_OK(call)   \
  do {                     \
    if (!OK(call)) return; \
  } while (0)

static inline int streq(const char* a, const char* b) {
  return a != NULL && b != NULL && strcmp(a, b) == 0;
}

#define CHECK_STR(actual, expected)                                                         \
  do {                                                                                      \
    const char* a_ = (actual);                                                              \
    const char* e_ = (expected);                                                            \
    ++g_checks;                                                                             \
    if (!streq(a_, e_)) {                                                                   \
      char b_[512];                                                                         \
      snprintf(b_, sizeof b_, "%s is \"%s\", expected \"%s\"", #actual, a_ ? a_ : "(null)", \
               e_ ? e_ : "(null)");                                                         \
      fail(__FILE__, __LINE__, b_);                                                         \
    }                                                                                       \
  } while (0)

/* True when the last error lists `code` on `field`. */
static inline int has_field_error(const char* field, const char* code) {
  size_t i;
  for (i = 0; i < cm_last_error_field_count(); ++i) {
    const char *f = NULL, *c = NULL, *m = NULL;
    if (cm_last_error_field(&f, &c, &m, i) != CM_OK) return 0;
    if (streq(f, field) && streq(c, code) && m != NULL && m[0] != '\0') return 1;
  }
  return 0;
}

#define CHECK_FIELD_ERROR(field, code)                                                            \
  do {                                                                                            \
    ++g_checks;                                                                                   \
    if (!has_field_error((field), (code))) {                                                      \
      char b_[512];                                                                               \
      snprintf(b_, sizeof b_, "no field error %s on \"%s\" (last error %s: %s)", (code), (field), \
               cm_last_error_code(), cm_last_error_message());                                    \
      fail(__FILE__, __LINE__, b_);                                                               \
    }                                                                                             \
  } while (0)

/* printf into a fresh malloc'd buffer (freed with free()). */
static inline char* format(const char* fmt, ...) {
  va_list ap;
  int n;
  char* out;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  out = malloc((size_t)n + 1);
  if (out == NULL) abort();
  va_start(ap, fmt);
  vsnprintf(out, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return out;
}

/* A JSON string literal for `s` (ASCII input), malloc'd. */
static inline char* json_quote(const char* s) {
  size_t n = strlen(s), i, j = 0;
  char* out = malloc(2 * n + 3);
  if (out == NULL) abort();
  out[j++] = '"';
  for (i = 0; i < n; ++i) {
    if (s[i] == '"' || s[i] == '\\') out[j++] = '\\';
    out[j++] = s[i];
  }
  out[j++] = '"';
  out[j] = '\0';
  return out;
}

static inline int64_t json_int(const char* json, const char* key) {
  int64_t v = -1;
  if (cm_json_get_int64(&v, json, key) != CM_OK) return -1;
  return v;
}

/* A random version-4 UUID (rand(); seed it first). */
static inline void new_uuid(char out[37]) {
  static unsigned counter;
  unsigned long long r = ((unsigned long long)rand() << 32) ^ (unsigned long long)rand();
  snprintf(out, 37, "%08x-%04x-4%03x-8%03x-%012llx", (unsigned)rand(), ++counter & 0xffffu,
           (unsigned)rand() & 0xfffu, (unsigned)rand() & 0xfffu, r & 0xffffffffffffULL);
}

/* ------------------------------------------------------------ runner */

/* Size of the "10 MB" hostile inputs; CAPI_TEST_HOSTILE_BYTES lowers it for
 * the valgrind run, where every byte costs. Anything above 64 KiB exceeds
 * every field limit. */
static size_t g_hostile_bytes = (size_t)10 * 1000 * 1000;
static const char* g_uri;    /* store under test */
static char g_tmpdir[256];   /* temporary directory for SQLite files */
static int g_private_sqlite; /* g_uri is our own SQLite file */

typedef struct test_case {
  const char* name;
  void (*run)(void);
} test_case;

/* Removes the SQLite file `base` of g_tmpdir with its -wal, -shm and
 * -journal companions. */
static inline void remove_sqlite_files(const char* base) {
  static const char* const kSuffixes[] = {"", "-wal", "-shm", "-journal"};
  size_t i;
  for (i = 0; i < sizeof kSuffixes / sizeof kSuffixes[0]; ++i) {
    char path[600];
    snprintf(path, sizeof path, "%s/%s%s", g_tmpdir, base, kSuffixes[i]);
    remove(path);
  }
}

/* The main of a test program: usage PROGRAM [URI | --env VAR]. With no
 * argument the tests run on `db_name`, a fresh SQLite file in a temporary
 * directory (g_tmpdir, made for every run); with a URI there; with --env VAR
 * on the URI in VAR, the run being skipped (77) when VAR is unset.
 * CAPI_TEST_ONLY=NAME runs one test. `leftovers` (NULL-terminated, may be
 * NULL) are more SQLite files the tests leave in g_tmpdir. Returns the exit
 * code. */
static inline int run_tests(int argc, char** argv, const test_case* tests, size_t count,
                            const char* db_name, const char* const* leftovers) {
  char own_uri[512];
  size_t i;
  const char* only = getenv("CAPI_TEST_ONLY");
  const char* hostile = getenv("CAPI_TEST_HOSTILE_BYTES");

  if (hostile != NULL && atol(hostile) > 100000 && atol(hostile) < 16000000) {
    g_hostile_bytes = (size_t)atol(hostile);
  }
  srand((unsigned)time(NULL) ^ ((unsigned)getpid() << 16));
  snprintf(g_tmpdir, sizeof g_tmpdir, "%s/custmgmt-capi-XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (mkdtemp(g_tmpdir) == NULL) {
    perror("mkdtemp");
    return 1;
  }

  if (argc >= 3 && strcmp(argv[1], "--env") == 0) {
    g_uri = getenv(argv[2]);
    if (g_uri == NULL || g_uri[0] == '\0') {
      printf("%s is not set: skipped\n", argv[2]);
      rmdir(g_tmpdir);
      return 77;
    }
  } else if (argc >= 2) {
    g_uri = argv[1];
  } else {
    snprintf(own_uri, sizeof own_uri, "sqlite:%s/%s", g_tmpdir, db_name);
    g_uri = own_uri;
    g_private_sqlite = 1;
  }

  for (i = 0; i < count; ++i) {
    int before = g_failures;
    if (only != NULL && strcmp(only, tests[i].name) != 0) continue;
    g_test = tests[i].name;
    tests[i].run();
    cm_last_error_clear();
    printf("%s %s\n", g_failures == before ? "ok  " : "FAIL", tests[i].name);
  }

  if (g_private_sqlite) remove_sqlite_files(db_name);
  for (; leftovers != NULL && *leftovers != NULL; ++leftovers) remove_sqlite_files(*leftovers);
  rmdir(g_tmpdir);
  printf("%d checks, %d failures (%s)\n", g_checks, g_failures, g_uri);
  return g_failures == 0 ? 0 : 1;
}

#endif /* CUSTMGMT_TESTS_CAPI_HARNESS_H_ */
