// Conversion between records and the column values the schema stores.
#pragma once

#include <string>
#include <vector>

#include "backends/sqlite/sqlite_statement.hpp"
#include "custmgmt/account.hpp"
#include "custmgmt/contact.hpp"

namespace custmgmt::detail::sqlite {

// Reads the current row, in the column order of sqlite_statements.hpp.
// @throws BackendError (`backend.corrupt`) when a stored value cannot be
//         decoded (the schema's CHECK constraints make that a damaged or
//         foreign-written database).
Account read_account(const BoundStatement& row);
Contact read_contact(const BoundStatement& row);

// The JSON array stored in customer_accounts.tags.
std::string tags_to_json(const std::vector<std::string>& tags);

}  // namespace custmgmt::detail::sqlite
