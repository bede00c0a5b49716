#include "backends/postgres/postgres_connection.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <exception>
#include <iterator>
#include <pqxx/nontransaction>
#include <pqxx/prepared_statement>
#include <type_traits>

#include "backends/postgres/postgres_error.hpp"
#include "custmgmt/address.hpp"
#include "custmgmt/error.hpp"
#include "domain/search_text.hpp"

namespace custmgmt::detail {

using postgres::Params;
using postgres::Stmt;

namespace {

constexpr std::size_t kBulkBatch = 1000;

std::string claims_for(const backend::Actor& actor) {
  // The user is a validated lower-case UUID (hex digits and dashes), so it
  // needs no JSON escaping.
  if (!actor.user) return {};
  return std::string("{\"sub\":\"") + *actor.user + "\",\"role\":\"" +
         (actor.service ? "service_role" : "authenticated") + "\"}";
}

std::optional<std::string> optional_micros(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return std::to_string(to_micros(*t));
}

int archived_code(ArchivedFilter f) {
  switch (f) {
    case ArchivedFilter::Exclude:
      return 0;
    case ArchivedFilter::Include:
      return 1;
    case ArchivedFilter::Only:
      return 2;
  }
  return 0;
}

Stmt account_search_statement(AccountSort sort) {
  switch (sort) {
    case AccountSort::Relevance:
      return Stmt::kSearchAccountsNamed;  // then kSearchAccountsOther
    case AccountSort::CreatedAsc:
      return Stmt::kSearchAccountsCreatedAsc;
    case AccountSort::NameAsc:
      return Stmt::kSearchAccountsName;
    case AccountSort::UpdatedDesc:
      return Stmt::kSearchAccountsUpdatedDesc;
    case AccountSort::Default:
    case AccountSort::CreatedDesc:
      break;
  }
  return Stmt::kSearchAccountsCreatedDesc;
}

Stmt contact_search_statement(backend::ContactOrder order) {
  switch (order) {
    case backend::ContactOrder::Relevance:
      return Stmt::kSearchContactsNamed;  // then kSearchContactsOther
    case backend::ContactOrder::PrimaryThenName:
      return Stmt::kSearchContactsPrimaryThenName;
    case backend::ContactOrder::Name:
      break;
  }
  return Stmt::kSearchContactsName;
}

boost::json::value optional_json(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return boost::json::value(*s);
}

// Runs a search whose order is relevance in two steps (see
// postgres_statements.hpp): `named` (tiers 0 and 1) from the keyset position
// when it lies in those tiers, then, if the page is not full, `other` (tier
// 2) from its start or from the position. `exec_page(stmt, after, limit)`
// runs one statement.
template <typename Row, typename ExecPage>
std::vector<Row> relevance_search(Stmt named, Stmt other,
                                  const std::optional<backend::SortKey>& after, std::size_t limit,
                                  ExecPage&& exec_page) {
  std::vector<Row> out;
  std::optional<backend::SortKey> other_after = after;
  if (!after || after->number <= 1) {
    out = exec_page(named, after, limit);
    if (out.size() >= limit) return out;
    other_after.reset();
  }
  auto rest = exec_page(other, other_after, limit - out.size());
  out.insert(out.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  return out;
}

}  // namespace

PostgresConnection::Link::~Link() {
  quiet.reset();  // unregisters from the connection, so before it
}

PostgresConnection::PostgresConnection(std::shared_ptr<PostgresBackend::Shared> shared,
                                       backend::Actor actor)
    : shared_(std::move(shared)), actor_(std::move(actor)), claims_(claims_for(actor_)) {
  try {
    primary_ = open_link(shared_->config.uri);
  } catch (...) {
    postgres::rethrow_translated("connect", nullptr);
  }
}

PostgresConnection::~PostgresConnection() {
  rollback();
}

std::unique_ptr<PostgresConnection::Link> PostgresConnection::open_link(const std::string& uri) {
  auto link = std::make_unique<Link>();
  link->conn = std::make_unique<pqxx::connection>(uri);
  link->quiet = std::make_unique<pqxx::quiet_errorhandler>(*link->conn);
  {
    // Session settings, kept for the life of the connection.
    // force_custom_plan: a prepared search with a generic plan ignores which
    // filters are NULL and how selective its values are (measured: 408 ms
    // generic vs 1.7 ms custom for a tag + type + date query); planning each
    // execution costs far less.
    pqxx::nontransaction n(*link->conn);
    const auto r = n.exec_params1(
        "SELECT set_config('plan_cache_mode', 'force_custom_plan', false), "
        "set_config('lock_timeout', $1::text, false), "
        "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated' "
        "AND pg_has_role(oid, 'MEMBER')), "
        "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role' "
        "AND pg_has_role(oid, 'MEMBER'))",
        std::to_string(shared_->config.busy_timeout.count()) + "ms");
    link->can_authenticated = r[2].as<bool>();
    link->can_service = r[3].as<bool>();
  }
  // libpqxx prepares these lazily, on first use, so a database that is not
  // migrated yet does not fail here.
  for (std::size_t i = 0; i < postgres::kStmtCount; ++i) {
    const auto id = static_cast<Stmt>(i);
    link->conn->prepare(postgres::statement_name(id), postgres::statement_sql(id));
  }
  return link;
}

PostgresConnection::Link& PostgresConnection::primary() {
  if (!primary_) {
    primary_ = open_link(shared_->config.uri);
    ++shared_->reconnects;
  }
  return *primary_;
}

void PostgresConnection::discard_primary() noexcept {
  tx_.reset();  // aborts if still active; libpqxx swallows errors of a dead link
  primary_.reset();
}

void PostgresConnection::fail(const char* what) {
  postgres::Damage damage = postgres::Damage::kNone;
  try {
    postgres::rethrow_translated(what, &damage);
  } catch (...) {
    if (damage == postgres::Damage::kConnection || (primary_ && !primary_->conn->is_open())) {
      discard_primary();
    }
    throw;
  }
}

void PostgresConnection::apply_actor(pqxx::transaction_base& tx, const Link& link) {
  const char* role = nullptr;
  if (!actor_.service) {
    if (!link.can_authenticated) {
      throw BackendError("backend.error",
                         "postgresql: the login role is not a member of role 'authenticated', "
                         "so it cannot act as a user under row-level security");
    }
    role = "authenticated";
  } else {
    // Not a member of service_role: act as the login role itself, which must
    // then be privileged (superuser or BYPASSRLS owner), e.g. to run the
    // first migration on a cluster where service_role does not exist yet.
    role = link.can_service ? "service_role" : "none";
  }
  Params p;
  p.text(role).text(claims_);
  exec(tx, Stmt::kActor, p);
}

void PostgresConnection::open_transaction(const char* what, bool snapshot) {
  for (int attempt = 0;; ++attempt) {
    try {
      Link& link = primary();
      tx_ = std::make_unique<pqxx::work>(*link.conn);
      // Before any query: the first one (the actor switch) takes the
      // snapshot a REPEATABLE READ transaction keeps.
      if (snapshot) tx_->exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      apply_actor(*tx_, link);
      return;
    } catch (...) {
      postgres::Damage damage = postgres::Damage::kNone;
      try {
        postgres::rethrow_translated(what, &damage);
      } catch (...) {
        const bool lost =
            damage == postgres::Damage::kConnection || (primary_ && !primary_->conn->is_open());
        if (lost) {
          discard_primary();
        } else {
          tx_.reset();
        }
        // Nothing of the caller's work was sent yet: one retry on a new
        // connection heals a connection the server closed while it was idle.
        if (lost && attempt == 0) continue;
        throw;
      }
    }
  }
}

pqxx::result PostgresConnection::exec(pqxx::transaction_base& tx, Stmt id, Params& params) {
  return tx.exec_prepared(postgres::statement_name(id),
                          pqxx::prepare::make_dynamic_params(params.pointers()));
}

pqxx::result PostgresConnection::exec(pqxx::transaction_base& tx, Stmt id) {
  return tx.exec_prepared(postgres::statement_name(id));
}

template <typename Work>
auto PostgresConnection::run(const char* what, Route route, Work&& work)
    -> decltype(work(std::declval<pqxx::transaction_base&>())) {
  using Result = decltype(work(std::declval<pqxx::transaction_base&>()));
  if (tx_) {
    try {
      return work(*tx_);
    } catch (...) {
      fail(what);
    }
  }
  if (route == Route::kRead && !shared_->config.replica_uris.empty()) {
    // Reads outside a transaction may see a replica's slightly older state;
    // anything that must see its own writes runs inside a transaction.
    for (std::size_t attempt = 0; attempt < shared_->config.replica_uris.size(); ++attempt) {
      try {
        if (!replica_) {
          const auto& uris = shared_->config.replica_uris;
          replica_ = open_link(uris[shared_->next_replica++ % uris.size()]);
        }
        pqxx::read_transaction rtx(*replica_->conn);
        apply_actor(rtx, *replica_);
        if constexpr (std::is_void_v<Result>) {
          work(rtx);
          rtx.commit();
          ++shared_->replica_reads;
          return;
        } else {
          Result result = work(rtx);
          rtx.commit();
          ++shared_->replica_reads;
          return result;
        }
      } catch (const pqxx::broken_connection&) {
        replica_.reset();
      } catch (const pqxx::sql_error& e) {
        // A replica that is not (yet) migrated or is shutting down is as
        // good as absent; other SQL errors are the query's own.
        const std::string& s = e.sqlstate();
        const bool unavailable = s.compare(0, 2, "08") == 0 || s.compare(0, 3, "57P") == 0 ||
                                 s == "42P01" || s == "42883";
        if (!unavailable && replica_ && replica_->conn->is_open()) {
          try {
            throw;
          } catch (...) {
            fail(what);
          }
        }
        replica_.reset();
      } catch (const Error&) {
        throw;
      } catch (const std::exception&) {
        replica_.reset();
      }
    }
    ++shared_->replica_fallbacks;
  }
  open_transaction(what);
  try {
    if constexpr (std::is_void_v<Result>) {
      work(*tx_);
      tx_->commit();
      tx_.reset();
    } else {
      Result result = work(*tx_);
      tx_->commit();
      tx_.reset();
      return result;
    }
  } catch (...) {
    if (tx_) {
      try {
        tx_->abort();
      } catch (...) {
      }
      tx_.reset();
    }
    fail(what);
  }
}

// ---- transactions

void PostgresConnection::begin() {
  if (tx_) throw BackendError("backend.error", "postgresql: a transaction is already open");
  open_transaction("begin");
}

void PostgresConnection::begin_snapshot() {
  if (tx_) throw BackendError("backend.error", "postgresql: a transaction is already open");
  open_transaction("begin_snapshot", true);
}

void PostgresConnection::commit() {
  if (!tx_) {
    throw BackendError("backend.connection",
                       "postgresql: commit: no transaction is open (the connection was lost)",
                       "08003");
  }
  try {
    tx_->commit();
    tx_.reset();
  } catch (...) {
    tx_.reset();
    fail("commit");
  }
}

void PostgresConnection::rollback() noexcept {
  if (!tx_) return;
  try {
    tx_->abort();
    tx_.reset();
  } catch (...) {
    discard_primary();
  }
}

void PostgresConnection::savepoint(const std::string& name) {
  run("savepoint", Route::kPrimary,
      [&](pqxx::transaction_base& tx) { tx.exec0("SAVEPOINT " + tx.quote_name(name)); });
}

void PostgresConnection::release_savepoint(const std::string& name) {
  run("release_savepoint", Route::kPrimary,
      [&](pqxx::transaction_base& tx) { tx.exec0("RELEASE SAVEPOINT " + tx.quote_name(name)); });
}

void PostgresConnection::rollback_to_savepoint(const std::string& name) {
  if (!tx_) {
    throw BackendError("backend.connection",
                       "postgresql: rollback_to_savepoint: no transaction is open", "08003");
  }
  run("rollback_to_savepoint", Route::kPrimary, [&](pqxx::transaction_base& tx) {
    const std::string quoted = tx.quote_name(name);
    tx.exec0("ROLLBACK TO SAVEPOINT " + quoted);
    tx.exec0("RELEASE SAVEPOINT " + quoted);
  });
}

// ---- accounts

Account PostgresConnection::insert_account(const Account& account, const std::string& name_key) {
  return run("insert_account", Route::kPrimary, [&](pqxx::transaction_base& tx) {
    Params p;
    p.text(account.company_name)
        .text(name_key)
        .text(std::string(to_string(account.customer_type)))
        .text(to_json(account.billing_address))
        .text(to_json(account.service_address))
        .text(account.account_notes)
        .text_array(account.tags)
        .text(account.created_by)
        .text(account.updated_by);
    const auto r = exec(tx, Stmt::kInsertAccount, p);
    if (r.empty()) throw BackendError("backend.error", "postgresql: insert_account: no row");
    return postgres::read_account(r[0]);
  });
}

std::vector<Account> PostgresConnection::insert_accounts(
    const std::vector<Account>& accounts, const std::vector<std::string>& name_keys) {
  if (name_keys.size() != accounts.size()) {
    throw BackendError("backend.error", "postgresql: insert_accounts: one name key per account");
  }
  return run("insert_accounts", Route::kPrimary, [&](pqxx::transaction_base& tx) {
    std::vector<Account> out;
    out.reserve(accounts.size());
    for (std::size_t start = 0; start < accounts.size(); start += kBulkBatch) {
      const std::size_t end = std::min(accounts.size(), start + kBulkBatch);
      boost::json::array batch;
      batch.reserve(end - start);
      for (std::size_t i = start; i < end; ++i) {
        const Account& a = accounts[i];
        boost::json::array tags;
        for (const auto& t : a.tags) tags.emplace_back(t);
        boost::json::object o;
        o["company_name"] = a.company_name;
        o["company_name_key"] = name_keys[i];
        o["customer_type"] = std::string(to_string(a.customer_type));
        // The same JSON text insert_account() binds.
        o["billing_address"] = boost::json::parse(to_json(a.billing_address));
        o["service_address"] = boost::json::parse(to_json(a.service_address));
        o["account_notes"] = optional_json(a.account_notes);
        o["tags"] = std::move(tags);
        o["created_by"] = optional_json(a.created_by);
        o["updated_by"] = optional_json(a.updated_by);
        batch.emplace_back(std::move(o));
      }
      Params p;
      p.text(boost::json::serialize(batch));
      const auto r = exec(tx, Stmt::kInsertAccounts, p);
      // Identity values are drawn in insertion order, which follows the
      // input order (ORDER BY ordinality); RETURNING order is not promised,
      // so the batch is put back in input order by id.
      std::vector<Account> stored;
      stored.reserve(r.size());
      for (const auto& row : r) stored.push_back(postgres::read_account(row));
      std::sort(stored.begin(), stored.end(),
                [](const Account& x, const Account& y) { return x.id < y.id; });
      if (stored.size() != end - start) {
        throw BackendError("backend.error", "postgresql: insert_accounts: rows went missing");
      }
      for (auto& a : stored) out.push_back(std::move(a));
    }
    return out;
  });
}

std::optional<Account> PostgresConnection::select_account(Id id) {
  return run("select_account", Route::kRead,
             [&](pqxx::transaction_base& tx) -> std::optional<Account> {
               Params p;
               p.bigint(id);
               const auto r = exec(tx, Stmt::kSelectAccount, p);
               if (r.empty()) return std::nullopt;
               return postgres::read_account(r[0]);
             });
}

std::vector<Account> PostgresConnection::select_accounts_by_name_keys(
    const std::vector<std::string>& name_keys) {
  if (name_keys.empty()) return {};
  return run("select_accounts_by_name_keys", Route::kRead, [&](pqxx::transaction_base& tx) {
    Params p;
    p.text_array(name_keys);
    const auto r = exec(tx, Stmt::kSelectAccountsByNameKeys, p);
    std::vector<Account> out;
    out.reserve(r.size());
    for (const auto& row : r) out.push_back(postgres::read_account(row));
    return out;
  });
}

std::optional<Account> PostgresConnection::update_account(const Account& account,
                                                          const std::string& name_key,
                                                          std::int64_t expected_version) {
  return run("update_account", Route::kPrimary,
             [&](pqxx::transaction_base& tx) -> std::optional<Account> {
               Params p;
               p.bigint(account.id)
                   .text(account.company_name)
                   .text(name_key)
                   .text(std::string(to_string(account.customer_type)))
                   .text(to_json(account.billing_address))
                   .text(to_json(account.service_address))
                   .text(account.account_notes)
                   .text_array(account.tags)
                   .text(actor_.user)
                   .bigint(expected_version);
               const auto r = exec(tx, Stmt::kUpdateAccount, p);
               if (r.empty()) return std::nullopt;
               return postgres::read_account(r[0]);
             });
}

std::optional<Account> PostgresConnection::set_archived(Id id, bool archived) {
  return run("set_archived", Route::kPrimary,
             [&](pqxx::transaction_base& tx) -> std::optional<Account> {
               Params p;
               p.bigint(id).boolean(archived).text(actor_.user);
               const auto r = exec(tx, Stmt::kSetArchived, p);
               if (r.empty()) return std::nullopt;
               return postgres::read_account(r[0]);
             });
}

bool PostgresConnection::delete_account(Id id) {
  return run("delete_account", Route::kPrimary, [&](pqxx::transaction_base& tx) {
    Params p;
    p.bigint(id);
    return exec(tx, Stmt::kDeleteAccount, p).affected_rows() > 0;
  });
}

std::vector<Account> PostgresConnection::search_accounts(const backend::AccountSearch& search) {
  return run("search_accounts", Route::kRead, [&](pqxx::transaction_base& tx) {
    const auto page = [&](Stmt id, const std::optional<backend::SortKey>& after,
                          std::size_t limit) {
      Params p;
      p.text_array(search.words, true).text(search.text_key);
      if (search.customer_type) {
        p.text(std::string(to_string(*search.customer_type)));
      } else {
        p.null();
      }
      p.text_array(search.tags_any, true)
          .text_array(search.tags_all, true)
          .text(optional_micros(search.created_from))
          .text(optional_micros(search.created_to))
          .bigint(archived_code(search.archived));
      if (after) {
        p.bigint(after->number).text(after->text).bigint(after->id);
      } else {
        p.null().null().null();
      }
      p.bigint(static_cast<std::int64_t>(limit));
      const auto r = exec(tx, id, p);
      std::vector<Account> out;
      out.reserve(r.size());
      for (const auto& row : r) out.push_back(postgres::read_account(row));
      return out;
    };
    if (search.sort == AccountSort::Relevance) {
      // Tiers 0 and 1 from the name-key index alone when the words allow;
      // tier 2 of a user session through the GIN index (the service role is
      // not under row-level security, so *Other uses that index directly).
      const Stmt named = detail::prefix_implies_text_match(search.words)
                             ? Stmt::kSearchAccountsPrefix
                             : Stmt::kSearchAccountsNamed;
      const Stmt other =
          actor_.service ? Stmt::kSearchAccountsOther : Stmt::kSearchAccountsOtherVisible;
      return relevance_search<Account>(named, other, search.after, search.limit, page);
    }
    Stmt id = account_search_statement(search.sort);
    // A user session's tag filter in created order: the page comes from the
    // caller's tag keys (migration 0003); under RLS && and @> cannot use an
    // index. The function returns exactly the first `limit` visible rows
    // matching every filter but the text one, so a search with words (whose
    // test could drop some of them and shorten the page) keeps the plain
    // walk.
    if (id == Stmt::kSearchAccountsCreatedDesc && !actor_.service && search.words.empty() &&
        (!search.tags_any.empty() || !search.tags_all.empty())) {
      id = Stmt::kSearchAccountsTagsCreatedDesc;
    }
    return page(id, search.after, search.limit);
  });
}

AccountStats PostgresConnection::account_stats(const backend::StatsSpec& spec) {
  return run("account_stats", Route::kRead, [&](pqxx::transaction_base& tx) {
    AccountStats stats;
    const auto counts = exec(tx, Stmt::kStatsAccounts);
    const auto& c = counts.at(0);
    stats.total_accounts = c[0].as<std::int64_t>();
    stats.residential_accounts = c[1].as<std::int64_t>();
    stats.commercial_accounts = c[2].as<std::int64_t>();
    stats.archived_accounts = c[3].as<std::int64_t>();
    stats.total_contacts = c[4].as<std::int64_t>();
    stats.accounts_without_primary_contact = c[5].as<std::int64_t>();
    Params months;
    months.bigint(to_micros(spec.since));
    for (const auto& row : exec(tx, Stmt::kStatsMonths, months)) {
      stats.new_accounts_per_month.push_back(
          {row[0].as<int>(), row[1].as<int>(), row[2].as<std::int64_t>()});
    }
    if (spec.top_tags > 0) {
      Params tags;
      tags.bigint(spec.top_tags);
      for (const auto& row : exec(tx, Stmt::kStatsTopTags, tags)) {
        stats.top_tags.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>()});
      }
    }
    return stats;
  });
}

