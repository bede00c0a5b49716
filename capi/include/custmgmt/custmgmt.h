/** @file custmgmt.h
 * @brief The C interface of custmgmt, an embeddable store of customer
 * accounts and contacts.
 *
 * It wraps the C++ API of include/custmgmt/ (custmgmt/io.hpp included) one
 * to one; the C++ documentation of each operation applies here too.
 *
 * Rules that hold for every function of this header:
 *
 * - Names. Every symbol starts with `cm_` (macros with `CM_`). Objects are
 *   reached through typed opaque handles: cm_store, cm_session, cm_txn,
 *   cm_page. The header is plain C11 and also compiles as C++.
 *
 * - Status. Every function that can fail returns a cm_status: CM_OK (0) or a
 *   negative CM_ERR_* value. The exceptions, which cannot fail, are the
 *   `*_free` functions, cm_version(), cm_status_name(), the
 *   cm_last_error_*() readers and cm_last_error_clear(). No C++ exception ever leaves the library.
 *
 * - Errors are per thread. A failing call records its error for the calling
 *   thread: read it with cm_last_error_status(), cm_last_error_code() (a
 *   stable machine-readable code such as "account.not_found" or
 *   "validation.failed"), cm_last_error_message() (English text),
 *   cm_last_error_backend_code() (SQLSTATE / SQLite code for CM_ERR_BACKEND)
 *   and, for CM_ERR_VALIDATION, the field errors with
 *   cm_last_error_field_count() / cm_last_error_field() or all of it as JSON
 *   with cm_last_error_json(). Every status-returning call except
 *   cm_last_error_field() and cm_last_error_json() first clears the record,
 *   so after CM_OK there is no last error. Strings from cm_last_error_*() are
 *   owned by the library and valid until the next call of this library on
 *   the same thread, other than a cm_last_error_*() reader.
 *
 * - Parameters. Output parameters come first and are named `out*`. They must
 *   not be NULL unless documented as optional; on failure `*out` is set to
 *   NULL (or 0), except the report of an import that rejected rows
 *   (cm_import_file()). A NULL handle or a NULL required string gives
 *   CM_ERR_INVALID_ARGUMENT (code "argument.null"). Input strings are
 *   NUL-terminated UTF-8; the library never keeps a pointer to them after
 *   the call returns.
 *
 * - Ownership. What comes back through a `char**` or a handle `**` belongs
 *   to the caller, who releases it with the matching function: strings with
 *   cm_string_free(), handles with cm_store_free(), cm_session_free(),
 *   cm_txn_free(), cm_page_free(). Never mix allocators (do not call free()
 *   on them). Every `*_free(NULL)` does nothing. What comes back through a
 *   `const char**` is borrowed from the handle it was read from and lives as
 *   long as that handle.
 *
 * - Records are JSON text (UTF-8), in the record schema of custmgmt/json.hpp
 *   (the same as export): keys are the spec's column names, absent optional
 *   values are null, timestamps are RFC 3339 strings in UTC, addresses are
 *   objects with street/city/state/zip/country ({} when empty). JSON input is
 *   parsed strictly: at most 16 MiB ("json.too_large"), valid UTF-8
 *   ("json.invalid_utf8"), valid JSON ("json.invalid"), an object
 *   ("json.not_object"), no unknown keys ("json.unknown_key"), values of the
 *   right type ("json.type_mismatch"); each of these is CM_ERR_VALIDATION
 *   with field errors, all problems of a document at once. The contents of
 *   the fields are then validated by the store (CM_ERR_VALIDATION again,
 *   e.g. "email.invalid" on field "email").
 *
 * - Threads. cm_store is thread-safe: sessions may be opened from any
 *   thread. A cm_session, its cm_txn handles and the results read from them
 *   must be used by one thread at a time (use one session per thread; each
 *   holds its own connection). cm_page and strings are plain data.
 *
 * - Lifetimes. A session keeps its store's database open, so a store may be
 *   freed before its sessions. Transactions nest (savepoints) and must be
 *   committed or rolled back innermost first (CM_ERR_STATE otherwise).
 *   cm_txn_free() rolls back a transaction that is still active, together
 *   with any transaction opened inside it after it; cm_session_free() rolls
 *   back every open transaction of the session (their handles must still be
 *   freed, and then do nothing else).
 *
 * - Rights follow the spec's row-level policies: a user session sees and
 *   changes the accounts it created or last updated (and their contacts);
 *   a record the user may not see is CM_ERR_NOT_FOUND, never
 *   CM_ERR_PERMISSION. The service session sees everything.
 */
