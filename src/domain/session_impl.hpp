// Internal state behind Store and Session, and the transaction helper every
// repository write goes through.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "custmgmt/account_repository.hpp"
#include "custmgmt/backend.hpp"
#include "custmgmt/contact_repository.hpp"
#include "custmgmt/store.hpp"

namespace custmgmt::detail {

class StoreImpl {
 public:
  StoreImpl(std::string uri, StoreOptions options, std::unique_ptr<backend::Backend> backend)
      : uri_(std::move(uri)), options_(std::move(options)), backend_(std::move(backend)) {}

  const std::string& uri() const { return uri_; }
  const StoreOptions& options() const { return options_; }
  backend::Backend& backend() const { return *backend_; }

 private:
  std::string uri_;
  StoreOptions options_;
  std::unique_ptr<backend::Backend> backend_;
};

class SessionImpl {
 public:
  SessionImpl(std::shared_ptr<StoreImpl> store, backend::Actor actor);
  SessionImpl(const SessionImpl&) = delete;
  SessionImpl& operator=(const SessionImpl&) = delete;
  ~SessionImpl();

  backend::Connection& conn() { return *conn_; }
  const backend::Actor& actor() const { return actor_; }
  const StoreOptions& options() const { return store_->options(); }
  const StoreImpl& store() const { return *store_; }
  AccountRepository& accounts() { return accounts_; }
  ContactRepository& contacts() { return contacts_; }

  // Opens a transaction level (BEGIN at depth 0, a savepoint deeper) and
  // returns its depth (1-based).
  int begin();
  // Opens a read-only snapshot level: the transaction itself at depth 0
  // (Connection::begin_snapshot), a savepoint inside a snapshot; throws
  // std::logic_error inside a read-write transaction. Returns its depth.
  int begin_snapshot();
  // Ends level `depth`, which must be the innermost.
  void commit(int depth);
  void rollback(int depth) noexcept;
  int depth() const { return depth_; }

  // Runs `work` in its own transaction level: committed when it returns,
  // rolled back when it throws. Repository writes use this so that a
  // multi-statement operation is atomic inside or outside a user's
  // transaction.
  template <typename Work>
  auto in_transaction(Work&& work) -> decltype(work()) {
    const int level = begin();
    try {
      if constexpr (std::is_void_v<decltype(work())>) {
        work();
        commit(level);
      } else {
        auto result = work();
        commit(level);
        return result;
      }
    } catch (...) {
      rollback(level);
      throw;
    }
  }

 private:
  std::shared_ptr<StoreImpl> store_;
  backend::Actor actor_;
  std::unique_ptr<backend::Connection> conn_;
  int depth_ = 0;
  bool snapshot_ = false;  // the transaction at depth 1 is a snapshot
  AccountRepository accounts_;
  ContactRepository contacts_;
};

// Applies or rolls back migrations on `conn` until the schema is at `target`.
void run_migrations(backend::Connection& conn, const std::vector<backend::Migration>& migrations,
                    int target);

// The newest version recorded in the database (0 when none).
int current_schema_version(backend::Connection& conn);

// Finds the factory for `uri` and opens the backend.
std::unique_ptr<backend::Backend> open_backend(const std::string& uri, const StoreOptions& options);

}  // namespace custmgmt::detail
