#include "domain/records.hpp"

#include <algorithm>

#include "custmgmt/types.hpp"
#include "validate/text.hpp"

namespace custmgmt::detail {

namespace {

std::optional<std::string> optional_text(const std::optional<std::string>& value, const char* field,
                                         std::size_t max, bool trim, TextKind kind,
                                         FieldErrors& errors) {
  if (!value) return std::nullopt;
  return check_text(*value, field, max, false, trim, kind, errors);
}

// An optional value that is empty after trimming counts as absent.
std::optional<std::string> present(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  const auto first = value->find_first_not_of(" \t\r\n\f\v");
  if (first == std::string::npos) return std::nullopt;
  return value;
}

std::optional<std::string> normalize_uuid(const std::optional<std::string>& value,
                                          const char* field, FieldErrors& errors) {
  if (!value) return std::nullopt;
  if (!is_uuid(*value)) {
    add_error(errors, field, "uuid.invalid", std::string(field) + " must be a UUID");
    return std::nullopt;
  }
  std::string out = *value;
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

Address normalize_address_field(const Address& in, const std::string& field, FieldErrors& errors) {
  Address out;
  const auto found = validate_address(in, &out);
  append_prefixed(errors, found, "address", field);
  return found.empty() ? out : in;
}

}  // namespace

void append_prefixed(FieldErrors& out, const FieldErrors& in, const std::string& from,
                     const std::string& to) {
  for (auto e : in) {
    if (e.field.compare(0, from.size(), from) == 0) e.field = to + e.field.substr(from.size());
    out.push_back(std::move(e));
  }
}

Account normalize_account(const Account& in, FieldErrors& errors) {
  Account out = in;
  out.company_name = check_text(in.company_name, "company_name", limits::kCompanyName, true, true,
                                TextKind::SingleLine, errors);
  if (in.customer_type != CustomerType::Residential &&
      in.customer_type != CustomerType::Commercial) {
    add_error(errors, "customer_type", "customer_type.invalid",
              "customer_type must be Residential or Commercial");
  }
  out.billing_address = normalize_address_field(in.billing_address, "billing_address", errors);
  out.service_address = normalize_address_field(in.service_address, "service_address", errors);
  out.account_notes = optional_text(in.account_notes, "account_notes", limits::kNotes, false,
                                    TextKind::MultiLine, errors);
  out.tags.clear();
  for (std::size_t i = 0; i < in.tags.size(); ++i) {
    const std::string field = "tags[" + std::to_string(i) + "]";
    auto tag =
        check_text(in.tags[i], field, limits::kTag, true, true, TextKind::SingleLine, errors);
    if (std::find(out.tags.begin(), out.tags.end(), tag) == out.tags.end()) {
      out.tags.push_back(std::move(tag));
    }
  }
  if (out.tags.size() > limits::kTagCount) {
    add_error(errors, "tags", "tags.too_many",
              "an account has at most " + std::to_string(limits::kTagCount) + " tags");
  }
  out.created_by = normalize_uuid(in.created_by, "created_by", errors);
  return out;
}

Contact normalize_contact(const Contact& in, const PhoneOptions& phone, FieldErrors& errors) {
  Contact out = in;
  if (in.customer_account_id <= 0) {
    add_error(errors, "customer_account_id", "contact.account_required",
              "customer_account_id must name an account");
  }
  out.contact_name = check_text(in.contact_name, "contact_name", limits::kContactName, true, true,
                                TextKind::SingleLine, errors);
  out.email.reset();
  if (auto email = present(in.email)) {
    std::string normalized;
    const auto found = validate_email(*email, &normalized);
    errors.insert(errors.end(), found.begin(), found.end());
    if (found.empty()) out.email = std::move(normalized);
  }
  out.phone.reset();
  out.phone_extension.reset();
  out.phone_display.reset();
  if (auto typed = present(in.phone)) {
    PhoneNumber number;
    const auto found = validate_phone(*typed, phone, &number);
    errors.insert(errors.end(), found.begin(), found.end());
    if (found.empty()) {
      out.phone = number.e164;
      if (!number.extension.empty()) {
        out.phone_extension = number.extension;
      } else if (auto ext = present(in.phone_extension)) {
        const bool digits = ext->size() <= 10 && std::all_of(ext->begin(), ext->end(), [](char c) {
                              return c >= '0' && c <= '9';
                            });
        if (digits) {
          out.phone_extension = *ext;
        } else {
          add_error(errors, "phone_extension", "phone.extension_invalid",
                    "phone_extension must be 1 to 10 digits");
        }
      }
      // Keep what the user typed for display; an E.164 input (e.g. a record
      // read back and saved again) keeps the display text it carries.
      const std::string trimmed = check_text(*typed, "phone", limits::kPhoneInput, false, true,
                                             TextKind::SingleLine, errors);
      if (trimmed != number.e164) {
        out.phone_display = trimmed;
      } else if (auto shown = present(in.phone_display)) {
        out.phone_display = check_text(*shown, "phone_display", limits::kPhoneInput, false, true,
                                       TextKind::SingleLine, errors);
      }
    }
  } else if (present(in.phone_extension)) {
    add_error(errors, "phone_extension", "phone.extension_without_number",
              "phone_extension needs a phone number");
  }
  out.role =
      optional_text(present(in.role), "role", limits::kRole, true, TextKind::SingleLine, errors);
  out.contact_notes = optional_text(in.contact_notes, "contact_notes", limits::kNotes, false,
                                    TextKind::MultiLine, errors);
  return out;
}

}  // namespace custmgmt::detail
