// Stores, sessions and transactions.
#include <algorithm>
#include <chrono>
#include <memory>

#include "capi_internal.hpp"

namespace custmgmt::capi {
namespace {

static_assert(CM_VERSION_MAJOR == CUSTMGMT_VERSION_MAJOR &&
                  CM_VERSION_MINOR == CUSTMGMT_VERSION_MINOR &&
                  CM_VERSION_PATCH == CUSTMGMT_VERSION_PATCH,
              "custmgmt.h and version.hpp disagree on the version");

[[noreturn]] void state_error(const char* code, const char* message) {
  throw CallError{CM_ERR_STATE, code, message};
}

// Ends `txn` and every transaction opened inside it (innermost first) and
// detaches them from their session. Never throws: Transaction's destructor
// rolls back without throwing and the stack only shrinks.
void end_from(cm_txn* txn) noexcept {
  cm_session* s = txn->session;
  if (s == nullptr) return;
  while (!s->txns.empty()) {
    cm_txn* last = s->txns.back();
    s->txns.pop_back();
    last->txn.reset();
    last->session = nullptr;
    if (last == txn) break;
  }
}

// The transaction must be active and the innermost of its session.
custmgmt::Transaction& innermost(cm_txn& txn) {
  if (txn.session == nullptr || !txn.txn || !txn.txn->active()) {
    state_error("txn.ended", "the transaction has already ended");
  }
  if (txn.session->txns.empty() || txn.session->txns.back() != &txn) {
    state_error("txn.not_innermost",
                "a transaction opened inside this one must be committed or rolled back first");
  }
  return *txn.txn;
}

// Opens a transaction of `session` with `open` (transaction() or
// snapshot()) and hands it out as a cm_txn on the session's stack.
template <typename Open>
cm_status begin_txn(cm_txn** out, cm_session* session, Open open) {
  return guard([&] {
    auto& result = out_param(out, "out");
    auto& s = require(session, "session");
    auto txn = std::make_unique<cm_txn>();
    // Reserve first so that nothing can throw once the transaction is open.
    s.txns.reserve(s.txns.size() + 1);
    txn->txn.emplace(open(s.session));
    txn->session = &s;
    s.txns.push_back(txn.get());
    result = txn.release();
    return CM_OK;
  });
}

}  // namespace
}  // namespace custmgmt::capi

using custmgmt::capi::begin_txn;
using custmgmt::capi::guard;
using custmgmt::capi::out_param;
using custmgmt::capi::require;
using custmgmt::capi::text_arg;

