#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "custmgmt/json.hpp"
#include "custmgmt/types.hpp"
#include "custmgmt/validate.hpp"
#include "validate/ascii.hpp"
#include "validate/text.hpp"
#include "validate/utf8.hpp"

namespace custmgmt {

namespace {

namespace json = boost::json;

using detail::add_error;

// ---------------------------------------------------------------- writing

// Records built in memory may carry bytes that are not UTF-8; writing them
// raw would produce text no JSON parser accepts, so they become U+FFFD (the
// same rule as to_json(const Address&)).
json::string text(std::string_view s) {
  json::string out;
  if (is_valid_utf8(s)) {
    out.assign(s.data(), s.size());
    return out;
  }
  std::size_t i = 0;
  char32_t cp = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    if (detail::decode_utf8(s, i, cp)) {
      out.append(json::string_view(s.data() + start, i - start));
    } else {
      detail::append_utf8(out, U'\uFFFD');
      ++i;
    }
  }
  return out;
}

json::value optional_text(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return text(*s);
}

json::value timestamp(Timestamp t) {
  return json::string(format_timestamp(t));
}

json::value optional_timestamp(const std::optional<Timestamp>& t) {
  if (!t) return nullptr;
  return timestamp(*t);
}

// The address serialiser lives with the address validator; its output is
// re-read here so that both forms stay identical by construction.
json::value address(const Address& a) {
  json::error_code ec;
  json::value v = json::parse(to_json(a), ec);
  if (ec || !v.is_object()) return json::object();
  return v;
}

json::object account_object(const Account& a) {
  json::object o;
  o.reserve(13);
  o.emplace("id", a.id);
  o.emplace("company_name", text(a.company_name));
  const std::string_view type = to_string(a.customer_type);
  o.emplace("customer_type", json::string_view(type.data(), type.size()));
  o.emplace("billing_address", address(a.billing_address));
  o.emplace("service_address", address(a.service_address));
  o.emplace("account_notes", optional_text(a.account_notes));
  json::array tags;
  tags.reserve(a.tags.size());
  for (const auto& t : a.tags) tags.emplace_back(text(t));
  o.emplace("tags", std::move(tags));
  o.emplace("created_at", timestamp(a.created_at));
  o.emplace("updated_at", timestamp(a.updated_at));
  o.emplace("created_by", optional_text(a.created_by));
  o.emplace("updated_by", optional_text(a.updated_by));
  o.emplace("archived_at", optional_timestamp(a.archived_at));
  o.emplace("version", a.version);
  return o;
}

json::object contact_object(const Contact& c) {
  json::object o;
  o.reserve(15);
  o.emplace("id", c.id);
  o.emplace("customer_account_id", c.customer_account_id);
  o.emplace("contact_name", text(c.contact_name));
  o.emplace("email", optional_text(c.email));
  o.emplace("phone", optional_text(c.phone));
  o.emplace("phone_extension", optional_text(c.phone_extension));
  o.emplace("phone_display", optional_text(c.phone_display));
  o.emplace("role", optional_text(c.role));
  o.emplace("is_primary_contact", c.is_primary_contact);
  o.emplace("contact_notes", optional_text(c.contact_notes));
  o.emplace("created_at", timestamp(c.created_at));
  o.emplace("updated_at", timestamp(c.updated_at));
  o.emplace("created_by", optional_text(c.created_by));
  o.emplace("updated_by", optional_text(c.updated_by));
  o.emplace("version", c.version);
  return o;
}

template <typename T, typename Writer>
std::string page_json(const Page<T>& page, Writer write) {
  json::object o;
  json::array items;
  items.reserve(page.items.size());
  for (const auto& item : page.items) items.emplace_back(write(item));
  o.emplace("items", std::move(items));
  o.emplace("next_cursor", optional_text(page.next_cursor));
  return json::serialize(o);
}

// ---------------------------------------------------------------- reading

std::string key_of(const json::key_value_pair& kv) {
  return std::string(kv.key().data(), kv.key().size());
}

// Collects the problems of one document; every reader reports and carries on
// so that the caller sees all of them at once.
class Reader {
 public:
  explicit Reader(FieldErrors& errors) : errors_(errors) {}

