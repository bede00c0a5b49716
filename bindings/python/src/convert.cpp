// Conversions between custmgmt values and Python objects.
#include <string>
#include <utility>

#include "bindings.hpp"

namespace custmgmt::python {

namespace {

// Python objects held for the life of the process. They are never released:
// releasing them from a C++ static destructor after the interpreter has
// finalised would crash, and the module is never unloaded anyway.
struct Cached {
  PyObject* datetime_type = nullptr;  // datetime.datetime
  PyObject* epoch = nullptr;          // datetime(1970, 1, 1, tzinfo=timezone.utc)
  PyObject* one_micro = nullptr;      // timedelta(microseconds=1)
  PyObject* timedelta = nullptr;      // datetime.timedelta
  PyObject* field_error = nullptr;    // custmgmt.FieldError (a named tuple)
};
Cached cached;

constexpr const char* kAddressKeys[] = {"street", "city", "state", "zip", "country"};

std::string* address_member(Address& address, const std::string& key) {
  if (key == "street") return &address.street;
  if (key == "city") return &address.city;
  if (key == "state") return &address.state;
  if (key == "zip") return &address.zip;
  if (key == "country") return &address.country;
  return nullptr;
}

}  // namespace

void init_conversions() {
  py::module_ datetime = py::module_::import("datetime");
  py::object utc = datetime.attr("timezone").attr("utc");
  cached.datetime_type = py::object(datetime.attr("datetime")).release().ptr();
  cached.timedelta = py::object(datetime.attr("timedelta")).release().ptr();
  cached.epoch =
      py::handle(cached.datetime_type)(1970, 1, 1, py::arg("tzinfo") = utc).release().ptr();
  cached.one_micro = py::handle(cached.timedelta)(py::arg("microseconds") = 1).release().ptr();

  py::object namedtuple = py::module_::import("collections").attr("namedtuple");
  py::object field_error = namedtuple("FieldError", py::make_tuple("field", "code", "message"),
                                      py::arg("module") = "custmgmt");
  field_error.attr("__doc__") =
      "One problem with one field of a record.\n\n"
      "``field`` names the offending field (``\"email\"``, ``\"billing_address.zip\"``,\n"
      "``\"tags[2]\"``), ``code`` is a stable machine-readable code such as\n"
      "``\"email.invalid\"``, ``message`` is an English sentence for humans.";
  cached.field_error = field_error.release().ptr();
}

py::object timestamp_to_py(Timestamp t) {
  py::object delta = py::handle(cached.timedelta)(py::arg("microseconds") = to_micros(t));
  return py::reinterpret_borrow<py::object>(cached.epoch) + delta;
}

bool timestamp_from_py(py::handle obj, Timestamp& out) {
  if (!obj || !py::isinstance(obj, py::handle(cached.datetime_type))) return false;
  if (obj.attr("utcoffset")().is_none()) {
    throw py::value_error(
        "naive datetime: custmgmt needs a timezone-aware datetime "
        "(e.g. datetime(2025, 1, 8, tzinfo=timezone.utc))");
  }
  // Aware arithmetic: the offset of `obj` is applied by the subtraction.
  py::object micros =
      (obj - py::handle(cached.epoch)).attr("__floordiv__")(py::handle(cached.one_micro));
  out = from_micros(micros.cast<std::int64_t>());
  return true;
}

py::dict address_to_py(const Address& address) {
  py::dict out;
  const std::string* values[] = {&address.street, &address.city, &address.state, &address.zip,
                                 &address.country};
  for (std::size_t i = 0; i < 5; ++i) {
    if (!values[i]->empty()) out[kAddressKeys[i]] = text_to_py(*values[i]);
  }
  return out;
}

Address address_from_py(py::handle obj, const std::string& field) {
  Address out;
  if (obj.is_none()) return out;
  if (!py::hasattr(obj, "items") || py::isinstance<py::str>(obj)) {
    throw ValidationError(
        {{field, "address.not_object",
          field + " must be a mapping with the keys street, city, state, zip, country"}});
  }
  FieldErrors errors;
  for (py::handle item : obj.attr("items")()) {
    auto pair = py::reinterpret_borrow<py::tuple>(item);
    const std::string key = py::str(pair[0]);
    py::object value = pair[1];
    std::string* member = address_member(out, key);
    const std::string name = field + "." + key;
    if (member == nullptr || !py::isinstance<py::str>(pair[0])) {
      errors.push_back({name, "address.unknown_key",
                        name + " is not an address key (street, city, state, zip, country)"});
    } else if (value.is_none()) {
      member->clear();
    } else if (py::isinstance<py::str>(value)) {
      *member = value.cast<std::string>();
    } else {
      errors.push_back({name, "address.not_string", name + " must be a string or None"});
    }
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  return out;
}

py::object field_error_type() {
  return py::reinterpret_borrow<py::object>(cached.field_error);
}

py::object field_error_to_py(const FieldError& error) {
  return py::handle(cached.field_error)(text_to_py(error.field), text_to_py(error.code),
                                        text_to_py(error.message));
}

py::list field_errors_to_py(const FieldErrors& errors) {
  py::list out;
  for (const auto& e : errors) out.append(field_error_to_py(e));
  return out;
}

py::str text_to_py(const std::string& text) {
  PyObject* s = PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "replace");
  if (s == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(s);
}

std::string make_repr(const char* name, const py::dict& fields) {
  std::string out = std::string(name) + "(";
  const char* sep = "";
  for (auto item : fields) {
    out += sep;
    out += py::str(item.first).cast<std::string>();
    out += "=";
    out += py::repr(item.second).cast<std::string>();
    sep = ", ";
  }
  return out + ")";
}

CustomerType customer_type_from_py(const std::string& text) {
  if (auto type = parse_customer_type(text)) return *type;
  throw ValidationError({{"customer_type", "customer_type.invalid",
                          "customer_type must be Residential or Commercial"}});
}

}  // namespace custmgmt::python
