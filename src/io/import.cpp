#include <csv.h>

#include <boost/json.hpp>

#include <algorithm>
#include <deque>
#include <istream>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "custmgmt/account_repository.hpp"
#include "custmgmt/backend.hpp"
#include "custmgmt/contact_repository.hpp"
#include "custmgmt/io.hpp"
#include "custmgmt/json.hpp"
#include "custmgmt/validate.hpp"
#include "io/io_common.hpp"

namespace custmgmt {

namespace {

// Largest CSV record or NDJSON line accepted, in bytes.
constexpr std::size_t kRecordLimit = limits::kJsonDocument;

// One input record: an account and the contacts that come with it.
struct Row {
  std::uint64_t line = 0;
  Account account;
  std::optional<bool> archived;  // NDJSON: archived_at present or null
  std::vector<Contact> contacts;
  FieldErrors errors;  // problems found while reading the record
};

struct FileError {
  std::uint64_t line = 0;
  std::string field;
  std::string code;
  std::string message;
};

class Source {
 public:
  virtual ~Source() = default;
  // Reads the next record into `row`; false at the end or on a file error
  // (then `error` is set).
  virtual bool next(Row& row, std::optional<FileError>& error) = 0;
  // Error field names of the file (CSV columns differ from record fields).
  virtual std::string field_name(const std::string& field, std::size_t contact) const = 0;
};

// ---------------------------------------------------------------- NDJSON

class NdjsonSource final : public Source {
 public:
  explicit NdjsonSource(std::istream& in) : reader_(in, kRecordLimit) {}

  bool next(Row& row, std::optional<FileError>& error) override {
    std::string line;
    bool overflow = false;
    while (reader_.next(line, overflow)) {
      if (!overflow && line.find_first_not_of(" \t\r") == std::string::npos) continue;
      row = Row{};
      row.line = reader_.line_number();
      if (overflow) {
        row.errors.push_back(
            {"", "json.too_large",
             "the line is longer than " + std::to_string(kRecordLimit) + " bytes"});
        return true;
      }
      detail::parse_ndjson_line(line, row.account, row.contacts, row.errors);
      row.archived = row.account.archived_at.has_value();
      return true;
    }
    if (reader_.failed()) error = FileError{0, "", "io.read_failed", "reading the input failed"};
    return false;
  }

