#include "conformance/fixtures.hpp"

#include <algorithm>
#include <ctime>
#include <utility>

namespace custmgmt::test {

Fixture::Fixture(const StoreOptions& options)
    : store(open_fresh_store(options)),
      a(store.session(kUserA)),
      b(store.session(kUserB)),
      service(store.service()) {}

Account make_account(const std::string& name, CustomerType type, std::vector<std::string> tags) {
  Account account;
  account.company_name = name;
  account.customer_type = type;
  account.tags = std::move(tags);
  return account;
}

Contact make_contact(Id account_id, const std::string& name, std::optional<std::string> email,
                     std::optional<std::string> phone, bool primary) {
  Contact contact;
  contact.customer_account_id = account_id;
  contact.contact_name = name;
  contact.email = std::move(email);
  contact.phone = std::move(phone);
  contact.is_primary_contact = primary;
  return contact;
}

Account create_account(Session& session, const std::string& name, CustomerType type,
                       std::vector<std::string> tags) {
  return session.accounts().create(make_account(name, type, std::move(tags)));
}

namespace {

// Follows next_cursor; a bounded loop so that a backend whose cursor never
// ends fails the test instead of hanging it.
template <typename Row, typename Fetch>
std::vector<Row> walk_pages(std::string cursor, Fetch fetch) {
  std::vector<Row> rows;
  for (int page = 0; page < 10000; ++page) {
    auto result = fetch(cursor);
    rows.insert(rows.end(), result.items.begin(), result.items.end());
    if (!result.next_cursor) return rows;
    BOOST_REQUIRE_MESSAGE(*result.next_cursor != cursor, "next_cursor did not advance");
    cursor = *result.next_cursor;
  }
  BOOST_FAIL("pagination did not end");
  return rows;
}

}  // namespace

std::vector<Account> search_all(Session& session, AccountQuery query) {
  return walk_pages<Account>(query.cursor, [&](const std::string& cursor) {
    query.cursor = cursor;
    return session.accounts().search(query);
  });
}

std::vector<Contact> search_all(Session& session, ContactQuery query) {
  return walk_pages<Contact>(query.cursor, [&](const std::string& cursor) {
    query.cursor = cursor;
    return session.contacts().search(query);
  });
}

std::vector<Contact> list_all(Session& session, Id account_id, std::size_t limit) {
  return walk_pages<Contact>({}, [&](const std::string& cursor) {
    return session.contacts().list(account_id, cursor, limit);
  });
}

std::vector<Id> ids(const std::vector<Account>& rows) {
  std::vector<Id> out;
  for (const auto& row : rows) out.push_back(row.id);
  return out;
}

std::vector<Id> ids(const std::vector<Contact>& rows) {
  std::vector<Id> out;
  for (const auto& row : rows) out.push_back(row.id);
  return out;
}

std::vector<std::string> names(const std::vector<Account>& rows) {
  std::vector<std::string> out;
  for (const auto& row : rows) out.push_back(row.company_name);
  return out;
}

std::vector<std::string> names(const std::vector<Contact>& rows) {
  std::vector<std::string> out;
  for (const auto& row : rows) out.push_back(row.contact_name);
  return out;
}

std::vector<std::string> find_names(Session& session, const std::string& text) {
  AccountQuery query;
  query.text = text;
  return names(search_all(session, query));
}

std::vector<std::string> validation_errors(const std::function<void()>& action) {
  std::vector<std::string> out;
  try {
    action();
    BOOST_ERROR("expected a ValidationError; nothing was thrown");
  } catch (const ValidationError& e) {
    BOOST_CHECK_EQUAL(e.code(), "validation.failed");
    for (const auto& error : e.errors()) {
      BOOST_CHECK_MESSAGE(!error.message.empty(), "empty message for " << error.field);
      out.push_back(error.field + "|" + error.code);
    }
    std::sort(out.begin(), out.end());
  } catch (const Error& e) {
    BOOST_ERROR("expected a ValidationError; got code " << e.code() << ": " << e.what());
  } catch (const std::exception& e) {
    BOOST_ERROR("expected a ValidationError; got " << e.what());
  }
  return out;
}

std::vector<std::string> codes_of(const std::vector<std::string>& field_codes) {
  std::vector<std::string> out;
  for (const auto& fc : field_codes) out.push_back(fc.substr(fc.find('|') + 1));
  return out;
}

std::pair<int, int> current_utc_month() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return {utc.tm_year + 1900, utc.tm_mon + 1};
}

}  // namespace custmgmt::test

namespace custmgmt {

std::ostream& boost_test_print_type(std::ostream& os, CustomerType type) {
  return os << to_string(type);
}

std::ostream& boost_test_print_type(std::ostream& os, const Address& address) {
  return os << to_json(address);
}

std::ostream& boost_test_print_type(std::ostream& os, const Account& account) {
  os << "Account{id=" << account.id << ", name=\"" << account.company_name
     << "\", type=" << to_string(account.customer_type)
     << ", billing=" << to_json(account.billing_address)
     << ", service=" << to_json(account.service_address) << ", tags=[";
  for (const auto& tag : account.tags) os << tag << ';';
  os << "], version=" << account.version << ", created_by=" << account.created_by.value_or("-")
     << ", updated_by=" << account.updated_by.value_or("-")
     << ", archived=" << (account.archived() ? "yes" : "no") << '}';
  return os;
}

std::ostream& boost_test_print_type(std::ostream& os, const Contact& contact) {
  return os << "Contact{id=" << contact.id << ", account=" << contact.customer_account_id
            << ", name=\"" << contact.contact_name << "\", email=" << contact.email.value_or("-")
            << ", phone=" << contact.phone.value_or("-")
            << ", primary=" << (contact.is_primary_contact ? "yes" : "no")
            << ", version=" << contact.version << '}';
}

std::ostream& boost_test_print_type(std::ostream& os, const TagCount& tag) {
  return os << tag.tag << '=' << tag.count;
}

std::ostream& boost_test_print_type(std::ostream& os, const MonthCount& month) {
  return os << month.year << '-' << month.month << '=' << month.count;
}

}  // namespace custmgmt
