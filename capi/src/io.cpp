// Export, import, backup, selective restore, integrity checks and archiving
// by age: the C form of custmgmt/io.hpp.
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <utility>

#include "capi_internal.hpp"
#include "capi_json.hpp"
#include "custmgmt/io.hpp"

using custmgmt::capi::CallError;
using custmgmt::capi::dup;
using custmgmt::capi::guard;
using custmgmt::capi::out_param;
using custmgmt::capi::require;
using custmgmt::capi::text_arg;

namespace {

namespace json = boost::json;

// How many of an import's errors become field errors of the last error (all
// of them are in the report).
constexpr std::size_t kImportFieldErrors = 20;

custmgmt::Session& session_of(cm_session* session) {
  return require(session, "session").session;
}

[[noreturn]] void bad_option(const char* code, const std::string& key, const std::string& message) {
  throw CallError{
      CM_ERR_INVALID_ARGUMENT, code, "options_json: " + message, {{key, code, message}}};
}

// The members of an options document (NULL is {}). A document that is not a
// JSON object is CM_ERR_INVALID_ARGUMENT ("options.invalid") carrying the
// json.* field errors of the parser.
json::object options_object(const char* text) {
  if (text == nullptr) return {};
  json::value doc;
  try {
    doc = custmgmt::capi::parse_json_arg(text, "options_json");
  } catch (const custmgmt::ValidationError& e) {
    throw CallError{CM_ERR_INVALID_ARGUMENT, "options.invalid",
                    "options_json: " + e.errors().front().message, e.errors()};
  }
  if (!doc.is_object()) {
    bad_option("options.invalid", "", "options_json is not a JSON object");
  }
  return std::move(doc.as_object());
}

std::string key_of(const json::key_value_pair& member) {
  return std::string(member.key());
}

[[noreturn]] void mismatch(const json::key_value_pair& member, const char* expected) {
  bad_option("options.type_mismatch", key_of(member), key_of(member) + " is not " + expected);
}

[[noreturn]] void unknown(const json::key_value_pair& member) {
  bad_option("options.unknown_key", key_of(member), "unknown option " + key_of(member));
}

std::uint64_t count_option(const json::key_value_pair& member) {
  const json::value& v = member.value();
  if (const auto* u = v.if_uint64()) return *u;
  if (const auto* i = v.if_int64(); i != nullptr && *i >= 0) return static_cast<std::uint64_t>(*i);
  mismatch(member, "a non-negative integer");
}

bool bool_option(const json::key_value_pair& member) {
  if (const auto* b = member.value().if_bool()) return *b;
  mismatch(member, "a boolean");
}

custmgmt::DataFormat format_option(const json::key_value_pair& member) {
  const auto* s = member.value().if_string();
  if (s == nullptr) mismatch(member, "a string");
  const auto format = custmgmt::parse_data_format(std::string_view(s->data(), s->size()));
  if (!format) {
    bad_option("options.value_invalid", "format",
               "format \"" + std::string(s->data(), s->size()) + "\" is not ndjson, jsonl or csv");
  }
  return *format;
}

// The "query" option, parsed like cm_account_search()'s query_json; its
// field errors are prefixed with "query.".
custmgmt::AccountQuery query_option(const json::key_value_pair& member) {
  if (!member.value().is_object()) mismatch(member, "a JSON object");
  try {
    return custmgmt::account_query_from_json(json::serialize(member.value()));
  } catch (const custmgmt::ValidationError& e) {
    custmgmt::FieldErrors errors = e.errors();
    for (auto& error : errors) error.field = "query." + error.field;
    throw custmgmt::ValidationError(std::move(errors));
  }
}

custmgmt::ProgressCallback progress_of(cm_progress_fn fn, void* user_data) {
  if (fn == nullptr) return {};
  return [fn, user_data](std::uint64_t records) { fn(records, user_data); };
}

// Export options; `default_format` applies when "format" is absent.
custmgmt::ExportOptions export_options(const char* text, custmgmt::DataFormat default_format,
                                       cm_progress_fn fn, void* user_data) {
  custmgmt::ExportOptions options;
  options.format = default_format;
  for (const auto& member : options_object(text)) {
    if (member.value().is_null()) continue;  // null is the default, as in records
    const std::string_view key = member.key();
    if (key == "format") {
      options.format = format_option(member);
    } else if (key == "account_id") {
      const auto* id = member.value().if_int64();
      if (id == nullptr) mismatch(member, "an integer");
      options.account_id = *id;
    } else if (key == "query") {
      options.query = query_option(member);
    } else {
      unknown(member);
    }
  }
  options.progress = progress_of(fn, user_data);
  return options;
}

custmgmt::ImportOptions import_options(const char* text, custmgmt::DataFormat default_format,
                                       cm_progress_fn fn, void* user_data) {
  custmgmt::ImportOptions options;
  options.format = default_format;
  for (const auto& member : options_object(text)) {
    if (member.value().is_null()) continue;
    const std::string_view key = member.key();
    if (key == "format") {
      options.format = format_option(member);
    } else if (key == "batch_size") {
      options.batch_size = static_cast<std::size_t>(count_option(member));
    } else if (key == "strict") {
      options.strict = bool_option(member);
    } else if (key == "ignore_unknown_columns") {
      options.ignore_unknown_columns = bool_option(member);
    } else if (key == "max_errors_kept") {
      options.max_errors_kept = static_cast<std::size_t>(count_option(member));
    } else {
      unknown(member);
    }
  }
  options.progress = progress_of(fn, user_data);
  return options;
}

// The format given by a file name's extension (.csv, else NDJSON).
custmgmt::DataFormat format_of_path(std::string_view path) {
  return custmgmt::data_format_of(std::filesystem::path(std::string(path)));
}

[[noreturn]] void cannot_open(std::string_view path, const char* what) {
  throw custmgmt::BackendError("backend.io", std::string("cannot ") + what + " " +
                                                 std::string(path) + ": " + std::strerror(errno));
}

std::string export_report_json(const custmgmt::ExportReport& report) {
  json::object o;
  o.emplace("accounts", report.accounts);
  o.emplace("contacts", report.contacts);
  return json::serialize(o);
}

// Hands the report to the caller, then fails with CM_ERR_VALIDATION when
// rows were rejected: "N rows rejected" (or "N rows rejected, nothing
// imported (strict)") with the first errors as field errors, each on the
// field "line L: FIELD" ("line L" for a whole row, "" for the file).
cm_status finish_import(char*& out, const custmgmt::ImportReport& report) {
  out = dup(custmgmt::to_json(report));
  if (report.rejected == 0 && report.committed) return CM_OK;
  std::string message =
      std::to_string(report.rejected) + (report.rejected == 1 ? " row rejected" : " rows rejected");
  if (!report.committed) message += ", nothing imported (strict)";
  custmgmt::FieldErrors fields;
  for (const auto& e : report.errors) {
    if (fields.size() == kImportFieldErrors) break;
    std::string field;
    if (e.line != 0) {
      field = "line " + std::to_string(e.line);
      if (!e.field.empty()) field += ": " + e.field;
    } else {
      field = e.field;
    }
    fields.push_back({std::move(field), e.code, e.message});
  }
  throw CallError{CM_ERR_VALIDATION, "import.rows_rejected", std::move(message), std::move(fields)};
}

// Reads a caller's buffer in place.
class MemoryBuf : public std::streambuf {
 public:
  MemoryBuf(const char* data, std::size_t size) {
    char* p = const_cast<char*>(data);  // only read: no put area
    setg(p, p, p + size);
  }
};

}  // namespace