  std::string field_name(const std::string& field, std::size_t contact) const override {
    if (contact == npos) return field;
    return "contacts[" + std::to_string(contact) + "]." + field;
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  detail::LineReader reader_;
};

// ---------------------------------------------------------------- CSV

enum Column {
  kCompanyName,
  kCustomerType,
  kBillingStreet,
  kBillingCity,
  kBillingState,
  kBillingZip,
  kBillingCountry,
  kServiceStreet,
  kServiceCity,
  kServiceState,
  kServiceZip,
  kServiceCountry,
  kTags,
  kAccountNotes,
  kContactName,
  kEmail,
  kPhone,
  kRole,
  kIsPrimary,
  kContactNotes,
  kColumnCount,
  kIgnored = -1,
};

std::string lower_trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  text = text.substr(first, text.find_last_not_of(" \t") - first + 1);
  std::string out;
  for (char c : text) out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  return out;
}

std::optional<std::string> present(const std::string& value) {
  if (value.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  return value;
}

class CsvSource final : public Source {
 public:
  CsvSource(std::istream& in, bool ignore_unknown)
      : reader_(in, kRecordLimit), ignore_(ignore_unknown) {
    csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI);
  }
  ~CsvSource() override { csv_free(&parser_); }
  CsvSource(const CsvSource&) = delete;
  CsvSource& operator=(const CsvSource&) = delete;

  bool next(Row& row, std::optional<FileError>& error) override {
    while (true) {
      if (!read_record(error)) return false;
      auto record = std::move(records_.front());
      records_.pop_front();
      if (!header_done_) {
        if (!read_header(record, error)) return false;
        continue;
      }
      to_row(record, row);
      return true;
    }
  }

  std::string field_name(const std::string& field, std::size_t /*contact*/) const override {
    for (const char* prefix : {"billing", "service"}) {
      const std::string p = std::string(prefix) + "_address.";
      if (field.compare(0, p.size(), p) == 0)
        return std::string(prefix) + "_" + field.substr(p.size());
    }
    if (field.compare(0, 5, "tags[") == 0) return "tags";
    if (field == "phone_extension" || field == "phone_display") return "phone";
    return field;
  }

 private:
  struct Record {
    std::uint64_t line = 0;
    std::vector<std::string> fields;
  };

  static void on_field(void* data, std::size_t size, void* self) {
    auto* me = static_cast<CsvSource*>(self);
    me->fields_.emplace_back(static_cast<const char*>(data), size);
  }
  static void on_record(int, void* self) {
    auto* me = static_cast<CsvSource*>(self);
    me->records_.push_back(
        {me->start_ != 0 ? me->start_ : me->reader_.line_number(), std::move(me->fields_)});
    me->fields_.clear();
    me->start_ = 0;
    me->bytes_ = 0;
  }

  // Feeds the parser until a record is complete. False at the end or on error.
  bool read_record(std::optional<FileError>& error) {
    while (records_.empty()) {
      if (finished_) return false;
      const std::string_view piece = reader_.next_piece(64 * 1024);
      if (piece.empty()) {
        finished_ = true;
        if (reader_.failed()) {
          error =
              FileError{reader_.line_number(), "", "io.read_failed", "reading the input failed"};
          return false;
        }
        if (csv_fini(&parser_, &on_field, &on_record, this) != 0) {
          error = FileError{start_, "", "csv.malformed",
                            "the file ends inside a quoted field (a quote is not closed)"};
          return false;
        }
        continue;
      }
      if (start_ == 0 && piece.find_first_not_of("\r\n") != std::string_view::npos) {
        start_ = reader_.line_number();
      }
      bytes_ += piece.size();
      if (bytes_ > kRecordLimit) {
        finished_ = true;
        error = FileError{start_, "", "csv.record_too_large",
                          "a record is longer than " + std::to_string(kRecordLimit) +
                              " bytes (is a quote not closed?)"};
        return false;
      }
      if (csv_parse(&parser_, piece.data(), piece.size(), &on_field, &on_record, this) !=
          piece.size()) {
        finished_ = true;
        error = FileError{reader_.line_number(), "", "csv.malformed",
                          std::string("broken CSV quoting: ") + csv_strerror(csv_error(&parser_))};
        return false;
      }
    }
    return true;
  }

  bool read_header(Record& record, std::optional<FileError>& error) {
    header_done_ = true;
    bool seen[kColumnCount] = {};
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      std::string name = record.fields[i];
      if (i == 0 && name.compare(0, 3, "\xEF\xBB\xBF") == 0) name.erase(0, 3);
      name = lower_trimmed(name);
      const auto& known = csv_columns();
      const auto it = std::find(known.begin(), known.end(), name);
      if (it == known.end()) {
        if (!ignore_) {
          error = FileError{record.line, name, "csv.unknown_column",
                            "unknown column '" + name + "' (known: " + joined() + ")"};
          return false;
        }
        columns_.push_back(kIgnored);
        continue;
      }
      const int column = static_cast<int>(it - known.begin());
      if (seen[column]) {
        error = FileError{record.line, name, "csv.duplicate_column",
                          "column '" + name + "' appears twice"};
        return false;
      }
      seen[column] = true;
      columns_.push_back(column);
    }
    for (int required : {kCompanyName, kCustomerType}) {
      if (!seen[required]) {
        const std::string& name = csv_columns()[static_cast<std::size_t>(required)];
        error = FileError{record.line, name, "csv.missing_column",
                          "the header has no '" + name + "' column"};
        return false;
      }
    }
    return true;
  }

  static std::string joined() {
    std::string out;
    for (const auto& c : csv_columns()) out += (out.empty() ? "" : ", ") + c;
    return out;
  }

