// The record JSON codec (custmgmt/json.hpp): the first byte picks the
// parser, the rest is the document. Parsers throw only ValidationError with
// well-formed field errors; a parsed account or contact is written by
// to_json() as valid JSON that parses back to the same record.
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>

#include "custmgmt/json.hpp"
#include "custmgmt/validate.hpp"
#include "fuzz_support.hpp"

namespace {

template <typename Record, typename Parse>
void round_trip(const Record& record, Parse parse) {
  using namespace custmgmt;
  const std::string json = to_json(record);
  fuzz::require(is_valid_utf8(json), "to_json wrote invalid UTF-8");
  Record again;
  try {
    again = parse(json);
  } catch (const ValidationError&) {
    fuzz::require(false, "to_json of a parsed record does not parse");
  }
  fuzz::require(again == record, "record JSON round trip changed the record");
  fuzz::require(to_json(again) == json, "to_json is not stable");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace custmgmt;
  if (size == 0) return 0;
  const auto text = fuzz::as_text(data + 1, size - 1);
  try {
    switch (data[0] % 5) {
      case 0:
        round_trip(account_from_json(text),
                   [](const std::string& j) { return account_from_json(j); });
        break;
      case 1:
        round_trip(contact_from_json(text),
                   [](const std::string& j) { return contact_from_json(j); });
        break;
      case 2:
        (void)account_query_from_json(text);
        break;
      case 3:
        (void)contact_query_from_json(text);
        break;
      default:
        (void)stats_options_from_json(text);
        break;
    }
  } catch (const ValidationError& e) {
    fuzz::require(!e.errors().empty(), "ValidationError without field errors");
    fuzz::require_well_formed(e.errors());
    fuzz::require(is_valid_utf8(to_json(e.errors())), "field errors as invalid UTF-8 JSON");
  }
  return 0;
}
