// Accounts, contacts and pages: records cross the boundary as JSON text in
// the schema of custmgmt/json.hpp.
#include <string>
#include <vector>

#include "capi_internal.hpp"
#include "capi_json.hpp"

using custmgmt::capi::dup;
using custmgmt::capi::guard;
using custmgmt::capi::json_arg;
using custmgmt::capi::out_param;
using custmgmt::capi::require;

namespace {

custmgmt::AccountRepository& accounts(cm_session* session) {
  return require(session, "session").session.accounts();
}

custmgmt::ContactRepository& contacts(cm_session* session) {
  return require(session, "session").session.contacts();
}

// An optional JSON argument: NULL stands for the empty object.
std::string_view optional_json(const char* s, const char* name) {
  return s == nullptr ? std::string_view("{}") : json_arg(s, name);
}

// The records of a JSON array, each read by `from_json` (the record codec).
// The errors of every element are reported at once, prefixed with its index
// as create_many()/add_many() do ("[3].company_name", "[0]" for the element).
template <typename FromJson>
auto records_from_json_array(const char* text, const char* name, FromJson from_json) {
  const auto doc = custmgmt::capi::parse_json_arg(text, name);
  const auto* array = doc.if_array();
  if (array == nullptr) {
    throw custmgmt::ValidationError(
        {{"", "json.not_array", std::string(name) + " is not a JSON array"}});
  }
  std::vector<decltype(from_json(std::string_view()))> records;
  records.reserve(array->size());
  custmgmt::FieldErrors errors;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string prefix = "[" + std::to_string(i) + "]";
    try {
      records.push_back(from_json(boost::json::serialize((*array)[i])));
    } catch (const custmgmt::ValidationError& e) {
      for (auto error : e.errors()) {
        error.field = error.field.empty() ? prefix : prefix + "." + error.field;
        errors.push_back(std::move(error));
      }
    }
  }
  if (!errors.empty()) throw custmgmt::ValidationError(std::move(errors));
  return records;
}

// A JSON array of stored records.
template <typename Record>
std::string json_array_of(const std::vector<Record>& records) {
  std::string json = "[";
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i != 0) json += ',';
    json += custmgmt::to_json(records[i]);
  }
  json += ']';
  return json;
}

}  // namespace

extern "C" {

// ---------------------------------------------------------------- accounts

CM_API cm_status cm_account_create(char** out_json, cm_session* session, const char* account_json) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    auto& repo = accounts(session);
    const auto input = custmgmt::account_from_json(json_arg(account_json, "account_json"));
    result = dup(custmgmt::to_json(repo.create(input)));
    return CM_OK;
  });
}

CM_API cm_status cm_account_create_many(char** out_json, cm_session* session,
                                        const char* accounts_json_array) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    auto& repo = accounts(session);
    const auto input = records_from_json_array(accounts_json_array, "accounts_json_array",
                                               custmgmt::account_from_json);
    result = dup(json_array_of(repo.create_many(input)));
    return CM_OK;
  });
}

CM_API cm_status cm_account_get(char** out_json, cm_session* session, int64_t id) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    result = dup(custmgmt::to_json(accounts(session).get(id)));
    return CM_OK;
  });
}

CM_API cm_status cm_account_find(char** out_json, cm_session* session, int64_t id) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    if (auto found = accounts(session).find(id)) result = dup(custmgmt::to_json(*found));
    return CM_OK;
  });
}

CM_API cm_status cm_account_update(char** out_json, cm_session* session, const char* account_json) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    auto& repo = accounts(session);
    const auto input = custmgmt::account_from_json(json_arg(account_json, "account_json"));
    result = dup(custmgmt::to_json(repo.update(input)));
    return CM_OK;
  });
}

CM_API cm_status cm_account_remove(cm_session* session, int64_t id) {
  return guard([&] {
    accounts(session).remove(id);
    return CM_OK;
  });
}

CM_API cm_status cm_account_archive(char** out_json, cm_session* session, int64_t id) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    result = dup(custmgmt::to_json(accounts(session).archive(id)));
    return CM_OK;
  });
}

CM_API cm_status cm_account_restore(char** out_json, cm_session* session, int64_t id) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    result = dup(custmgmt::to_json(accounts(session).restore(id)));
    return CM_OK;
  });
}

CM_API cm_status cm_account_search(cm_page** out, cm_session* session, const char* query_json) {
  return guard([&] {
    auto& result = out_param(out, "out");
    auto& repo = accounts(session);
    const auto query = custmgmt::account_query_from_json(optional_json(query_json, "query_json"));
    result = custmgmt::capi::make_page(repo.search(query));
    return CM_OK;
  });
}