  void mismatch(const std::string& field, const char* expected) {
    add_error(errors_, field, "json.type_mismatch", field + " must be " + expected);
  }
  void unknown(const std::string& field) {
    add_error(errors_, field, "json.unknown_key", field + " is not a known key");
  }
  void error(const std::string& field, const char* code, const std::string& message) {
    add_error(errors_, field, code, message);
  }

  void string(const json::value& v, const std::string& field, std::string& out) {
    if (v.is_null()) return;
    if (const json::string* s = v.if_string()) {
      out.assign(s->data(), s->size());
    } else {
      mismatch(field, "a string");
    }
  }

  void string(const json::value& v, const std::string& field, std::optional<std::string>& out) {
    if (v.is_null()) {
      out.reset();
      return;
    }
    if (const json::string* s = v.if_string()) {
      out.emplace(s->data(), s->size());
    } else {
      mismatch(field, "a string or null");
    }
  }

  // An integer of the JSON text; doubles (even 1.0) are not accepted.
  std::optional<std::int64_t> integer(const json::value& v, const std::string& field) {
    if (const std::int64_t* i = v.if_int64()) return *i;
    if (const std::uint64_t* u = v.if_uint64()) {
      if (*u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return static_cast<std::int64_t>(*u);
      }
    }
    mismatch(field, "an integer between -2^63 and 2^63-1");
    return std::nullopt;
  }

  void int64(const json::value& v, const std::string& field, std::int64_t& out) {
    if (v.is_null()) return;
    if (auto i = integer(v, field)) out = *i;
  }

  void int64(const json::value& v, const std::string& field, std::optional<std::int64_t>& out) {
    if (v.is_null()) {
      out.reset();
      return;
    }
    if (auto i = integer(v, field)) out = *i;
  }

  void boolean(const json::value& v, const std::string& field, bool& out) {
    if (v.is_null()) return;
    if (const bool* b = v.if_bool()) {
      out = *b;
    } else {
      mismatch(field, "true or false");
    }
  }

  std::optional<Timestamp> parse_time(const json::value& v, const std::string& field) {
    const json::string* s = v.if_string();
    if (s == nullptr) {
      mismatch(field, "an RFC 3339 timestamp string");
      return std::nullopt;
    }
    auto t = parse_timestamp(std::string_view(s->data(), s->size()));
    if (!t) {
      error(field, "json.timestamp_invalid",
            field + " is not an RFC 3339 timestamp (e.g. 2025-01-08T09:30:00Z)");
    }
    return t;
  }

  void time(const json::value& v, const std::string& field, Timestamp& out) {
    if (v.is_null()) return;
    if (auto t = parse_time(v, field)) out = *t;
  }

  void time(const json::value& v, const std::string& field, std::optional<Timestamp>& out) {
    if (v.is_null()) {
      out.reset();
      return;
    }
    if (auto t = parse_time(v, field)) out = *t;
  }

  void strings(const json::value& v, const std::string& field, std::vector<std::string>& out) {
    out.clear();
    if (v.is_null()) return;
    const json::array* a = v.if_array();
    if (a == nullptr) {
      mismatch(field, "an array of strings");
      return;
    }
    out.reserve(a->size());
    for (std::size_t i = 0; i < a->size(); ++i) {
      const json::string* s = (*a)[i].if_string();
      if (s == nullptr) {
        mismatch(field + "[" + std::to_string(i) + "]", "a string");
        continue;
      }
      out.emplace_back(s->data(), s->size());
    }
  }