#ifndef CUSTMGMT_CUSTMGMT_H_
#define CUSTMGMT_CUSTMGMT_H_

#include <stddef.h>
#include <stdint.h>

/** Marks the exported functions of libcustmgmt_c. Define CUSTMGMT_C_STATIC
 *  when linking the static library. */
#if defined(CUSTMGMT_C_STATIC)
#define CM_API
#elif defined(_WIN32)
#if defined(CUSTMGMT_C_BUILDING)
#define CM_API __declspec(dllexport)
#else
#define CM_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define CM_API __attribute__((visibility("default")))
#else
#define CM_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ versions */

/** Major version of this header (semantic versioning): incompatible changes. */
#define CM_VERSION_MAJOR 0
/** Minor version of this header: compatible additions. */
#define CM_VERSION_MINOR 1
/** Patch version of this header: compatible fixes. */
#define CM_VERSION_PATCH 0
/** Version of this header as a string; compare with cm_version(). */
#define CM_VERSION_STRING "0.1.0"

/** The version of the library actually linked, e.g. "0.1.0" (static text). */
CM_API const char* cm_version(void);

/* ------------------------------------------------------------ status */

/** Result of every fallible call. */
typedef enum cm_status {
  CM_OK = 0,                    /**< Success. */
  CM_ERR_VALIDATION = -1,       /**< Input rejected; see the field errors. */
  CM_ERR_NOT_FOUND = -2,        /**< No such record, or not visible to the user. */
  CM_ERR_CONFLICT = -3,         /**< Stale version, second primary, duplicate email. */
  CM_ERR_PERMISSION = -4,       /**< Visible but not allowed (e.g. delete). */
  CM_ERR_BACKEND = -5,          /**< Database failure: I/O, busy, connection... */
  CM_ERR_INVALID_ARGUMENT = -6, /**< NULL handle/string/out, bad index or options. */
  CM_ERR_STATE = -7,            /**< Handle in the wrong state (transaction ended
                                     or not the innermost). */
  CM_ERR_NOMEM = -8,            /**< Out of memory. */
  CM_ERR_INTERNAL = -9          /**< A bug in custmgmt; please report it. */
} cm_status;

/** The enumerator's name, e.g. "CM_ERR_NOT_FOUND" (static text; "CM_UNKNOWN"
 *  for a value not listed). */
CM_API const char* cm_status_name(cm_status status);

/* ------------------------------------------------------------ last error */

/** Status of the last failed call on this thread, CM_OK when none. */
CM_API cm_status cm_last_error_status(void);

/** Stable code of the last error, e.g. "conflict.stale_version"; "" when none. */
CM_API const char* cm_last_error_code(void);

/** Human-readable message of the last error; "" when none. */
CM_API const char* cm_last_error_message(void);

/** The database engine's own code for CM_ERR_BACKEND (an SQLSTATE such as
 *  "40001" or an SQLite code name such as "SQLITE_BUSY"); "" otherwise. */
CM_API const char* cm_last_error_backend_code(void);

/** Number of field errors of the last error (0 unless CM_ERR_VALIDATION). */
CM_API size_t cm_last_error_field_count(void);

/** Reads field error `index` (< cm_last_error_field_count()) of the last
 *  error: the field path (e.g. "billing_address.zip", "tags[2]", "" for the
 *  whole document), its stable code (e.g. "address.zip_invalid") and a
 *  message. Each out pointer is optional. Does not change the last error.
 *  @return CM_OK, or CM_ERR_INVALID_ARGUMENT when `index` is out of range. */
CM_API cm_status cm_last_error_field(const char** out_field, const char** out_code,
                                     const char** out_message, size_t index);

/** The last error as JSON: {"status":"CM_ERR_...","code":...,"message":...,
 *  "backend_code":...,"errors":[{"field":...,"code":...,"message":...}...]}, or
 *  {"status":"CM_OK",...} when none. Does not change the last error.
 *  Free with cm_string_free(). */
CM_API cm_status cm_last_error_json(char** out_json);

/** Forgets the last error of this thread. */
CM_API void cm_last_error_clear(void);

/* ------------------------------------------------------------ memory */

/** Frees a string returned by this library. NULL does nothing. */
CM_API void cm_string_free(char* str);

/* ------------------------------------------------------------ store */

/** An open store (database); thread-safe. Free with cm_store_free(). */
typedef struct cm_store cm_store;
/** A connection acting as one user or as the service role; one thread at a
 *  time. Free with cm_session_free(). */
