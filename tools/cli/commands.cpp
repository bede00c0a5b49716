#include "commands.hpp"

#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <memory>

#include "output.hpp"

namespace custmgmt::cli {

namespace json = boost::json;

// ---------------------------------------------------------------- context

bool Context::is_postgres() const {
  return db.rfind("postgres", 0) == 0;
}

Store& Context::store(bool migrate) {
  if (!store_) {
    StoreOptions options;
    options.migrate_on_open = migrate;
    store_.emplace(Store::open(db, options));
  }
  return *store_;
}

Session& Context::session() {
  if (!session_) {
    if (is_postgres() && user.empty() && !service) {
      throw UsageError("on PostgreSQL one of --user UUID or --service is required");
    }
    session_.emplace(user.empty() ? store().service() : store().session(user));
  }
  return *session_;
}

namespace {

// ---------------------------------------------------------------- helpers

std::string opt(const std::optional<std::string>& s) {
  return s.value_or("");
}

std::string tags_text(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : ";") + t;
  return out;
}

std::string address_text(const Address& a) {
  std::string out;
  for (const std::string* part : {&a.street, &a.city, &a.state, &a.zip, &a.country}) {
    if (!part->empty()) out += (out.empty() ? "" : ", ") + *part;
  }
  return out;
}

std::string phone_cell(const Contact& c) {
  if (c.phone_display) return *c.phone_display;
  std::string out = opt(c.phone);
  if (c.phone_extension) out += " ext. " + *c.phone_extension;
  return out;
}

Timestamp parse_date(const std::string& text, const char* option) {
  if (auto t = parse_timestamp(text)) return *t;
  if (auto t = parse_timestamp(text + "T00:00:00Z")) return *t;
  throw UsageError(std::string(option) + ": '" + text +
                   "' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp");
}

void print_accounts_table(const std::vector<Account>& accounts) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : accounts) {
    rows.push_back({std::to_string(a.id), cell(a.company_name, 40),
                    std::string(to_string(a.customer_type)),
                    cell(address_text(a.billing_address), 40), cell(tags_text(a.tags), 30),
                    a.archived() ? "archived" : ""});
  }
  print_table(std::cout, {"ID", "COMPANY", "TYPE", "BILLING", "TAGS", "STATE"}, rows);
}

void print_contacts_table(const std::vector<Contact>& contacts) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : contacts) {
    rows.push_back({std::to_string(c.id), cell(c.contact_name, 30), cell(opt(c.email), 35),
                    phone_cell(c), cell(opt(c.role), 20), c.is_primary_contact ? "yes" : ""});
  }
  print_table(std::cout, {"ID", "NAME", "EMAIL", "PHONE", "ROLE", "PRIMARY"}, rows);
}

void print_page(const Context& ctx, const Page<Account>& page) {
  if (ctx.json) {
    std::cout << to_json(page) << '\n';
    return;
  }
  print_accounts_table(page.items);
  if (page.next_cursor) std::cout << "more: --after " << *page.next_cursor << '\n';
}

std::vector<Contact> every_contact(Session& s, Id account_id) {
  std::vector<Contact> out;
  std::string cursor;
  while (true) {
    auto page = s.contacts().list(account_id, cursor, 1000);
    out.insert(out.end(), page.items.begin(), page.items.end());
    if (!page.next_cursor) return out;
    cursor = *page.next_cursor;
  }
}

void show_account(Context& ctx, const Account& a, const std::vector<Contact>& contacts) {
  if (ctx.json) {
    json::value v = account_json(a);
    json::array list;
    for (const auto& c : contacts) list.push_back(contact_json(c));
    v.as_object()["contacts"] = std::move(list);
    print_json(std::cout, v);
    return;
  }
  std::cout << "id:              " << a.id << '\n'
            << "company_name:    " << a.company_name << '\n'
            << "customer_type:   " << to_string(a.customer_type) << '\n'
            << "billing_address: " << address_text(a.billing_address) << '\n'
            << "service_address: " << address_text(a.service_address) << '\n'
            << "tags:            " << tags_text(a.tags) << '\n'
            << "account_notes:   " << cell(opt(a.account_notes), 200) << '\n'
            << "created_at:      " << format_timestamp(a.created_at) << " by " << opt(a.created_by)
            << '\n'
            << "updated_at:      " << format_timestamp(a.updated_at) << " by " << opt(a.updated_by)
            << '\n'
            << "archived_at:     " << (a.archived_at ? format_timestamp(*a.archived_at) : "")
            << '\n'
            << "version:         " << a.version << '\n';
  if (!contacts.empty()) {
    std::cout << '\n';
    print_contacts_table(contacts);
  }
}