// ---- contacts

std::optional<Contact> PostgresConnection::insert_contact(const Contact& contact,
                                                          const std::string& name_key) {
  return run("insert_contact", Route::kPrimary,
             [&](pqxx::transaction_base& tx) -> std::optional<Contact> {
               Params p;
               p.bigint(contact.customer_account_id)
                   .text(contact.contact_name)
                   .text(name_key)
                   .text(contact.email)
                   .text(contact.phone)
                   .text(contact.phone_extension)
                   .text(contact.phone_display)
                   .text(contact.role)
                   .boolean(contact.is_primary_contact)
                   .text(contact.contact_notes)
                   .text(contact.created_by)
                   .text(contact.updated_by);
               const auto r = exec(tx, Stmt::kInsertContact, p);
               if (r.empty()) return std::nullopt;
               return postgres::read_contact(r[0]);
             });
}

std::vector<std::optional<Contact>> PostgresConnection::insert_contacts(
    const std::vector<Contact>& contacts, const std::vector<std::string>& name_keys) {
  if (name_keys.size() != contacts.size()) {
    throw BackendError("backend.error", "postgresql: insert_contacts: one name key per contact");
  }
  return run("insert_contacts", Route::kPrimary, [&](pqxx::transaction_base& tx) {
    std::vector<std::optional<Contact>> out;
    out.reserve(contacts.size());
    for (std::size_t start = 0; start < contacts.size(); start += kBulkBatch) {
      const std::size_t end = std::min(contacts.size(), start + kBulkBatch);
      boost::json::array batch;
      batch.reserve(end - start);
      for (std::size_t i = start; i < end; ++i) {
        const Contact& c = contacts[i];
        boost::json::object o;
        o["customer_account_id"] = c.customer_account_id;
        o["contact_name"] = c.contact_name;
        o["contact_name_key"] = name_keys[i];
        o["email"] = optional_json(c.email);
        o["phone"] = optional_json(c.phone);
        o["phone_extension"] = optional_json(c.phone_extension);
        o["phone_display"] = optional_json(c.phone_display);
        o["role"] = optional_json(c.role);
        o["is_primary_contact"] = c.is_primary_contact;
        o["contact_notes"] = optional_json(c.contact_notes);
        o["created_by"] = optional_json(c.created_by);
        o["updated_by"] = optional_json(c.updated_by);
        batch.emplace_back(std::move(o));
      }
      Params p;
      p.text(boost::json::serialize(batch));
      const auto r = exec(tx, Stmt::kInsertContacts, p);
      // Ids follow the input order (ORDER BY ordinality); RETURNING order
      // is not promised, so the rows are sorted by id. A row is missing
      // exactly when its account is not visible, and then every row of that
      // account is.
      std::vector<Contact> stored;
      stored.reserve(r.size());
      for (const auto& row : r) stored.push_back(postgres::read_contact(row));
      std::sort(stored.begin(), stored.end(),
                [](const Contact& x, const Contact& y) { return x.id < y.id; });
      std::vector<Id> inserted_accounts;
      for (const auto& c : stored) inserted_accounts.push_back(c.customer_account_id);
      std::sort(inserted_accounts.begin(), inserted_accounts.end());
      std::size_t next = 0;
      for (std::size_t i = start; i < end; ++i) {
        if (!std::binary_search(inserted_accounts.begin(), inserted_accounts.end(),
                                contacts[i].customer_account_id)) {
          out.emplace_back(std::nullopt);
          continue;
        }
        if (next >= stored.size() ||
            stored[next].customer_account_id != contacts[i].customer_account_id) {
          throw BackendError("backend.error", "postgresql: insert_contacts: rows went missing");
        }
        out.emplace_back(std::move(stored[next++]));
      }
      if (next != stored.size()) {
        throw BackendError("backend.error", "postgresql: insert_contacts: unexpected rows");
      }
    }
    return out;
  });
}

