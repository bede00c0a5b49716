// The C ABI's JSON entry points on a private :memory: store: the first byte
// picks the function, the rest (made NUL-terminated) is the JSON argument.
// Every call returns a documented status, never CM_ERR_INTERNAL; on failure
// the out parameter is NULL and the last error reads back as valid JSON; on
// success the result is valid UTF-8. The fuzz input also reaches the flat
// JSON getters with a key taken from its first line.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "custmgmt/custmgmt.h"
#include "custmgmt/validate.hpp"
#include "fuzz_support.hpp"

namespace {

using custmgmt::fuzz::require;

struct World {
  cm_store* store = nullptr;
  cm_session* user = nullptr;
  cm_session* service = nullptr;
  World() {
    require(cm_store_open(&store, ":memory:", nullptr) == CM_OK, "cannot open :memory:");
    require(cm_session_open(&user, store, "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa") == CM_OK,
            "cannot open a session");
    require(cm_session_open_service(&service, store, nullptr) == CM_OK,
            "cannot open a service session");
    char* out = nullptr;
    require(cm_account_create(&out, user,
                              "{\"company_name\":\"Seed\",\"customer_type\":"
                              "\"Commercial\"}") == CM_OK,
            "cannot create the seed account");
    cm_string_free(out);
  }
};

World& world() {
  static World w;
  return w;
}

void check_status(cm_status status) {
  require(status <= CM_OK && status >= CM_ERR_INTERNAL, "undocumented status");
  require(status != CM_ERR_INTERNAL, "CM_ERR_INTERNAL: an unexpected exception in the library");
  require(status != CM_ERR_NOMEM, "out of memory on a small input");
  if (status != CM_OK) {
    char* err = nullptr;
    require(cm_last_error_json(&err) == CM_OK && err != nullptr, "last error has no JSON");
    require(custmgmt::is_valid_utf8(err), "last error JSON is not UTF-8");
    cm_string_free(err);
  }
}

void check_string(cm_status status, char* out) {
  check_status(status);
  if (status == CM_OK) {
    if (out != nullptr) require(custmgmt::is_valid_utf8(out), "result is not UTF-8");
  } else {
    require(out == nullptr, "out parameter set on failure");
  }
  cm_string_free(out);
}

void check_page(cm_status status, cm_page* page) {
  check_status(status);
  if (status != CM_OK) {
    require(page == nullptr, "page set on failure");
    return;
  }
  const char* json = nullptr;
  require(cm_page_json(&json, page) == CM_OK && custmgmt::is_valid_utf8(json),
          "page JSON is not UTF-8");
  cm_page_free(page);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  World& w = world();
  const std::string arg(reinterpret_cast<const char*>(data + 1), size - 1);
  const char* json = arg.c_str();  // stops at the first NUL, as C callers do
  cm_session* session = (data[0] & 0x80) != 0 ? w.service : w.user;
  char* out = nullptr;
  cm_page* page = nullptr;
  switch (data[0] % 11) {
    case 0:
      check_string(cm_account_create(&out, session, json), out);
      break;
    case 1:
      check_string(cm_account_update(&out, session, json), out);
      break;
    case 2:
      check_string(cm_contact_add(&out, session, json), out);
      break;
    case 3:
      check_string(cm_contact_update(&out, session, json), out);
      break;
    case 4:
      check_page(cm_account_search(&page, session, json), page);
      break;
    case 5:
      check_page(cm_contact_search(&page, session, json), page);
      break;
    case 6:
      check_string(cm_account_stats(&out, session, json), out);
      break;
    case 7:
      check_string(cm_validate_address(&out, json), out);
      break;
    case 8: {
      const char* newline = std::strchr(json, '\n');
      const std::string key = newline ? std::string(json, newline) : std::string("id");
      const char* doc = newline ? newline + 1 : json;
      std::int64_t number = 0;
      int flag = 0;
      check_status(cm_json_get_int64(&number, doc, key.c_str()));
      check_status(cm_json_get_bool(&flag, doc, key.c_str()));
      check_string(cm_json_get_string(&out, doc, key.c_str()), out);
      break;
    }
    case 9:
      check_page(cm_contact_list(&page, session, 1, json, 5), page);
      break;
    default: {
      char* ext = nullptr;
      char* region = nullptr;
      check_string(cm_validate_email(&out, json), out);
      out = nullptr;
      const cm_status st = cm_validate_phone(&out, &ext, &region, json, "GB");
      check_string(st, out);
      cm_string_free(ext);
      cm_string_free(region);
      break;
    }
  }
  return 0;
}
