#include <csv.h>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
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
#include "domain/records.hpp"
#include "domain/session_impl.hpp"
#include "io/io_common.hpp"
#include "validate/utf8.hpp"

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

// Ids written by the whole import, as a bitmap in blocks of 4096 ids: ids
// are dense, so 1M accounts with 2M contacts take well under 1 MB (an
// unordered_set would take ≈ 120 MB).
class IdSet {
 public:
  void insert(Id id) {
    const auto u = static_cast<std::uint64_t>(id);
    auto& block = blocks_[u >> 12];
    block[(u >> 6) & 63] |= std::uint64_t{1} << (u & 63);
  }
  bool contains(Id id) const {
    const auto u = static_cast<std::uint64_t>(id);
    const auto it = blocks_.find(u >> 12);
    return it != blocks_.end() && (it->second[(u >> 6) & 63] >> (u & 63) & 1) != 0;
  }

 private:
  std::unordered_map<std::uint64_t, std::array<std::uint64_t, 64>> blocks_;
};

// A row rejected while planning: reported once its segment is written.
struct Rejection {
  FieldErrors errors;
  std::size_t contact = NdjsonSource::npos;
};

// The writes one accepted row needs, decided in memory before any write.
// New accounts and contacts carry placeholder ids (negative) until the
// segment is written.
struct RowPlan {
  Id account = 0;
  std::optional<Account> create;         // a new account (normalised)
  bool archive_new = false;              // archive it after creating it
  std::optional<Account> update;         // changed fields of an existing one
  std::optional<bool> set_archived;      // archive state change of an existing one
  std::vector<Contact> contact_updates;  // changed existing contacts (ids, versions set)
  std::vector<Contact> contact_creates;  // new contacts (normalised), id = placeholder
  std::vector<Id> touched_accounts;
  std::vector<Id> touched_contacts;
  Counts counts;
};

// One input row of a segment and what planning decided for it.
struct Planned {
  const Row* row = nullptr;
  std::optional<RowPlan> plan;
  std::optional<Rejection> rejection;
};

// The name key candidates are looked up by, or "" for a name that cannot be
// stored (not UTF-8, or with NUL: the database would refuse the lookup
// itself) and so never matches.
std::string lookup_key(const std::string& company_name) {
  std::size_t i = 0;
  char32_t cp = 0;
  while (i < company_name.size()) {
    if (!detail::decode_utf8(company_name, i, cp) || cp == 0) return {};
  }
  return backend::search_key(company_name);
}

// Rows whose input is larger than this in total are written in more than
// one segment, so memory stays bounded however large batch_size is.
constexpr std::size_t kChunkBytes = 8u << 20;

std::size_t approx_bytes(const Row& row) {
  const auto text = [](const std::optional<std::string>& s) { return s ? s->size() : 0; };
  const auto address = [](const Address& a) {
    return a.street.size() + a.city.size() + a.state.size() + a.zip.size() + a.country.size();
  };
  const Account& a = row.account;
  std::size_t n = 256 + a.company_name.size() + address(a.billing_address) +
                  address(a.service_address) + text(a.account_notes);
  for (const auto& t : a.tags) n += t.size() + 32;
  for (const auto& c : row.contacts) {
    n += 256 + c.contact_name.size() + text(c.email) + text(c.phone) + text(c.role) +
         text(c.contact_notes) + text(c.phone_display);
  }
  return n;
}

// Imports in segments of rows: for a segment, the candidate accounts of
// every row are fetched with one query (by name key) and their contacts
// with another; each row is then matched and validated in memory and its
// writes planned, and the segment's new accounts and contacts are written
// with the backends' bulk inserts. A row the plan cannot decide alone (a
// database constraint would refuse it) ends the segment and goes through
// the row-by-row path (a savepoint per row, errors as the database reports
// them); if the bulk writes fail with a row-level error after all (another
// session changed the data, or an engine rule the plan does not model), the
// segment is rolled back and replayed row by row. Either way each row ends
// as if it had been written alone, in file order.
class Importer {
 public:
  Importer(Session& session, const ImportOptions& options, Source& source)
      : s_(session), impl_(detail::session_impl(session)), o_(options), source_(source) {}

