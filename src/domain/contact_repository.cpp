#include "custmgmt/contact_repository.hpp"

#include "custmgmt/error.hpp"
#include "domain/paging.hpp"
#include "domain/records.hpp"
#include "domain/session_impl.hpp"

namespace custmgmt {

namespace {

[[noreturn]] void contact_not_found(Id id) {
  throw NotFound("contact.not_found", "contact " + std::to_string(id) + " not found");
}

[[noreturn]] void account_not_found(Id id) {
  throw NotFound("account.not_found", "account " + std::to_string(id) + " not found");
}

[[noreturn]] void stale(Id id) {
  throw Conflict("conflict.stale_version",
                 "contact " + std::to_string(id) + " was changed by someone else; read it again");
}

backend::SortKey key_of(const Contact& c, backend::ContactOrder order,
                        const std::string& text_key) {
  backend::SortKey key;
  key.id = c.id;
  key.text = backend::search_key(c.contact_name);
  switch (order) {
    case backend::ContactOrder::Relevance:
      key.number = backend::relevance_tier(key.text, text_key);
      break;
    case backend::ContactOrder::PrimaryThenName:
      key.number = c.is_primary_contact ? 1 : 0;
      break;
    case backend::ContactOrder::Name:
      break;
  }
  return key;
}

Page<Contact> run_search(detail::SessionImpl& s, backend::ContactSearch spec, std::size_t limit,
                         const std::string& cursor) {
  detail::QueryFingerprint fp;
  fp.add(spec.text_key).add(static_cast<std::int64_t>(spec.words.size()));
  fp.add(spec.email.value_or("")).add(static_cast<std::int64_t>(spec.email.has_value()));
  fp.add(spec.phone.value_or("")).add(static_cast<std::int64_t>(spec.phone.has_value()));
  fp.add(spec.account_id.value_or(-1));
  const int order = static_cast<int>(spec.order);
  spec.after = detail::decode_cursor(cursor, order, fp.value());
  spec.limit = limit + 1;
  auto rows = s.conn().search_contacts(spec);
  return detail::make_page(std::move(rows), limit, order, fp.value(),
                           [&](const Contact& c) { return key_of(c, spec.order, spec.text_key); });
}

}  // namespace

Contact ContactRepository::add(const Contact& contact) {
  auto& s = *session_;
  FieldErrors errors;
  Contact clean =
      detail::normalize_contact(contact, PhoneOptions{s.options().default_region}, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  clean.created_by = s.actor().user;
  clean.updated_by = s.actor().user;
  const std::string key = backend::search_key(clean.contact_name);
  return s.in_transaction([&] {
    if (!s.conn().select_account(clean.customer_account_id)) {
      account_not_found(clean.customer_account_id);
    }
    auto stored = s.conn().insert_contact(clean, key);
    if (!stored) account_not_found(clean.customer_account_id);
    return *std::move(stored);
  });
}

std::vector<Contact> ContactRepository::add_many(const std::vector<Contact>& contacts) {
  auto& s = *session_;
  FieldErrors errors;
  std::vector<Contact> clean;
  clean.reserve(contacts.size());
  const PhoneOptions phone{s.options().default_region};
  for (std::size_t i = 0; i < contacts.size(); ++i) {
    FieldErrors found;
    clean.push_back(detail::normalize_contact(contacts[i], phone, found));
    const std::string prefix = "[" + std::to_string(i) + "].";
    for (auto& e : found) {
      e.field = prefix + e.field;
      errors.push_back(std::move(e));
    }
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  return detail::store_new_contacts(s, std::move(clean));
}

std::vector<Contact> detail::store_new_contacts(SessionImpl& s, std::vector<Contact> clean) {
  std::vector<std::string> keys;
  keys.reserve(clean.size());
  for (auto& c : clean) {
    c.created_by = s.actor().user;
    c.updated_by = s.actor().user;
    keys.push_back(backend::search_key(c.contact_name));
  }
  if (clean.empty()) return {};
  return s.in_transaction([&] {
    auto stored = s.conn().insert_contacts(clean, keys);
    std::vector<Contact> out;
    out.reserve(stored.size());
    for (std::size_t i = 0; i < stored.size(); ++i) {
      if (!stored[i]) account_not_found(clean[i].customer_account_id);
      out.push_back(*std::move(stored[i]));
    }
    return out;
  });
}

std::optional<Contact> ContactRepository::find(Id id) {
  return session_->conn().select_contact(id);
}

Contact ContactRepository::get(Id id) {
  auto found = find(id);
  if (!found) contact_not_found(id);
  return *std::move(found);
}

Contact ContactRepository::update(const Contact& contact) {
  auto& s = *session_;
  FieldErrors errors;
  Contact clean =
      detail::normalize_contact(contact, PhoneOptions{s.options().default_region}, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  return s.in_transaction([&] {
    auto current = s.conn().select_contact(contact.id);
    if (!current) contact_not_found(contact.id);
    if (current->version != contact.version) stale(contact.id);
    if (clean.customer_account_id != current->customer_account_id &&
        !s.conn().select_account(clean.customer_account_id)) {
      account_not_found(clean.customer_account_id);
    }
    clean.created_by = current->created_by;
    auto stored =
        s.conn().update_contact(clean, backend::search_key(clean.contact_name), contact.version);
    if (!stored) stale(contact.id);
    return *std::move(stored);
  });
}

void ContactRepository::remove(Id id) {
  auto& s = *session_;
  s.in_transaction([&] {
    if (!s.conn().select_contact(id)) contact_not_found(id);
    if (!s.conn().delete_contact(id)) contact_not_found(id);
  });
}

Page<Contact> ContactRepository::list(Id account_id, const std::string& cursor, std::size_t limit) {
  FieldErrors errors;
  detail::check_limit(limit, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  backend::ContactSearch spec;
  spec.account_id = account_id;
  spec.order = backend::ContactOrder::PrimaryThenName;
  // The contact statement applies the contact policy (the account is
  // visible), so a non-empty page proves the account exists and is visible.
  // Only an empty page needs the account looked up, to tell "no contacts"
  // from "no such account": one statement instead of two on the common path
  // of a point read (docs/benchmarks.md, point read).
  auto page = run_search(*session_, std::move(spec), limit, cursor);
  if (page.items.empty() && !session_->conn().select_account(account_id)) {
    account_not_found(account_id);
  }
  return page;
}

Contact ContactRepository::set_primary(Id contact_id) {
  auto& s = *session_;
  return s.in_transaction([&] {
    auto current = s.conn().select_contact(contact_id);
    if (!current) contact_not_found(contact_id);
    if (current->is_primary_contact) return *std::move(current);
    auto stored = s.conn().set_primary_contact(contact_id);
    if (!stored) contact_not_found(contact_id);
    return *std::move(stored);
  });
}

Page<Contact> ContactRepository::search(const ContactQuery& query) {
  auto& s = *session_;
  FieldErrors errors;
  detail::check_limit(query.limit, errors);
  backend::ContactSearch spec;
  bool nothing_matches = false;
  if (query.text) {
    spec.words = detail::check_search_text(*query.text, errors);
    spec.text_key = backend::search_key(*query.text);
    nothing_matches = spec.words.empty();
  }
  if (query.email) {
    std::string normalized;
    const auto found = validate_email(*query.email, &normalized);
    errors.insert(errors.end(), found.begin(), found.end());
    spec.email = normalized;
  }
  if (query.phone) {
    PhoneNumber number;
    const auto found =
        validate_phone(*query.phone, PhoneOptions{s.options().default_region}, &number);
    errors.insert(errors.end(), found.begin(), found.end());
    spec.phone = number.e164;
  }
  spec.account_id = query.account_id;
  if (!query.text && !query.email && !query.phone && !query.account_id) {
    detail::add_error(errors, "query", "query.empty",
                      "a contact search needs text, email, phone or account_id");
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  // Text without a single word matches nothing (never everything).
  if (nothing_matches) return {};
  spec.order = query.text ? backend::ContactOrder::Relevance : backend::ContactOrder::Name;
  return run_search(s, std::move(spec), query.limit, query.cursor);
}

}  // namespace custmgmt