std::optional<Contact> PostgresConnection::select_contact(Id id) {
  return run("select_contact", Route::kRead,
             [&](pqxx::transaction_base& tx) -> std::optional<Contact> {
               Params p;
               p.bigint(id);
               const auto r = exec(tx, Stmt::kSelectContact, p);
               if (r.empty()) return std::nullopt;
               return postgres::read_contact(r[0]);
             });
}

std::optional<Contact> PostgresConnection::update_contact(const Contact& contact,
                                                          const std::string& name_key,
                                                          std::int64_t expected_version) {
  return run("update_contact", Route::kPrimary,
             [&](pqxx::transaction_base& tx) -> std::optional<Contact> {
               Params p;
               p.bigint(contact.id)
                   .bigint(contact.customer_account_id)
                   .text(contact.contact_name)
                   .text(name_key)
                   .text(contact.email)
                   .text(contact.phone)
                   .text(contact.phone_extension)
                   .text(contact.phone_display)
                   .text(contact.role)
                   .boolean(contact.is_primary_contact)
                   .text(contact.contact_notes)
                   .text(actor_.user)
                   .bigint(expected_version);
               const auto r = exec(tx, Stmt::kUpdateContact, p);
               if (r.empty()) return std::nullopt;
               return postgres::read_contact(r[0]);
             });
}