typedef struct cm_session cm_session;
/** A transaction (or savepoint) of a session. Free with cm_txn_free(). */
typedef struct cm_txn cm_txn;
/** One page of search or list results. Free with cm_page_free(). */
typedef struct cm_page cm_page;

/** Version of cm_store_options this header knows. */
#define CM_STORE_OPTIONS_VERSION 1

/** Options of cm_store_open(). Initialise with CM_STORE_OPTIONS_INIT or
 *  cm_store_options_init() so that fields added later get their defaults. */
typedef struct cm_store_options {
  unsigned int version;       /**< CM_STORE_OPTIONS_VERSION. */
  const char* default_region; /**< ISO 3166-1 alpha-2 region for phone numbers
                                   written without +country; NULL means "US",
                                   "" means no default. Copied by open. */
  int64_t busy_timeout_ms;    /**< How long to wait for a lock held by another
                                   connection (>= 0); default 5000. */
  int migrate_on_open;        /**< Non-zero (default): apply pending
                                   migrations on open. Zero: fail with
                                   "backend.schema_outdated" when the schema is
                                   not current. */
} cm_store_options;

/** Static initialiser with the defaults. */
#define CM_STORE_OPTIONS_INIT \
  { CM_STORE_OPTIONS_VERSION, NULL, 5000, 1 }

/** Fills `out` with the defaults of options `version`.
 *  @return CM_ERR_INVALID_ARGUMENT for an unknown version. */
CM_API cm_status cm_store_options_init(cm_store_options* out, unsigned int version);

/** Opens (and by default creates and migrates) a store. `uri` selects the
 *  backend: "sqlite:PATH", a plain file path, ":memory:" (a private
 *  in-memory database shared by this store's sessions), or
 *  "postgresql://..." when the library was built with PostgreSQL.
 *  @param out receives the store.
 *  @param uri the connection URI or file path.
 *  @param options NULL for the defaults.
 *  @return CM_ERR_VALIDATION ("store.uri_invalid", "phone.region_invalid"...),
 *          CM_ERR_BACKEND, CM_ERR_INVALID_ARGUMENT (bad options version). */
CM_API cm_status cm_store_open(cm_store** out, const char* uri, const cm_store_options* options);

/** Releases the handle. Sessions still open keep the database open. */
CM_API void cm_store_free(cm_store* store);

/** The backend name: "sqlite" or "postgresql". Free with cm_string_free(). */
CM_API cm_status cm_store_backend_name(char** out, const cm_store* store);

/** Version of the newest migration applied to the database. */
CM_API cm_status cm_store_schema_version(int* out, const cm_store* store);

/** Version of the newest migration compiled into the library. */
CM_API cm_status cm_store_latest_schema_version(int* out, const cm_store* store);

/** Migrates the schema up or down to `target` (0 removes everything the
 *  migrations created). @return CM_ERR_VALIDATION
 *  ("migration.unknown_version"), CM_ERR_BACKEND. */
CM_API cm_status cm_store_migrate(cm_store* store, int target);

/* ------------------------------------------------------------ sessions */

/** Opens a session acting as the user `user_id` (a UUID; the spec's
 *  auth.uid()). @return CM_ERR_VALIDATION ("uuid.invalid"), CM_ERR_BACKEND. */
CM_API cm_status cm_session_open(cm_session** out, cm_store* store, const char* user_id);

/** Opens a session as the service role: sees every row and may act for any
 *  user. @param out receives the session. @param store the open store.
 *  @param audit_user optional (NULL): the UUID recorded as updated_by
 *  on writes (and as created_by when a record names none). */
CM_API cm_status cm_session_open_service(cm_session** out, cm_store* store, const char* audit_user);

/** Rolls back the session's open transactions and closes it. */
CM_API void cm_session_free(cm_session* session);

/** The acting user (or the audit user of a service session); `*out` is NULL
 *  when there is none. Free with cm_string_free(). */
CM_API cm_status cm_session_user(char** out, const cm_session* session);

/** `*out` = 1 for a service session, 0 for a user session. */
CM_API cm_status cm_session_is_service(int* out, const cm_session* session);

/* ------------------------------------------------------------ transactions */

/** Begins a transaction (a savepoint when one is already open). Calls
 *  through the session until commit/rollback belong to it. */
CM_API cm_status cm_txn_begin(cm_txn** out, cm_session* session);