  // The address validator owns the address keys and their JSON types; its
  // structural findings are re-homed under `field` with this codec's codes.
  // Content findings (unknown country, bad ZIP…) are left to the repository,
  // which reports them together with the other fields of the record.
  void address(const json::value& v, const std::string& field, Address& out) {
    out = Address{};
    if (v.is_null()) return;
    const json::object* o = v.if_object();
    if (o == nullptr) {
      mismatch(field, "an address object or null");
      return;
    }
    bool structural = false;
    for (const FieldError& e : validate_address_json(json::serialize(*o))) {
      const std::string rehomed =
          e.field.compare(0, 7, "address") == 0 ? field + e.field.substr(7) : field;
      if (e.code == "address.unknown_key") {
        unknown(rehomed);
        structural = true;
      } else if (e.code == "address.not_string") {
        mismatch(rehomed, "a string or null");
        structural = true;
      } else if (e.code == "address.not_json" || e.code == "address.not_object") {
        mismatch(field, "an address object or null");
        structural = true;
      }
    }
    if (structural) return;
    for (const json::key_value_pair& kv : *o) {
      const json::string* s = kv.value().if_string();
      if (s == nullptr) continue;  // null: absent
      std::string value(s->data(), s->size());
      const std::string_view key(kv.key().data(), kv.key().size());
      if (key == "street") out.street = std::move(value);
      if (key == "city") out.city = std::move(value);
      if (key == "state") out.state = std::move(value);
      if (key == "zip") out.zip = std::move(value);
      if (key == "country") out.country = std::move(value);
    }
  }

 private:
  FieldErrors& errors_;
};

// Parses `text` into an object, or reports why not. Boost.JSON itself rejects
// invalid UTF-8 too, but checking first gives the caller a precise code.
std::optional<json::object> parse_document(std::string_view text, FieldErrors& errors) {
  if (text.size() > limits::kJsonDocument) {
    add_error(
        errors, "", "json.too_large",
        "the JSON document is larger than " + std::to_string(limits::kJsonDocument) + " bytes");
    return std::nullopt;
  }
  if (!is_valid_utf8(text)) {
    add_error(errors, "", "json.invalid_utf8", "the JSON document is not valid UTF-8");
    return std::nullopt;
  }
  json::error_code ec;
  json::value value;
  try {
    // The default options keep the nesting depth at 32, so hostile input
    // cannot recurse deeply.
    value = json::parse(json::string_view(text.data(), text.size()), ec);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    add_error(errors, "", "json.invalid", std::string("the JSON document is invalid: ") + e.what());
    return std::nullopt;
  }
  if (ec) {
    add_error(errors, "", "json.invalid", "the JSON document is invalid: " + ec.message());
    return std::nullopt;
  }
  json::object* object = value.if_object();
  if (object == nullptr) {
    add_error(errors, "", "json.not_object", "the JSON document is not an object");
    return std::nullopt;
  }
  return std::move(*object);
}

// Parses a document and hands every key to `read(reader, key, value)`, which
// returns false for keys the record does not have; then calls `finish(reader)`
// for whole-record rules. Throws one ValidationError with every problem.
template <typename Read, typename Finish>
void read_document(std::string_view text, Read read, Finish finish) {
  FieldErrors errors;
  if (auto object = parse_document(text, errors)) {
    Reader reader(errors);
    for (const json::key_value_pair& kv : *object) {
      const std::string key = key_of(kv);
      if (!read(reader, key, kv.value())) reader.unknown(key);
    }
    finish(reader);
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
}

template <typename Read>
void read_document(std::string_view text, Read read) {
  read_document(text, read, [](Reader&) {});
}

// The string of an enumeration-like key; std::nullopt for null or a
// non-string (reported).
std::optional<std::string> enum_text(Reader& r, const json::value& v, const std::string& field) {
  std::optional<std::string> s;
  r.string(v, field, s);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (detail::to_lower_ascii(a[i]) != detail::to_lower_ascii(b[i])) return false;
  }
  return true;
}

void customer_type(Reader& r, const json::value& v, const std::string& field,
                   std::optional<CustomerType>& out) {
  out.reset();
  if (v.is_null()) return;
  const json::string* s = v.if_string();
  if (s == nullptr) {
    r.mismatch(field, "\"Residential\" or \"Commercial\"");
    return;
  }
  out = parse_customer_type(std::string_view(s->data(), s->size()));
  if (!out) {
    r.error(field, "customer_type.invalid", field + " must be Residential or Commercial");
  }
}

void limit(Reader& r, const json::value& v, std::size_t& out) {
  if (v.is_null()) return;
  auto i = r.integer(v, "limit");
  if (!i) return;
  if (*i < 0) {
    r.error("limit", "query.limit_invalid", "limit must not be negative");
    return;
  }
  out = static_cast<std::size_t>(*i);
}

void small_int(Reader& r, const json::value& v, const std::string& field, const char* range_code,
               int& out) {
  if (v.is_null()) return;
  auto i = r.integer(v, field);
  if (!i) return;
  if (*i < std::numeric_limits<int>::min() || *i > std::numeric_limits<int>::max()) {
    r.error(field, range_code, field + " is out of range");
    return;
  }
  out = static_cast<int>(*i);
}

}  // namespace