extern "C" {

CM_API const char* cm_version(void) {
  return custmgmt::version();
}

CM_API cm_status cm_store_options_init(cm_store_options* out, unsigned int version) {
  return guard([&] {
    require(out, "out");
    if (version != CM_STORE_OPTIONS_VERSION) {
      throw custmgmt::capi::CallError{
          CM_ERR_INVALID_ARGUMENT, "options.version_unknown",
          "unknown cm_store_options version " + std::to_string(version)};
    }
    const cm_store_options defaults = CM_STORE_OPTIONS_INIT;
    *out = defaults;
    return CM_OK;
  });
}

CM_API cm_status cm_store_open(cm_store** out, const char* uri, const cm_store_options* options) {
  return guard([&] {
    auto& result = out_param(out, "out");
    const auto u = text_arg(uri, "uri");
    custmgmt::StoreOptions opts;
    if (options != nullptr) {
      if (options->version != CM_STORE_OPTIONS_VERSION) {
        throw custmgmt::capi::CallError{CM_ERR_INVALID_ARGUMENT, "options.version_unknown",
                                        "cm_store_options.version is " +
                                            std::to_string(options->version) + ", expected " +
                                            std::to_string(CM_STORE_OPTIONS_VERSION)};
      }
      if (options->default_region != nullptr) opts.default_region = options->default_region;
      opts.busy_timeout = std::chrono::milliseconds(options->busy_timeout_ms);
      opts.migrate_on_open = options->migrate_on_open != 0;
    }
    result = new cm_store{custmgmt::Store::open(u, opts)};
    return CM_OK;
  });
}

CM_API void cm_store_free(cm_store* store) {
  delete store;
}

CM_API cm_status cm_store_backend_name(char** out, const cm_store* store) {
  return guard([&] {
    auto& result = out_param(out, "out");
    const auto& s = require(store, "store");
    result = custmgmt::capi::dup(s.store.backend_name());
    return CM_OK;
  });
}

CM_API cm_status cm_store_schema_version(int* out, const cm_store* store) {
  return guard([&] {
    auto& result = out_param(out, "out");
    result = require(store, "store").store.schema_version();
    return CM_OK;
  });
}

CM_API cm_status cm_store_latest_schema_version(int* out, const cm_store* store) {
  return guard([&] {
    auto& result = out_param(out, "out");
    result = require(store, "store").store.latest_schema_version();
    return CM_OK;
  });
}

CM_API cm_status cm_store_migrate(cm_store* store, int target) {
  return guard([&] {
    require(store, "store").store.migrate(target);
    return CM_OK;
  });
}

CM_API cm_status cm_session_open(cm_session** out, cm_store* store, const char* user_id) {
  return guard([&] {
    auto& result = out_param(out, "out");
    auto& s = require(store, "store");
    const auto user = text_arg(user_id, "user_id");
    result = new cm_session{s.store.session(user), {}};
    return CM_OK;
  });
}

CM_API cm_status cm_session_open_service(cm_session** out, cm_store* store,
                                         const char* audit_user) {
  return guard([&] {
    auto& result = out_param(out, "out");
    auto& s = require(store, "store");
    std::optional<std::string_view> audit;
    if (audit_user != nullptr) audit = std::string_view(audit_user);
    result = new cm_session{s.store.service(audit), {}};
    return CM_OK;
  });
}

CM_API void cm_session_free(cm_session* session) {
  if (session == nullptr) return;
  if (!session->txns.empty()) custmgmt::capi::end_from(session->txns.front());
  delete session;
}

CM_API cm_status cm_session_user(char** out, const cm_session* session) {
  return guard([&] {
    auto& result = out_param(out, "out");
    const auto& user = require(session, "session").session.user();
    if (user) result = custmgmt::capi::dup(*user);
    return CM_OK;
  });
}

CM_API cm_status cm_session_is_service(int* out, const cm_session* session) {
  return guard([&] {
    auto& result = out_param(out, "out");
    result = require(session, "session").session.is_service() ? 1 : 0;
    return CM_OK;
  });
}

CM_API cm_status cm_txn_begin(cm_txn** out, cm_session* session) {
  return begin_txn(out, session, [](custmgmt::Session& s) { return s.transaction(); });
}

CM_API cm_status cm_txn_begin_snapshot(cm_txn** out, cm_session* session) {
  return begin_txn(out, session, [](custmgmt::Session& s) {
    try {
      return s.snapshot();
    } catch (const std::logic_error& e) {
      // A snapshot cannot start inside an open read-write transaction.
      throw custmgmt::capi::CallError{CM_ERR_STATE, "txn.snapshot_in_transaction", e.what()};
    }
  });
}

CM_API cm_status cm_txn_commit(cm_txn* txn) {
  return guard([&] {
    auto& t = require(txn, "txn");
    auto& tx = custmgmt::capi::innermost(t);
    try {
      tx.commit();
    } catch (...) {
      // A failed commit has rolled back and ended the transaction.
      if (!tx.active()) custmgmt::capi::end_from(&t);
      throw;
    }
    custmgmt::capi::end_from(&t);
    return CM_OK;
  });
}

CM_API cm_status cm_txn_rollback(cm_txn* txn) {
  return guard([&] {
    auto& t = require(txn, "txn");
    auto& tx = custmgmt::capi::innermost(t);
    try {
      tx.rollback();
    } catch (...) {
      if (!tx.active()) custmgmt::capi::end_from(&t);
      throw;
    }
    custmgmt::capi::end_from(&t);
    return CM_OK;
  });
}

CM_API cm_status cm_txn_is_active(int* out, const cm_txn* txn) {
  return guard([&] {
    auto& result = out_param(out, "out");
    const auto& t = require(txn, "txn");
    result = (t.session != nullptr && t.txn && t.txn->active()) ? 1 : 0;
    return CM_OK;
  });
}

CM_API void cm_txn_free(cm_txn* txn) {
  if (txn == nullptr) return;
  custmgmt::capi::end_from(txn);
  delete txn;
}

}  // extern "C"
