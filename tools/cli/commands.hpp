// The commands of the custmgmt tool, registered on a CLI11 application.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>

#include "custmgmt/custmgmt.hpp"

namespace custmgmt::cli {

// A usage problem found after parsing (exit code 2).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The global options and the store/session they select.
struct Context {
  std::string db;
  std::string user;
  bool service = false;
  bool json = false;

  // Opens the store once (migrating it unless `migrate` is false).
  Store& store(bool migrate = true);
  // Opens the session once: --user, --service, or the service role on a
  // local SQLite file.
  Session& session();
  bool is_postgres() const;

 private:
  std::optional<Store> store_;
  std::optional<Session> session_;
};

// Registers every command; the chosen one stores its work in `action`,
// which returns the exit code.
void add_commands(CLI::App& app, Context& context, std::function<int()>& action);

}  // namespace custmgmt::cli
