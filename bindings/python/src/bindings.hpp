// Shared pieces of the custmgmt._core extension: the bind_x() function of
// each source file, conversions between custmgmt values and Python objects,
// and the holder that lets several Python threads share one Session.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "custmgmt/custmgmt.hpp"

namespace custmgmt::python {

namespace py = pybind11;

// One per source file, called by PYBIND11_MODULE in this order.
void bind_errors(py::module_& m);
void bind_records(py::module_& m);
void bind_validate(py::module_& m);
void bind_store(py::module_& m);
void bind_io(py::module_& m);

// ---- conversions (convert.cpp)

// Imports what the conversions need (datetime). Called once at import,
// before any bind_x().
void init_conversions();

// An aware datetime in UTC.
py::object timestamp_to_py(Timestamp t);
// Accepts an aware datetime (any zone). Returns false for anything that is
// not a datetime; throws py::value_error for a naive datetime.
bool timestamp_from_py(py::handle obj, Timestamp& out);

// A dict holding the non-empty keys, in the order street, city, state, zip,
// country (the JSON form of the spec).
py::dict address_to_py(const Address& address);
// Accepts None (the empty address) or a mapping whose keys are among street,
// city, state, zip, country and whose values are str or None. Throws
// ValidationError (address.not_object, address.unknown_key,
// address.not_string) with fields named `<field>.<key>`.
Address address_from_py(py::handle obj, const std::string& field);

// custmgmt.FieldError, a named tuple type (field, code, message), and lists
// of its instances.
py::object field_error_type();
py::list field_errors_to_py(const FieldErrors& errors);
py::object field_error_to_py(const FieldError& error);

// A str from library text; bytes that are not UTF-8 are replaced, never
// raised on (messages may quote what the user typed).
py::str text_to_py(const std::string& text);

// A "Name(k=v, ...)" repr from (key, value) pairs, values shown with repr().
std::string make_repr(const char* name, const py::dict& fields);

// Parses "Residential"/"Commercial" (any case); throws ValidationError
// `customer_type.invalid` otherwise.
CustomerType customer_type_from_py(const std::string& text);

// ---- shared session (store.cpp, records.cpp)

// A Session shared by the Python objects that use it (repositories,
// transactions). custmgmt::Session is not thread-safe, but with the GIL
// released two Python threads could enter it at once; every call therefore
// takes `mutex` first — after releasing the GIL, so a thread waiting for the
// session never blocks the interpreter.
struct SharedSession {
  explicit SharedSession(Session s) : session(std::move(s)) {}
  std::mutex mutex;
  // The thread holding `mutex` (default id when none), so that a thread that
  // holds it already — a Python callback of export/import using the session
  // that runs it — gets an error instead of deadlocking on itself.
  std::atomic<std::thread::id> holder{};
  Session session;
};

// Holds a SharedSession's mutex; take it without the GIL. Throws
// std::runtime_error (RuntimeError) when this thread holds it already.
class SessionLock {
 public:
  explicit SessionLock(SharedSession& shared) : shared_(shared) {
    if (shared_.holder.load() == std::this_thread::get_id()) {
      throw std::runtime_error(
          "custmgmt: this session is busy in this thread (a callback of export_accounts() or "
          "import_accounts() cannot use the session running it; open another session)");
    }
    shared_.mutex.lock();
    shared_.holder.store(std::this_thread::get_id());
  }
  ~SessionLock() {
    shared_.holder.store(std::thread::id());
    shared_.mutex.unlock();
  }
  SessionLock(const SessionLock&) = delete;
  SessionLock& operator=(const SessionLock&) = delete;

 private:
  SharedSession& shared_;
};

// Runs `work` on the session while holding its lock. Called without the GIL.
template <typename Work>
auto locked(SharedSession& shared, Work&& work) -> decltype(work(shared.session)) {
  SessionLock lock(shared);
  return work(shared.session);
}

}  // namespace custmgmt::python

namespace pybind11::detail {

// custmgmt::Timestamp <-> timezone-aware datetime.datetime (UTC on output).
// pybind11/chrono.h converts system_clock time points as naive local time;
// it is deliberately not included anywhere in this extension.
template <>
struct type_caster<custmgmt::Timestamp> {
 public:
  PYBIND11_TYPE_CASTER(custmgmt::Timestamp, const_name("datetime.datetime"));

  bool load(handle src, bool /*convert*/) {
    return custmgmt::python::timestamp_from_py(src, value);
  }
  static handle cast(const custmgmt::Timestamp& t, return_value_policy /*policy*/,
                     handle /*parent*/) {
    return custmgmt::python::timestamp_to_py(t).release();
  }
};

}  // namespace pybind11::detail