/** Begins a read-only snapshot transaction (the C++ Session::snapshot()):
 *  every read through the session until it ends sees the store as it was
 *  when it began (REPEATABLE READ READ ONLY on PostgreSQL, served by the
 *  primary; one read transaction on SQLite). Writes in it fail with
 *  CM_ERR_BACKEND (`backend.readonly`). Inside a snapshot, cm_txn_begin()
 *  and cm_txn_begin_snapshot() open savepoints of the same snapshot. End it
 *  with cm_txn_commit() or cm_txn_rollback() and free it with cm_txn_free().
 *  @param out receives the transaction. @param session the acting session.
 *  @return CM_ERR_STATE (`txn.snapshot_in_transaction`) inside a read-write
 *          transaction of the session; CM_ERR_BACKEND. */
CM_API cm_status cm_txn_begin_snapshot(cm_txn** out, cm_session* session);

/** Makes the work permanent. When the commit itself fails (CM_ERR_CONFLICT,
 *  CM_ERR_BACKEND) the transaction is rolled back and ended.
 *  @return CM_ERR_STATE when already ended or not the innermost. */
CM_API cm_status cm_txn_commit(cm_txn* txn);

/** Undoes the work. @return CM_ERR_STATE when already ended or not the
 *  innermost. */
CM_API cm_status cm_txn_rollback(cm_txn* txn);

/** `*out` = 1 until the transaction is committed or rolled back. */
CM_API cm_status cm_txn_is_active(int* out, const cm_txn* txn);

/** Rolls back the transaction if still active (and any opened inside it),
 *  then releases the handle. */
CM_API void cm_txn_free(cm_txn* txn);

/* ------------------------------------------------------------ accounts */

/** Validates, normalises and inserts an account given as JSON (only the
 *  editable keys are read: company_name, customer_type, billing_address,
 *  service_address, account_notes, tags and, for the service role,
 *  created_by). `*out_json` receives the stored account (id, timestamps,
 *  audit fields, version 1). @return CM_ERR_VALIDATION, CM_ERR_PERMISSION
 *  (a user naming another user as created_by), CM_ERR_BACKEND. */
CM_API cm_status cm_account_create(char** out_json, cm_session* session, const char* account_json);

/** Validates and inserts several accounts in one transaction, all or
 *  nothing (the C++ AccountRepository::create_many(), the import fast path).
 *  @param out_json receives a JSON array of the stored accounts, in input
 *         order. Free with cm_string_free().
 *  @param session the acting session.
 *  @param accounts_json_array a JSON array of account objects, each read
 *         like cm_account_create()'s input ([] inserts nothing).
 *  @return CM_ERR_VALIDATION listing the errors of every element, fields
 *          prefixed with its index ("[3].company_name", "[0]" for the
 *          element itself; "json.not_array" when the document is not an
 *          array), and then nothing is stored; CM_ERR_PERMISSION,
 *          CM_ERR_BACKEND as cm_account_create(). */
CM_API cm_status cm_account_create_many(char** out_json, cm_session* session,
                                        const char* accounts_json_array);

/** The account `id` as JSON. @return CM_ERR_NOT_FOUND. */
CM_API cm_status cm_account_get(char** out_json, cm_session* session, int64_t id);

/** Like cm_account_get() but CM_OK with `*out_json` = NULL when not found. */
CM_API cm_status cm_account_find(char** out_json, cm_session* session, int64_t id);

/** Replaces the editable fields of the account named by the JSON's "id";
 *  its "version" must be the stored one. @return the stored account;
 *  CM_ERR_VALIDATION, CM_ERR_NOT_FOUND, CM_ERR_CONFLICT
 *  ("conflict.stale_version"), CM_ERR_PERMISSION (created_by changed). */
CM_API cm_status cm_account_update(char** out_json, cm_session* session, const char* account_json);

/** Deletes the account and its contacts. @return CM_ERR_NOT_FOUND,
 *  CM_ERR_PERMISSION (visible but created by someone else). */
CM_API cm_status cm_account_remove(cm_session* session, int64_t id);

/** Archives the account (hidden from search unless asked for); archiving an
 *  archived account changes nothing. @return the stored account. */
CM_API cm_status cm_account_archive(char** out_json, cm_session* session, int64_t id);

/** Restores an archived account. @return the stored account. */
CM_API cm_status cm_account_restore(char** out_json, cm_session* session, int64_t id);

