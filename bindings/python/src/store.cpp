// Store, Session, Transaction and the two repositories. Everything here that
// touches storage runs with the GIL released.
#include <cctype>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bindings.hpp"

namespace custmgmt::python {

namespace {

using nogil = py::call_guard<py::gil_scoped_release>;

// The repositories are views of a session; holding the session keeps their
// C++ counterparts (owned by the session) alive.
struct AccountsView {
  std::shared_ptr<SharedSession> shared;
};
struct ContactsView {
  std::shared_ptr<SharedSession> shared;
};

struct TransactionHandle {
  TransactionHandle(std::shared_ptr<SharedSession> s, Transaction t)
      : shared(std::move(s)), tx(std::move(t)) {}
  TransactionHandle(const TransactionHandle&) = delete;
  TransactionHandle& operator=(const TransactionHandle&) = delete;
  // A transaction dropped while active rolls back, like its C++ counterpart.
  ~TransactionHandle() {
    if (!tx || !tx->active()) return;
    if (shared->holder.load() == std::this_thread::get_id()) {
      tx.reset();  // dropped by a callback of an io call that holds the session in this thread
      return;
    }
    // Python drops it with the GIL held; wait for the session without the GIL,
    // since an io call holding the session may need it for its callbacks.
    std::optional<py::gil_scoped_release> release;
    if (PyGILState_Check() != 0) release.emplace();
    SessionLock lock(*shared);
    tx.reset();
  }
  std::shared_ptr<SharedSession> shared;  // declared first: outlives `tx`
  std::optional<Transaction> tx;
};

// "created_desc", "CreatedDesc", "created-desc" -> "createddesc".
std::string squash(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '_' || c == '-' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// Unknown names become out-of-range enum values on purpose: the repository
// reports them (customer_type.invalid, query.archived_invalid,
// query.sort_invalid) together with every other field error of the query.
constexpr int kInvalidEnum = -1;

ArchivedFilter archived_from(const std::string& text) {
  const std::string s = squash(text);
  if (s == "exclude") return ArchivedFilter::Exclude;
  if (s == "include") return ArchivedFilter::Include;
  if (s == "only") return ArchivedFilter::Only;
  return static_cast<ArchivedFilter>(kInvalidEnum);
}

AccountSort sort_from(const std::string& text) {
  const std::string s = squash(text);
  if (s == "default") return AccountSort::Default;
  if (s == "relevance") return AccountSort::Relevance;
  if (s == "createddesc") return AccountSort::CreatedDesc;
  if (s == "createdasc") return AccountSort::CreatedAsc;
  if (s == "nameasc") return AccountSort::NameAsc;
  if (s == "updateddesc") return AccountSort::UpdatedDesc;
  return static_cast<AccountSort>(kInvalidEnum);
}

// Negative sizes wrap to huge values, which the repository rejects with
// query.limit_invalid like any other out-of-range limit.
std::size_t page_limit(std::int64_t limit) {
  return static_cast<std::size_t>(limit);
}

py::dict store_stats_to_dict(const StoreStats& s) {
  py::dict d;
  d["replica_reads"] = s.replica_reads;
  d["replica_fallbacks"] = s.replica_fallbacks;
  return d;
}

void bind_store_class(py::module_& m) {
  py::class_<Store>(m, "Store",
                    "An open customer database. Copies share the same database handle;\n"
                    "thread-safe: sessions may be opened from any thread.")
      .def_static(
          "open",
          [](const std::string& uri, const std::string& default_region,
             std::int64_t busy_timeout_ms, bool migrate_on_open,
             std::vector<std::string> read_replicas) {
            StoreOptions options;
            options.default_region = default_region;
            options.busy_timeout = std::chrono::milliseconds(busy_timeout_ms);
            options.migrate_on_open = migrate_on_open;
            options.read_replicas = std::move(read_replicas);
            return Store::open(uri, options);
          },
          py::arg("uri"), py::kw_only(), py::arg("default_region") = "US",
          py::arg("busy_timeout_ms") = 5000, py::arg("migrate_on_open") = true,
          py::arg("read_replicas") = std::vector<std::string>{}, nogil(),
          "Opens (and by default creates and migrates) a store; see custmgmt.open().")
      .def(
          "session",
          [](const Store& store, const std::string& user) {
            return std::make_shared<SharedSession>(store.session(user));
          },
          py::arg("user"), nogil(),
          "Opens a session acting as the user ``user`` (a UUID, the spec's auth.uid()).")
      .def(
          "service",
          [](const Store& store, const std::optional<std::string>& audit_user) {
            if (!audit_user) return std::make_shared<SharedSession>(store.service());
            return std::make_shared<SharedSession>(store.service(std::string_view(*audit_user)));
          },
          py::arg("audit_user") = py::none(), nogil(),
          "Opens a session as the service role (sees every row).")
      .def("schema_version", &Store::schema_version, nogil(),
           "Version of the newest migration applied to the database.")
      .def("latest_schema_version", &Store::latest_schema_version,
           "Version of the newest migration compiled into the library.")
      .def("migrate", &Store::migrate, py::arg("target"), nogil(),
           "Migrates the schema up or down to ``target``.")
      .def("backend_name", &Store::backend_name, "``\"sqlite\"`` or ``\"postgresql\"``.")
      .def_property_readonly("default_region",
                             [](const Store& s) { return s.options().default_region; })
      .def_property_readonly("busy_timeout_ms",
                             [](const Store& s) {
                               return static_cast<std::int64_t>(s.options().busy_timeout.count());
                             })
      .def_property_readonly("migrate_on_open",
                             [](const Store& s) { return s.options().migrate_on_open; })
      .def_property_readonly("read_replicas",
                             [](const Store& s) { return s.options().read_replicas; })
      .def("stats", &Store::stats, "Counters since the store was opened (read replicas).");

  py::class_<StoreStats>(m, "StoreStats", "Counters of a store since it was opened.")
      .def_readonly("replica_reads", &StoreStats::replica_reads, "Reads served by a read replica.")
      .def_readonly("replica_fallbacks", &StoreStats::replica_fallbacks,
                    "Reads sent to the primary because no replica answered.")
      .def("to_dict", &store_stats_to_dict)
      .def("__repr__",
           [](const StoreStats& s) { return make_repr("StoreStats", store_stats_to_dict(s)); });
}

void bind_session_class(py::module_& m) {
  py::class_<SharedSession, std::shared_ptr<SharedSession>>(
      m, "Session",
      "A connection acting as one user or as the service role. Calls from several\n"
      "threads are serialised (the C++ Session is not thread-safe); for parallel work\n"
      "open one session per thread.")
      .def_property_readonly(
          "accounts", [](const std::shared_ptr<SharedSession>& s) { return AccountsView{s}; })
      .def_property_readonly(
          "contacts", [](const std::shared_ptr<SharedSession>& s) { return ContactsView{s}; })
      .def(
          "transaction",
          [](const std::shared_ptr<SharedSession>& s) {
            Transaction tx = locked(*s, [](Session& session) { return session.transaction(); });
            return std::make_unique<TransactionHandle>(s, std::move(tx));
          },
          nogil(),
          "Begins a transaction (a savepoint when one is already open). Calls made\n"
          "through this session until commit()/rollback() belong to it.")
      .def(
          "snapshot",
          [](const std::shared_ptr<SharedSession>& s) {
            Transaction tx = locked(*s, [](Session& session) { return session.snapshot(); });
            return std::make_unique<TransactionHandle>(s, std::move(tx));
          },
          nogil(),
          "Begins a read-only snapshot transaction: reads through this session see the\n"
          "database as it was when snapshot() returned, until commit()/rollback().")
      .def_property_readonly(
          "user",
          [](const SharedSession& s) -> std::optional<std::string> { return s.session.user(); },
          "The acting user, or the audit user of a service session.")
      .def_property_readonly(
          "is_service", [](const SharedSession& s) { return s.session.is_service(); },
          "True for a service-role session.");

  py::class_<TransactionHandle>(
      m, "Transaction",
      "A transaction of one session: ``with session.transaction(): ...`` commits on\n"
      "normal exit and rolls back when the block raises. Transactions nest (as\n"
      "savepoints) and must end innermost first. Dropped while active, it rolls back.")
      .def(
          "commit",
          [](TransactionHandle& t) {
            if (!t.tx) throw std::logic_error("custmgmt: transaction is not active");
            SessionLock lock(*t.shared);
            t.tx->commit();
          },
          nogil(),
          "Makes the work permanent (or releases the savepoint).\n\n"
          ":raises Conflict, BackendError: when the commit fails; the transaction is then\n"
          "    rolled back.\n"
          ":raises RuntimeError: when not active or not the innermost transaction.")
      .def(
          "rollback",
          [](TransactionHandle& t) {
            if (!t.tx) throw std::logic_error("custmgmt: transaction is not active");
            SessionLock lock(*t.shared);
            t.tx->rollback();
          },
          nogil(),
          "Undoes the work of this transaction.\n\n"
          ":raises RuntimeError: when not active or not the innermost transaction.")
      .def_property_readonly(
          "active", [](const TransactionHandle& t) { return t.tx && t.tx->active(); },
          "True until commit() or rollback().")
      .def("__enter__", [](py::object self) { return self; })
      .def(
          "__exit__",
          [](TransactionHandle& t, const py::object& exc_type, const py::object& /*exc*/,
             const py::object& /*traceback*/) {
            const bool failed = !exc_type.is_none();
            py::gil_scoped_release release;
            SessionLock lock(*t.shared);
            if (!t.tx || !t.tx->active()) return false;
            if (failed) {
              t.tx->rollback();
            } else {
              t.tx->commit();
            }
            return false;
          },
          py::arg("exc_type"), py::arg("exc"), py::arg("traceback"));
}

// The account search of custmgmt.Accounts.search() and of export_accounts():
// one place turning its keyword arguments into an AccountQuery.
void bind_account_query(py::module_& m) {
  py::class_<AccountQuery>(m, "AccountQuery", "An account search (private; built by custmgmt).")
      .def(py::init([](std::optional<std::string> text,
                       const std::optional<std::string>& customer_type,
                       std::vector<std::string> tags_any, std::vector<std::string> tags_all,
                       std::optional<Timestamp> created_from, std::optional<Timestamp> created_to,
                       const std::string& archived, const std::string& sort,
                       std::optional<std::string> cursor, std::int64_t limit) {
             AccountQuery q;
             q.text = std::move(text);
             if (customer_type) {
               q.customer_type = parse_customer_type(*customer_type)
                                     .value_or(static_cast<CustomerType>(kInvalidEnum));
             }
             q.tags_any = std::move(tags_any);
             q.tags_all = std::move(tags_all);
             q.created_from = created_from;
             q.created_to = created_to;
             q.archived = archived_from(archived);
             q.sort = sort_from(sort);
             q.cursor = cursor.value_or(std::string());
             q.limit = page_limit(limit);
             return q;
           }),
           py::kw_only(), py::arg("text") = py::none(), py::arg("customer_type") = py::none(),
           py::arg("tags_any") = std::vector<std::string>{},
           py::arg("tags_all") = std::vector<std::string>{}, py::arg("created_from") = py::none(),
           py::arg("created_to") = py::none(), py::arg("archived") = "exclude",
           py::arg("sort") = "default", py::arg("cursor") = py::none(), py::arg("limit") = 50);
}

void bind_accounts(py::module_& m) {
  py::class_<AccountsView>(
      m, "AccountRepository",
      "The accounts visible to one session. Rights follow the spec's policies: a user\n"
      "reads and updates an account he created or last updated, creates accounts only\n"
      "as himself, and deletes only accounts he created; the service role may do\n"
      "everything. An account the user may not read is reported as NotFound.")
      .def(
          "create",
          [](AccountsView& v, const Account& account) {
            Account in = account;  // copied with the GIL: Python may change `account`
            py::gil_scoped_release release;
            return locked(*v.shared, [&](Session& s) { return s.accounts().create(in); });
          },
          py::arg("account"),
          "Validates, normalises and inserts a new account; returns the stored account.")
      .def(
          "create_many",
          [](AccountsView& v, std::vector<Account> accounts) {
            return locked(*v.shared,
                          [&](Session& s) { return s.accounts().create_many(accounts); });
          },
          py::arg("accounts"), nogil(),
          "Validates every account, then inserts them all in one transaction (the bulk\n"
          "path); nothing is written unless every account is valid.")
      .def(
          "get",
          [](AccountsView& v, Id id) {
            return locked(*v.shared, [&](Session& s) { return s.accounts().get(id); });
          },
          py::arg("id"), nogil(), "The account with this id; raises NotFound.")
      .def(
          "find",
          [](AccountsView& v, Id id) {
            return locked(*v.shared, [&](Session& s) { return s.accounts().find(id); });
          },
          py::arg("id"), nogil(), "The account with this id, or None.")
      .def(
          "update",
          [](AccountsView& v, const Account& account) {
            Account in = account;  // copied with the GIL: Python may change `account`
            py::gil_scoped_release release;
            return locked(*v.shared, [&](Session& s) { return s.accounts().update(in); });
          },
          py::arg("account"),
          "Replaces the editable fields of account ``account.id``; ``account.version``\n"
          "must equal the stored version.")
      .def(
          "remove",
          [](AccountsView& v, Id id) {
            locked(*v.shared, [&](Session& s) { s.accounts().remove(id); });
          },
          py::arg("id"), nogil(), "Deletes the account and, by cascade, its contacts.")
      .def(
          "archive",
          [](AccountsView& v, Id id) {
            return locked(*v.shared, [&](Session& s) { return s.accounts().archive(id); });
          },
          py::arg("id"), nogil(), "Archives the account.")
      .def(
          "restore",
          [](AccountsView& v, Id id) {
            return locked(*v.shared, [&](Session& s) { return s.accounts().restore(id); });
          },
          py::arg("id"), nogil(), "Restores an archived account.")
      .def(
          "search",
          [](AccountsView& v, const AccountQuery& query) {
            return locked(*v.shared, [&](Session& s) { return s.accounts().search(query); });
          },
          py::arg("query"), nogil(),
          "One page of an account search; see custmgmt.Accounts.search().")
      .def(
          "stats",
          [](AccountsView& v, int months, int top_tags) {
            StatsOptions options;
            options.months = months;
            options.top_tags = top_tags;
            return locked(*v.shared, [&](Session& s) { return s.accounts().stats(options); });
          },
          py::kw_only(), py::arg("months") = 12, py::arg("top_tags") = 10, nogil(),
          "Statistics over the accounts this session can see.");
}

void bind_contacts(py::module_& m) {
  py::class_<ContactsView>(
      m, "ContactRepository",
      "The contacts of the accounts visible to one session. A contact follows its\n"
      "account: whoever may read the account may read, add, change and delete its\n"
      "contacts. At most one contact per account is primary and an email is used once\n"
      "per account (case-insensitively).")
      .def(
          "add",
          [](ContactsView& v, const Contact& contact) {
            Contact in = contact;  // copied with the GIL: Python may change `contact`
            py::gil_scoped_release release;
            return locked(*v.shared, [&](Session& s) { return s.contacts().add(in); });
          },
          py::arg("contact"), "Validates, normalises and adds a contact.")
      .def(
          "add_many",
          [](ContactsView& v, std::vector<Contact> contacts) {
            return locked(*v.shared, [&](Session& s) { return s.contacts().add_many(contacts); });
          },
          py::arg("contacts"), nogil(),
          "Validates every contact, then adds them all in one transaction (the bulk\n"
          "path); nothing is written unless every contact is valid and every insert succeeds.")
      .def(
          "get",
          [](ContactsView& v, Id id) {
            return locked(*v.shared, [&](Session& s) { return s.contacts().get(id); });
          },
          py::arg("id"), nogil(), "The contact with this id; raises NotFound.")
      .def(
          "find",
          [](ContactsView& v, Id id) {
            return locked(*v.shared, [&](Session& s) { return s.contacts().find(id); });
          },
          py::arg("id"), nogil(), "The contact with this id, or None.")
      .def(
          "update",
          [](ContactsView& v, const Contact& contact) {
            Contact in = contact;  // copied with the GIL: Python may change `contact`
            py::gil_scoped_release release;
            return locked(*v.shared, [&](Session& s) { return s.contacts().update(in); });
          },
          py::arg("contact"), "Replaces the editable fields of contact ``contact.id``.")
      .def(
          "remove",
          [](ContactsView& v, Id id) {
            locked(*v.shared, [&](Session& s) { s.contacts().remove(id); });
          },
          py::arg("id"), nogil(), "Deletes the contact.")
      .def(
          "list",
          [](ContactsView& v, Id account_id, const std::optional<std::string>& cursor,
             std::int64_t limit) {
            return locked(*v.shared, [&](Session& s) {
              return s.contacts().list(account_id, cursor.value_or(std::string()),
                                       page_limit(limit));
            });
          },
          py::arg("account_id"), py::kw_only(), py::arg("cursor") = py::none(),
          py::arg("limit") = 50, nogil(), "One page of the contacts of one account.")
      .def(
          "set_primary",
          [](ContactsView& v, Id id) {
            return locked(*v.shared, [&](Session& s) { return s.contacts().set_primary(id); });
          },
          py::arg("id"), nogil(), "Makes this contact the primary one of its account.")
      .def(
          "search",
          [](ContactsView& v, std::optional<std::string> text, std::optional<std::string> email,
             std::optional<std::string> phone, std::optional<Id> account_id,
             std::optional<std::string> cursor, std::int64_t limit) {
            ContactQuery q;
            q.text = std::move(text);
            q.email = std::move(email);
            q.phone = std::move(phone);
            q.account_id = account_id;
            q.cursor = cursor.value_or(std::string());
            q.limit = page_limit(limit);
            return locked(*v.shared, [&](Session& s) { return s.contacts().search(q); });
          },
          py::kw_only(), py::arg("text") = py::none(), py::arg("email") = py::none(),
          py::arg("phone") = py::none(), py::arg("account_id") = py::none(),
          py::arg("cursor") = py::none(), py::arg("limit") = 50, nogil(),
          "One page of a contact search; see custmgmt.Contacts.search().");
}

}  // namespace

void bind_store(py::module_& m) {
  bind_account_query(m);
  bind_store_class(m);
  bind_session_class(m);
  bind_accounts(m);
  bind_contacts(m);
}

}  // namespace custmgmt::python
