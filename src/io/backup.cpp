#include <sqlite3.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include "custmgmt/account_repository.hpp"
#include "custmgmt/contact_repository.hpp"
#include "custmgmt/io.hpp"
#include "custmgmt/json.hpp"
#include "domain/session_impl.hpp"
#include "io/io_common.hpp"

namespace custmgmt {

namespace {

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = text[i];
    if (((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c) != prefix[i]) return false;
  }
  return true;
}

// The SQLite file name of a store URI, or std::nullopt when the URI names
// another backend. Mirrors the SQLite backend's own URI rules.
std::optional<std::string> sqlite_filename(std::string_view uri) {
  if (starts_with_nocase(uri, "postgres")) return std::nullopt;
  std::string rest(uri);
  if (starts_with_nocase(rest, "sqlite:")) {
    rest.erase(0, 7);
    if (rest.compare(0, 2, "//") == 0) rest.erase(0, 2);
  } else if (rest.find("://") != std::string::npos && !starts_with_nocase(rest, "file:")) {
    return std::nullopt;
  }
  if (rest == ":memory:" || rest == "file::memory:") {
    throw ValidationError({{"uri", "store.uri_invalid", "an in-memory store cannot be copied"}});
  }
  return rest;
}

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

[[noreturn]] void sqlite_failure(sqlite3* db, int rc, const std::string& what) {
  const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw BackendError("backend.io", what + ": " + message, sqlite3_errstr(rc));
}

SqliteHandle open_sqlite(const std::string& filename, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(filename.c_str(), &raw, flags | SQLITE_OPEN_URI, nullptr);
  SqliteHandle db(raw);
  if (rc != SQLITE_OK) sqlite_failure(raw, rc, "cannot open " + filename);
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

// Runs `sql` and returns the first column of every row as text.
std::vector<std::string> sqlite_rows(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) sqlite_failure(db, rc, sql);
  std::vector<std::string> rows;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const auto* text = sqlite3_column_text(stmt, i);
      if (i > 0) row += " ";
      row += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) sqlite_failure(db, rc, sql);
  return rows;
}

void backup_sqlite(const std::string& source, const std::filesystem::path& file) {
  const std::filesystem::path temp = file.string() + ".partial";
  std::error_code ignored;
  std::filesystem::remove(temp, ignored);
  {
    SqliteHandle src = open_sqlite(source, SQLITE_OPEN_READONLY);
    SqliteHandle dst = open_sqlite(temp.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3_backup* job = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
    if (job == nullptr) sqlite_failure(dst.get(), sqlite3_errcode(dst.get()), "backup");
    // One step copies every page under one read transaction: a consistent
    // snapshot even while other connections write.
    const int rc = sqlite3_backup_step(job, -1);
    sqlite3_backup_finish(job);
    if (rc != SQLITE_DONE) {
      std::filesystem::remove(temp, ignored);
      sqlite_failure(dst.get(), rc, "backup");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, file, ec);
  if (ec) throw BackendError("backend.io", "cannot write " + file.string() + ": " + ec.message());
}

bool is_sqlite_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[16] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 16 &&
         std::string_view(magic, 16) == std::string_view("SQLite format 3\0", 16);
}

// The account `id` and its contacts as stored in a backup or NDJSON file.
std::optional<std::pair<Account, std::vector<Contact>>> read_backup(
    const std::filesystem::path& file, Id id) {
  if (is_sqlite_file(file)) {
    StoreOptions options;
    options.migrate_on_open = false;
    Store store = Store::open("sqlite:" + file.string(), options);
    Session session = store.service();
    auto account = session.accounts().find(id);
    if (!account) return std::nullopt;
    return std::make_pair(*account, detail::all_contacts(session, id));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) detail::throw_io("cannot open " + file.string());
  detail::LineReader reader(in, limits::kJsonDocument);
  std::string line;
  bool overflow = false;
  bool any = false;
  while (reader.next(line, overflow)) {
    if (overflow || line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Account account;
    std::vector<Contact> contacts;
    FieldErrors errors;
    if (!detail::parse_ndjson_line(line, account, contacts, errors)) {
      if (!any) {
        throw ValidationError({{"file", "restore.format_invalid",
                                file.string() + " is neither a SQLite backup nor NDJSON (line " +
                                    std::to_string(reader.line_number()) + ")"}});
      }
      continue;
    }
    any = true;
    if (account.id == id) return std::make_pair(std::move(account), std::move(contacts));
  }
  return std::nullopt;
}

}  // namespace

BackupKind backup(Session& session, const std::filesystem::path& file) {
  const auto filename = sqlite_filename(detail::session_impl(session).store().uri());
  if (filename && session.is_service()) {
    backup_sqlite(*filename, file);
    return BackupKind::SqliteFile;
  }
  const std::filesystem::path temp = file.string() + ".partial";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) detail::throw_io("cannot write " + temp.string());
    // One transaction: every page and contact list is read in one snapshot
    // where the backend's isolation gives one (SQLite always; PostgreSQL
    // runs it at its default level, see docs/import-export.md).
    Transaction tx = session.transaction();
    export_accounts(session, out, {});
    tx.commit();
    out.close();
    if (!out) detail::throw_io("cannot write " + temp.string());
  }
  std::error_code ec;
  std::filesystem::rename(temp, file, ec);
  if (ec) throw BackendError("backend.io", "cannot write " + file.string() + ": " + ec.message());
  return BackupKind::Ndjson;
}