/** Searches accounts. `query_json` (NULL means {}) has the optional keys
 *  "text", "customer_type", "tags_any", "tags_all" (arrays of strings),
 *  "created_from", "created_to" (RFC 3339; from inclusive, to exclusive),
 *  "archived" ("exclude" default, "include", "only"), "sort" ("default",
 *  "relevance", "created_desc", "created_asc", "name_asc", "updated_desc"),
 *  "cursor" (the next_cursor of the previous page, same filters and sort)
 *  and "limit" (1-1000, default 50). Free the page with cm_page_free().
 *  @return CM_ERR_VALIDATION ("cursor.invalid", "query.limit_invalid"...). */
CM_API cm_status cm_account_search(cm_page** out, cm_session* session, const char* query_json);

/** Statistics over the accounts the session can see, as JSON with the keys
 *  total_accounts, residential_accounts, commercial_accounts,
 *  archived_accounts, total_contacts, accounts_without_primary_contact,
 *  new_accounts_per_month ([{year,month,count}...], oldest first) and top_tags
 *  ([{tag,count}...]). `options_json` (NULL means {}) has the optional keys
 *  "months" (1-120, default 12) and "top_tags" (0-100, default 10). */
CM_API cm_status cm_account_stats(char** out_json, cm_session* session, const char* options_json);

/* ------------------------------------------------------------ contacts */

/** Validates, normalises and adds a contact to its "customer_account_id".
 *  Phones are stored as E.164 ("phone"), with "phone_extension" and the
 *  typed form in "phone_display". @return the stored contact;
 *  CM_ERR_VALIDATION, CM_ERR_NOT_FOUND ("account.not_found"),
 *  CM_ERR_CONFLICT ("contact.duplicate_primary", "contact.duplicate_email"). */
CM_API cm_status cm_contact_add(char** out_json, cm_session* session, const char* contact_json);

/** Validates and inserts several contacts in one transaction, all or
 *  nothing, through the backend's bulk path (the C++
 *  ContactRepository::add_many(); the rules of cm_contact_add() hold across
 *  the batch and against stored contacts).
 *  @param out_json receives a JSON array of the stored contacts, in input
 *         order. Free with cm_string_free().
 *  @param session the acting session.
 *  @param contacts_json_array a JSON array of contact objects, each read like
 *         cm_contact_add()'s input ([] inserts nothing).
 *  @return CM_ERR_VALIDATION listing the errors of every element, fields
 *          prefixed with its index ("[3].email"; "json.not_array" when the
 *          document is not an array), and then nothing is stored;
 *          CM_ERR_NOT_FOUND when an account is not visible; CM_ERR_CONFLICT
 *          (`contact.duplicate_primary`, `contact.duplicate_email`, within
 *          the batch or against stored contacts); CM_ERR_BACKEND. */
CM_API cm_status cm_contact_add_many(char** out_json, cm_session* session,
                                     const char* contacts_json_array);

/** The contact `id` as JSON. @return CM_ERR_NOT_FOUND. */
CM_API cm_status cm_contact_get(char** out_json, cm_session* session, int64_t id);

/** Like cm_contact_get() but CM_OK with `*out_json` = NULL when not found. */
CM_API cm_status cm_contact_find(char** out_json, cm_session* session, int64_t id);

/** Replaces the editable fields of the contact named by "id" at "version";
 *  a different "customer_account_id" moves it. @return the stored contact;
 *  CM_ERR_VALIDATION, CM_ERR_NOT_FOUND, CM_ERR_CONFLICT. */
CM_API cm_status cm_contact_update(char** out_json, cm_session* session, const char* contact_json);

/** Deletes the contact. @return CM_ERR_NOT_FOUND. */
CM_API cm_status cm_contact_remove(cm_session* session, int64_t id);

/** Contacts of one account, the primary first, then by name; keyset pages.
 *  @param out receives the page. @param session the acting session.
 *  @param account_id the account whose contacts are listed.
 *  @param cursor optional (NULL or "" for the first page).
 *  @param limit 1-1000. @return CM_ERR_NOT_FOUND, CM_ERR_VALIDATION. */
CM_API cm_status cm_contact_list(cm_page** out, cm_session* session, int64_t account_id,
                                 const char* cursor, size_t limit);

/** Makes the contact the primary one of its account, clearing the previous
 *  primary atomically. @return the stored contact; CM_ERR_NOT_FOUND. */
CM_API cm_status cm_contact_set_primary(char** out_json, cm_session* session, int64_t contact_id);

/** Searches contacts. `query_json` has the optional keys "text", "email",
 *  "phone" (any format, compared as E.164), "account_id", "cursor",
 *  "limit"; at least one of the first four is required ("query.empty"). */
