// Python exception classes mirroring custmgmt::Error and its subclasses, and
// the translator that raises them.
#include <exception>

#include "bindings.hpp"

namespace custmgmt::python {

namespace {

// Held for the life of the process (see convert.cpp for why).
PyObject* error_type = nullptr;
PyObject* validation_error_type = nullptr;
PyObject* not_found_type = nullptr;
PyObject* conflict_type = nullptr;
PyObject* permission_denied_type = nullptr;
PyObject* backend_error_type = nullptr;

PyObject* add_exception(py::module_& m, const char* name, py::handle bases, const char* doc) {
  const std::string qualified = std::string("custmgmt.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (type == nullptr) throw py::error_already_set();
  m.add_object(name, py::handle(type));
  return type;
}

// Builds an instance of `type` with the message of `e` and its `code`, and
// sets it as the current Python error.
void raise(PyObject* type, const Error& e, const py::dict& extra = {}) {
  py::object exc = py::handle(type)(text_to_py(e.what()));
  exc.attr("code") = text_to_py(e.code());
  for (auto item : extra) py::setattr(exc, item.first, item.second);
  PyErr_SetObject(type, exc.ptr());
}

void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const ValidationError& e) {
    py::dict extra;
    extra["errors"] = field_errors_to_py(e.errors());
    raise(validation_error_type, e, extra);
  } catch (const NotFound& e) {
    raise(not_found_type, e);
  } catch (const Conflict& e) {
    raise(conflict_type, e);
  } catch (const PermissionDenied& e) {
    raise(permission_denied_type, e);
  } catch (const BackendError& e) {
    py::dict extra;
    extra["backend_code"] = text_to_py(e.backend_code());
    raise(backend_error_type, e, extra);
  } catch (const Error& e) {
    raise(error_type, e);
  }
}

}  // namespace

void bind_errors(py::module_& m) {
  error_type = add_exception(m, "Error", PyExc_Exception,
                             "Root of the custmgmt errors. ``code`` is a stable machine-readable\n"
                             "code such as ``\"account.not_found\"``; ``str(e)`` is the message.");
  validation_error_type = add_exception(
      m, "ValidationError", py::make_tuple(py::handle(error_type), py::handle(PyExc_ValueError)),
      "Input rejected by validation. ``errors`` lists every field error of the\n"
      "record at once as :class:`FieldError` (field, code, message) named tuples.\n"
      "Code: ``\"validation.failed\"``. Also a :class:`ValueError`.");
  not_found_type =
      add_exception(m, "NotFound", error_type,
                    "The record does not exist, or the acting user may not see it (the two\n"
                    "are never told apart). Codes: ``\"account.not_found\"``,\n"
                    "``\"contact.not_found\"``.");
  conflict_type =
      add_exception(m, "Conflict", error_type,
                    "The write collides with the current state: a stale version\n"
                    "(``\"conflict.stale_version\"``), a second primary contact\n"
                    "(``\"contact.duplicate_primary\"``) or an email already used in the\n"
                    "account (``\"contact.duplicate_email\"``).");
  permission_denied_type =
      add_exception(m, "PermissionDenied", error_type,
                    "The acting user can see the record but may not do this to it (e.g.\n"
                    "delete an account created by someone else, or act for another user).\n"
                    "Code: ``\"permission.denied\"``.");
  backend_error_type = add_exception(
      m, "BackendError", error_type,
      "The storage engine failed: connection, I/O, disk full, read-only file, busy\n"
      "timeout, corruption. ``backend_code`` holds the engine's own code (an SQLSTATE\n"
      "for PostgreSQL, a result code name such as ``SQLITE_BUSY`` for SQLite).\n"
      "Codes: ``backend.error``, ``backend.busy``, ``backend.readonly``, ``backend.full``,\n"
      "``backend.corrupt``, ``backend.connection``, ``backend.io``.");

  // Class-level defaults, so that instances raised from Python code (which
  // carry only a message) still have every attribute.
  py::handle(error_type).attr("code") = "";
  py::handle(validation_error_type).attr("code") = "validation.failed";
  py::handle(validation_error_type).attr("errors") = py::tuple();
  py::handle(permission_denied_type).attr("code") = "permission.denied";
  py::handle(backend_error_type).attr("code") = "backend.error";
  py::handle(backend_error_type).attr("backend_code") = "";

  py::register_exception_translator(&translate);
}

}  // namespace custmgmt::python