std::vector<Contact> PostgresConnection::select_contacts_of_accounts(
    const std::vector<Id>& account_ids) {
  if (account_ids.empty()) return {};
  return run("select_contacts_of_accounts", Route::kRead, [&](pqxx::transaction_base& tx) {
    std::vector<std::string> ids;
    ids.reserve(account_ids.size());
    for (const Id id : account_ids) ids.push_back(std::to_string(id));
    Params p;
    p.text_array(ids);
    const auto r = exec(tx, Stmt::kSelectContactsOfAccounts, p);
    std::vector<Contact> out;
    out.reserve(r.size());
    for (const auto& row : r) out.push_back(postgres::read_contact(row));
    return out;
  });
}

bool PostgresConnection::delete_contact(Id id) {
  return run("delete_contact", Route::kPrimary, [&](pqxx::transaction_base& tx) {
    Params p;
    p.bigint(id);
    return exec(tx, Stmt::kDeleteContact, p).affected_rows() > 0;
  });
}

std::optional<Contact> PostgresConnection::set_primary_contact(Id id) {
  return run("set_primary_contact", Route::kPrimary,
             [&](pqxx::transaction_base& tx) -> std::optional<Contact> {
               Params state;
               state.bigint(id);
               if (exec(tx, Stmt::kLockPrimaryState, state).empty()) return std::nullopt;
               // Decide on a fresh read, not on the lock statement's own
               // is_primary_contact: when that statement had to wait for the
               // account lock, READ COMMITTED rechecks only the locked account
               // row and returns the contact's columns as they were before the
               // wait. A racing set_primary that had just moved the primary
               // away then looked like "already primary", and this call
               // returned the contact without making it primary.
               Params p;
               p.bigint(id);
               const auto read = exec(tx, Stmt::kSelectContact, p);
               if (read.empty()) return std::nullopt;
               Contact current = postgres::read_contact(read[0]);
               // Already primary: no write, so no version bump.
               if (current.is_primary_contact) return current;
               // Clear first: the unique index is checked row by row.
               Params clear;
               clear.bigint(current.customer_account_id).bigint(id).text(actor_.user);
               exec(tx, Stmt::kClearPrimary, clear);
               Params make;
               make.bigint(id).text(actor_.user);
               const auto r = exec(tx, Stmt::kMakePrimary, make);
               if (r.empty()) return std::nullopt;
               return postgres::read_contact(r[0]);
             });
}