std::string to_json(const Account& account) {
  return json::serialize(account_object(account));
}

std::string to_json(const Contact& contact) {
  return json::serialize(contact_object(contact));
}

std::string to_json(const Page<Account>& page) {
  return page_json(page, account_object);
}

std::string to_json(const Page<Contact>& page) {
  return page_json(page, contact_object);
}

std::string to_json(const AccountStats& stats) {
  json::object o;
  o.emplace("total_accounts", stats.total_accounts);
  o.emplace("residential_accounts", stats.residential_accounts);
  o.emplace("commercial_accounts", stats.commercial_accounts);
  o.emplace("archived_accounts", stats.archived_accounts);
  o.emplace("total_contacts", stats.total_contacts);
  o.emplace("accounts_without_primary_contact", stats.accounts_without_primary_contact);
  json::array months;
  for (const MonthCount& m : stats.new_accounts_per_month) {
    months.emplace_back(json::object{{"year", m.year}, {"month", m.month}, {"count", m.count}});
  }
  o.emplace("new_accounts_per_month", std::move(months));
  json::array tags;
  for (const TagCount& t : stats.top_tags) {
    tags.emplace_back(json::object{{"tag", text(t.tag)}, {"count", t.count}});
  }
  o.emplace("top_tags", std::move(tags));
  return json::serialize(o);
}

std::string to_json(const FieldErrors& errors) {
  json::array a;
  a.reserve(errors.size());
  for (const FieldError& e : errors) {
    a.emplace_back(json::object{
        {"field", text(e.field)}, {"code", text(e.code)}, {"message", text(e.message)}});
  }
  return json::serialize(a);
}

Account account_from_json(std::string_view json_text) {
  Account a;
  bool has_type = false;
  std::optional<CustomerType> type;
  read_document(
      json_text,
      [&](Reader& r, const std::string& key, const json::value& v) {
        if (key == "id") {
          r.int64(v, key, a.id);
        } else if (key == "company_name") {
          r.string(v, key, a.company_name);
        } else if (key == "customer_type") {
          has_type = !v.is_null();
          customer_type(r, v, key, type);
        } else if (key == "billing_address") {
          r.address(v, key, a.billing_address);
        } else if (key == "service_address") {
          r.address(v, key, a.service_address);
        } else if (key == "account_notes") {
          r.string(v, key, a.account_notes);
        } else if (key == "tags") {
          r.strings(v, key, a.tags);
        } else if (key == "created_at") {
          r.time(v, key, a.created_at);
        } else if (key == "updated_at") {
          r.time(v, key, a.updated_at);
        } else if (key == "created_by") {
          r.string(v, key, a.created_by);
        } else if (key == "updated_by") {
          r.string(v, key, a.updated_by);
        } else if (key == "archived_at") {
          r.time(v, key, a.archived_at);
        } else if (key == "version") {
          r.int64(v, key, a.version);
        } else {
          return false;
        }
        return true;
      },
      [&](Reader& r) {
        if (!has_type) {
          r.error("customer_type", "customer_type.required",
                  "customer_type is required (Residential or Commercial)");
        }
      });
  if (type) a.customer_type = *type;
  return a;
}