void done(Context& ctx, json::object doc, const std::string& text) {
  if (ctx.json) {
    print_json(std::cout, doc);
  } else {
    std::cout << text << '\n';
  }
}

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

// ---------------------------------------------------------------- commands

void add_migrate(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto to = std::make_shared<std::optional<int>>();
  auto* cmd = app.add_subcommand("migrate", "Apply schema migrations (or roll back with --to N)");
  cmd->add_option("--to", *to, "Target schema version (default: the newest)");
  cmd->callback([&ctx, &action, to] {
    action = [&ctx, to] {
      // A store behind the library opens only with migrate_on_open, which
      // brings it to the newest version first; `from` is then unknown.
      json::value before = nullptr;
      Store* opened = nullptr;
      try {
        opened = &ctx.store(false);
        before = opened->schema_version();
      } catch (const BackendError& e) {
        if (e.code() != "backend.schema_outdated") throw;
        opened = &ctx.store(true);
      }
      Store& store = *opened;
      const int target = to->value_or(store.latest_schema_version());
      store.migrate(target);
      json::object doc{{"from", before},
                       {"schema_version", store.schema_version()},
                       {"latest", store.latest_schema_version()}};
      done(ctx, doc,
           "schema version " +
               (before.is_null() ? std::string("(behind)") : json::serialize(before)) + " -> " +
               std::to_string(store.schema_version()) + " (newest " +
               std::to_string(store.latest_schema_version()) + ")");
      return kOk;
    };
  });
}

struct AccountFields {
  std::optional<std::string> company, type, billing, service_address, notes;
  std::vector<std::string> tags;
  bool clear_tags = false;
};

void account_field_options(CLI::App* cmd, AccountFields& f, bool required) {
  auto* company = cmd->add_option("--company", f.company, "Company name");
  auto* type = cmd->add_option("--type", f.type, "residential or commercial")
                   ->check(CLI::IsMember({"residential", "commercial"}, CLI::ignore_case));
  if (required) {
    company->required();
    type->required();
  }
  cmd->add_option("--tag", f.tags, "A tag (repeatable)");
  cmd->add_option(
      "--billing", f.billing,
      R"(Billing address as JSON, e.g. {"street":"1 Main St","city":"Austin","state":"TX","zip":"78701","country":"US"})");
  cmd->add_option("--service-address", f.service_address, "Service address as JSON");
  cmd->add_option("--notes", f.notes, "Account notes");
}

Address address_from_json(const std::string& text, const char* option) {
  FieldErrors errors = validate_address_json(text);
  if (!errors.empty()) {
    for (auto& e : errors) e.field = std::string(option) + ":" + e.field;
    throw ValidationError(errors);
  }
  return parse_address(text);
}

void apply_fields(Account& a, const AccountFields& f) {
  if (f.company) a.company_name = *f.company;
  if (f.type) a.customer_type = *parse_customer_type(*f.type);
  if (f.billing) a.billing_address = address_from_json(*f.billing, "--billing");
  if (f.service_address)
    a.service_address = address_from_json(*f.service_address, "--service-address");
  if (f.notes) a.account_notes = f.notes->empty() ? std::nullopt : f.notes;
  if (f.clear_tags) a.tags.clear();
  for (const auto& t : f.tags) a.tags.push_back(t);
}