  ImportReport run() {
    std::optional<Transaction> outer;
    if (o_.strict) outer.emplace(s_.transaction());
    std::optional<Transaction> batch;
    std::size_t in_batch = 0;
    std::deque<Row> rows;  // stable addresses for Planned::row
    std::size_t bytes = 0;
    Row row;
    std::optional<FileError> file_error;
    while (source_.next(row, file_error)) {
      ++r_.rows;
      if (!batch) batch.emplace(s_.transaction());
      bytes += approx_bytes(row);
      rows.push_back(std::move(row));
      if (++in_batch >= o_.batch_size) {
        write_chunk(rows);
        bytes = 0;
        end_batch(batch);
        in_batch = 0;
      } else if (bytes >= kChunkBytes) {
        write_chunk(rows);
        bytes = 0;
      }
    }
    if (!rows.empty()) write_chunk(rows);
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
    // Other sessions may change rows between transactions.
    forget();
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

  // The caches may name rows a rolled-back savepoint removed.
  void forget() {
    keys_.clear();
    fetched_keys_.clear();
    accounts_.clear();
    contacts_.clear();
  }

  // ---- what the store holds (per transaction batch)

  // Loads the visible accounts with these name keys (one query) and
  // remembers each natural key's account: the lowest id, as the account
  // search's exact-name tier ordered them.
  void fetch_accounts(const std::vector<std::string>& name_keys) {
    std::vector<std::string> wanted;
    for (const auto& k : name_keys) {
      if (!k.empty() && fetched_keys_.insert(k).second) wanted.push_back(k);
    }
    if (wanted.empty()) return;
    for (auto& a : impl_.conn().select_accounts_by_name_keys(wanted)) {
      const std::string key = detail::natural_key(a);
      if (keys_.emplace(key, a.id).second) {
        const Id id = a.id;
        accounts_[id] = std::move(a);
      }
    }
  }

  // Loads the contacts of these accounts (one query), in the listing's order.
  void fetch_contacts(const std::vector<Id>& ids) {
    std::vector<Id> wanted;
    for (const Id id : ids) {
      if (id > 0 && contacts_.find(id) == contacts_.end()) {
        contacts_[id];
        wanted.push_back(id);
      }
    }
    if (wanted.empty()) return;
    for (auto& c : impl_.conn().select_contacts_of_accounts(wanted)) {
      contacts_[c.customer_account_id].push_back(std::move(c));
    }
  }

  std::optional<Id> known_account(const std::string& key, const Account& in) {
    if (auto it = keys_.find(key); it != keys_.end()) return it->second;
    const std::string name_key = lookup_key(in.company_name);
    if (name_key.empty() || fetched_keys_.count(name_key) != 0) return std::nullopt;
    fetch_accounts({name_key});
    if (auto it = keys_.find(key); it != keys_.end()) return it->second;
    return std::nullopt;
  }

  std::vector<Contact>& contacts_of(Id id) {
    fetch_contacts({id});
    return contacts_[id];
  }

  bool account_touched(Id id) const {
    return touched_accounts_.contains(id) || segment_accounts_.count(id) != 0;
  }
  bool contact_touched(Id id) const {
    return touched_contacts_.contains(id) || segment_contacts_.count(id) != 0;
  }

  // The import's own rule: an email matched by a contact this import
  // already wrote is a second use of it.
  static Conflict repeated_email(const std::string& email) {
    return Conflict("contact.duplicate_email",
                    "email " + email + " is already used by another contact of this account");
  }

  // The stored contact an input contact matches: by email (the last one
  // with it), else by name among contacts without email not yet written by
  // this import.
  template <typename Touched>
  static Contact* match_contact(std::vector<Contact>& stored, const Contact& in,
                                const Touched& touched, bool& by_email) {
    Contact* match = nullptr;
    by_email = in.email && in.email->find_first_not_of(" \t") != std::string::npos;
    if (by_email) {
      const std::string email = detail::fold_text(normalize_email(*in.email));
      for (auto& c : stored) {
        if (c.email && detail::fold_text(*c.email) == email) match = &c;
      }
    } else {
      const std::string name = detail::fold_text(in.contact_name);
      for (auto& c : stored) {
        if (match == nullptr && !c.email && !touched(c.id) &&
            detail::fold_text(c.contact_name) == name) {
          match = &c;
        }
      }
    }
    return match;
  }

  // Whether the database would refuse `c` in `stored` (besides `self`): a
  // second primary or an email used twice. Emails are compared folded as
  // ASCII; an engine folding more is caught when the bulk write fails.
  static bool would_conflict(const std::vector<Contact>& stored, const Contact& c, Id self) {
    const std::string email = c.email ? detail::fold_text(*c.email) : std::string();
    for (const auto& other : stored) {
      if (other.id == self) continue;
      if (c.is_primary_contact && other.is_primary_contact) return true;
      if (c.email && other.email && detail::fold_text(*other.email) == email) return true;
    }
    return false;
  }

  // ---- planning

  enum class Outcome { kPlanned, kRejected, kUndecided };

  // Decides the writes of `row` against the caches, as the row-by-row path
  // would make them. kUndecided: a database rule would refuse a write, so
  // the row must run against the database to report what it says.
  Outcome plan(const Row& row, const std::string& key, RowPlan& out, Rejection& rejected) {
    if (!row.errors.empty()) {
      rejected = {row.errors, NdjsonSource::npos};
      return Outcome::kRejected;
    }
    Account in = row.account;
    if (!s_.is_service()) in.created_by.reset();
    in.updated_by.reset();
    const std::optional<Id> existing = known_account(key, in);
    FieldErrors errors;
    if (!existing) {
      Account clean = detail::normalize_account(in, errors);
      if (!errors.empty()) {
        rejected = {std::move(errors), NdjsonSource::npos};
        return Outcome::kRejected;
      }
      out.account = next_placeholder_--;
      out.create = std::move(clean);
      out.archive_new = row.archived.value_or(false);
      out.touched_accounts.push_back(out.account);
      ++out.counts.accounts_created;
    } else {
      out.account = *existing;
      if (!account_touched(out.account)) {
        auto it = accounts_.find(out.account);
        if (it == accounts_.end()) return Outcome::kUndecided;
        const Account& current = it->second;
        Account update = in;
        update.id = current.id;
        update.version = current.version;
        update.created_by.reset();
        Account clean = detail::normalize_account(update, errors);
        if (!errors.empty()) {
          rejected = {std::move(errors), NdjsonSource::npos};
          return Outcome::kRejected;
        }
        bool changed = false;
        if (!same_account(clean, current)) {
          out.update = std::move(clean);
          changed = true;
        }
        if (row.archived && *row.archived != current.archived()) {
          out.set_archived = *row.archived;
          changed = true;
        }
        out.touched_accounts.push_back(out.account);
        ++(changed ? out.counts.accounts_updated : out.counts.accounts_unchanged);
      }
    }

    // Contacts, against a copy of the account's contacts (kept only when
    // the whole row is accepted).
    std::vector<Contact> stored = out.create ? std::vector<Contact>() : contacts_of(out.account);
    const auto touched = [&](Id id) {
      return contact_touched(id) ||
             std::find(out.touched_contacts.begin(), out.touched_contacts.end(), id) !=
                 out.touched_contacts.end();
    };
    const PhoneOptions phone{impl_.options().default_region};
    for (std::size_t i = 0; i < row.contacts.size(); ++i) {
      Contact in_c = row.contacts[i];
      in_c.customer_account_id = out.account;
      in_c.id = 0;
      if (!s_.is_service()) in_c.created_by.reset();
      in_c.updated_by.reset();
      bool by_email = false;
      Contact* match = nullptr;
      try {
        match = match_contact(stored, in_c, touched, by_email);
      } catch (const ValidationError& e) {  // normalize_email() of an invalid email
        rejected = {e.errors(), i};
        return Outcome::kRejected;
      }
      if (match != nullptr && by_email && touched(match->id)) {
        const Conflict e = repeated_email(*in_c.email);
        rejected = {{{field_for_code(e.code()), e.code(), e.what()}}, i};
        return Outcome::kRejected;
      }
      // A new account's placeholder id is not a valid reference; validate
      // against a stand-in and put the placeholder back.
      Contact check = in_c;
      if (match != nullptr) {
        check.id = match->id;
        check.version = match->version;
        check.created_by.reset();
      }
      if (check.customer_account_id <= 0) check.customer_account_id = 1;
      Contact clean = detail::normalize_contact(check, phone, errors);
      if (!errors.empty()) {
        rejected = {std::move(errors), i};
        return Outcome::kRejected;
      }
      clean.customer_account_id = out.account;
      if (match == nullptr) {
        if (would_conflict(stored, clean, 0)) return Outcome::kUndecided;
        clean.id = next_placeholder_--;
        stored.push_back(clean);
        out.touched_contacts.push_back(clean.id);
        out.contact_creates.push_back(std::move(clean));
        ++out.counts.contacts_created;
        continue;
      }
      out.touched_contacts.push_back(match->id);
      if (same_contact(clean, *match)) {
        ++out.counts.contacts_unchanged;
        continue;
      }
      if (would_conflict(stored, clean, match->id)) return Outcome::kUndecided;
      *match = clean;
      out.contact_updates.push_back(std::move(clean));
      ++out.counts.contacts_updated;
    }
    // Accepted: the caches now describe the store as if written.
    if (out.create) keys_[key] = out.account;
    contacts_[out.account] = std::move(stored);
    segment_accounts_.insert(out.touched_accounts.begin(), out.touched_accounts.end());
    segment_contacts_.insert(out.touched_contacts.begin(), out.touched_contacts.end());
    return Outcome::kPlanned;
  }

  // ---- writing

  void write_chunk(std::deque<Row>& rows) {
    std::vector<std::string> keys;
    keys.reserve(rows.size());
    std::vector<std::string> name_keys;
    for (const auto& row : rows) {
      keys.push_back(row.errors.empty() ? detail::natural_key(row.account) : std::string());
      if (row.errors.empty()) name_keys.push_back(lookup_key(row.account.company_name));
    }
    fetch_accounts(name_keys);
    std::vector<Id> ids;
    for (const auto& key : keys) {
      if (auto it = keys_.find(key); it != keys_.end()) ids.push_back(it->second);
    }
    fetch_contacts(ids);

    std::vector<Planned> segment;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      Planned p;
      p.row = &rows[i];
      RowPlan plan_out;
      Rejection rejected;
      switch (plan(rows[i], keys[i], plan_out, rejected)) {
        case Outcome::kPlanned:
          p.plan = std::move(plan_out);
          segment.push_back(std::move(p));
          break;
        case Outcome::kRejected:
          p.rejection = std::move(rejected);
          segment.push_back(std::move(p));
          break;
        case Outcome::kUndecided:
          write_segment(segment);
          segment.clear();
          process(rows[i]);
          break;
      }
    }
    write_segment(segment);
    rows.clear();
  }