CM_API cm_status cm_contact_search(cm_page** out, cm_session* session, const char* query_json);

/* ------------------------------------------------------------ pages */

/** Number of records on the page. */
CM_API cm_status cm_page_count(size_t* out, const cm_page* page);

/** Record `index` (< count) as JSON, borrowed from the page.
 *  @return CM_ERR_INVALID_ARGUMENT when `index` is out of range. */
CM_API cm_status cm_page_item(const char** out_json, const cm_page* page, size_t index);

/** The cursor of the next page, borrowed from the page; `*out` is NULL on
 *  the last page. */
CM_API cm_status cm_page_next_cursor(const char** out, const cm_page* page);

/** The whole page as {"items":[...],"next_cursor":...|null}, borrowed. */
CM_API cm_status cm_page_json(const char** out_json, const cm_page* page);

/** Releases the page. */
CM_API void cm_page_free(cm_page* page);

/* ------------------------------------------------------------ import, export, backup */

/* The C form of custmgmt/io.hpp; docs/import-export.md describes the NDJSON
 * and CSV formats and how an import matches existing records.
 *
 * Options of the import and export functions are a JSON object (NULL means
 * {}; a key set to null is the same as an absent key). A document that is
 * not a JSON object is CM_ERR_INVALID_ARGUMENT ("options.invalid", with the
 * parser's json.* field errors); an unknown key ("options.unknown_key"), a
 * value of the wrong JSON type ("options.type_mismatch") or an unknown format
 * ("options.value_invalid") is CM_ERR_INVALID_ARGUMENT with one field error
 * on the key. A file that cannot be opened is CM_ERR_BACKEND ("backend.io",
 * the message naming the path and the system's reason). */

/** Progress of an import or export: called with the number of records
 *  handled so far (accounts for export, after each one; input rows for
 *  import, after each batch), on the calling thread, inside the call.
 *  It must not call this library with the same session. */
typedef void (*cm_progress_fn)(uint64_t records, void* user_data);

/** Exports accounts with their contacts to the file `path` (created or
 *  truncated; not atomic: a failed export leaves a partial file).
 *  NDJSON has one account per line with a "contacts" array; CSV has the
 *  header cm_csv_columns() and one row per contact.
 *  @param out_report_json receives {"accounts":N,"contacts":N}; free with
 *         cm_string_free().
 *  @param session the acting session; only what it can see is written.
 *  @param path the file to write.
 *  @param options_json optional (NULL): {"format": "ndjson" | "jsonl" |
 *         "csv" (default: "csv" for a path ending in .csv, else NDJSON),
 *         "account_id": only this account, "query": the accounts this
 *         search returns, every page of it (the query JSON of
 *         cm_account_search(); its errors are CM_ERR_VALIDATION on fields
 *         "query.*")}. Without account_id and query: every visible account,
 *         archived ones included, oldest first.
 *  @param progress optional (NULL): called after each account.
 *  @param user_data passed to `progress`.
 *  @return CM_ERR_INVALID_ARGUMENT (options), CM_ERR_NOT_FOUND (an
 *          account_id the session cannot see), CM_ERR_VALIDATION (query),
 *          CM_ERR_BACKEND ("backend.io" when the file cannot be opened,
 *          "io.write_failed" when writing fails). */
CM_API cm_status cm_export_file(char** out_report_json, cm_session* session, const char* path,
                                const char* options_json, cm_progress_fn progress, void* user_data);

/** Exports like cm_export_file() into memory.
 *  @param out_data receives the exported text (NUL-terminated as well);
 *         free with cm_string_free().
 *  @param out_size receives its length in bytes, without the NUL.
 *  @param out_report_json optional (NULL): receives {"accounts":N,
 *         "contacts":N}; free with cm_string_free().
 *  @param session the acting session.
 *  @param options_json optional, as cm_export_file(); the default format is
 *         NDJSON.
 *  @param progress optional (NULL): called after each account.
 *  @param user_data passed to `progress`.
 *  @return as cm_export_file(). */
CM_API cm_status cm_export_buffer(char** out_data, size_t* out_size, char** out_report_json,
                                  cm_session* session, const char* options_json,
                                  cm_progress_fn progress, void* user_data);