void add_account(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* account = app.add_subcommand("account", "Create, show, change and delete accounts");
  account->require_subcommand(1);

  {
    auto f = std::make_shared<AccountFields>();
    auto* cmd = account->add_subcommand("add", "Create an account");
    account_field_options(cmd, *f, true);
    cmd->callback([&ctx, &action, f] {
      action = [&ctx, f] {
        Account a;
        apply_fields(a, *f);
        Account stored = ctx.session().accounts().create(a);
        if (ctx.json) {
          print_json(std::cout, account_json(stored));
        } else {
          std::cout << "created account " << stored.id << '\n';
        }
        return kOk;
      };
    });
  }
  {
    auto id = std::make_shared<Id>();
    auto* cmd = account->add_subcommand("show", "Show an account with its contacts");
    cmd->add_option("ID", *id, "Account id")->required();
    cmd->callback([&ctx, &action, id] {
      action = [&ctx, id] {
        Session& s = ctx.session();
        const Account a = s.accounts().get(*id);
        show_account(ctx, a, every_contact(s, *id));
        return kOk;
      };
    });
  }
  {
    auto id = std::make_shared<Id>();
    auto f = std::make_shared<AccountFields>();
    auto* cmd = account->add_subcommand("update", "Change fields of an account");
    cmd->add_option("ID", *id, "Account id")->required();
    account_field_options(cmd, *f, false);
    cmd->add_flag("--clear-tags", f->clear_tags, "Remove every tag first (then add --tag ones)");
    cmd->callback([&ctx, &action, id, f] {
      action = [&ctx, id, f] {
        Session& s = ctx.session();
        Account a = s.accounts().get(*id);
        apply_fields(a, *f);
        Account stored = s.accounts().update(a);
        if (ctx.json) {
          print_json(std::cout, account_json(stored));
        } else {
          std::cout << "updated account " << stored.id << " (version " << stored.version << ")\n";
        }
        return kOk;
      };
    });
  }
  for (const char* verb : {"delete", "archive", "restore"}) {
    auto id = std::make_shared<Id>();
    const std::string name = verb;
    const std::string help = name == "delete" ? "Delete an account and its contacts"
                             : name == "archive"
                                 ? "Archive an account (hidden from search and lists)"
                                 : "Restore an archived account";
    auto* cmd = account->add_subcommand(name, help);
    cmd->add_option("ID", *id, "Account id")->required();
    cmd->callback([&ctx, &action, id, name] {
      action = [&ctx, id, name] {
        Session& s = ctx.session();
        if (name == "delete") {
          s.accounts().remove(*id);
          done(ctx, {{"deleted", *id}}, "deleted account " + std::to_string(*id));
        } else {
          Account a = name == "archive" ? s.accounts().archive(*id) : s.accounts().restore(*id);
          if (ctx.json) {
            print_json(std::cout, account_json(a));
          } else {
            std::cout << (name == "archive" ? "archived" : "restored") << " account " << a.id
                      << '\n';
          }
        }
        return kOk;
      };
    });
  }
  {
    struct ListOptions {
      bool archived = false;
      std::size_t limit = 50;
      std::string after;
    };
    auto o = std::make_shared<ListOptions>();
    auto* cmd = account->add_subcommand("list", "List accounts, newest first");
    cmd->add_flag("--archived", o->archived, "Include archived accounts");
    cmd->add_option("--limit", o->limit, "Page size (1-1000)");
    cmd->add_option("--after", o->after, "Cursor from the previous page");
    cmd->callback([&ctx, &action, o] {
      action = [&ctx, o] {
        AccountQuery q;
        q.archived = o->archived ? ArchivedFilter::Include : ArchivedFilter::Exclude;
        q.limit = o->limit;
        q.cursor = o->after;
        print_page(ctx, ctx.session().accounts().search(q));
        return kOk;
      };
    });
  }
}

struct ContactFields {
  std::optional<std::string> name, email, phone, role, notes;
  bool primary = false;
};