  // Writes the planned rows of a segment (bulk inserts inside a savepoint)
  // and reports its rejected rows, in file order.
  void write_segment(std::vector<Planned>& segment) {
    const bool writes = std::any_of(segment.begin(), segment.end(), [](const Planned& p) {
      return p.plan && (p.plan->create || p.plan->update || p.plan->set_archived ||
                        !p.plan->contact_updates.empty() || !p.plan->contact_creates.empty());
    });
    std::unordered_map<Id, Id> real;  // placeholder -> stored id
    std::unordered_map<Id, Contact> created;
    if (writes) {
      try {
        Transaction sp = s_.transaction();
        execute(segment, real, created);
        sp.commit();
      } catch (const BackendError&) {
        throw;
      } catch (const Error&) {
        // A row-level refusal the plan did not foresee: replay row by row.
        forget();
        segment_accounts_.clear();
        segment_contacts_.clear();
        for (const auto& p : segment) process(*p.row);
        return;
      }
    }
    const auto real_id = [&](Id id) {
      const auto it = real.find(id);
      return it == real.end() ? id : it->second;
    };
    for (auto& [key, id] : keys_) id = real_id(id);
    std::vector<Id> placeholders;
    for (const auto& [id, list] : contacts_) {
      if (id < 0) placeholders.push_back(id);
    }
    for (const Id id : placeholders) {
      auto node = contacts_.extract(id);
      node.key() = real_id(id);
      contacts_.insert(std::move(node));
    }
    // The caches now hold the stored rows (ids, versions, audit fields).
    for (auto& [id, list] : contacts_) {
      for (auto& c : list) {
        if (c.id >= 0) continue;
        if (auto it = created.find(c.id); it != created.end()) c = it->second;
      }
    }
    for (const auto& p : segment) {
      if (p.rejection) {
        reject(*p.row, p.rejection->errors, p.rejection->contact);
        continue;
      }
      for (const Id id : p.plan->touched_accounts) touched_accounts_.insert(real_id(id));
      for (const Id id : p.plan->touched_contacts) touched_contacts_.insert(real_id(id));
      add_counts(p.plan->counts);
    }
    segment_accounts_.clear();
    segment_contacts_.clear();
  }

