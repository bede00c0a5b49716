// The custmgmt._core extension: the private C++ half of the `custmgmt`
// package. Exceptions are registered first so that every later binding can
// raise them; the pure-Python package builds the public API on top.
#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  using namespace custmgmt::python;

  m.doc() = "Private C++ core of the custmgmt package; import custmgmt instead.";
  init_conversions();
  m.attr("FieldError") = field_error_type();
  bind_errors(m);
  bind_records(m);
  bind_validate(m);
  bind_store(m);
  bind_io(m);

  // The public classes are re-exported by the package: name them after it,
  // so that repr(), help() and pickle show custmgmt.Account, not _core.
  for (const char* name :
       {"Account", "Contact", "AccountPage", "ContactPage", "AccountStats", "MonthCount",
        "TagCount", "PhoneNumber", "Transaction", "ExportReport", "ImportProblem", "ImportReport",
        "RestoreReport", "IntegrityProblem", "StoreStats"}) {
    m.attr(name).attr("__module__") = "custmgmt";
  }
}
