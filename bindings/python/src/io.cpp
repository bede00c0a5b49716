// The io layer (include/custmgmt/io.hpp): export and import through Python
// file objects, backup, selective restore, verify, archive by age, and the
// report classes.
//
// Export and import stream through a std::streambuf over the Python file that
// calls its write()/read() once per 64 KiB, taking the GIL only for that call
// (and for the progress/on_error callbacks); the database work runs without
// the GIL, holding the session's lock. A Python exception raised by read(),
// write() or a callback is kept, the C++ call is unwound by a private
// exception (so the open batch rolls back as for any error), and the kept
// exception is then raised as itself.
#include <pybind11/stl/filesystem.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <istream>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"

namespace custmgmt::python {

namespace {

using nogil = py::call_guard<py::gil_scoped_release>;

constexpr std::size_t kChunk = 64 * 1024;

// Unwinds the io call after a Python call raised; the exception itself waits
// in PythonErrors. Not a custmgmt::Error, so the io layer does not turn it
// into a rejected row.
struct PythonCallFailed : std::exception {
  const char* what() const noexcept override { return "custmgmt: a Python call raised"; }
};

// The first exception raised by a Python call the io layer made.
class PythonErrors {
 public:
  // Runs `fn` with the GIL, then the signal handlers (so that Ctrl-C stops a
  // long import). When either raises, keeps the exception and throws
  // PythonCallFailed.
  template <typename Call>
  void call(Call&& fn) {
    py::gil_scoped_acquire gil;
    try {
      fn();
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      return;
    } catch (py::error_already_set& e) {
      keep(std::move(e));
    } catch (py::builtin_exception& e) {  // py::type_error and friends
      e.set_error();
      keep(py::error_already_set());
    }
    throw PythonCallFailed();
  }

  // With the GIL: raises the kept exception, if any. It wins over whatever
  // the io call made of it (io.read_failed, io.write_failed, PythonCallFailed).
  void raise_if_any() {
    if (!first_) return;
    py::error_already_set e = std::move(*first_);
    first_.reset();
    throw e;
  }

 private:
  void keep(py::error_already_set&& e) {
    if (!first_) first_.emplace(std::move(e));
  }
  std::optional<py::error_already_set> first_;
};

std::string type_name(py::handle obj) {
  return Py_TYPE(obj.ptr())->tp_name;
}

// Reads a Python file: read(kChunk) returning bytes (or another buffer) or
// str, which is encoded as UTF-8; an empty result is the end of the input.
class PyReadBuffer : public std::streambuf {
 public:
  PyReadBuffer(py::handle file, PythonErrors& errors) : errors_(errors), read_(file.attr("read")) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (at_end_) return traits_type::eof();
    errors_.call([this] { fill(); });
    if (data_.empty()) {
      at_end_ = true;
      return traits_type::eof();
    }
    setg(data_.data(), data_.data(), data_.data() + data_.size());
    return traits_type::to_int_type(*gptr());
  }

 private:
  void fill() {  // with the GIL
    py::object chunk = read_(kChunk);
    if (PyUnicode_Check(chunk.ptr())) {
      Py_ssize_t size = 0;
      const char* utf8 = PyUnicode_AsUTF8AndSize(chunk.ptr(), &size);
      if (utf8 == nullptr) throw py::error_already_set();
      data_.assign(utf8, utf8 + size);
      return;
    }
    if (chunk.is_none()) {
      throw py::type_error(
          "read() returned None (a non-blocking file without data); custmgmt needs a "
          "blocking file");
    }
    if (PyObject_CheckBuffer(chunk.ptr()) == 0) {
      throw py::type_error("read() must return bytes or str, not " + type_name(chunk));
    }
    Py_buffer view;
    if (PyObject_GetBuffer(chunk.ptr(), &view, PyBUF_SIMPLE) != 0) throw py::error_already_set();
    const char* bytes = static_cast<const char*>(view.buf);
    data_.assign(bytes, bytes + view.len);
    PyBuffer_Release(&view);
  }