std::vector<Contact> PostgresConnection::search_contacts(const backend::ContactSearch& search) {
  return run("search_contacts", Route::kRead, [&](pqxx::transaction_base& tx) {
    const auto page = [&](Stmt id, const std::optional<backend::SortKey>& after,
                          std::size_t limit) {
      Params p;
      p.text_array(search.words, true)
          .text(search.text_key)
          .text(search.email)
          .text(search.phone)
          .bigint(search.account_id ? std::optional<std::int64_t>(*search.account_id)
                                    : std::nullopt);
      if (after) {
        p.bigint(after->number).text(after->text).bigint(after->id);
      } else {
        p.null().null().null();
      }
      p.bigint(static_cast<std::int64_t>(limit));
      const auto r = exec(tx, id, p);
      std::vector<Contact> out;
      out.reserve(r.size());
      for (const auto& row : r) out.push_back(postgres::read_contact(row));
      return out;
    };
    if (search.order == backend::ContactOrder::Relevance) {
      return relevance_search<Contact>(Stmt::kSearchContactsNamed, Stmt::kSearchContactsOther,
                                       search.after, search.limit, page);
    }
    return page(contact_search_statement(search.order), search.after, search.limit);
  });
}

// ---- migrations

std::vector<int> PostgresConnection::applied_migrations() {
  // Unlike the interface's wording, a missing table is not created here but
  // by the first record_migration(): reading the schema version (e.g.
  // Store::schema_version() after migrate(0)) must not leave an object
  // behind in a fully rolled-back database.
  return run("applied_migrations", Route::kPrimary, [&](pqxx::transaction_base& tx) {
    exec(tx, Stmt::kMigrationLock);
    std::vector<int> versions;
    if (!exec(tx, Stmt::kMigrationsTableExists).at(0)[0].as<bool>()) return versions;
    for (const auto& row : exec(tx, Stmt::kAppliedMigrations)) {
      versions.push_back(row[0].as<int>());
    }
    return versions;
  });
}