/** Imports accounts with their contacts from the file `path`. Each row is
 *  validated; an invalid row is rejected whole and reported, the others go
 *  on; valid rows are written in batches, one transaction each, matched to
 *  existing records so that importing a file twice creates nothing the
 *  second time.
 *  @param out_report_json receives the report, also when the result is
 *         CM_ERR_VALIDATION because rows were rejected: {"rows",
 *         "accounts_created", "accounts_updated", "accounts_unchanged",
 *         "contacts_created", "contacts_updated", "contacts_unchanged",
 *         "rejected", "committed" (false when strict mode rolled back),
 *         "errors": [{"line","field","code","message"}...]}. The caller
 *         frees it with cm_string_free() in both cases; it is NULL for
 *         every other failure.
 *  @param session the acting session (a user session imports everything as
 *         itself; the service role keeps NDJSON created_by).
 *  @param path the file to read.
 *  @param options_json optional (NULL): {"format": "ndjson" | "jsonl" |
 *         "csv" (default: from the extension as cm_export_file()),
 *         "batch_size": valid rows per transaction (default 1000; 0 is
 *         CM_ERR_VALIDATION "import.batch_invalid"), "strict": true for all
 *         or nothing, "ignore_unknown_columns": true to skip CSV columns
 *         this library does not know, "max_errors_kept": most errors listed
 *         in the report (default 1000; all are counted)}.
 *  @param progress optional (NULL): called after each batch with the rows
 *         read so far.
 *  @param user_data passed to `progress`.
 *  @return CM_OK when no row was rejected. CM_ERR_VALIDATION
 *          ("import.rows_rejected") when rows were rejected (or the file
 *          was malformed, or strict mode rolled back), with the message
 *          "N rows rejected" (", nothing imported (strict)" added when
 *          strict mode rolled back) and the first 20 errors of the report
 *          as field errors: field "line L: FIELD" ("line L" for a whole
 *          row, the bare field for a file error without a line), the
 *          error's code and message. CM_ERR_INVALID_ARGUMENT (options),
 *          CM_ERR_BACKEND ("backend.io" when the file cannot be opened, or
 *          a database failure: the current batch is rolled back, earlier
 *          ones stay unless strict). */
CM_API cm_status cm_import_file(char** out_report_json, cm_session* session, const char* path,
                                const char* options_json, cm_progress_fn progress, void* user_data);

/** Imports like cm_import_file() from `size` bytes at `data` (need not be
 *  NUL-terminated; NULL only with size 0). The default format is NDJSON.
 *  Any bytes are accepted: invalid UTF-8, bad JSON or an oversize line
 *  reject their rows (CM_ERR_VALIDATION with the report).
 *  @param out_report_json as cm_import_file().
 *  @param session the acting session.
 *  @param data the input.
 *  @param size its length in bytes.
 *  @param options_json optional, as cm_import_file().
 *  @param progress optional (NULL): called after each batch.
 *  @param user_data passed to `progress`.
 *  @return as cm_import_file(). */
CM_API cm_status cm_import_buffer(char** out_report_json, cm_session* session, const char* data,
                                  size_t size, const char* options_json, cm_progress_fn progress,
                                  void* user_data);

/** Writes a consistent snapshot of the session's store to `path`
 *  (replacing it; written to PATH.partial first, then renamed). For a
 *  service session on SQLite this is a complete database file made with
 *  SQLite's online backup API; otherwise (PostgreSQL, or a user session,
 *  who may copy only what it sees) an NDJSON export of every account the
 *  session sees, archived ones included, read in one snapshot.
 *  @param out_kind receives "sqlite_file" or "ndjson"; free with
 *         cm_string_free().
 *  @param session a session on the store to copy, with no transaction open.
 *  @param path the backup file.
 *  @return CM_ERR_BACKEND ("backend.io" and others) when copying fails;
 *          CM_ERR_STATE ("backup.in_transaction") while a transaction of
 *          the session is open. */
CM_API cm_status cm_backup(char** out_kind, cm_session* session, const char* path);

/** Restores one account and all its contacts as they are in a backup made
 *  by cm_backup() or an NDJSON export, in one transaction: an account that
 *  still exists is set back (fields, archive state, contacts; contacts not
 *  in the backup are deleted), a deleted one is created again with a new id.
 *  @param out_report_json receives {"account_id": its id in the store,
 *         "recreated": true when it had been deleted, "contacts_created",
 *         "contacts_updated", "contacts_deleted"}; free with
 *         cm_string_free().
 *  @param session the acting session on the target store.
 *  @param path the backup file.
 *  @param account_id the account's id in the backup.
 *  @return CM_ERR_NOT_FOUND ("account.not_found": not in the backup),
 *          CM_ERR_VALIDATION ("restore.format_invalid": neither a SQLite
 *          backup nor NDJSON, or the repositories' validation),
 *          CM_ERR_BACKEND ("backend.io" when the file cannot be read). */