void contact_field_options(CLI::App* cmd, ContactFields& f, bool required) {
  auto* name = cmd->add_option("--name", f.name, "Contact name");
  if (required) name->required();
  cmd->add_option("--email", f.email, "Email address");
  cmd->add_option("--phone", f.phone, "Phone number (+country, or national in the default region)");
  cmd->add_option("--role", f.role, "Role, e.g. Billing");
  cmd->add_flag("--primary", f.primary, "Make this the primary contact");
  cmd->add_option("--notes", f.notes, "Contact notes");
}

std::optional<std::string> or_clear(const std::optional<std::string>& given,
                                    const std::optional<std::string>& current) {
  if (!given) return current;
  if (given->empty()) return std::nullopt;
  return given;
}

void add_contact(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* contact = app.add_subcommand("contact", "Add, list, change and delete contacts");
  contact->require_subcommand(1);
  {
    auto account_id = std::make_shared<Id>();
    auto f = std::make_shared<ContactFields>();
    auto* cmd = contact->add_subcommand("add", "Add a contact to an account");
    cmd->add_option("ACCOUNT_ID", *account_id, "Account id")->required();
    contact_field_options(cmd, *f, true);
    cmd->callback([&ctx, &action, account_id, f] {
      action = [&ctx, account_id, f] {
        Contact c;
        c.customer_account_id = *account_id;
        c.contact_name = *f->name;
        c.email = f->email;
        c.phone = f->phone;
        c.role = f->role;
        c.contact_notes = f->notes;
        c.is_primary_contact = f->primary;
        Contact stored = ctx.session().contacts().add(c);
        if (ctx.json) {
          print_json(std::cout, contact_json(stored));
        } else {
          std::cout << "added contact " << stored.id << " to account " << *account_id << '\n';
        }
        return kOk;
      };
    });
  }
  {
    auto account_id = std::make_shared<Id>();
    auto* cmd = contact->add_subcommand("list", "List the contacts of an account");
    cmd->add_option("ACCOUNT_ID", *account_id, "Account id")->required();
    cmd->callback([&ctx, &action, account_id] {
      action = [&ctx, account_id] {
        auto contacts = every_contact(ctx.session(), *account_id);
        if (ctx.json) {
          json::array items;
          for (const auto& c : contacts) items.push_back(contact_json(c));
          print_json(std::cout,
                     json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
        } else {
          print_contacts_table(contacts);
        }
        return kOk;
      };
    });
  }
  {
    auto id = std::make_shared<Id>();
    auto f = std::make_shared<ContactFields>();
    auto no_primary = std::make_shared<bool>(false);
    auto* cmd =
        contact->add_subcommand("update", "Change fields of a contact (empty text clears a field)");
    cmd->add_option("CONTACT_ID", *id, "Contact id")->required();
    contact_field_options(cmd, *f, false);
    cmd->add_flag("--no-primary", *no_primary, "Make the contact not primary");
    cmd->callback([&ctx, &action, id, f, no_primary] {
      action = [&ctx, id, f, no_primary] {
        Session& s = ctx.session();
        Contact c = s.contacts().get(*id);
        if (f->name) c.contact_name = *f->name;
        c.email = or_clear(f->email, c.email);
        if (f->phone) {
          c.phone = or_clear(f->phone, c.phone);
          c.phone_display.reset();
          c.phone_extension.reset();
        }
        c.role = or_clear(f->role, c.role);
        c.contact_notes = or_clear(f->notes, c.contact_notes);
        if (f->primary) c.is_primary_contact = true;
        if (*no_primary) c.is_primary_contact = false;
        Contact stored = s.contacts().update(c);
        if (ctx.json) {
          print_json(std::cout, contact_json(stored));
        } else {
          std::cout << "updated contact " << stored.id << '\n';
        }
        return kOk;
      };
    });
  }
  {
    auto id = std::make_shared<Id>();
    auto* cmd = contact->add_subcommand("delete", "Delete a contact");
    cmd->add_option("CONTACT_ID", *id, "Contact id")->required();
    cmd->callback([&ctx, &action, id] {
      action = [&ctx, id] {
        ctx.session().contacts().remove(*id);
        done(ctx, {{"deleted", *id}}, "deleted contact " + std::to_string(*id));
        return kOk;
      };
    });
  }
  {
    auto id = std::make_shared<Id>();
    auto* cmd =
        contact->add_subcommand("set-primary", "Make a contact the primary one of its account");
    cmd->add_option("CONTACT_ID", *id, "Contact id")->required();
    cmd->callback([&ctx, &action, id] {
      action = [&ctx, id] {
        Contact c = ctx.session().contacts().set_primary(*id);
        if (ctx.json) {
          print_json(std::cout, contact_json(c));
        } else {
          std::cout << "contact " << c.id << " is now the primary contact of account "
                    << c.customer_account_id << '\n';
        }
        return kOk;
      };
    });
  }
}

void add_search(CLI::App& app, Context& ctx, std::function<int()>& action) {
  struct SearchOptions {
    std::optional<std::string> text, type, since, until;
    std::vector<std::string> tags;
    bool all_tags = false, archived = false;
    std::size_t limit = 50;
    std::string after;
  };
  auto o = std::make_shared<SearchOptions>();
  auto* cmd = app.add_subcommand("search", "Search accounts by company name and filters");
  cmd->add_option("TEXT", o->text, "Words that prefix words of the company name");
  cmd->add_option("--type", o->type, "residential or commercial")
      ->check(CLI::IsMember({"residential", "commercial"}, CLI::ignore_case));
  cmd->add_option("--tag", o->tags, "Tag filter (repeatable; any of them unless --all-tags)");
  cmd->add_flag("--all-tags", o->all_tags, "Require every --tag");
  cmd->add_option("--since", o->since, "Created at or after (YYYY-MM-DD or RFC 3339)");
  cmd->add_option("--until", o->until, "Created before (YYYY-MM-DD or RFC 3339)");
  cmd->add_flag("--archived", o->archived, "Include archived accounts");
  cmd->add_option("--limit", o->limit, "Page size (1-1000)");
  cmd->add_option("--after", o->after, "Cursor from the previous page (next_cursor)");
  cmd->callback([&ctx, &action, o] {
    action = [&ctx, o] {
      AccountQuery q;
      q.text = o->text;
      if (o->type) q.customer_type = parse_customer_type(*o->type);
      (o->all_tags ? q.tags_all : q.tags_any) = o->tags;
      if (o->since) q.created_from = parse_date(*o->since, "--since");
      if (o->until) q.created_to = parse_date(*o->until, "--until");
      q.archived = o->archived ? ArchivedFilter::Include : ArchivedFilter::Exclude;
      q.limit = o->limit;
      q.cursor = o->after;
      print_page(ctx, ctx.session().accounts().search(q));
      return kOk;
    };
  });
}

void add_stats(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("stats", "Account and contact statistics");
  cmd->callback([&ctx, &action] {
    action = [&ctx] {
      const AccountStats st = ctx.session().accounts().stats();
      json::array months;
      for (const auto& m : st.new_accounts_per_month) {
        months.push_back(json::object{{"year", m.year}, {"month", m.month}, {"count", m.count}});
      }
      json::array tags;
      for (const auto& t : st.top_tags)
        tags.push_back(json::object{{"tag", t.tag}, {"count", t.count}});
      if (ctx.json) {
        json::object doc;
        doc["accounts_total"] = st.total_accounts;
        doc["contacts_total"] = st.total_contacts;
        doc["by_type"] = json::object{{"Residential", st.residential_accounts},
                                      {"Commercial", st.commercial_accounts}};
        doc["archived_accounts"] = st.archived_accounts;
        doc["accounts_without_primary_contact"] = st.accounts_without_primary_contact;
        doc["new_accounts_per_month"] = std::move(months);
        doc["top_tags"] = std::move(tags);
        print_json(std::cout, doc);
        return kOk;
      }
      print_table(std::cout, {"FIGURE", "VALUE"},
                  {{"accounts (active)", std::to_string(st.total_accounts)},
                   {"  residential", std::to_string(st.residential_accounts)},
                   {"  commercial", std::to_string(st.commercial_accounts)},
                   {"accounts archived", std::to_string(st.archived_accounts)},
                   {"contacts", std::to_string(st.total_contacts)},
                   {"accounts without primary contact",
                    std::to_string(st.accounts_without_primary_contact)}});
      if (!st.top_tags.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& t : st.top_tags) rows.push_back({t.tag, std::to_string(t.count)});
        std::cout << '\n';
        print_table(std::cout, {"TAG", "ACCOUNTS"}, rows);
      }
      return kOk;
    };
  });
}