  void to_row(Record& record, Row& row) {
    row = Row{};
    row.line = record.line;
    if (record.fields.size() != columns_.size()) {
      row.errors.push_back({"", "csv.field_count",
                            "the row has " + std::to_string(record.fields.size()) +
                                " fields, the header " + std::to_string(columns_.size())});
      return;
    }
    std::vector<std::string> v(kColumnCount);
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i] != kIgnored)
        v[static_cast<std::size_t>(columns_[i])] = std::move(record.fields[i]);
    }
    Account& a = row.account;
    a.company_name = v[kCompanyName];
    if (!present(v[kCustomerType])) {
      row.errors.push_back({"customer_type", "customer_type.required", "customer_type is empty"});
    } else if (auto type = parse_customer_type(lower_trimmed(v[kCustomerType]))) {
      a.customer_type = *type;
    } else {
      row.errors.push_back({"customer_type", "customer_type.invalid",
                            "customer_type must be Residential or Commercial"});
    }
    a.billing_address = {v[kBillingStreet], v[kBillingCity], v[kBillingState], v[kBillingZip],
                         v[kBillingCountry]};
    a.service_address = {v[kServiceStreet], v[kServiceCity], v[kServiceState], v[kServiceZip],
                         v[kServiceCountry]};
    std::string_view tags = v[kTags];
    while (!tags.empty()) {
      const auto end = tags.find(';');
      const std::string tag(tags.substr(0, end));
      if (present(tag)) a.tags.push_back(tag);
      if (end == std::string_view::npos) break;
      tags.remove_prefix(end + 1);
    }
    a.account_notes = present(v[kAccountNotes]);

    bool any_contact = false;
    for (int c = kContactName; c <= kContactNotes; ++c) {
      if (c != kIsPrimary && present(v[static_cast<std::size_t>(c)])) any_contact = true;
    }
    const std::string primary = lower_trimmed(v[kIsPrimary]);
    bool is_primary = false;
    if (primary == "true" || primary == "1" || primary == "yes" || primary == "y" ||
        primary == "t") {
      is_primary = true;
    } else if (!(primary.empty() || primary == "false" || primary == "0" || primary == "no" ||
                 primary == "n" || primary == "f")) {
      row.errors.push_back({"is_primary_contact", "csv.boolean_invalid",
                            "is_primary_contact must be true or false"});
    }
    if (is_primary) any_contact = true;
    if (!any_contact) return;
    Contact c;
    c.contact_name = v[kContactName];
    c.email = present(v[kEmail]);
    c.phone = present(v[kPhone]);
    c.role = present(v[kRole]);
    c.is_primary_contact = is_primary;
    c.contact_notes = present(v[kContactNotes]);
    row.contacts.push_back(std::move(c));
  }

  detail::LineReader reader_;
  bool ignore_;
  csv_parser parser_{};
  std::vector<std::string> fields_;
  std::deque<Record> records_;
  std::vector<int> columns_;
  std::uint64_t start_ = 0;
  std::size_t bytes_ = 0;
  bool header_done_ = false;
  bool finished_ = false;
};

// ---------------------------------------------------------------- import

bool same_account(const Account& a, const Account& b) {
  return a.company_name == b.company_name && a.customer_type == b.customer_type &&
         a.billing_address == b.billing_address && a.service_address == b.service_address &&
         a.account_notes == b.account_notes && a.tags == b.tags;
}

bool same_contact(const Contact& a, const Contact& b) {
  return a.contact_name == b.contact_name && a.email == b.email && a.phone == b.phone &&
         a.phone_extension == b.phone_extension && a.phone_display == b.phone_display &&
         a.role == b.role && a.is_primary_contact == b.is_primary_contact &&
         a.contact_notes == b.contact_notes;
}

std::string field_for_code(const std::string& code) {
  if (code == "contact.duplicate_primary") return "is_primary_contact";
  if (code == "contact.duplicate_email") return "email";
  if (code == "permission.denied") return "created_by";
  return {};
}

struct Counts {
  std::uint64_t accounts_created = 0, accounts_updated = 0, accounts_unchanged = 0;
  std::uint64_t contacts_created = 0, contacts_updated = 0, contacts_unchanged = 0;
};

class Importer {
 public:
  Importer(Session& session, const ImportOptions& options, Source& source)
      : s_(session), o_(options), source_(source) {}

  ImportReport run() {
    std::optional<Transaction> outer;
    if (o_.strict) outer.emplace(s_.transaction());
    std::optional<Transaction> batch;
    std::size_t in_batch = 0;
    Row row;
    std::optional<FileError> file_error;
    while (source_.next(row, file_error)) {
      ++r_.rows;
      if (!batch) batch.emplace(s_.transaction());
      process(row);
      if (++in_batch >= o_.batch_size) {
        end_batch(batch);
        in_batch = 0;
      }
    }
    if (file_error) {
      ++r_.rejected;
      report({file_error->line, file_error->field, file_error->code, file_error->message});
    }
    if (batch) end_batch(batch);
    if (outer) {
      if (r_.rejected > 0) {
        outer->rollback();
        r_.committed = false;
        r_.accounts_created = r_.accounts_updated = r_.accounts_unchanged = 0;
        r_.contacts_created = r_.contacts_updated = r_.contacts_unchanged = 0;
      } else {
        outer->commit();
      }
    }
    return std::move(r_);
  }

