// Statement parameters and result rows of the PostgreSQL backend.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/result>
#include <pqxx/row>
#include <string>
#include <vector>

#include "custmgmt/account.hpp"
#include "custmgmt/contact.hpp"

namespace custmgmt::detail::postgres {

// The parameters of one statement execution, in order, as text (NULL when
// empty). Everything user-supplied reaches SQL only through this.
class Params {
 public:
  Params& null();
  Params& text(std::string value);
  Params& text(const char* value) { return text(std::string(value)); }
  Params& text(const std::optional<std::string>& value);
  Params& bigint(std::int64_t value);
  Params& bigint(const std::optional<std::int64_t>& value);
  Params& boolean(bool value);
  // A text[] literal; NULL when `as_null_if_empty` and `values` is empty.
  Params& text_array(const std::vector<std::string>& values, bool as_null_if_empty = false);

  // Pointers into this object, nullptr for NULL, as libpqxx's dynamic
  // parameters want them. Valid while this object lives unchanged.
  const std::vector<const char*>& pointers();

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<const char*> pointers_;
};

// Reads a row in the column order of postgres_statements.cpp.
// @throws BackendError (`backend.corrupt`) for a value that cannot be
//         decoded.
Account read_account(const pqxx::row& row);
Contact read_contact(const pqxx::row& row);

}  // namespace custmgmt::detail::postgres