void add_import(CLI::App& app, Context& ctx, std::function<int()>& action) {
  struct ImportArgs {
    std::string file;
    std::optional<std::string> format, errors;
    bool strict = false, ignore_unknown = false;
    std::size_t batch = 1000;
  };
  auto o = std::make_shared<ImportArgs>();
  auto* cmd = app.add_subcommand("import", "Import accounts and contacts from NDJSON or CSV");
  cmd->add_option("FILE", o->file, "Input file ('-' for standard input)")->required();
  cmd->add_option("--format", o->format, "ndjson or csv (default: from the file name)")
      ->check(CLI::IsMember({"ndjson", "jsonl", "csv"}, CLI::ignore_case));
  cmd->add_flag("--strict", o->strict, "All or nothing: any rejected row imports nothing");
  cmd->add_option("--errors", o->errors, "Write every rejected row's errors to this file (NDJSON)");
  cmd->add_option("--batch", o->batch, "Rows per transaction")->check(CLI::PositiveNumber);
  cmd->add_flag("--ignore-unknown-columns", o->ignore_unknown,
                "CSV: skip columns this tool does not know");
  cmd->callback([&ctx, &action, o] {
    action = [&ctx, o] {
      ImportOptions options;
      options.format = o->format ? *parse_data_format(*o->format) : data_format_of(o->file);
      options.strict = o->strict;
      options.batch_size = o->batch;
      options.ignore_unknown_columns = o->ignore_unknown;
      std::ifstream file;
      std::istream* in = &std::cin;
      if (o->file != "-") {
        file.open(o->file, std::ios::binary);
        if (!file) throw BackendError("backend.io", "cannot open " + o->file);
        in = &file;
      }
      std::ofstream errors;
      if (o->errors) {
        errors.open(*o->errors, std::ios::binary | std::ios::trunc);
        if (!errors) throw BackendError("backend.io", "cannot write " + *o->errors);
        options.on_error = [&errors](const ImportError& e) {
          ImportReport one;
          one.errors.push_back(e);
          json::value v = json::parse(to_json(one));
          errors << json::serialize(v.as_object()["errors"].as_array()[0]) << '\n';
        };
      }
      Session& session = ctx.session();
      Progress progress("import", o->file == "-" ? 0 : file_size(o->file));
      options.progress = [&](std::uint64_t rows) {
        const auto pos = file.is_open() ? file.tellg() : std::streampos(-1);
        progress.update(rows, pos < 0 ? 0 : static_cast<std::uint64_t>(pos));
      };
      const ImportReport r = import_accounts(session, *in, options);
      if (ctx.json) {
        std::cout << to_json(r) << '\n';
      } else {
        std::cout << "rows read:  " << r.rows << '\n'
                  << "accounts:   " << r.accounts_created << " created, " << r.accounts_updated
                  << " updated, " << r.accounts_unchanged << " unchanged\n"
                  << "contacts:   " << r.contacts_created << " created, " << r.contacts_updated
                  << " updated, " << r.contacts_unchanged << " unchanged\n"
                  << "rejected:   " << r.rejected << " row(s)"
                  << (r.committed ? "" : " -- strict mode: nothing was imported") << '\n';
        if (!r.errors.empty()) {
          std::vector<std::vector<std::string>> rows;
          for (const auto& e : r.errors) {
            rows.push_back({std::to_string(e.line), e.field, e.code, cell(e.message, 70)});
          }
          std::cout << '\n';
          print_table(std::cout, {"LINE", "FIELD", "CODE", "MESSAGE"}, rows);
        }
      }
      return r.rejected > 0 ? kInvalid : kOk;
    };
  });
}

