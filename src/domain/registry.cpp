// Maps URI schemes to backend factories (SOCI-style registry).
#include <map>
#include <mutex>
#include <string>

#include "backends/sqlite/sqlite_backend.hpp"
#include "custmgmt/backend.hpp"
#include "custmgmt/error.hpp"
#include "domain/session_impl.hpp"
#ifdef CUSTMGMT_WITH_POSTGRES
#include "backends/postgres/postgres_backend.hpp"
#endif

namespace custmgmt {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, backend::BackendFactory> factories;

  Registry() {
    factories["sqlite"] = &detail::make_sqlite_backend;
    factories["file"] = &detail::make_sqlite_backend;
#ifdef CUSTMGMT_WITH_POSTGRES
    factories["postgresql"] = &detail::make_postgres_backend;
    factories["postgres"] = &detail::make_postgres_backend;
#endif
  }
};

Registry& registry() {
  static Registry instance;
  return instance;
}

// The scheme of `uri` in lower case, or "" when it has none. One-letter
// schemes are not schemes (Windows drive letters).
std::string scheme_of(const std::string& uri) {
  const auto colon = uri.find(':');
  if (colon == std::string::npos || colon < 2) return {};
  std::string scheme;
  for (std::size_t i = 0; i < colon; ++i) {
    char c = uri[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!alpha && !(i > 0 && other)) return {};
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    scheme.push_back(c);
  }
  return scheme;
}

}  // namespace

namespace backend {
Connection::~Connection() = default;
Backend::~Backend() = default;

std::vector<Account> Connection::insert_accounts(const std::vector<Account>& accounts,
                                                 const std::vector<std::string>& name_keys) {
  std::vector<Account> stored;
  stored.reserve(accounts.size());
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    stored.push_back(insert_account(accounts[i], name_keys.at(i)));
  }
  return stored;
}

std::vector<std::optional<Contact>> Connection::insert_contacts(
    const std::vector<Contact>& contacts, const std::vector<std::string>& name_keys) {
  std::vector<std::optional<Contact>> stored;
  stored.reserve(contacts.size());
  for (std::size_t i = 0; i < contacts.size(); ++i) {
    stored.push_back(insert_contact(contacts[i], name_keys.at(i)));
  }
  return stored;
}

bool Connection::backup_to_file(const std::filesystem::path& /*file*/) {
  return false;
}

std::vector<IntegrityProblem> Connection::check_integrity() {
  return {};
}

void register_backend(const std::string& scheme, BackendFactory factory) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.factories[scheme] = std::move(factory);
}
}  // namespace backend

namespace detail {

std::unique_ptr<backend::Backend> open_backend(const std::string& uri,
                                               const StoreOptions& options) {
  if (uri.empty()) {
    throw ValidationError({{"uri", "store.uri_invalid", "the store URI is empty"}});
  }
  const std::string scheme = scheme_of(uri);
  backend::BackendFactory factory;
  {
    auto& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.factories.find(scheme.empty() ? "sqlite" : scheme);
    if (it != r.factories.end()) {
      factory = it->second;
    } else if (uri.find("://") == std::string::npos) {
      // "name:with-colon.db" is a file name, not a URI.
      factory = r.factories.at("sqlite");
    } else {
      throw ValidationError({{"uri", "store.uri_invalid",
                              "no backend is registered for the URI scheme '" + scheme + "'"}});
    }
  }
  return factory(uri, options);
}

}  // namespace detail
}  // namespace custmgmt