CM_API cm_status cm_restore_account(char** out_report_json, cm_session* session, const char* path,
                                    int64_t account_id);

/** Checks a store (on SQLite its integrity, foreign keys and full-text
 *  indexes; on every backend, through the session, at most one primary
 *  contact per account and emails unique per account). Problems found are
 *  a result, not an error: the call returns CM_OK for them.
 *  @param out_problems_json receives a JSON array of {"check","message"}
 *         objects ([] for a sound store); free with cm_string_free().
 *  @param out_count optional (NULL): receives the number of problems.
 *  @param session a session on the store (the service role sees all).
 *  @return CM_ERR_BACKEND when the store cannot be read. */
CM_API cm_status cm_verify(char** out_problems_json, size_t* out_count, cm_session* session);

/** Archives every active account the session can see that was not updated
 *  since `cutoff` (reversible with cm_account_restore()).
 *  @param out_count receives the number of accounts archived.
 *  @param session the acting session.
 *  @param cutoff an RFC 3339 timestamp, e.g. "2025-01-01T00:00:00Z".
 *  @return CM_ERR_VALIDATION ("timestamp.invalid" on field "cutoff"),
 *          CM_ERR_BACKEND. */
CM_API cm_status cm_archive_older_than(uint64_t* out_count, cm_session* session,
                                       const char* cutoff);

/** The CSV columns, in the order export writes them, as a JSON array of
 *  strings ("company_name", "customer_type", ... "contact_notes"); free
 *  with cm_string_free(). */
CM_API cm_status cm_csv_columns(char** out_json_array);

/* ------------------------------------------------------------ validators */

/** Validates an email address (RFC 5322 addr-spec, IDNA2008 domain) and
 *  gives its normalised form (domain lower-cased). @return
 *  CM_ERR_VALIDATION with field errors on field "email" ("email.invalid",
 *  "email.too_long", "text.invalid_utf8"...). */
CM_API cm_status cm_validate_email(char** out_normalized, const char* email);

/** Validates a phone number with libphonenumber and gives its E.164 form,
 *  its extension ("" when none) and its region (e.g. "US").
 *  @param out_e164 receives the E.164 form. @param phone the number as typed.
 *  @param out_extension optional. @param out_region optional.
 *  @param default_region optional: NULL means "US", "" means none.
 *  @return CM_ERR_VALIDATION on field "phone" ("phone.invalid",
 *          "phone.unparsable", "phone.region_invalid"...). */
CM_API cm_status cm_validate_phone(char** out_e164, char** out_extension, char** out_region,
                                   const char* phone, const char* default_region);

/** Validates an address given as a JSON object with the keys street, city,
 *  state, zip, country (strings or null) and gives the normalised address
 *  as JSON (trimmed, alpha-2 country, US/CA state codes and postal codes).
 *  @return CM_ERR_VALIDATION on fields "address.*" ("address.not_json",
 *          "address.unknown_key", "address.country_unknown",
 *          "address.zip_invalid"...). */
CM_API cm_status cm_validate_address(char** out_json, const char* address_json);

/** Maps an ISO 3166-1 alpha-2/alpha-3 code or English country name
 *  (case-insensitive) to the alpha-2 code. @return CM_ERR_NOT_FOUND
 *  ("country.unknown"). */
CM_API cm_status cm_country_alpha2(char** out, const char* code_or_name);

/* ------------------------------------------------------------ JSON helpers */

/* Flat accessors for the top-level keys of a record, page or stats JSON, so
 * that a C program needs no JSON parser for ids, versions and the like. Each
 * returns CM_ERR_NOT_FOUND ("json.key_missing") when the key is absent or
 * null and CM_ERR_VALIDATION ("json.type_mismatch", "json.invalid"...) for a
 * value of another type or a bad document. */

/** Reads an integer, e.g. "id" or "version". */
CM_API cm_status cm_json_get_int64(int64_t* out, const char* json, const char* key);

/** Reads a boolean (1 or 0), e.g. "is_primary_contact". */
CM_API cm_status cm_json_get_bool(int* out, const char* json, const char* key);

/** Reads a string, e.g. "email". Free with cm_string_free(). */
CM_API cm_status cm_json_get_string(char** out, const char* json, const char* key);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CUSTMGMT_CUSTMGMT_H_ */