  // Writes the segment's plans; `real` maps placeholders to stored ids,
  // `created` placeholder contact ids to the stored contacts.
  void execute(std::vector<Planned>& segment, std::unordered_map<Id, Id>& real,
               std::unordered_map<Id, Contact>& created) {
    std::vector<Account> new_accounts;
    std::vector<Id> new_account_ids;
    for (const auto& p : segment) {
      if (!p.plan || !p.plan->create) continue;
      new_accounts.push_back(*p.plan->create);
      new_account_ids.push_back(p.plan->account);
    }
    const auto stored = detail::store_new_accounts(impl_, std::move(new_accounts));
    for (std::size_t i = 0; i < stored.size(); ++i) real[new_account_ids[i]] = stored[i].id;
    std::vector<Contact> new_contacts;
    std::vector<Id> new_contact_ids;
    for (auto& p : segment) {
      if (!p.plan) continue;
      RowPlan& plan = *p.plan;
      if (plan.archive_new) s_.accounts().archive(real.at(plan.account));
      if (plan.update) accounts_[plan.account] = s_.accounts().update(*plan.update);
      if (plan.set_archived) {
        if (*plan.set_archived) {
          s_.accounts().archive(plan.account);
        } else {
          s_.accounts().restore(plan.account);
        }
      }
      // Updates before inserts: the unique indexes then never see a state
      // the row-by-row order would not have passed through.
      for (const auto& c : plan.contact_updates) {
        const Contact after = s_.contacts().update(c);
        for (auto& m : contacts_[plan.account]) {
          if (m.id == after.id) m = after;
        }
      }
      for (auto& c : plan.contact_creates) {
        new_contact_ids.push_back(c.id);
        Contact n = c;
        n.id = 0;
        if (n.customer_account_id < 0) n.customer_account_id = real.at(n.customer_account_id);
        new_contacts.push_back(std::move(n));
      }
    }
    auto contacts = detail::store_new_contacts(impl_, std::move(new_contacts));
    for (std::size_t i = 0; i < contacts.size(); ++i) {
      real[new_contact_ids[i]] = contacts[i].id;
      created[new_contact_ids[i]] = std::move(contacts[i]);
    }
  }

