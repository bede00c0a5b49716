// The CSV importer: import_accounts(DataFormat::Csv) on a fresh copy of a
// seeded SQLite store per input; input layout and properties in
// import_fuzz.hpp.
#include <cstddef>
#include <cstdint>

#include "import_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return custmgmt::fuzz::run_import(custmgmt::DataFormat::Csv, data, size);
}