void add_export(CLI::App& app, Context& ctx, std::function<int()>& action) {
  struct ExportArgs {
    std::optional<std::string> format, output;
    std::optional<Id> account;
  };
  auto o = std::make_shared<ExportArgs>();
  auto* cmd = app.add_subcommand("export", "Export accounts with their contacts (NDJSON or CSV)");
  cmd->add_option("--format", o->format, "ndjson or csv (default: from -o, else ndjson)")
      ->check(CLI::IsMember({"ndjson", "jsonl", "csv"}, CLI::ignore_case));
  cmd->add_option("--account", o->account, "Export only this account");
  cmd->add_option("-o,--output", o->output, "Output file (default: standard output)");
  cmd->callback([&ctx, &action, o] {
    action = [&ctx, o] {
      ExportOptions options;
      options.format = o->format ? *parse_data_format(*o->format)
                                 : (o->output ? data_format_of(*o->output) : DataFormat::Ndjson);
      options.account_id = o->account;
      Session& session = ctx.session();
      if (!o->output) {
        export_accounts(session, std::cout, options);
        return kOk;
      }
      const std::string temp = *o->output + ".partial";
      ExportReport r;
      {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) throw BackendError("backend.io", "cannot write " + temp);
        Progress progress("export", 0);
        options.progress = [&](std::uint64_t n) {
          if (n % 100 == 0) progress.update(n, 0);
        };
        r = export_accounts(session, out, options);
      }
      if (std::rename(temp.c_str(), o->output->c_str()) != 0) {
        throw BackendError("backend.io", "cannot write " + *o->output);
      }
      done(ctx,
           {{"file", safe_text(*o->output)}, {"accounts", r.accounts}, {"contacts", r.contacts}},
           "exported " + std::to_string(r.accounts) + " account(s), " + std::to_string(r.contacts) +
               " contact(s) to " + *o->output);
      return kOk;
    };
  });
}

