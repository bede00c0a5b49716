// The validators on their own, the size limits, and small helpers
// (version, UUIDs, RFC 3339 timestamps, address JSON).
#include <optional>
#include <string>

#include "bindings.hpp"

namespace custmgmt::python {

namespace {

void bind_limits(py::module_& m) {
  py::module_ l = m.def_submodule("limits", "Maximum field sizes, in bytes of UTF-8.");
  l.attr("COMPANY_NAME") = limits::kCompanyName;
  l.attr("CONTACT_NAME") = limits::kContactName;
  l.attr("NOTES") = limits::kNotes;
  l.attr("ROLE") = limits::kRole;
  l.attr("TAG") = limits::kTag;
  l.attr("TAG_COUNT") = limits::kTagCount;
  l.attr("EMAIL") = limits::kEmail;
  l.attr("EMAIL_LOCAL") = limits::kEmailLocal;
  l.attr("PHONE_INPUT") = limits::kPhoneInput;
  l.attr("ADDRESS_FIELD") = limits::kAddressField;
  l.attr("SEARCH_TEXT") = limits::kSearchText;
}

}  // namespace

void bind_validate(py::module_& m) {
  // Validators are pure computation on their arguments; they keep the GIL
  // (no storage is touched and the work is short).
  m.def(
      "validate_email",
      [](const std::string& email) { return field_errors_to_py(validate_email(email)); },
      py::arg("email"),
      "Checks an email address: RFC 5322 addr-spec without comments or folding white\n"
      "space (dot-atom or quoted local part), local part at most 64 bytes, whole address\n"
      "at most 254, a domain of valid labels (LDH or an internationalised name accepted\n"
      "by IDNA2008; IP literals are rejected). Surrounding white space is ignored.\n\n"
      ":return: the list of FieldError under field ``email``; empty when valid. Codes:\n"
      "    ``email.required``, ``email.invalid``, ``email.too_long``,\n"
      "    ``email.local_part_too_long``, ``email.domain_invalid``, ``text.invalid_utf8``.");
  m.def(
      "normalize_email",
      [](const std::string& email) { return text_to_py(normalize_email(email)); }, py::arg("email"),
      "Throwing form of validate_email().\n\n"
      ":return: the normalised address (domain lower-cased, NFC, U-labels).\n"
      ":raises ValidationError: listing the field errors.");
  m.def(
      "validate_phone",
      [](const std::string& phone, const std::string& region) {
        return field_errors_to_py(validate_phone(phone, PhoneOptions{region}));
      },
      py::arg("phone"), py::arg("region") = "US",
      "Parses ``phone`` with libphonenumber (``region``, ISO 3166-1 alpha-2, is assumed\n"
      "for numbers written without ``+country``), rejects numbers that are not valid\n"
      "for their region; extensions (``ext. 123``, ``x123``, ``;ext=123``) are allowed.\n\n"
      ":return: the list of FieldError under field ``phone``; empty when valid. Codes:\n"
      "    ``phone.required``, ``phone.too_long``, ``phone.unparsable``,\n"
      "    ``phone.invalid``, ``phone.region_invalid``, ``text.invalid_utf8``.");
  m.def(
      "normalize_phone",
      [](const std::string& phone, const std::string& region) {
        return normalize_phone(phone, PhoneOptions{region});
      },
      py::arg("phone"), py::arg("region") = "US",
      "Throwing form of validate_phone().\n\n"
      ":return: a PhoneNumber (e164, extension, region).\n"
      ":raises ValidationError: listing the field errors.");
  m.def(
      "validate_address",
      [](const py::object& address) {
        try {
          return field_errors_to_py(validate_address(address_from_py(address, "address")));
        } catch (const ValidationError& e) {
          // A malformed mapping is reported like any other field error.
          return field_errors_to_py(e.errors());
        }
      },
      py::arg("address"),
      "Checks an address dict (keys street, city, state, zip, country; str values):\n"
      "every field valid text without control characters and at most 200 bytes;\n"
      "``country`` an ISO 3166-1 alpha-2 or alpha-3 code or English name\n"
      "(case-insensitive); for ``US`` a state/territory code (or its name) and a ZIP\n"
      "``12345`` or ``12345-6789``; for ``CA`` a province/territory code (or its name)\n"
      "and a postal code ``A1A 1A1``. Fields are trimmed.\n\n"
      ":return: the list of FieldError under ``address.<key>``; empty when valid. Codes:\n"
      "    ``address.country_unknown``, ``address.state_invalid``, ``address.zip_invalid``,\n"
      "    ``address.not_object``, ``address.unknown_key``, ``address.not_string``,\n"
      "    ``text.too_long``, ``text.invalid_utf8``, ``text.control_character``.");
  m.def(
      "normalize_address",
      [](const py::object& address) {
        return address_to_py(normalize_address(address_from_py(address, "address")));
      },
      py::arg("address"),
      "Throwing form of validate_address().\n\n"
      ":return: the address dict with trimmed fields, alpha-2 country, upper-case state\n"
      "    code for US/CA, canonical ZIP/postal code.\n"
      ":raises ValidationError: listing the field errors.");
  m.def(
      "validate_address_json",
      [](const std::string& json) { return field_errors_to_py(validate_address_json(json)); },
      py::arg("json"),
      "Like validate_address() but from the JSON text form. The JSON must be an object\n"
      "whose keys are only street, city, state, zip, country and whose values are\n"
      "strings (or null, meaning absent). Adds the codes ``address.not_json``,\n"
      "``address.not_object``, ``address.unknown_key``, ``address.not_string``.");
  m.def(
      "parse_address", [](const std::string& json) { return address_to_py(parse_address(json)); },
      py::arg("json"),
      "Parses, validates and normalises an address from its JSON text form.\n\n"
      ":return: the normalised address dict.\n"
      ":raises ValidationError: listing the field errors.");
  m.def(
      "address_to_json",
      [](const py::object& address) {
        return text_to_py(to_json(address_from_py(address, "address")));
      },
      py::arg("address"),
      "Serialises an address dict as compact JSON holding only the non-empty keys, in\n"
      "the order street, city, state, zip, country (no validation).");
  m.def(
      "country_alpha2",
      [](const std::string& code_or_name) -> std::optional<std::string> {
        return country_alpha2(code_or_name);
      },
      py::arg("code_or_name"),
      "Maps an ISO 3166-1 alpha-2 or alpha-3 code or an English country name (common,\n"
      "official or short; case-insensitive; e.g. ``USA``, ``United States``, ``de``) to\n"
      "the alpha-2 code.\n\n:return: the alpha-2 code, or None when unknown.");
  m.def(
      "is_uuid", [](const std::string& text) { return is_uuid(text); }, py::arg("text"),
      "True when ``text`` is a UUID in the 8-4-4-4-12 hex form (any case).");
  m.def(
      "format_timestamp", [](Timestamp t) { return format_timestamp(t); }, py::arg("when"),
      "Formats an aware datetime as RFC 3339 in UTC with microseconds,\n"
      "e.g. ``2025-01-08T09:30:00.000000Z``.\n\n:raises ValueError: for a naive datetime.");
  m.def(
      "parse_timestamp",
      [](const std::string& text) -> std::optional<Timestamp> { return parse_timestamp(text); },
      py::arg("text"),
      "Parses an RFC 3339 timestamp (``Z`` or ``+hh:mm`` offset, optional fraction up\n"
      "to microseconds).\n\n:return: an aware UTC datetime, or None when ``text`` is not\n"
      "    such a timestamp.");
  m.def(
      "version", [] { return std::string(version()); },
      "The version of the custmgmt library actually linked, e.g. ``\"0.1.0\"``.");
  bind_limits(m);
}

}  // namespace custmgmt::python