 private:
  void end_batch(std::optional<Transaction>& batch) {
    batch->commit();
    batch.reset();
    keys_.clear();
    contacts_.clear();
    if (o_.progress) o_.progress(r_.rows);
  }

  void report(ImportError e) {
    if (o_.on_error) o_.on_error(e);
    if (r_.errors.size() < o_.max_errors_kept) r_.errors.push_back(std::move(e));
  }

  void reject(const Row& row, const FieldErrors& errors, std::size_t contact) {
    ++r_.rejected;
    for (const auto& e : errors) {
      report({row.line, e.field.empty() ? e.field : source_.field_name(e.field, contact), e.code,
              e.message});
    }
  }

  std::optional<Account> lookup(const std::string& key, const Account& in) {
    if (auto it = keys_.find(key); it != keys_.end()) return s_.accounts().find(it->second);
    const std::string name_key = backend::search_key(in.company_name);
    if (name_key.empty()) return std::nullopt;
    AccountQuery q;
    q.text = in.company_name;
    q.archived = ArchivedFilter::Include;
    q.sort = AccountSort::Relevance;
    q.limit = 100;
    try {
      while (true) {
        Page<Account> page = s_.accounts().search(q);
        for (auto& a : page.items) {
          if (backend::search_key(a.company_name) != name_key) return std::nullopt;
          if (detail::natural_key(a) == key) {
            keys_[key] = a.id;
            return std::move(a);
          }
        }
        if (!page.next_cursor) return std::nullopt;
        q.cursor = *page.next_cursor;
      }
    } catch (const ValidationError&) {
      return std::nullopt;  // e.g. a name too long to search: create() reports it
    }
  }

  std::vector<Contact>& contacts_of(Id id) {
    auto it = contacts_.find(id);
    if (it == contacts_.end()) it = contacts_.emplace(id, detail::all_contacts(s_, id)).first;
    return it->second;
  }

  Id write_account(const Row& row, Counts& counts, std::vector<Id>& touched) {
    Account in = row.account;
    if (!s_.is_service()) in.created_by.reset();
    in.updated_by.reset();
    const std::string key = detail::natural_key(in);
    std::optional<Account> existing = lookup(key, in);
    if (!existing) {
      Account stored = s_.accounts().create(in);
      if (row.archived.value_or(false)) s_.accounts().archive(stored.id);
      keys_[key] = stored.id;
      ++counts.accounts_created;
      touched.push_back(stored.id);
      return stored.id;
    }
    const Id id = existing->id;
    if (touched_accounts_.count(id) != 0 ||
        std::find(touched.begin(), touched.end(), id) != touched.end()) {
      return id;  // already written by an earlier row of this import
    }
    touched.push_back(id);
    Account update = in;
    update.id = id;
    update.version = existing->version;
    update.created_by.reset();
    bool changed = false;
    {
      Transaction sp = s_.transaction();
      Account after = s_.accounts().update(update);
      if (same_account(after, *existing)) {
        sp.rollback();
      } else {
        sp.commit();
        changed = true;
      }
    }
    if (row.archived && *row.archived != existing->archived()) {
      if (*row.archived) {
        s_.accounts().archive(id);
      } else {
        s_.accounts().restore(id);
      }
      changed = true;
    }
    ++(changed ? counts.accounts_updated : counts.accounts_unchanged);
    return id;
  }