void add_backup_restore(CLI::App& app, Context& ctx, std::function<int()>& action) {
  {
    auto file = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("backup", "Write a consistent snapshot of the store to FILE");
    cmd->add_option("FILE", *file, "Backup file")->required();
    cmd->callback([&ctx, &action, file] {
      action = [&ctx, file] {
        const BackupKind kind = backup(ctx.session(), *file);
        const std::string k = kind == BackupKind::SqliteFile ? "sqlite" : "ndjson";
        done(ctx, {{"file", safe_text(*file)}, {"kind", k}},
             "backup (" + k + ") written to " + *file);
        return kOk;
      };
    });
  }
  {
    auto file = std::make_shared<std::string>();
    auto id = std::make_shared<Id>();
    auto* cmd = app.add_subcommand(
        "restore", "Restore one account and its contacts from a backup or NDJSON export");
    cmd->add_option("FILE", *file, "Backup (SQLite) or NDJSON export")->required();
    cmd->add_option("--account", *id, "Id of the account in the backup")->required();
    cmd->callback([&ctx, &action, file, id] {
      action = [&ctx, file, id] {
        const RestoreReport r = restore_account(ctx.session(), *file, *id);
        done(ctx,
             {{"account_id", r.account_id},
              {"recreated", r.recreated},
              {"contacts_created", r.contacts_created},
              {"contacts_updated", r.contacts_updated},
              {"contacts_deleted", r.contacts_deleted}},
             std::string(r.recreated ? "recreated" : "restored") + " account " +
                 std::to_string(*id) +
                 (r.account_id != *id ? " as " + std::to_string(r.account_id) : "") + ": " +
                 std::to_string(r.contacts_created) + " contact(s) added, " +
                 std::to_string(r.contacts_updated) + " reset, " +
                 std::to_string(r.contacts_deleted) + " removed");
        return kOk;
      };
    });
  }
}

