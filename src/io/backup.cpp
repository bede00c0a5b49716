#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include "custmgmt/account_repository.hpp"
#include "custmgmt/backend.hpp"
#include "custmgmt/contact_repository.hpp"
#include "custmgmt/io.hpp"
#include "custmgmt/json.hpp"
#include "domain/session_impl.hpp"
#include "io/io_common.hpp"

namespace custmgmt {

namespace {

// Replaces `file` by the finished `temp`.
void move_into_place(const std::filesystem::path& temp, const std::filesystem::path& file) {
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
  const std::filesystem::path temp = file.string() + ".partial";
  std::error_code ignored;
  std::filesystem::remove(temp, ignored);
  // One snapshot for everything read: every page and contact list, or every
  // page of the database file.
  Transaction tx = session.snapshot();
  try {
    if (session.is_service() && detail::session_impl(session).conn().backup_to_file(temp)) {
      tx.commit();
      move_into_place(temp, file);
      return BackupKind::SqliteFile;
    }
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) detail::throw_io("cannot write " + temp.string());
    export_accounts(session, out, {});
    out.close();
    if (!out) detail::throw_io("cannot write " + temp.string());
    tx.commit();
  } catch (...) {
    std::filesystem::remove(temp, ignored);
    throw;
  }
  move_into_place(temp, file);
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
  // The engine's checks look at the whole database, every user's rows.
  if (session.is_service()) problems = detail::session_impl(session).conn().check_integrity();
  // The invariants, over what the session sees, in one snapshot (or in the
  // caller's transaction).
  std::optional<Transaction> tx = detail::read_snapshot(session);
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
  if (tx) tx->commit();
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
