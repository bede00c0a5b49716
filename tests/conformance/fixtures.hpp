// Shared helpers of the conformance suite: a fixture with a fresh store and
// three sessions, factories for valid records, and small query helpers.
// Everything here uses only the public API and context.hpp, so the suite runs
// unchanged against every backend.
#pragma once

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "conformance/context.hpp"
#include "custmgmt/custmgmt.hpp"

namespace custmgmt::test {

// Fixed acting users (lower-case, as the library reports them).
inline const std::string kUserA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
inline const std::string kUserB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

// A fresh store per test with user sessions for A and B and a service session
// without audit user. Every session is its own connection.
struct Fixture {
  explicit Fixture(const StoreOptions& options = {});

  Store store;
  Session a;
  Session b;
  Session service;
};

// A valid account owned by whoever creates it.
Account make_account(const std::string& name, CustomerType type = CustomerType::Commercial,
                     std::vector<std::string> tags = {});

// A valid contact of `account_id` (no email, no phone unless given).
Contact make_contact(Id account_id, const std::string& name,
                     std::optional<std::string> email = std::nullopt,
                     std::optional<std::string> phone = std::nullopt, bool primary = false);

// Creates make_account(...) through `session` and returns the stored row.
Account create_account(Session& session, const std::string& name,
                       CustomerType type = CustomerType::Commercial,
                       std::vector<std::string> tags = {});

// Every row of a search from its cursor on, following next_cursor until it
// is unset.
std::vector<Account> search_all(Session& session, AccountQuery query = {});
std::vector<Contact> search_all(Session& session, ContactQuery query);
std::vector<Contact> list_all(Session& session, Id account_id, std::size_t limit = 50);

// Projections for exact comparisons of result lists.
std::vector<Id> ids(const std::vector<Account>& rows);
std::vector<Id> ids(const std::vector<Contact>& rows);
std::vector<std::string> names(const std::vector<Account>& rows);
std::vector<std::string> names(const std::vector<Contact>& rows);

// Names of the accounts the session finds for `text` (all pages, default
// archived filter, relevance order).
std::vector<std::string> find_names(Session& session, const std::string& text);

// Runs `action`; returns the field errors of the ValidationError it throws as
// sorted "field|code" strings. Records a test failure when it throws anything
// else or nothing.
std::vector<std::string> validation_errors(const std::function<void()>& action);

// The codes of "field|code" strings, in the same order.
std::vector<std::string> codes_of(const std::vector<std::string>& field_codes);

// Runs `action` and checks that it throws exactly `E` (or a subclass) whose
// code() is `code`. Use through CHECK_THROWS_CODE for the call-site location.
template <typename E>
void check_throws_code(const std::function<void()>& action, const std::string& code,
                       const char* expr) {
  try {
    action();
    BOOST_ERROR("expected " << code << " from: " << expr << "; nothing was thrown");
  } catch (const E& e) {
    BOOST_CHECK_MESSAGE(e.code() == code,
                        "expected " << code << " from: " << expr << "; got " << e.code());
  } catch (const Error& e) {
    BOOST_ERROR("expected " << code << " from: " << expr << "; got another Error type, code "
                            << e.code() << ": " << e.what());
  } catch (const std::exception& e) {
    BOOST_ERROR("expected " << code << " from: " << expr << "; got " << e.what());
  }
}

// Current UTC calendar month as {year, month}.
std::pair<int, int> current_utc_month();

}  // namespace custmgmt::test

// Checks that `expr` throws `Type` with code() == `code`.
#define CHECK_THROWS_CODE(expr, Type, code)                                          \
  do {                                                                               \
    BOOST_TEST_CHECKPOINT(#expr);                                                    \
    ::custmgmt::test::check_throws_code<Type>([&] { (void)(expr); }, (code), #expr); \
  } while (false)

// Checks that `expr` throws a ValidationError whose error codes (fields not
// compared, for errors whose field the contract leaves open) equal `...`.
#define CHECK_VALIDATION_CODES(expr, ...)                                                          \
  do {                                                                                             \
    std::vector<std::string> expected_codes_ = __VA_ARGS__;                                        \
    BOOST_TEST(::custmgmt::test::codes_of(                                                         \
                   ::custmgmt::test::validation_errors([&] { (void)(expr); })) == expected_codes_, \
               boost::test_tools::per_element());                                                  \
  } while (false)

// Checks that `expr` throws a ValidationError whose errors, as sorted
// "field|code" strings, equal the initializer list `...`.
#define CHECK_VALIDATION_ERRORS(expr, ...)                                                     \
  do {                                                                                         \
    std::vector<std::string> expected_errors_ = __VA_ARGS__;                                   \
    std::sort(expected_errors_.begin(), expected_errors_.end());                               \
    BOOST_TEST(::custmgmt::test::validation_errors([&] { (void)(expr); }) == expected_errors_, \
               boost::test_tools::per_element());                                              \
  } while (false)

// Printing of library types in Boost.Test failure messages.
namespace custmgmt {
std::ostream& boost_test_print_type(std::ostream& os, CustomerType type);
std::ostream& boost_test_print_type(std::ostream& os, const Address& address);
std::ostream& boost_test_print_type(std::ostream& os, const Account& account);
std::ostream& boost_test_print_type(std::ostream& os, const Contact& contact);
std::ostream& boost_test_print_type(std::ostream& os, const TagCount& tag);
std::ostream& boost_test_print_type(std::ostream& os, const MonthCount& month);
}  // namespace custmgmt

namespace boost::test_tools::tt_detail {
template <typename T>
struct print_log_value<std::optional<T>> {
  void operator()(std::ostream& os, const std::optional<T>& value) {
    if (value) {
      print_log_value<T>()(os, *value);
    } else {
      os << "nullopt";
    }
  }
};
template <>
struct print_log_value<std::nullopt_t> {
  void operator()(std::ostream& os, std::nullopt_t) { os << "nullopt"; }
};
template <>
struct print_log_value<custmgmt::Timestamp> {
  void operator()(std::ostream& os, custmgmt::Timestamp value) {
    os << custmgmt::format_timestamp(value);
  }
};
}  // namespace boost::test_tools::tt_detail