  void write_contact(Id account_id, Contact in, Counts& counts, std::vector<Id>& touched) {
    in.customer_account_id = account_id;
    in.id = 0;
    if (!s_.is_service()) in.created_by.reset();
    in.updated_by.reset();
    std::vector<Contact>& stored = contacts_of(account_id);
    const auto is_touched = [&](Id id) {
      return touched_contacts_.count(id) != 0 ||
             std::find(touched.begin(), touched.end(), id) != touched.end();
    };
    Contact* match = nullptr;
    if (in.email && in.email->find_first_not_of(" \t") != std::string::npos) {
      const std::string email = detail::fold_text(normalize_email(*in.email));
      for (auto& c : stored) {
        if (c.email && detail::fold_text(*c.email) == email) match = &c;
      }
      if (match != nullptr && is_touched(match->id)) {
        throw Conflict(
            "contact.duplicate_email",
            "email " + *in.email + " is already used by another contact of this account");
      }
    } else {
      const std::string name = detail::fold_text(in.contact_name);
      for (auto& c : stored) {
        if (match == nullptr && !c.email && !is_touched(c.id) &&
            detail::fold_text(c.contact_name) == name) {
          match = &c;
        }
      }
    }
    if (match == nullptr) {
      stored.push_back(s_.contacts().add(in));
      touched.push_back(stored.back().id);
      ++counts.contacts_created;
      return;
    }
    touched.push_back(match->id);
    Contact update = in;
    update.id = match->id;
    update.version = match->version;
    update.created_by.reset();
    Transaction sp = s_.transaction();
    Contact after = s_.contacts().update(update);
    if (same_contact(after, *match)) {
      sp.rollback();
      ++counts.contacts_unchanged;
    } else {
      sp.commit();
      *match = after;
      ++counts.contacts_updated;
    }
  }

  void process(const Row& row) {
    if (!row.errors.empty()) {
      reject(row, row.errors, NdjsonSource::npos);
      return;
    }
    Counts counts;
    std::vector<Id> accounts;
    std::vector<Id> contacts;
    std::size_t contact = NdjsonSource::npos;
    try {
      Transaction tx = s_.transaction();
      const Id id = write_account(row, counts, accounts);
      for (contact = 0; contact < row.contacts.size(); ++contact) {
        write_contact(id, row.contacts[contact], counts, contacts);
      }
      tx.commit();
    } catch (const ValidationError& e) {
      forget();
      reject(row, e.errors(), contact);
      return;
    } catch (const BackendError&) {
      throw;
    } catch (const Error& e) {  // Conflict, NotFound, PermissionDenied
      forget();
      const std::string field = field_for_code(e.code());
      reject(row, {{field, e.code(), e.what()}}, contact);
      return;
    }
    touched_accounts_.insert(accounts.begin(), accounts.end());
    touched_contacts_.insert(contacts.begin(), contacts.end());
    r_.accounts_created += counts.accounts_created;
    r_.accounts_updated += counts.accounts_updated;
    r_.accounts_unchanged += counts.accounts_unchanged;
    r_.contacts_created += counts.contacts_created;
    r_.contacts_updated += counts.contacts_updated;
    r_.contacts_unchanged += counts.contacts_unchanged;
  }

  // The caches may name rows a rolled-back savepoint removed.
  void forget() {
    keys_.clear();
    contacts_.clear();
  }

  Session& s_;
  const ImportOptions& o_;
  Source& source_;
  ImportReport r_;
  std::unordered_set<Id> touched_accounts_;
  std::unordered_set<Id> touched_contacts_;
  std::unordered_map<std::string, Id> keys_;
  std::unordered_map<Id, std::vector<Contact>> contacts_;
};

}  // namespace

ImportReport import_accounts(Session& session, std::istream& in, const ImportOptions& options) {
  if (options.batch_size == 0) {
    throw ValidationError(
        {{"batch_size", "import.batch_invalid", "the batch size must be at least 1"}});
  }
  if (options.format == DataFormat::Csv) {
    CsvSource source(in, options.ignore_unknown_columns);
    return Importer(session, options, source).run();
  }
  NdjsonSource source(in);
  return Importer(session, options, source).run();
}

std::string to_json(const ImportReport& report) {
  namespace json = boost::json;
  json::object o;
  o["rows"] = report.rows;
  o["accounts_created"] = report.accounts_created;
  o["accounts_updated"] = report.accounts_updated;
  o["accounts_unchanged"] = report.accounts_unchanged;
  o["contacts_created"] = report.contacts_created;
  o["contacts_updated"] = report.contacts_updated;
  o["contacts_unchanged"] = report.contacts_unchanged;
  o["rejected"] = report.rejected;
  o["committed"] = report.committed;
  json::array errors;
  for (const auto& e : report.errors) {
    FieldErrors one{{e.field, e.code, e.message}};
    // The record codec already turns invalid UTF-8 into U+FFFD.
    json::value v = json::parse(to_json(one));
    json::object& item = v.as_array().at(0).as_object();
    json::object out;
    out["line"] = e.line;
    out["field"] = item["field"];
    out["code"] = item["code"];
    out["message"] = item["message"];
    errors.push_back(std::move(out));
  }
  o["errors"] = std::move(errors);
  return json::serialize(o);
}

}  // namespace custmgmt