RestoreReport restore_account(Session& session, const std::filesystem::path& file, Id account_id) {
  auto found = read_backup(file, account_id);
  if (!found) {
    throw NotFound("account.not_found",
                   "account " + std::to_string(account_id) + " is not in " + file.string());
  }
  const Account& saved = found->first;
  const std::vector<Contact>& saved_contacts = found->second;
  RestoreReport report;
  Transaction tx = session.transaction();
  auto& accounts = session.accounts();
  Account stored;
  if (auto current = accounts.find(account_id)) {
    Account update = saved;
    update.version = current->version;
    update.created_by.reset();
    stored = accounts.update(update);
  } else {
    Account create = saved;
    if (!session.is_service()) create.created_by.reset();
    create.updated_by.reset();
    stored = accounts.create(create);
    report.recreated = true;
  }
  report.account_id = stored.id;
  if (saved.archived() && !stored.archived()) accounts.archive(stored.id);
  if (!saved.archived() && stored.archived()) accounts.restore(stored.id);

  std::vector<Contact> existing = detail::all_contacts(session, stored.id);
  std::vector<bool> used(existing.size(), false);
  std::vector<std::optional<std::size_t>> match(saved_contacts.size());
  const auto pick = [&](auto&& same) -> std::optional<std::size_t> {
    for (std::size_t j = 0; j < existing.size(); ++j) {
      if (!used[j] && same(existing[j])) {
        used[j] = true;
        return j;
      }
    }
    return std::nullopt;
  };
  for (std::size_t i = 0; i < saved_contacts.size(); ++i) {
    const Contact& c = saved_contacts[i];
    if (!report.recreated) match[i] = pick([&](const Contact& e) { return e.id == c.id; });
    if (!match[i] && c.email) {
      match[i] = pick([&](const Contact& e) {
        return e.email && detail::fold_text(*e.email) == detail::fold_text(*c.email);
      });
    }
    if (!match[i]) {
      match[i] = pick([&](const Contact& e) {
        return !e.email && detail::fold_text(e.contact_name) == detail::fold_text(c.contact_name);
      });
    }
  }
  auto& contacts = session.contacts();
  for (std::size_t j = 0; j < existing.size(); ++j) {
    if (!used[j]) {
      contacts.remove(existing[j].id);
      ++report.contacts_deleted;
    }
  }
  // Clear primaries before setting one, so the account never has two.
  for (bool primary : {false, true}) {
    for (std::size_t i = 0; i < saved_contacts.size(); ++i) {
      if (!match[i] || saved_contacts[i].is_primary_contact != primary) continue;
      Contact update = saved_contacts[i];
      const Contact& current = existing[*match[i]];
      update.id = current.id;
      update.customer_account_id = stored.id;
      update.version = current.version;
      update.created_by.reset();
      contacts.update(update);
      ++report.contacts_updated;
    }
  }
  for (std::size_t i = 0; i < saved_contacts.size(); ++i) {
    if (match[i]) continue;
    Contact add = saved_contacts[i];
    add.id = 0;
    add.customer_account_id = stored.id;
    add.created_by.reset();
    add.updated_by.reset();
    contacts.add(add);
    ++report.contacts_created;
  }
  tx.commit();
  return report;
}