CM_API cm_status cm_account_stats(char** out_json, cm_session* session, const char* options_json) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    auto& repo = accounts(session);
    const auto options =
        custmgmt::stats_options_from_json(optional_json(options_json, "options_json"));
    result = dup(custmgmt::to_json(repo.stats(options)));
    return CM_OK;
  });
}

// ---------------------------------------------------------------- contacts

CM_API cm_status cm_contact_add(char** out_json, cm_session* session, const char* contact_json) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    auto& repo = contacts(session);
    const auto input = custmgmt::contact_from_json(json_arg(contact_json, "contact_json"));
    result = dup(custmgmt::to_json(repo.add(input)));
    return CM_OK;
  });
}

CM_API cm_status cm_contact_add_many(char** out_json, cm_session* session,
                                     const char* contacts_json_array) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    auto& repo = contacts(session);
    const auto input = records_from_json_array(contacts_json_array, "contacts_json_array",
                                               custmgmt::contact_from_json);
    result = dup(json_array_of(repo.add_many(input)));
    return CM_OK;
  });
}

CM_API cm_status cm_contact_get(char** out_json, cm_session* session, int64_t id) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    result = dup(custmgmt::to_json(contacts(session).get(id)));
    return CM_OK;
  });
}

CM_API cm_status cm_contact_find(char** out_json, cm_session* session, int64_t id) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    if (auto found = contacts(session).find(id)) result = dup(custmgmt::to_json(*found));
    return CM_OK;
  });
}

CM_API cm_status cm_contact_update(char** out_json, cm_session* session, const char* contact_json) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    auto& repo = contacts(session);
    const auto input = custmgmt::contact_from_json(json_arg(contact_json, "contact_json"));
    result = dup(custmgmt::to_json(repo.update(input)));
    return CM_OK;
  });
}

CM_API cm_status cm_contact_remove(cm_session* session, int64_t id) {
  return guard([&] {
    contacts(session).remove(id);
    return CM_OK;
  });
}

CM_API cm_status cm_contact_list(cm_page** out, cm_session* session, int64_t account_id,
                                 const char* cursor, size_t limit) {
  return guard([&] {
    auto& result = out_param(out, "out");
    auto& repo = contacts(session);
    const std::string c = cursor == nullptr ? std::string() : std::string(cursor);
    result = custmgmt::capi::make_page(repo.list(account_id, c, limit));
    return CM_OK;
  });
}

CM_API cm_status cm_contact_set_primary(char** out_json, cm_session* session, int64_t contact_id) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    result = dup(custmgmt::to_json(contacts(session).set_primary(contact_id)));
    return CM_OK;
  });
}

CM_API cm_status cm_contact_search(cm_page** out, cm_session* session, const char* query_json) {
  return guard([&] {
    auto& result = out_param(out, "out");
    auto& repo = contacts(session);
    const auto query = custmgmt::contact_query_from_json(json_arg(query_json, "query_json"));
    result = custmgmt::capi::make_page(repo.search(query));
    return CM_OK;
  });
}

// ---------------------------------------------------------------- pages

CM_API cm_status cm_page_count(size_t* out, const cm_page* page) {
  return guard([&] {
    auto& result = out_param(out, "out");
    result = require(page, "page").items.size();
    return CM_OK;
  });
}

CM_API cm_status cm_page_item(const char** out_json, const cm_page* page, size_t index) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    const auto& p = require(page, "page");
    if (index >= p.items.size()) {
      throw custmgmt::capi::CallError{CM_ERR_INVALID_ARGUMENT, "argument.out_of_range",
                                      "index " + std::to_string(index) + " is past the " +
                                          std::to_string(p.items.size()) + " items of the page"};
    }
    result = p.items[index].c_str();
    return CM_OK;
  });
}

CM_API cm_status cm_page_next_cursor(const char** out, const cm_page* page) {
  return guard([&] {
    auto& result = out_param(out, "out");
    const auto& p = require(page, "page");
    if (p.next_cursor) result = p.next_cursor->c_str();
    return CM_OK;
  });
}

CM_API cm_status cm_page_json(const char** out_json, const cm_page* page) {
  return guard([&] {
    auto& result = out_param(out_json, "out_json");
    result = require(page, "page").json.c_str();
    return CM_OK;
  });
}

CM_API void cm_page_free(cm_page* page) {
  delete page;
}

}  // extern "C"