  PythonErrors& errors_;
  py::object read_;
  std::vector<char> data_;
  bool at_end_ = false;
};

// Length of the longest prefix of `data` that does not end inside a UTF-8
// sequence, so that a chunk split in the middle of a character can wait for
// its remaining bytes.
std::size_t complete_utf8(const char* data, std::size_t size) {
  for (std::size_t back = 1; back <= 4 && back <= size; ++back) {
    const auto byte = static_cast<unsigned char>(data[size - back]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte
    const std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
    return length > back ? size - back : size;
  }
  return size;  // not UTF-8 anyway: the decoder reports it
}

// Writes to a Python file in chunks of kChunk bytes: bytes, or str for a text
// file (a character split by the chunk boundary waits for the next chunk).
class PyWriteBuffer : public std::streambuf {
 public:
  PyWriteBuffer(py::handle file, bool text, PythonErrors& errors)
      : errors_(errors), write_(file.attr("write")), text_(text), buffer_(kChunk) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }

  // Writes what is left; without the GIL. For a text file an incomplete
  // character at the very end is an error (UnicodeDecodeError).
  void finish() { drain(true); }

 protected:
  int_type overflow(int_type ch) override {
    drain(false);
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override {
    drain(false);
    return 0;
  }

 private:
  void drain(bool all) {
    const auto size = static_cast<std::size_t>(pptr() - pbase());
    const std::size_t n = text_ && !all ? complete_utf8(pbase(), size) : size;
    if (n > 0) errors_.call([&] { write_all(pbase(), n); });
    const std::size_t rest = size - n;
    std::memmove(buffer_.data(), pbase() + n, rest);
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    pbump(static_cast<int>(rest));
  }

  void write_all(const char* data, std::size_t size) {  // with the GIL
    if (text_) {
      PyObject* text = PyUnicode_DecodeUTF8(data, static_cast<Py_ssize_t>(size), "strict");
      if (text == nullptr) throw py::error_already_set();
      write_(py::reinterpret_steal<py::str>(text));
      return;
    }
    // A raw file may write less than it was given and return the count.
    while (size > 0) {
      py::object written = write_(py::bytes(data, size));
      if (!PyLong_Check(written.ptr())) return;  // None and the like: all written
      const auto n = written.cast<std::int64_t>();
      if (n <= 0) {
        PyErr_SetString(PyExc_OSError, "write() wrote nothing (a non-blocking file?)");
        throw py::error_already_set();
      }
      if (static_cast<std::uint64_t>(n) >= size) return;
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }

  PythonErrors& errors_;
  py::object write_;
  bool text_;
  std::vector<char> buffer_;
};

// Runs `work` on the session without the GIL; then raises the first Python
// exception of `errors`, else whatever `work` threw.
template <typename Work>
auto run_io(SharedSession& shared, PythonErrors& errors, Work&& work)
    -> decltype(work(shared.session)) {
  std::optional<decltype(work(shared.session))> result;
  std::exception_ptr failure;
  {
    py::gil_scoped_release release;
    try {
      result.emplace(locked(shared, work));
    } catch (...) {
      failure = std::current_exception();
    }
  }
  errors.raise_if_any();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

DataFormat format_from_py(const std::string& text) {
  if (auto format = parse_data_format(text)) return *format;
  throw py::value_error("unknown data format '" + text +
                        "': expected 'ndjson' (or 'jsonl') or 'csv'");
}

const char* format_name(DataFormat format) {
  return format == DataFormat::Csv ? "csv" : "ndjson";
}

const char* backup_kind_name(BackupKind kind) {
  return kind == BackupKind::SqliteFile ? "sqlite_file" : "ndjson";
}

// A C++ callback calling the Python callable `fn` (kept alive by the caller
// for the whole io call; only its address is copied, so copies of the
// std::function need no GIL).
ProgressCallback progress_callback(const py::object& fn, PythonErrors& errors) {
  if (fn.is_none()) return {};
  PyObject* callable = fn.ptr();
  return [callable, &errors](std::uint64_t records) {
    errors.call([&] {
      py::handle fn(callable);
      fn(records);
    });
  };
}

ExportReport export_to(const std::shared_ptr<SharedSession>& shared, const py::object& file,
                       bool text, const std::string& format, std::optional<Id> account_id,
                       std::optional<AccountQuery> query, const py::object& progress) {
  PythonErrors errors;
  ExportOptions options;
  options.format = format_from_py(format);
  options.account_id = account_id;
  options.query = std::move(query);
  options.progress = progress_callback(progress, errors);
  PyWriteBuffer buffer(file, text, errors);
  std::ostream out(&buffer);
  out.exceptions(std::ios::badbit);  // a failed write() stops the export at once
  return run_io(*shared, errors, [&](Session& s) {
    ExportReport report = export_accounts(s, out, options);
    buffer.finish();
    return report;
  });
}

ImportReport import_from(const std::shared_ptr<SharedSession>& shared, const py::object& file,
                         const std::string& format, std::int64_t batch_size, bool strict,
                         bool ignore_unknown_columns, std::int64_t max_errors_kept,
                         const py::object& on_error, const py::object& progress) {
  if (max_errors_kept < 0) {
    throw py::value_error("max_errors_kept must be 0 or more, not " +
                          std::to_string(max_errors_kept));
  }
  PythonErrors errors;
  ImportOptions options;
  options.format = format_from_py(format);
  // 0 and negative sizes: the library's ValidationError import.batch_invalid.
  options.batch_size = batch_size < 0 ? 0 : static_cast<std::size_t>(batch_size);
  options.strict = strict;
  options.ignore_unknown_columns = ignore_unknown_columns;
  options.max_errors_kept = static_cast<std::size_t>(max_errors_kept);
  options.progress = progress_callback(progress, errors);
  if (!on_error.is_none()) {
    PyObject* callable = on_error.ptr();
    options.on_error = [callable, &errors](const ImportError& e) {
      errors.call([&] {
        py::handle fn(callable);
        fn(e);
      });
    };
  }
  PyReadBuffer buffer(file, errors);
  std::istream in(&buffer);
  // A failed read() stops the import at once, rather than looking like the
  // end of the input in the middle of a record.
  in.exceptions(std::ios::badbit);
  return run_io(*shared, errors, [&](Session& s) { return import_accounts(s, in, options); });
}

// ---- report classes

py::dict export_report_to_dict(const ExportReport& r) {
  py::dict d;
  d["accounts"] = r.accounts;
  d["contacts"] = r.contacts;
  return d;
}

py::dict import_error_to_dict(const ImportError& e) {
  py::dict d;
  d["line"] = e.line;
  d["field"] = text_to_py(e.field);
  d["code"] = text_to_py(e.code);
  d["message"] = text_to_py(e.message);
  return d;
}

// The keys of custmgmt::to_json(const ImportReport&), in its order.
py::dict import_report_to_dict(const ImportReport& r, bool errors_as_dicts) {
  py::dict d;
  d["rows"] = r.rows;
  d["accounts_created"] = r.accounts_created;
  d["accounts_updated"] = r.accounts_updated;
  d["accounts_unchanged"] = r.accounts_unchanged;
  d["contacts_created"] = r.contacts_created;
  d["contacts_updated"] = r.contacts_updated;
  d["contacts_unchanged"] = r.contacts_unchanged;
  d["rejected"] = r.rejected;
  d["committed"] = r.committed;
  py::list errors;
  for (const auto& e : r.errors) {
    errors.append(errors_as_dicts ? py::object(import_error_to_dict(e)) : py::cast(e));
  }
  d["errors"] = errors;
  return d;
}

py::dict restore_report_to_dict(const RestoreReport& r) {
  py::dict d;
  d["account_id"] = r.account_id;
  d["recreated"] = r.recreated;
  d["contacts_created"] = r.contacts_created;
  d["contacts_updated"] = r.contacts_updated;
  d["contacts_deleted"] = r.contacts_deleted;
  return d;
}

py::dict integrity_problem_to_dict(const IntegrityProblem& p) {
  py::dict d;
  d["check"] = text_to_py(p.check);
  d["message"] = text_to_py(p.message);
  return d;
}

template <typename T>
void text_readonly(py::class_<T>& cls, const char* name, std::string T::*member, const char* doc) {
  cls.def_property_readonly(
      name, [member](const T& self) { return text_to_py(self.*member); }, doc);
}

void bind_reports(py::module_& m) {
  py::class_<ExportReport>(m, "ExportReport", "What export_accounts() wrote.")
      .def_readonly("accounts", &ExportReport::accounts, "Accounts written.")
      .def_readonly("contacts", &ExportReport::contacts, "Contacts written.")
      .def("to_dict", &export_report_to_dict)
      .def("__repr__", [](const ExportReport& r) {
        return make_repr("ExportReport", export_report_to_dict(r));
      });

  py::class_<ImportError> problem(
      m, "ImportProblem",
      "One rejected input row, or a problem with the whole file (``line`` 0: no\n"
      "particular line). The C++ ``custmgmt::ImportError``; renamed so as not to shadow\n"
      "Python's ImportError.");
  problem.def_readonly("line", &ImportError::line, "1-based line where the row starts.");
  text_readonly(problem, "field", &ImportError::field,
                "Field (CSV column, NDJSON key) at fault; empty for the row.");
  text_readonly(problem, "code", &ImportError::code,
                "Stable code, e.g. ``email.invalid``, ``csv.malformed``.");
  text_readonly(problem, "message", &ImportError::message, "Human-readable explanation.");
  problem.def("to_dict", &import_error_to_dict, "``line``, ``field``, ``code``, ``message``.")
      .def("__repr__", [](const ImportError& e) {
        return make_repr("ImportProblem", import_error_to_dict(e));
      });

  py::class_<ImportReport>(
      m, "ImportReport",
      "What import_accounts() did. In strict mode with rejected rows nothing is kept,\n"
      "``committed`` is false and every created/updated/unchanged count is 0.")
      .def_readonly("rows", &ImportReport::rows, "Input rows (lines, CSV records) read.")
      .def_readonly("accounts_created", &ImportReport::accounts_created, "New accounts.")
      .def_readonly("accounts_updated", &ImportReport::accounts_updated,
                    "Existing accounts changed.")
      .def_readonly("accounts_unchanged", &ImportReport::accounts_unchanged,
                    "Existing accounts already equal.")
      .def_readonly("contacts_created", &ImportReport::contacts_created, "New contacts.")
      .def_readonly("contacts_updated", &ImportReport::contacts_updated,
                    "Existing contacts changed.")
      .def_readonly("contacts_unchanged", &ImportReport::contacts_unchanged,
                    "Existing contacts already equal.")
      .def_readonly("rejected", &ImportReport::rejected, "Rows rejected (plus a file error).")
      .def_readonly("committed", &ImportReport::committed,
                    "False when strict mode rolled everything back.")
      .def_property_readonly(
          "errors",
          [](const ImportReport& r) {
            py::list out;
            for (const auto& e : r.errors) out.append(py::cast(e));
            return out;
          },
          "The first ``max_errors_kept`` errors, as ImportProblem (a new list).")
      .def(
          "to_dict", [](const ImportReport& r) { return import_report_to_dict(r, true); },
          "The keys of ``to_json()``, errors as dicts.")
      .def(
          "to_json", [](const ImportReport& r) { return text_to_py(to_json(r)); },
          "The report as JSON text (the C++ ``to_json(const ImportReport&)``, as printed\n"
          "by ``custmgmt --json import``).")
      .def("__repr__", [](const ImportReport& r) {
        return make_repr("ImportReport", import_report_to_dict(r, false));
      });

  py::class_<RestoreReport>(m, "RestoreReport", "What restore_account() did.")
      .def_readonly("account_id", &RestoreReport::account_id,
                    "Id of the restored account in the store.")
      .def_readonly("recreated", &RestoreReport::recreated,
                    "True when the account had been deleted (it has a new id).")
      .def_readonly("contacts_created", &RestoreReport::contacts_created, "Contacts added back.")
      .def_readonly("contacts_updated", &RestoreReport::contacts_updated,
                    "Contacts set back to the backup.")
      .def_readonly("contacts_deleted", &RestoreReport::contacts_deleted,
                    "Contacts absent from the backup, removed.")
      .def("to_dict", &restore_report_to_dict)
      .def("__repr__", [](const RestoreReport& r) {
        return make_repr("RestoreReport", restore_report_to_dict(r));
      });

  py::class_<IntegrityProblem> integrity(m, "IntegrityProblem", "One problem found by verify().");
  text_readonly(integrity, "check", &IntegrityProblem::check,
                "e.g. ``integrity_check``, ``duplicate_primary``.");
  text_readonly(integrity, "message", &IntegrityProblem::message,
                "What is wrong, naming the rows.");
  integrity.def("to_dict", &integrity_problem_to_dict)
      .def("__repr__", [](const IntegrityProblem& p) {
        return make_repr("IntegrityProblem", integrity_problem_to_dict(p));
      });
}

}  // namespace

void bind_io(py::module_& m) {
  bind_reports(m);

  m.def("export_accounts", &export_to, py::arg("session"), py::arg("file"), py::kw_only(),
        py::arg("text"), py::arg("format"), py::arg("account_id") = py::none(),
        py::arg("query") = py::none(), py::arg("progress") = py::none(),
        "Writes accounts with their contacts to ``file`` (its write() is called with\n"
        "bytes, or str when ``text``); see custmgmt.export_accounts().");
  m.def("import_accounts", &import_from, py::arg("session"), py::arg("file"), py::kw_only(),
        py::arg("format"), py::arg("batch_size"), py::arg("strict"),
        py::arg("ignore_unknown_columns"), py::arg("max_errors_kept"), py::arg("on_error"),
        py::arg("progress"),
        "Imports accounts with their contacts from ``file`` (its read() returns bytes\n"
        "or str); see custmgmt.import_accounts().");
  m.def(
      "data_format", [](const std::string& text) { return format_name(format_from_py(text)); },
      py::arg("text"),
      "``\"ndjson\"`` or ``\"csv\"`` for a format name (``\"jsonl\"`` is NDJSON, any case);\n"
      "raises ValueError naming any other text.");
  m.def(
      "data_format_of",
      [](const std::filesystem::path& path) { return format_name(data_format_of(path)); },
      py::arg("path"), "``\"csv\"`` for a ``.csv`` file name, else ``\"ndjson\"``.");
  m.def(
      "backup",
      [](const std::shared_ptr<SharedSession>& shared, const std::filesystem::path& file) {
        return backup_kind_name(locked(*shared, [&](Session& s) { return backup(s, file); }));
      },
      py::arg("session"), py::arg("file"), nogil(),
      "Writes a consistent snapshot of the session's store to ``file``; returns\n"
      "``\"sqlite_file\"`` or ``\"ndjson\"``. See custmgmt.backup().");
  m.def(
      "restore_account",
      [](const std::shared_ptr<SharedSession>& shared, const std::filesystem::path& file,
         Id account_id) {
        return locked(*shared, [&](Session& s) { return restore_account(s, file, account_id); });
      },
      py::arg("session"), py::arg("file"), py::arg("account_id"), nogil(),
      "Restores one account and its contacts from a backup or NDJSON export.");
  m.def(
      "verify",
      [](const std::shared_ptr<SharedSession>& shared) {
        return locked(*shared, [](Session& s) { return verify(s); });
      },
      py::arg("session"), nogil(), "Checks the store; returns the problems found.");
  m.def(
      "archive_older_than",
      [](const std::shared_ptr<SharedSession>& shared, Timestamp cutoff) {
        return locked(*shared, [&](Session& s) { return archive_older_than(s, cutoff); });
      },
      py::arg("session"), py::arg("cutoff"), nogil(),
      "Archives every active visible account not updated since ``cutoff``.");
  m.def("csv_columns", &csv_columns, "The CSV columns, in the order export writes them.");
}

}  // namespace custmgmt::python