void PostgresConnection::execute_script(const std::string& sql) {
  run("execute_script", Route::kPrimary, [&](pqxx::transaction_base& tx) {
    exec(tx, Stmt::kMigrationLock);
    tx.exec(sql);
  });
}

void PostgresConnection::record_migration(const backend::Migration& migration, bool applied) {
  run("record_migration", Route::kPrimary, [&](pqxx::transaction_base& tx) {
    Params p;
    p.bigint(migration.version);
    if (applied && !exec(tx, Stmt::kMigrationsTableExists).at(0)[0].as<bool>()) {
      // DDL, and two statements: not a prepared statement.
      tx.exec(postgres::statement_sql(Stmt::kCreateMigrationsTable));
    }
    if (applied) {
      p.text(migration.name);
      exec(tx, Stmt::kRecordMigration, p);
    } else {
      exec(tx, Stmt::kEraseMigration, p);
    }
  });
}

void PostgresConnection::drop_migrations_table() {
  run("drop_migrations_table", Route::kPrimary, [&](pqxx::transaction_base& tx) {
    exec(tx, Stmt::kMigrationLock);
    tx.exec(postgres::statement_sql(Stmt::kDropMigrationsTable));
  });
}

// ---- integrity

std::vector<IntegrityProblem> PostgresConnection::check_integrity() {
  if (!actor_.service) {
    throw PermissionDenied("permission.denied",
                           "only the service role may check the whole database");
  }
  // Each query returns (check, message) rows; the tables are the ones the
  // search_path resolves, as for every other statement.
  static const char* const kChecks[] = {
      "SELECT 'index_invalid', i.indexrelid::regclass::text || ' on ' || "
      "i.indrelid::regclass::text || ' is ' || "
      "CASE WHEN NOT i.indisready THEN 'not ready' ELSE 'invalid' END || "
      "' (an interrupted CREATE INDEX CONCURRENTLY?); REINDEX it' "
      "FROM pg_index i WHERE i.indrelid IN ('customer_accounts'::regclass, "
      "'customer_contacts'::regclass) AND NOT (i.indisvalid AND i.indisready) ORDER BY 2",
      "SELECT 'constraint_not_valid', c.conrelid::regclass::text || ': constraint ' || "
      "c.conname || ' is NOT VALID (rows may break it); VALIDATE CONSTRAINT it' "
      "FROM pg_constraint c WHERE c.conrelid IN ('customer_accounts'::regclass, "
      "'customer_contacts'::regclass) AND NOT c.convalidated ORDER BY 2",
      "SELECT 'foreign_key_check', 'customer_contacts ' || c.id || ' belongs to account ' || "
      "c.customer_account_id || ', which does not exist' FROM customer_contacts c "
      "WHERE NOT EXISTS (SELECT 1 FROM customer_accounts a WHERE a.id = c.customer_account_id) "
      "ORDER BY c.id",
      "SELECT 'row_level_security', c.oid::regclass::text || ': row-level security is ' || "
      "CASE WHEN NOT c.relrowsecurity THEN 'disabled' ELSE 'not forced' END "
      "FROM pg_class c WHERE c.oid IN ('customer_accounts'::regclass, "
      "'customer_contacts'::regclass) AND NOT (c.relrowsecurity AND c.relforcerowsecurity) "
      "ORDER BY 2",
  };
  return run("check_integrity", Route::kPrimary, [&](pqxx::transaction_base& tx) {
    std::vector<IntegrityProblem> problems;
    for (const char* sql : kChecks) {
      for (const auto& row : tx.exec(sql)) {
        problems.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
      }
    }
    return problems;
  });
}

}  // namespace custmgmt::detail