std::vector<IntegrityProblem> verify(Session& session) {
  std::vector<IntegrityProblem> problems;
  if (const auto filename = sqlite_filename(detail::session_impl(session).store().uri())) {
    SqliteHandle db = open_sqlite(*filename, SQLITE_OPEN_READWRITE);
    for (const auto& row : sqlite_rows(db.get(), "PRAGMA integrity_check")) {
      if (row != "ok") problems.push_back({"integrity_check", row});
    }
    for (const auto& row : sqlite_rows(db.get(), "PRAGMA foreign_key_check")) {
      problems.push_back({"foreign_key_check", "table rowid parent fkid: " + row});
    }
    // FTS5's own check compares the index with its content table; it is an
    // INSERT that changes nothing, run inside a transaction rolled back.
    sqlite_rows(db.get(), "BEGIN");
    for (const char* table : {"customer_accounts_fts", "customer_contacts_fts"}) {
      const std::string sql = std::string("INSERT INTO ") + table + "(" + table +
                              ", rank) VALUES('integrity-check', 1)";
      char* error = nullptr;
      if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        problems.push_back({"fts_sync", std::string(table) + " is out of sync with its table: " +
                                            (error != nullptr ? error : "")});
      }
      sqlite3_free(error);
    }
    sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  AccountQuery query;
  query.archived = ArchivedFilter::Include;
  query.sort = AccountSort::CreatedAsc;
  query.limit = 500;
  while (true) {
    Page<Account> page = session.accounts().search(query);
    for (const Account& account : page.items) {
      const auto contacts = detail::all_contacts(session, account.id);
      int primaries = 0;
      std::map<std::string, Id> emails;
      for (const Contact& c : contacts) {
        if (c.is_primary_contact) ++primaries;
        if (!c.email) continue;
        const auto [it, fresh] = emails.emplace(detail::fold_text(*c.email), c.id);
        if (!fresh) {
          problems.push_back({"duplicate_email", "account " + std::to_string(account.id) +
                                                     ": contacts " + std::to_string(it->second) +
                                                     " and " + std::to_string(c.id) +
                                                     " share an email"});
        }
      }
      if (primaries > 1) {
        problems.push_back({"duplicate_primary", "account " + std::to_string(account.id) + " has " +
                                                     std::to_string(primaries) +
                                                     " primary contacts"});
      }
    }
    if (!page.next_cursor) break;
    query.cursor = *page.next_cursor;
  }
  return problems;
}

std::uint64_t archive_older_than(Session& session, Timestamp cutoff) {
  std::uint64_t archived = 0;
  AccountQuery query;
  query.sort = AccountSort::CreatedAsc;
  query.limit = 500;
  while (true) {
    Page<Account> page = session.accounts().search(query);
    for (const Account& account : page.items) {
      if (account.updated_at < cutoff) {
        session.accounts().archive(account.id);
        ++archived;
      }
    }
    if (!page.next_cursor) break;
    query.cursor = *page.next_cursor;
  }
  return archived;
}

}  // namespace custmgmt
