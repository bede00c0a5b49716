#include "custmgmt/store.hpp"

#include <stdexcept>
#include <string>

#include "custmgmt/error.hpp"
#include "custmgmt/types.hpp"
#include "custmgmt/validate.hpp"
#include "domain/session_impl.hpp"

namespace custmgmt {

namespace {

std::string lower_uuid(std::string_view id, const char* field) {
  if (!is_uuid(id)) {
    throw ValidationError(
        {{field, "uuid.invalid",
          std::string(field) + " must be a UUID (8-4-4-4-12 hexadecimal digits)"}});
  }
  std::string out(id);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

backend::Actor service_actor() {
  backend::Actor actor;
  actor.service = true;
  return actor;
}

}  // namespace

// ---- Store

Store::Store(std::shared_ptr<detail::StoreImpl> impl) : impl_(std::move(impl)) {}

Store Store::open(std::string_view uri, const StoreOptions& options) {
  // Reject a bad default region now rather than on the first phone number.
  PhoneNumber ignored;
  for (const auto& e :
       validate_phone("+14155552671", PhoneOptions{options.default_region}, &ignored)) {
    if (e.code == "phone.region_invalid") {
      throw ValidationError({{"default_region", e.code, e.message}});
    }
  }
  if (options.busy_timeout.count() < 0) {
    throw ValidationError(
        {{"busy_timeout", "store.option_invalid", "busy_timeout must not be negative"}});
  }
  const std::string uri_string(uri);
  auto backend = detail::open_backend(uri_string, options);
  if (!options.read_replicas.empty() && !backend->supports_read_replicas()) {
    throw ValidationError({{"read_replicas", "store.option_invalid",
                            "the " + backend->name() + " backend has no read replicas"}});
  }
  auto impl = std::make_shared<detail::StoreImpl>(uri_string, options, std::move(backend));
  {
    auto conn = impl->backend().connect(service_actor());
    const auto& migrations = impl->backend().migrations();
    const int latest = static_cast<int>(migrations.size());
    if (options.migrate_on_open) {
      if (detail::current_schema_version(*conn) < latest) {
        detail::run_migrations(*conn, migrations, latest);
      }
    } else if (detail::current_schema_version(*conn) != latest) {
      throw BackendError("backend.schema_outdated",
                         "the database schema is not at version " + std::to_string(latest) +
                             "; open with migrate_on_open or call Store::migrate()");
    }
  }
  return Store(std::move(impl));
}

Session Store::session(std::string_view user_id) const {
  backend::Actor actor;
  actor.user = lower_uuid(user_id, "user");
  return Session(std::make_unique<detail::SessionImpl>(impl_, std::move(actor)));
}

Session Store::service(std::optional<std::string_view> audit_user) const {
  backend::Actor actor = service_actor();
  if (audit_user) actor.user = lower_uuid(*audit_user, "audit_user");
  return Session(std::make_unique<detail::SessionImpl>(impl_, std::move(actor)));
}

int Store::schema_version() const {
  auto conn = impl_->backend().connect(service_actor());
  return detail::current_schema_version(*conn);
}

int Store::latest_schema_version() const {
  return static_cast<int>(impl_->backend().migrations().size());
}

void Store::migrate(int target) const {
  auto conn = impl_->backend().connect(service_actor());
  detail::run_migrations(*conn, impl_->backend().migrations(), target);
}

std::string Store::backend_name() const {
  return impl_->backend().name();
}

const StoreOptions& Store::options() const {
  return impl_->options();
}

StoreStats Store::stats() const {
  return impl_->backend().stats();
}

// ---- Session

namespace detail {

SessionImpl::SessionImpl(std::shared_ptr<StoreImpl> store, backend::Actor actor)
    : store_(std::move(store)),
      actor_(std::move(actor)),
      conn_(store_->backend().connect(actor_)),
      accounts_(this),
      contacts_(this) {}

SessionImpl::~SessionImpl() {
  if (depth_ > 0) rollback(1);
}

namespace {
std::string savepoint_name(int depth) {
  return "custmgmt_sp" + std::to_string(depth);
}
}  // namespace

int SessionImpl::begin() {
  if (depth_ == 0) {
    conn_->begin();
    snapshot_ = false;
  } else {
    conn_->savepoint(savepoint_name(depth_ + 1));
  }
  return ++depth_;
}

int SessionImpl::begin_snapshot() {
  if (depth_ > 0 && !snapshot_) {
    throw std::logic_error(
        "custmgmt: snapshot() inside a read-write transaction: a savepoint cannot change the "
        "isolation of the transaction around it; take the snapshot before beginning it");
  }
  if (depth_ > 0) return begin();  // a savepoint of the same snapshot
  conn_->begin_snapshot();
  snapshot_ = true;
  return ++depth_;
}

void SessionImpl::commit(int depth) {
  if (depth != depth_) {
    throw std::logic_error("custmgmt: transactions must end innermost first");
  }
  if (depth == 1) {
    try {
      conn_->commit();
    } catch (...) {
      // The engine may have rolled back already; make sure, and end the level.
      conn_->rollback();
      depth_ = 0;
      throw;
    }
  } else {
    conn_->release_savepoint(savepoint_name(depth));
  }
  --depth_;
}

void SessionImpl::rollback(int depth) noexcept {
  if (depth > depth_ || depth < 1) return;
  if (depth == 1) {
    conn_->rollback();
    depth_ = 0;
    return;
  }
  try {
    // Levels opened inside this one are ended with it.
    conn_->rollback_to_savepoint(savepoint_name(depth));
    depth_ = depth - 1;
  } catch (...) {
    // The savepoint is gone (the engine aborted the transaction): end it all.
    conn_->rollback();
    depth_ = 0;
  }
}

}  // namespace detail

Session::Session(std::unique_ptr<detail::SessionImpl> impl) : impl_(std::move(impl)) {}

detail::SessionImpl& detail::session_impl(Session& session) {
  return *session.impl_;
}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

AccountRepository& Session::accounts() {
  return impl_->accounts();
}
ContactRepository& Session::contacts() {
  return impl_->contacts();
}

Transaction Session::transaction() {
  const int depth = impl_->begin();
  return Transaction(impl_.get(), depth);
}

Transaction Session::snapshot() {
  const int depth = impl_->begin_snapshot();
  return Transaction(impl_.get(), depth);
}

const std::optional<std::string>& Session::user() const {
  return impl_->actor().user;
}
bool Session::is_service() const {
  return impl_->actor().service;
}

// ---- Transaction

Transaction::Transaction(Transaction&& other) noexcept
    : session_(other.session_), depth_(other.depth_) {
  other.session_ = nullptr;
}

Transaction::~Transaction() {
  if (session_ != nullptr) session_->rollback(depth_);
}

void Transaction::commit() {
  if (session_ == nullptr) throw std::logic_error("custmgmt: transaction is not active");
  auto* s = session_;
  session_ = nullptr;
  try {
    s->commit(depth_);
  } catch (const std::logic_error&) {
    session_ = s;  // still active: the caller must end inner levels first
    throw;
  }
}

void Transaction::rollback() {
  if (session_ == nullptr) throw std::logic_error("custmgmt: transaction is not active");
  if (depth_ != session_->depth()) {
    throw std::logic_error("custmgmt: transactions must end innermost first");
  }
  auto* s = session_;
  session_ = nullptr;
  s->rollback(depth_);
}

}  // namespace custmgmt