  void add_counts(const Counts& c) {
    r_.accounts_created += c.accounts_created;
    r_.accounts_updated += c.accounts_updated;
    r_.accounts_unchanged += c.accounts_unchanged;
    r_.contacts_created += c.contacts_created;
    r_.contacts_updated += c.contacts_updated;
    r_.contacts_unchanged += c.contacts_unchanged;
  }

  // ---- the row-by-row path: one savepoint per row, every write through
  // the repositories, errors as the database reports them

  Id write_account(const Row& row, Counts& counts, std::vector<Id>& touched, bool& created) {
    Account in = row.account;
    if (!s_.is_service()) in.created_by.reset();
    in.updated_by.reset();
    const std::string key = detail::natural_key(in);
    const std::optional<Id> known = known_account(key, in);
    std::optional<Account> existing;
    if (known) {
      if (touched_accounts_.contains(*known) ||
          std::find(touched.begin(), touched.end(), *known) != touched.end()) {
        return *known;  // already written by an earlier row of this import
      }
      existing = s_.accounts().find(*known);
    }
    if (!existing) {
      Account stored = s_.accounts().create(in);
      if (row.archived.value_or(false)) s_.accounts().archive(stored.id);
      keys_[key] = stored.id;
      created = true;
      ++counts.accounts_created;
      touched.push_back(stored.id);
      return stored.id;
    }
    const Id id = existing->id;
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
    accounts_.erase(id);
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
      return touched_contacts_.contains(id) ||
             std::find(touched.begin(), touched.end(), id) != touched.end();
    };
    bool by_email = false;
    Contact* match = match_contact(stored, in, is_touched, by_email);
    if (match != nullptr && by_email && is_touched(match->id)) throw repeated_email(*in.email);
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
    Id account_id = 0;
    bool created = false;
    try {
      Transaction tx = s_.transaction();
      account_id = write_account(row, counts, accounts, created);
      for (contact = 0; contact < row.contacts.size(); ++contact) {
        write_contact(account_id, row.contacts[contact], counts, contacts);
      }
      tx.commit();
    } catch (const ValidationError& e) {
      undo(row, account_id, created);
      reject(row, e.errors(), contact);
      return;
    } catch (const BackendError&) {
      throw;
    } catch (const Error& e) {  // Conflict, NotFound, PermissionDenied
      undo(row, account_id, created);
      const std::string field = field_for_code(e.code());
      reject(row, {{field, e.code(), e.what()}}, contact);
      return;
    }
    for (const Id id : accounts) touched_accounts_.insert(id);
    for (const Id id : contacts) touched_contacts_.insert(id);
    add_counts(counts);
  }

  // After a row's savepoint was rolled back: drop what the caches learnt
  // from its writes.
  void undo(const Row& row, Id account_id, bool created) {
    if (account_id != 0) contacts_.erase(account_id);
    if (created) {
      Account in = row.account;
      keys_.erase(detail::natural_key(in));
    }
  }

  Session& s_;
  detail::SessionImpl& impl_;
  const ImportOptions& o_;
  Source& source_;
  ImportReport r_;
  // The whole run: what this import wrote.
  IdSet touched_accounts_;
  IdSet touched_contacts_;
  // The current segment's writes not yet made (placeholders included).
  std::unordered_set<Id> segment_accounts_;
  std::unordered_set<Id> segment_contacts_;
  Id next_placeholder_ = -1;
  // The current transaction batch: natural key -> account, the name keys
  // already fetched, untouched accounts as read, contacts per account.
  std::unordered_map<std::string, Id> keys_;
  std::unordered_set<std::string> fetched_keys_;
  std::unordered_map<Id, Account> accounts_;
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