extern "C" {

CM_API cm_status cm_export_file(char** out_report_json, cm_session* session, const char* path,
                                const char* options_json, cm_progress_fn progress,
                                void* user_data) {
  return guard([&] {
    auto& result = out_param(out_report_json, "out_report_json");
    auto& s = session_of(session);
    const auto file = text_arg(path, "path");
    const auto options = export_options(options_json, format_of_path(file), progress, user_data);
    std::ofstream out(std::string(file), std::ios::binary | std::ios::trunc);
    if (!out) cannot_open(file, "write");
    const auto report = custmgmt::export_accounts(s, out, options);
    out.close();
    if (!out) cannot_open(file, "write");
    result = dup(export_report_json(report));
    return CM_OK;
  });
}

CM_API cm_status cm_export_buffer(char** out_data, size_t* out_size, char** out_report_json,
                                  cm_session* session, const char* options_json,
                                  cm_progress_fn progress, void* user_data) {
  if (out_report_json != nullptr) *out_report_json = nullptr;
  return guard([&] {
    auto& data = out_param(out_data, "out_data");
    auto& size = out_param(out_size, "out_size");
    auto& s = session_of(session);
    const auto options =
        export_options(options_json, custmgmt::DataFormat::Ndjson, progress, user_data);
    std::ostringstream out;
    const auto report = custmgmt::export_accounts(s, out, options);
    const std::string text = std::move(out).str();
    char* report_json = out_report_json != nullptr ? dup(export_report_json(report)) : nullptr;
    try {
      data = dup(text);
    } catch (...) {
      cm_string_free(report_json);
      throw;
    }
    size = text.size();
    if (out_report_json != nullptr) *out_report_json = report_json;
    return CM_OK;
  });
}

CM_API cm_status cm_import_file(char** out_report_json, cm_session* session, const char* path,
                                const char* options_json, cm_progress_fn progress,
                                void* user_data) {
  return guard([&] {
    auto& result = out_param(out_report_json, "out_report_json");
    auto& s = session_of(session);
    const auto file = text_arg(path, "path");
    const auto options = import_options(options_json, format_of_path(file), progress, user_data);
    std::ifstream in(std::string(file), std::ios::binary);
    if (!in) cannot_open(file, "open");
    return finish_import(result, custmgmt::import_accounts(s, in, options));
  });
}

CM_API cm_status cm_import_buffer(char** out_report_json, cm_session* session, const char* data,
                                  size_t size, const char* options_json, cm_progress_fn progress,
                                  void* user_data) {
  return guard([&] {
    auto& result = out_param(out_report_json, "out_report_json");
    auto& s = session_of(session);
    if (data == nullptr && size != 0) require(data, "data");
    const auto options =
        import_options(options_json, custmgmt::DataFormat::Ndjson, progress, user_data);
    MemoryBuf buf(data == nullptr ? "" : data, size);
    std::istream in(&buf);
    return finish_import(result, custmgmt::import_accounts(s, in, options));
  });
}

CM_API cm_status cm_backup(char** out_kind, cm_session* session, const char* path) {
  return guard([&] {
    auto& result = out_param(out_kind, "out_kind");
    auto& s = session_of(session);
    const auto file = text_arg(path, "path");
    custmgmt::BackupKind kind;
    try {
      kind = custmgmt::backup(s, std::filesystem::path(std::string(file)));
    } catch (const std::logic_error& e) {
      // backup() reads in a snapshot of its own, which cannot start inside
      // an open read-write transaction of the session.
      throw CallError{CM_ERR_STATE, "backup.in_transaction", e.what()};
    }
    result = dup(kind == custmgmt::BackupKind::SqliteFile ? "sqlite_file" : "ndjson");
    return CM_OK;
  });
}

CM_API cm_status cm_restore_account(char** out_report_json, cm_session* session, const char* path,
                                    int64_t account_id) {
  return guard([&] {
    auto& result = out_param(out_report_json, "out_report_json");
    auto& s = session_of(session);
    const auto file = text_arg(path, "path");
    const auto report =
        custmgmt::restore_account(s, std::filesystem::path(std::string(file)), account_id);
    json::object o;
    o.emplace("account_id", report.account_id);
    o.emplace("recreated", report.recreated);
    o.emplace("contacts_created", report.contacts_created);
    o.emplace("contacts_updated", report.contacts_updated);
    o.emplace("contacts_deleted", report.contacts_deleted);
    result = dup(json::serialize(o));
    return CM_OK;
  });
}

CM_API cm_status cm_verify(char** out_problems_json, size_t* out_count, cm_session* session) {
  if (out_count != nullptr) *out_count = 0;
  return guard([&] {
    auto& result = out_param(out_problems_json, "out_problems_json");
    const auto problems = custmgmt::verify(session_of(session));
    json::array a;
    for (const auto& p : problems) {
      json::object o;
      o.emplace("check", custmgmt::capi::valid_utf8(p.check));
      o.emplace("message", custmgmt::capi::valid_utf8(p.message));
      a.push_back(std::move(o));
    }
    result = dup(json::serialize(a));
    if (out_count != nullptr) *out_count = problems.size();
    return CM_OK;
  });
}

CM_API cm_status cm_archive_older_than(uint64_t* out_count, cm_session* session,
                                       const char* cutoff) {
  return guard([&] {
    auto& result = out_param(out_count, "out_count");
    auto& s = session_of(session);
    const auto text = text_arg(cutoff, "cutoff");
    const auto when = custmgmt::parse_timestamp(text);
    if (!when) {
      throw custmgmt::ValidationError(
          {{"cutoff", "timestamp.invalid", "cutoff is not an RFC 3339 timestamp"}});
    }
    result = custmgmt::archive_older_than(s, *when);
    return CM_OK;
  });
}

CM_API cm_status cm_csv_columns(char** out_json_array) {
  return guard([&] {
    auto& result = out_param(out_json_array, "out_json_array");
    json::array a;
    for (const auto& column : custmgmt::csv_columns()) a.emplace_back(column);
    result = dup(json::serialize(a));
    return CM_OK;
  });
}

}  // extern "C"
