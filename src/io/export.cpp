#include <cctype>
#include <iterator>
#include <ostream>
#include <string>

#include "custmgmt/account_repository.hpp"
#include "custmgmt/io.hpp"
#include "io/io_common.hpp"

namespace custmgmt {

namespace {

const char* const kColumns[] = {
    "company_name", "customer_type",   "billing_street", "billing_city",       "billing_state",
    "billing_zip",  "billing_country", "service_street", "service_city",       "service_state",
    "service_zip",  "service_country", "tags",           "account_notes",      "contact_name",
    "email",        "phone",           "role",           "is_primary_contact", "contact_notes"};

void write(std::ostream& out, const std::string& text) {
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw BackendError("io.write_failed", "writing the export failed");
}

void csv_rows(std::string& out, const Account& a, const std::vector<Contact>& contacts) {
  std::string account_part;
  const auto field = [&](std::string_view v) {
    detail::append_csv_field(account_part, v);
    account_part.push_back(',');
  };
  field(a.company_name);
  field(to_string(a.customer_type));
  for (const Address* address : {&a.billing_address, &a.service_address}) {
    field(address->street);
    field(address->city);
    field(address->state);
    field(address->zip);
    field(address->country);
  }
  std::string tags;
  for (std::size_t i = 0; i < a.tags.size(); ++i) {
    if (i > 0) tags.push_back(';');
    tags += a.tags[i];
  }
  field(tags);
  field(a.account_notes.value_or(""));
  if (contacts.empty()) {
    out += account_part;
    out += ",,,,,\r\n";
    return;
  }
  for (const Contact& c : contacts) {
    out += account_part;
    detail::append_csv_field(out, c.contact_name);
    out.push_back(',');
    detail::append_csv_field(out, c.email.value_or(""));
    out.push_back(',');
    detail::append_csv_field(out, detail::phone_text(c));
    out.push_back(',');
    detail::append_csv_field(out, c.role.value_or(""));
    out.push_back(',');
    out += c.is_primary_contact ? "true" : "false";
    out.push_back(',');
    detail::append_csv_field(out, c.contact_notes.value_or(""));
    out += "\r\n";
  }
}

}  // namespace

std::optional<DataFormat> parse_data_format(std::string_view text) noexcept {
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "ndjson" || lower == "jsonl") return DataFormat::Ndjson;
  if (lower == "csv") return DataFormat::Csv;
  return std::nullopt;
}

DataFormat data_format_of(const std::filesystem::path& path) {
  auto ext = path.extension().string();
  return parse_data_format(ext.empty() ? ext : ext.substr(1)).value_or(DataFormat::Ndjson);
}

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> columns(std::begin(kColumns), std::end(kColumns));
  return columns;
}

ExportReport export_accounts(Session& session, std::ostream& out, const ExportOptions& options) {
  ExportReport report;
  std::string chunk;
  const auto emit = [&](const Account& account) {
    const std::vector<Contact> contacts = detail::all_contacts(session, account.id);
    chunk.clear();
    if (options.format == DataFormat::Ndjson) {
      chunk = detail::ndjson_line(account, contacts);
      chunk.push_back('\n');
    } else {
      csv_rows(chunk, account, contacts);
    }
    write(out, chunk);
    ++report.accounts;
    report.contacts += contacts.size();
    if (options.progress) options.progress(report.accounts);
  };

  if (options.format == DataFormat::Csv) {
    std::string header;
    for (std::size_t i = 0; i < csv_columns().size(); ++i) {
      if (i > 0) header.push_back(',');
      header += csv_columns()[i];
    }
    header += "\r\n";
    write(out, header);
  }
  // Every page and contact list from one state of the store.
  std::optional<Transaction> tx = detail::read_snapshot(session);
  if (options.account_id) {
    emit(session.accounts().get(*options.account_id));
  } else {
    AccountQuery query;
    if (options.query) {
      query = *options.query;
    } else {
      query.archived = ArchivedFilter::Include;
      query.sort = AccountSort::CreatedAsc;
      query.limit = 500;
    }
    while (true) {
      Page<Account> page = session.accounts().search(query);
      for (const Account& account : page.items) emit(account);
      if (!page.next_cursor) break;
      query.cursor = *page.next_cursor;
    }
  }
  if (tx) tx->commit();
  out.flush();
  if (!out) throw BackendError("io.write_failed", "writing the export failed");
  return report;
}

}  // namespace custmgmt
