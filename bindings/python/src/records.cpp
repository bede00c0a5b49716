// Value types: Account, Contact, pages of them, statistics, phone numbers.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"

namespace custmgmt::python {

namespace {

py::object optional_text_to_py(const std::optional<std::string>& text) {
  return text ? py::object(text_to_py(*text)) : py::object(py::none());
}

py::list texts_to_py(const std::vector<std::string>& texts) {
  py::list out;
  for (const auto& t : texts) out.append(text_to_py(t));
  return out;
}

py::object optional_timestamp_to_py(const std::optional<Timestamp>& t) {
  return t ? timestamp_to_py(*t) : py::object(py::none());
}

template <typename T>
void text_property(py::class_<T>& cls, const char* name, std::string T::*member, const char* doc) {
  cls.def_property(
      name, [member](const T& self) { return text_to_py(self.*member); },
      [member](T& self, std::string value) { self.*member = std::move(value); }, doc);
}

template <typename T>
void optional_text_property(py::class_<T>& cls, const char* name,
                            std::optional<std::string> T::*member, const char* doc) {
  cls.def_property(
      name, [member](const T& self) { return optional_text_to_py(self.*member); },
      [member](T& self, std::optional<std::string> value) { self.*member = std::move(value); },
      doc);
}

// Field-wise equality for `==`; `other` of another type gives NotImplemented.
template <typename T>
void equality(py::class_<T>& cls) {
  cls.def(
         "__eq__", [](const T& self, const T& other) { return self == other; }, py::is_operator())
      .def(
          "__ne__", [](const T& self, const T& other) { return !(self == other); },
          py::is_operator());
}

// copy.copy / copy.deepcopy and replace(**changes) (like dataclasses.replace).
template <typename T>
void copying(py::class_<T>& cls, const char* type_name) {
  cls.def("__copy__", [](const T& self) { return T(self); })
      .def(
          "__deepcopy__", [](const T& self, py::handle /*memo*/) { return T(self); },
          py::arg("memo"))
      .def(
          "replace",
          [](const T& self, const py::kwargs& changes) {
            py::object copy = py::cast(T(self));
            for (auto item : changes) py::setattr(copy, item.first, item.second);
            return copy;
          },
          (std::string("A copy of this ") + type_name +
           " with the given attributes changed, e.g.\n``a.replace(company_name=\"New\")``. "
           "Unknown names raise AttributeError.")
              .c_str());
}

// ---- Account

py::dict account_to_dict(const Account& a) {
  py::dict d;
  d["id"] = a.id;
  d["company_name"] = text_to_py(a.company_name);
  d["customer_type"] = std::string(to_string(a.customer_type));
  d["billing_address"] = address_to_py(a.billing_address);
  d["service_address"] = address_to_py(a.service_address);
  d["account_notes"] = optional_text_to_py(a.account_notes);
  d["tags"] = texts_to_py(a.tags);
  d["created_at"] = timestamp_to_py(a.created_at);
  d["updated_at"] = timestamp_to_py(a.updated_at);
  d["created_by"] = optional_text_to_py(a.created_by);
  d["updated_by"] = optional_text_to_py(a.updated_by);
  d["archived_at"] = optional_timestamp_to_py(a.archived_at);
  d["version"] = a.version;
  return d;
}

Account make_account(Id id, std::string company_name, const std::string& customer_type,
                     const py::object& billing_address, const py::object& service_address,
                     std::optional<std::string> account_notes, std::vector<std::string> tags,
                     std::optional<Timestamp> created_at, std::optional<Timestamp> updated_at,
                     std::optional<std::string> created_by, std::optional<std::string> updated_by,
                     std::optional<Timestamp> archived_at, std::int64_t version) {
  Account a;
  a.id = id;
  a.company_name = std::move(company_name);
  a.customer_type = customer_type_from_py(customer_type);
  a.billing_address = address_from_py(billing_address, "billing_address");
  a.service_address = address_from_py(service_address, "service_address");
  a.account_notes = std::move(account_notes);
  a.tags = std::move(tags);
  a.created_at = created_at.value_or(Timestamp{});
  a.updated_at = updated_at.value_or(Timestamp{});
  a.created_by = std::move(created_by);
  a.updated_by = std::move(updated_by);
  a.archived_at = archived_at;
  a.version = version;
  return a;
}

void bind_account(py::module_& m) {
  py::class_<Account> cls(
      m, "Account",
      "One row of ``customer_accounts``.\n\n"
      "As input to ``accounts.create()`` only the editable fields are read (company_name,\n"
      "customer_type, billing_address, service_address, account_notes, tags and, for the\n"
      "service role, created_by); ``id``, timestamps, ``updated_by``, ``archived_at`` and\n"
      "``version`` are ignored. As input to ``accounts.update()`` ``id`` and ``version``\n"
      "identify the row and the state the caller last saw.\n\n"
      "Attributes return copies: assign a whole new value (``a.tags = [...]``,\n"
      "``a.billing_address = {...}``) rather than mutating the returned list or dict.\n"
      "Addresses are dicts with the keys street, city, state, zip, country (only the\n"
      "non-empty ones); timestamps are timezone-aware UTC datetimes.");
  cls.def(py::init(&make_account), py::kw_only(), py::arg("id") = 0, py::arg("company_name") = "",
          py::arg("customer_type") = "Commercial", py::arg("billing_address") = py::none(),
          py::arg("service_address") = py::none(), py::arg("account_notes") = py::none(),
          py::arg("tags") = std::vector<std::string>{}, py::arg("created_at") = py::none(),
          py::arg("updated_at") = py::none(), py::arg("created_by") = py::none(),
          py::arg("updated_by") = py::none(), py::arg("archived_at") = py::none(),
          py::arg("version") = 0,
          "Builds an account from keyword arguments (every field, as ``to_dict()`` "
          "gives them).\n\n"
          ":raises ValidationError: ``customer_type.invalid`` for a type other than\n"
          "    Residential/Commercial; ``address.not_object``, ``address.unknown_key``,\n"
          "    ``address.not_string`` for a malformed address.\n"
          ":raises ValueError: for a naive datetime.");
  cls.def_readwrite("id", &Account::id, "Identity key (0 before create).");
  text_property(cls, "company_name", &Account::company_name, "Required, 1-500 bytes.");
  cls.def_property(
      "customer_type", [](const Account& a) { return std::string(to_string(a.customer_type)); },
      [](Account& a, const std::string& v) { a.customer_type = customer_type_from_py(v); },
      "``\"Residential\"`` or ``\"Commercial\"`` (set in any case).");
  cls.def_property(
      "billing_address", [](const Account& a) { return address_to_py(a.billing_address); },
      [](Account& a, const py::object& v) {
        a.billing_address = address_from_py(v, "billing_address");
      },
      "Billing address dict; ``{}`` when empty.");
  cls.def_property(
      "service_address", [](const Account& a) { return address_to_py(a.service_address); },
      [](Account& a, const py::object& v) {
        a.service_address = address_from_py(v, "service_address");
      },
      "Service address dict; ``{}`` when empty.");
  optional_text_property(cls, "account_notes", &Account::account_notes,
                         "Free text, at most 65,536 bytes, or None.");
  cls.def_property(
      "tags", [](const Account& a) { return texts_to_py(a.tags); },
      [](Account& a, std::vector<std::string> v) { a.tags = std::move(v); },
      "At most 50 distinct tags of 1-64 bytes (a copy: assign a new list to change).");
  cls.def_readwrite("created_at", &Account::created_at, "Set by the library (aware UTC).");
  cls.def_readwrite("updated_at", &Account::updated_at,
                    "Set by the library on every write (aware UTC).");
  optional_text_property(cls, "created_by", &Account::created_by, "UUID of the creating user.");
  optional_text_property(cls, "updated_by", &Account::updated_by, "UUID of the last writer.");
  cls.def_readwrite("archived_at", &Account::archived_at,
                    "Set (aware UTC) while the account is archived, else None.");
  cls.def_readwrite("version", &Account::version, "Row version, +1 on every write.");
  cls.def_property_readonly("archived", &Account::archived, "True while the account is archived.");
  cls.def(
      "to_json", [](const Account& a) { return text_to_py(to_json(a)); },
      "The record JSON (the spec's column names; the NDJSON export format), compact.");
  cls.def_static(
      "from_json", [](const std::string& json) { return account_from_json(json); }, py::arg("json"),
      "Parses an account written by ``to_json()`` or by hand.\n\n"
      ":raises ValidationError: listing every problem of the document.");
  cls.def("to_dict", &account_to_dict,
          "Every field as a dict (addresses as dicts, timestamps as aware datetimes);\n"
          "``Account(**a.to_dict()) == a``.");
  cls.def("__repr__", [](const Account& a) {
    py::dict d;
    d["id"] = a.id;
    d["company_name"] = text_to_py(a.company_name);
    d["customer_type"] = std::string(to_string(a.customer_type));
    d["tags"] = texts_to_py(a.tags);
    d["version"] = a.version;
    if (a.archived_at) d["archived_at"] = timestamp_to_py(*a.archived_at);
    return make_repr("Account", d);
  });
  equality(cls);
  copying(cls, "account");
  cls.def(
      py::pickle([](const Account& a) { return account_to_dict(a); },
                 [](const py::dict& d) { return py::type::of<Account>()(**d).cast<Account>(); }));
}

// ---- Contact

py::dict contact_to_dict(const Contact& c) {
  py::dict d;
  d["id"] = c.id;
  d["customer_account_id"] = c.customer_account_id;
  d["contact_name"] = text_to_py(c.contact_name);
  d["email"] = optional_text_to_py(c.email);
  d["phone"] = optional_text_to_py(c.phone);
  d["phone_extension"] = optional_text_to_py(c.phone_extension);
  d["phone_display"] = optional_text_to_py(c.phone_display);
  d["role"] = optional_text_to_py(c.role);
  d["is_primary_contact"] = c.is_primary_contact;
  d["contact_notes"] = optional_text_to_py(c.contact_notes);
  d["created_at"] = timestamp_to_py(c.created_at);
  d["updated_at"] = timestamp_to_py(c.updated_at);
  d["created_by"] = optional_text_to_py(c.created_by);
  d["updated_by"] = optional_text_to_py(c.updated_by);
  d["version"] = c.version;
  return d;
}

Contact make_contact(Id id, Id customer_account_id, std::string contact_name,
                     std::optional<std::string> email, std::optional<std::string> phone,
                     std::optional<std::string> phone_extension,
                     std::optional<std::string> phone_display, std::optional<std::string> role,
                     bool is_primary_contact, std::optional<std::string> contact_notes,
                     std::optional<Timestamp> created_at, std::optional<Timestamp> updated_at,
                     std::optional<std::string> created_by, std::optional<std::string> updated_by,
                     std::int64_t version) {
  Contact c;
  c.id = id;
  c.customer_account_id = customer_account_id;
  c.contact_name = std::move(contact_name);
  c.email = std::move(email);
  c.phone = std::move(phone);
  c.phone_extension = std::move(phone_extension);
  c.phone_display = std::move(phone_display);
  c.role = std::move(role);
  c.is_primary_contact = is_primary_contact;
  c.contact_notes = std::move(contact_notes);
  c.created_at = created_at.value_or(Timestamp{});
  c.updated_at = updated_at.value_or(Timestamp{});
  c.created_by = std::move(created_by);
  c.updated_by = std::move(updated_by);
  c.version = version;
  return c;
}

void bind_contact(py::module_& m) {
  py::class_<Contact> cls(
      m, "Contact",
      "One row of ``customer_contacts``.\n\n"
      "As input to ``contacts.add()`` the editable fields are read: customer_account_id,\n"
      "contact_name, email, phone (any format the phone validator accepts;\n"
      "``phone_extension`` may also be given separately), role, is_primary_contact and\n"
      "contact_notes. On output ``phone`` is E.164 (``+14155552671``), ``phone_extension``\n"
      "holds an extension if one was given and ``phone_display`` keeps the number as the\n"
      "user typed it when that differs from the E.164 form. Attributes return copies.");
  cls.def(py::init(&make_contact), py::kw_only(), py::arg("id") = 0,
          py::arg("customer_account_id") = 0, py::arg("contact_name") = "",
          py::arg("email") = py::none(), py::arg("phone") = py::none(),
          py::arg("phone_extension") = py::none(), py::arg("phone_display") = py::none(),
          py::arg("role") = py::none(), py::arg("is_primary_contact") = false,
          py::arg("contact_notes") = py::none(), py::arg("created_at") = py::none(),
          py::arg("updated_at") = py::none(), py::arg("created_by") = py::none(),
          py::arg("updated_by") = py::none(), py::arg("version") = 0,
          "Builds a contact from keyword arguments (every field, as ``to_dict()`` gives "
          "them).\n\n:raises ValueError: for a naive datetime.");
  cls.def_readwrite("id", &Contact::id, "Identity key (0 before add).");
  cls.def_readwrite("customer_account_id", &Contact::customer_account_id, "The owning account.");
  cls.def_readwrite("account_id", &Contact::customer_account_id,
                    "Alias of ``customer_account_id``.");
  text_property(cls, "contact_name", &Contact::contact_name, "Required, 1-300 bytes.");
  optional_text_property(cls, "email", &Contact::email, "Validated; domain lower-cased.");
  optional_text_property(cls, "phone", &Contact::phone, "E.164 after validation.");
  optional_text_property(cls, "phone_extension", &Contact::phone_extension,
                         "Digits of an extension.");
  optional_text_property(cls, "phone_display", &Contact::phone_display, "The number as typed.");
  optional_text_property(cls, "role", &Contact::role, "Free text, at most 100 bytes.");
  cls.def_readwrite("is_primary_contact", &Contact::is_primary_contact, "At most one per account.");
  optional_text_property(cls, "contact_notes", &Contact::contact_notes,
                         "Free text, at most 65,536 bytes.");
  cls.def_readwrite("created_at", &Contact::created_at, "Set by the library (aware UTC).");
  cls.def_readwrite("updated_at", &Contact::updated_at,
                    "Set by the library on every write (aware UTC).");
  optional_text_property(cls, "created_by", &Contact::created_by, "UUID of the creating user.");
  optional_text_property(cls, "updated_by", &Contact::updated_by, "UUID of the last writer.");
  cls.def_readwrite("version", &Contact::version, "Row version, +1 on every write.");
  cls.def(
      "to_json", [](const Contact& c) { return text_to_py(to_json(c)); },
      "The record JSON (the spec's column names), compact.");
  cls.def_static(
      "from_json", [](const std::string& json) { return contact_from_json(json); }, py::arg("json"),
      "Parses a contact written by ``to_json()`` or by hand.\n\n"
      ":raises ValidationError: listing every problem of the document.");
  cls.def("to_dict", &contact_to_dict,
          "Every field as a dict (timestamps as aware datetimes); "
          "``Contact(**c.to_dict()) == c``.");
  cls.def("__repr__", [](const Contact& c) {
    py::dict d;
    d["id"] = c.id;
    d["customer_account_id"] = c.customer_account_id;
    d["contact_name"] = text_to_py(c.contact_name);
    d["email"] = optional_text_to_py(c.email);
    d["phone"] = optional_text_to_py(c.phone);
    d["is_primary_contact"] = c.is_primary_contact;
    d["version"] = c.version;
    return make_repr("Contact", d);
  });
  equality(cls);
  copying(cls, "contact");
  cls.def(
      py::pickle([](const Contact& c) { return contact_to_dict(c); },
                 [](const py::dict& d) { return py::type::of<Contact>()(**d).cast<Contact>(); }));
}

// ---- pages

template <typename T>
void bind_page(py::module_& m, const char* name, const char* item_name) {
  const std::string doc = std::string("One page of ") + item_name +
                          ": ``items`` and ``next_cursor`` (set when more rows may follow;\n"
                          "pass it back as ``cursor`` with the same filters). Iterable.";
  py::class_<Page<T>>(m, name, doc.c_str())
      .def_readonly("items", &Page<T>::items, "The rows of this page (a list).")
      .def_readonly("next_cursor", &Page<T>::next_cursor,
                    "Opaque cursor of the next page, or None on the last page.")
      .def("__len__", [](const Page<T>& p) { return p.items.size(); })
      .def(
          "to_json", [](const Page<T>& p) { return text_to_py(to_json(p)); },
          "``{\"items\": [...], \"next_cursor\": ...}`` as JSON text.")
      .def(
          "__iter__",
          [](const Page<T>& p) { return py::make_iterator(p.items.begin(), p.items.end()); },
          py::keep_alive<0, 1>())
      .def("__repr__", [name](const Page<T>& p) {
        py::dict d;
        d["items"] = p.items.size();
        d["next_cursor"] = p.next_cursor ? py::object(py::str(*p.next_cursor)) : py::none();
        return make_repr(name, d);
      });
}

// ---- statistics

py::dict month_count_to_dict(const MonthCount& c) {
  py::dict d;
  d["year"] = c.year;
  d["month"] = c.month;
  d["count"] = c.count;
  return d;
}

py::dict tag_count_to_dict(const TagCount& c) {
  py::dict d;
  d["tag"] = text_to_py(c.tag);
  d["count"] = c.count;
  return d;
}

py::dict stats_to_dict(const AccountStats& s) {
  py::dict d;
  d["total_accounts"] = s.total_accounts;
  d["residential_accounts"] = s.residential_accounts;
  d["commercial_accounts"] = s.commercial_accounts;
  d["archived_accounts"] = s.archived_accounts;
  d["total_contacts"] = s.total_contacts;
  d["accounts_without_primary_contact"] = s.accounts_without_primary_contact;
  py::list months;
  for (const auto& c : s.new_accounts_per_month) months.append(month_count_to_dict(c));
  d["new_accounts_per_month"] = months;
  py::list tags;
  for (const auto& c : s.top_tags) tags.append(tag_count_to_dict(c));
  d["top_tags"] = tags;
  return d;
}

bool stats_equal(const AccountStats& a, const AccountStats& b) {
  return a.total_accounts == b.total_accounts && a.residential_accounts == b.residential_accounts &&
         a.commercial_accounts == b.commercial_accounts &&
         a.archived_accounts == b.archived_accounts && a.total_contacts == b.total_contacts &&
         a.accounts_without_primary_contact == b.accounts_without_primary_contact &&
         a.new_accounts_per_month == b.new_accounts_per_month && a.top_tags == b.top_tags;
}

void bind_stats(py::module_& m) {
  py::class_<MonthCount> month(m, "MonthCount",
                               "Count of accounts created in one calendar month (UTC).");
  month.def_readonly("year", &MonthCount::year, "e.g. 2025.")
      .def_readonly("month", &MonthCount::month, "1-12.")
      .def_readonly("count", &MonthCount::count, "Accounts created in that month.")
      .def("to_dict", &month_count_to_dict)
      .def("__repr__",
           [](const MonthCount& c) { return make_repr("MonthCount", month_count_to_dict(c)); });
  equality(month);

  py::class_<TagCount> tag(m, "TagCount", "A tag and the number of active accounts carrying it.");
  tag.def_readonly("tag", &TagCount::tag, "The tag.")
      .def_readonly("count", &TagCount::count, "Active accounts with it.")
      .def("to_dict", &tag_count_to_dict)
      .def("__repr__",
           [](const TagCount& c) { return make_repr("TagCount", tag_count_to_dict(c)); });
  equality(tag);

  py::class_<AccountStats> stats(
      m, "AccountStats",
      "Statistics over the accounts the acting user can see (all accounts for the\n"
      "service role). Archived accounts are counted only in ``archived_accounts``;\n"
      "every other figure covers active accounts.");
  stats.def_readonly("total_accounts", &AccountStats::total_accounts, "Active accounts.")
      .def_readonly("residential_accounts", &AccountStats::residential_accounts,
                    "Active, Residential.")
      .def_readonly("commercial_accounts", &AccountStats::commercial_accounts,
                    "Active, Commercial.")
      .def_readonly("archived_accounts", &AccountStats::archived_accounts, "Archived accounts.")
      .def_readonly("total_contacts", &AccountStats::total_contacts, "Contacts of active accounts.")
      .def_readonly("accounts_without_primary_contact",
                    &AccountStats::accounts_without_primary_contact, "Active, no primary.")
      .def_readonly("new_accounts_per_month", &AccountStats::new_accounts_per_month,
                    "List of MonthCount, oldest first, zero months included.")
      .def_readonly("top_tags", &AccountStats::top_tags,
                    "List of TagCount, most used first, ties by tag.")
      .def("to_dict", &stats_to_dict, "Every figure as plain dicts and lists.")
      .def(
          "to_json", [](const AccountStats& st) { return text_to_py(to_json(st)); },
          "The keys of ``to_dict()``, as JSON text.")
      .def("__repr__",
           [](const AccountStats& s) {
             py::dict d;
             d["total_accounts"] = s.total_accounts;
             d["residential_accounts"] = s.residential_accounts;
             d["commercial_accounts"] = s.commercial_accounts;
             d["archived_accounts"] = s.archived_accounts;
             d["total_contacts"] = s.total_contacts;
             return make_repr("AccountStats", d);
           })
      .def(
          "__eq__", [](const AccountStats& a, const AccountStats& b) { return stats_equal(a, b); },
          py::is_operator())
      .def(
          "__ne__", [](const AccountStats& a, const AccountStats& b) { return !stats_equal(a, b); },
          py::is_operator());
}

// ---- phone numbers

py::dict phone_to_dict(const PhoneNumber& p) {
  py::dict d;
  d["e164"] = text_to_py(p.e164);
  d["extension"] = text_to_py(p.extension);
  d["region"] = text_to_py(p.region);
  return d;
}

void bind_phone_number(py::module_& m) {
  py::class_<PhoneNumber> cls(m, "PhoneNumber", "A phone number normalised by libphonenumber.");
  cls.def(py::init([](std::string e164, std::string extension, std::string region) {
            return PhoneNumber{std::move(e164), std::move(extension), std::move(region)};
          }),
          py::kw_only(), py::arg("e164") = "", py::arg("extension") = "", py::arg("region") = "")
      .def_readonly("e164", &PhoneNumber::e164, "E.164 form, e.g. ``+14155552671``.")
      .def_readonly("extension", &PhoneNumber::extension, "Extension digits, empty when none.")
      .def_readonly("region", &PhoneNumber::region, "Region the number belongs to, e.g. ``US``.")
      .def("to_dict", &phone_to_dict)
      .def("__repr__",
           [](const PhoneNumber& p) { return make_repr("PhoneNumber", phone_to_dict(p)); });
  equality(cls);
}

}  // namespace

void bind_records(py::module_& m) {
  bind_account(m);
  bind_contact(m);
  bind_page<Account>(m, "AccountPage", "accounts");
  bind_page<Contact>(m, "ContactPage", "contacts");
  bind_stats(m);
  bind_phone_number(m);
}

}  // namespace custmgmt::python