void add_validate(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto kind = std::make_shared<std::string>();
  auto value = std::make_shared<std::string>();
  auto region = std::make_shared<std::string>("US");
  auto* cmd = app.add_subcommand(
      "validate", "Check an email, phone number or address (JSON) without a database");
  cmd->add_option("KIND", *kind, "email, phone or address")
      ->required()
      ->check(CLI::IsMember({"email", "phone", "address"}));
  cmd->add_option("VALUE", *value, "The value to check")->required();
  cmd->add_option("--region", *region, "Default region for phone numbers without +country");
  cmd->callback([&ctx, &action, kind, value, region] {
    action = [&ctx, kind, value, region] {
      FieldErrors errors;
      json::value normalized = nullptr;
      std::string shown;
      if (*kind == "email") {
        std::string out;
        errors = validate_email(*value, &out);
        if (errors.empty()) normalized = json::string(out), shown = out;
      } else if (*kind == "phone") {
        PhoneNumber out;
        PhoneOptions options;
        options.default_region = *region;
        errors = validate_phone(*value, options, &out);
        if (errors.empty()) {
          normalized = json::object{
              {"e164", out.e164}, {"extension", out.extension}, {"region", out.region}};
          shown = out.e164 + (out.extension.empty() ? "" : " ext. " + out.extension) + " (" +
                  out.region + ")";
        }
      } else {
        Address out;
        errors = validate_address_json(*value, &out);
        if (errors.empty()) normalized = json_of(to_json(out)), shown = to_json(out);
      }
      if (ctx.json) {
        print_json(std::cout, json::object{{"valid", errors.empty()},
                                           {"normalized", normalized},
                                           {"errors", json_of(to_json(errors))}});
      } else if (errors.empty()) {
        std::cout << "valid: " << shown << '\n';
      } else {
        std::cout << "invalid\n";
        for (const auto& e : errors)
          std::cout << "  " << e.field << ": " << e.message << " [" << e.code << "]\n";
      }
      return errors.empty() ? kOk : kInvalid;
    };
  });
}

void add_verify_archive(CLI::App& app, Context& ctx, std::function<int()>& action) {
  {
    auto* cmd =
        app.add_subcommand("verify", "Check integrity and invariants (after a restore or a crash)");
    cmd->callback([&ctx, &action] {
      action = [&ctx] {
        const auto problems = verify(ctx.session());
        if (ctx.json) {
          json::array list;
          for (const auto& p : problems)
            list.push_back(json::object{{"check", p.check}, {"message", p.message}});
          print_json(std::cout,
                     json::object{{"ok", problems.empty()}, {"problems", std::move(list)}});
        } else if (problems.empty()) {
          std::cout << "ok: no problems found\n";
        } else {
          std::vector<std::vector<std::string>> rows;
          for (const auto& p : problems) rows.push_back({p.check, p.message});
          print_table(std::cout, {"CHECK", "PROBLEM"}, rows);
        }
        return problems.empty() ? kOk : kInvalid;
      };
    });
  }
  {
    auto date = std::make_shared<std::string>();
    auto* cmd =
        app.add_subcommand("archive", "Archive accounts not updated since a date (reversible)");
    cmd->add_option("--older-than", *date, "YYYY-MM-DD or RFC 3339")->required();
    cmd->callback([&ctx, &action, date] {
      action = [&ctx, date] {
        const std::uint64_t n =
            archive_older_than(ctx.session(), parse_date(*date, "--older-than"));
        done(ctx, {{"archived", n}},
             "archived " + std::to_string(n) + " account(s) not updated since " + *date);
        return kOk;
      };
    });
  }
}

}  // namespace

void add_commands(CLI::App& app, Context& ctx, std::function<int()>& action) {
  add_migrate(app, ctx, action);
  add_account(app, ctx, action);
  add_contact(app, ctx, action);
  add_search(app, ctx, action);
  add_stats(app, ctx, action);
  add_import(app, ctx, action);
  add_export(app, ctx, action);
  add_backup_restore(app, ctx, action);
  add_validate(app, ctx, action);
  add_verify_archive(app, ctx, action);
}

}  // namespace custmgmt::cli
