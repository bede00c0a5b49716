// custmgmt: the command-line tool over the custmgmt library.
//   custmgmt [--db URI] [--user UUID | --service] [--json] COMMAND ...
// Exit codes: 0 ok, 1 invalid data or rejected rows, 2 usage, 3 backend.
#include <cstdlib>
#include <iostream>

#include "commands.hpp"
#include "output.hpp"

int main(int argc, char** argv) {
  using namespace custmgmt::cli;
  CLI::App app{"custmgmt: customer accounts and contacts (SQLite or PostgreSQL)", "custmgmt"};
  app.set_version_flag("--version", std::string(custmgmt::version()));
  Context ctx;
  const char* env = std::getenv("CUSTMGMT_DB");
  ctx.db = env != nullptr && *env != '\0' ? env : "./customers.db";
  app.add_option("--db", ctx.db,
                 "Store URI: a SQLite file, sqlite:PATH or postgresql://... "
                 "(default: $CUSTMGMT_DB, else ./customers.db)");
  auto* user = app.add_option("--user", ctx.user, "Act as this user (UUID)");
  auto* service = app.add_flag("--service", ctx.service, "Act as the service role (all rows)");
  user->excludes(service);
  app.add_flag("--json", ctx.json, "Print one JSON document instead of tables");
  app.require_subcommand(1);
  app.fallthrough();
  std::function<int()> action;
  add_commands(app, ctx, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kOk : kUsage;
  }
  try {
    return action ? action() : kUsage;
  } catch (const UsageError& e) {
    std::cerr << "custmgmt: " << e.what() << "\n";
    return kUsage;
  } catch (const std::exception& e) {
    return report_error(e, ctx.json);
  }
}
