#include "io/io_common.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "custmgmt/contact_repository.hpp"
#include "custmgmt/json.hpp"
#include "custmgmt/validate.hpp"
#include "domain/session_impl.hpp"

namespace custmgmt::detail {

namespace json = boost::json;

bool LineReader::fill() {
  if (pos_ < end_) return true;
  if (!in_.good()) return false;
  in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  pos_ = 0;
  end_ = static_cast<std::size_t>(in_.gcount());
  return end_ > 0;
}

std::string_view LineReader::next_piece(std::size_t max) {
  if (!fill()) return {};
  if (at_line_start_) ++line_;
  const char* begin = buffer_.data() + pos_;
  std::size_t n = std::min(end_ - pos_, max);
  const void* nl = std::memchr(begin, '\n', n);
  if (nl != nullptr) n = static_cast<std::size_t>(static_cast<const char*>(nl) - begin) + 1;
  pos_ += n;
  at_line_start_ = begin[n - 1] == '\n';
  return {begin, n};
}

bool LineReader::next(std::string& line, bool& overflow) {
  line.clear();
  overflow = false;
  bool any = false;
  std::uint64_t start = 0;
  while (true) {
    const std::string_view piece = next_piece(buffer_.size());
    if (piece.empty()) break;
    if (!any) start = line_;
    any = true;
    const bool ends = piece.back() == '\n';
    const std::string_view body = ends ? piece.substr(0, piece.size() - 1) : piece;
    if (!overflow) {
      if (line.size() + body.size() > cap_) {
        line.append(body.substr(0, cap_ - line.size()));
        overflow = true;
      } else {
        line.append(body);
      }
    }
    if (ends) break;
  }
  if (any) line_ = start;
  return any;
}

void append_csv_field(std::string& out, std::string_view value) {
  const bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!quote) {
    out.append(value);
    return;
  }
  out.push_back('"');
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string fold_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::string natural_key(const Account& account) {
  Address billing;
  if (!validate_address(account.billing_address, &billing).empty()) {
    billing = account.billing_address;
  }
  std::string key = fold_text(account.company_name);
  for (const std::string* part :
       {&billing.street, &billing.city, &billing.state, &billing.zip, &billing.country}) {
    key.push_back('\x1f');
    key += fold_text(*part);
  }
  return key;
}

std::string phone_text(const Contact& contact) {
  // The number as typed only when it carries its country code: a national
  // form such as "(415) 555-2671" reads as another number (or none) in a
  // store whose default region differs, and an export must mean the same
  // number wherever it is imported. Otherwise E.164 plus the extension.
  if (contact.phone_display) {
    const std::size_t first = contact.phone_display->find_first_not_of(" \t");
    if (first != std::string::npos && (*contact.phone_display)[first] == '+') {
      return *contact.phone_display;
    }
  }
  if (!contact.phone) return {};
  std::string out = *contact.phone;
  if (contact.phone_extension) out += " ext. " + *contact.phone_extension;
  return out;
}

std::string ndjson_line(const Account& account, const std::vector<Contact>& contacts) {
  std::string line = to_json(account);
  line.pop_back();  // the closing brace of the account object
  line += ",\"contacts\":[";
  for (std::size_t i = 0; i < contacts.size(); ++i) {
    if (i > 0) line.push_back(',');
    line += to_json(contacts[i]);
  }
  line += "]}";
  return line;
}

bool parse_ndjson_line(std::string_view line, Account& account, std::vector<Contact>& contacts,
                       FieldErrors& errors) {
  const std::size_t before = errors.size();
  json::error_code ec;
  json::value doc;
  if (line.size() <= limits::kJsonDocument) doc = json::parse(line, ec);
  if (line.size() > limits::kJsonDocument || ec || !doc.is_object()) {
    // The record codec names the problem (size, UTF-8, syntax, top level).
    try {
      account = account_from_json(line);
    } catch (const ValidationError& e) {
      errors.insert(errors.end(), e.errors().begin(), e.errors().end());
    }
    if (errors.size() == before) errors.push_back({"", "json.invalid", "the line is not JSON"});
    return false;
  }
  json::object& object = doc.as_object();
  json::value list = nullptr;
  if (auto it = object.find("contacts"); it != object.end()) {
    list = std::move(it->value());
    object.erase(it);
  }
  try {
    account = account_from_json(json::serialize(object));
  } catch (const ValidationError& e) {
    errors.insert(errors.end(), e.errors().begin(), e.errors().end());
  }
  contacts.clear();
  if (list.is_array()) {
    const json::array& array = list.as_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      const std::string prefix = "contacts[" + std::to_string(i) + "]";
      if (!array[i].is_object()) {
        errors.push_back({prefix, "json.type_mismatch", prefix + " must be an object"});
        continue;
      }
      try {
        contacts.push_back(contact_from_json(json::serialize(array[i])));
      } catch (const ValidationError& e) {
        for (const auto& fe : e.errors()) {
          errors.push_back({prefix + "." + fe.field, fe.code, fe.message});
        }
      }
    }
  } else if (!list.is_null()) {
    errors.push_back({"contacts", "json.type_mismatch", "contacts must be an array of objects"});
  }
  return errors.size() == before;
}

std::vector<Contact> all_contacts(Session& session, Id account_id) {
  std::vector<Contact> out;
  std::string cursor;
  while (true) {
    Page<Contact> page = session.contacts().list(account_id, cursor, 1000);
    for (auto& c : page.items) out.push_back(std::move(c));
    if (!page.next_cursor) break;
    cursor = *page.next_cursor;
  }
  return out;
}

std::optional<Transaction> read_snapshot(Session& session) {
  if (session_impl(session).depth() > 0) return std::nullopt;
  return session.snapshot();
}

void throw_io(const std::string& what) {
  const int err = errno;
  throw BackendError("backend.io", what + (err != 0 ? std::string(": ") + std::strerror(err) : ""),
                     err != 0 ? std::to_string(err) : std::string());
}

}  // namespace custmgmt::detail