Contact contact_from_json(std::string_view json_text) {
  Contact c;
  read_document(json_text, [&](Reader& r, const std::string& key, const json::value& v) {
    if (key == "id") {
      r.int64(v, key, c.id);
    } else if (key == "customer_account_id") {
      r.int64(v, key, c.customer_account_id);
    } else if (key == "contact_name") {
      r.string(v, key, c.contact_name);
    } else if (key == "email") {
      r.string(v, key, c.email);
    } else if (key == "phone") {
      r.string(v, key, c.phone);
    } else if (key == "phone_extension") {
      r.string(v, key, c.phone_extension);
    } else if (key == "phone_display") {
      r.string(v, key, c.phone_display);
    } else if (key == "role") {
      r.string(v, key, c.role);
    } else if (key == "is_primary_contact") {
      r.boolean(v, key, c.is_primary_contact);
    } else if (key == "contact_notes") {
      r.string(v, key, c.contact_notes);
    } else if (key == "created_at") {
      r.time(v, key, c.created_at);
    } else if (key == "updated_at") {
      r.time(v, key, c.updated_at);
    } else if (key == "created_by") {
      r.string(v, key, c.created_by);
    } else if (key == "updated_by") {
      r.string(v, key, c.updated_by);
    } else if (key == "version") {
      r.int64(v, key, c.version);
    } else {
      return false;
    }
    return true;
  });
  return c;
}

AccountQuery account_query_from_json(std::string_view json_text) {
  AccountQuery q;
  read_document(json_text, [&](Reader& r, const std::string& key, const json::value& v) {
    if (key == "text") {
      r.string(v, key, q.text);
    } else if (key == "customer_type") {
      customer_type(r, v, key, q.customer_type);
    } else if (key == "tags_any") {
      r.strings(v, key, q.tags_any);
    } else if (key == "tags_all") {
      r.strings(v, key, q.tags_all);
    } else if (key == "created_from") {
      r.time(v, key, q.created_from);
    } else if (key == "created_to") {
      r.time(v, key, q.created_to);
    } else if (key == "archived") {
      const auto s = enum_text(r, v, key);
      if (!s) return true;
      if (iequals(*s, "exclude")) {
        q.archived = ArchivedFilter::Exclude;
      } else if (iequals(*s, "include")) {
        q.archived = ArchivedFilter::Include;
      } else if (iequals(*s, "only")) {
        q.archived = ArchivedFilter::Only;
      } else {
        r.error(key, "query.archived_invalid", "archived must be exclude, include or only");
      }
    } else if (key == "sort") {
      const auto s = enum_text(r, v, key);
      if (!s) return true;
      static const std::pair<const char*, AccountSort> kSorts[] = {
          {"default", AccountSort::Default},          {"relevance", AccountSort::Relevance},
          {"created_desc", AccountSort::CreatedDesc}, {"created_asc", AccountSort::CreatedAsc},
          {"name_asc", AccountSort::NameAsc},         {"updated_desc", AccountSort::UpdatedDesc},
      };
      bool found = false;
      for (const auto& [name, sort] : kSorts) {
        if (iequals(*s, name)) {
          q.sort = sort;
          found = true;
        }
      }
      if (!found) {
        r.error(key, "query.sort_invalid",
                "sort must be default, relevance, created_desc, created_asc, name_asc or "
                "updated_desc");
      }
    } else if (key == "cursor") {
      r.string(v, key, q.cursor);
    } else if (key == "limit") {
      limit(r, v, q.limit);
    } else {
      return false;
    }
    return true;
  });
  return q;
}

ContactQuery contact_query_from_json(std::string_view json_text) {
  ContactQuery q;
  read_document(json_text, [&](Reader& r, const std::string& key, const json::value& v) {
    if (key == "text") {
      r.string(v, key, q.text);
    } else if (key == "email") {
      r.string(v, key, q.email);
    } else if (key == "phone") {
      r.string(v, key, q.phone);
    } else if (key == "account_id") {
      r.int64(v, key, q.account_id);
    } else if (key == "cursor") {
      r.string(v, key, q.cursor);
    } else if (key == "limit") {
      limit(r, v, q.limit);
    } else {
      return false;
    }
    return true;
  });
  return q;
}

StatsOptions stats_options_from_json(std::string_view json_text) {
  StatsOptions o;
  read_document(json_text, [&](Reader& r, const std::string& key, const json::value& v) {
    if (key == "months") {
      small_int(r, v, key, "stats.months_invalid", o.months);
    } else if (key == "top_tags") {
      small_int(r, v, key, "stats.top_tags_invalid", o.top_tags);
    } else {
      return false;
    }
    return true;
  });
  return o;
}

}  // namespace custmgmt
