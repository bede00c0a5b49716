#include "custmgmt/account_repository.hpp"

#include <algorithm>
#include <ctime>

#include "custmgmt/error.hpp"
#include "domain/paging.hpp"
#include "domain/records.hpp"
#include "domain/session_impl.hpp"

namespace custmgmt {

namespace {

[[noreturn]] void account_not_found(Id id) {
  throw NotFound("account.not_found", "account " + std::to_string(id) + " not found");
}

[[noreturn]] void stale(Id id) {
  throw Conflict("conflict.stale_version",
                 "account " + std::to_string(id) + " was changed by someone else; read it again");
}

std::vector<std::string> clean_tags(const std::vector<std::string>& tags, const char* field,
                                    FieldErrors& errors) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    auto tag = detail::check_text(tags[i], std::string(field) + "[" + std::to_string(i) + "]",
                                  limits::kTag, true, true, detail::TextKind::SingleLine, errors);
    if (std::find(out.begin(), out.end(), tag) == out.end()) out.push_back(std::move(tag));
  }
  if (out.size() > limits::kTagCount) {
    detail::add_error(
        errors, field, "tags.too_many",
        std::string(field) + " lists more than " + std::to_string(limits::kTagCount) + " tags");
  }
  return out;
}

backend::SortKey key_of(const Account& a, AccountSort sort, const std::string& text_key) {
  backend::SortKey key;
  key.id = a.id;
  switch (sort) {
    case AccountSort::Relevance:
      key.text = backend::search_key(a.company_name);
      key.number = backend::relevance_tier(key.text, text_key);
      break;
    case AccountSort::NameAsc:
      key.text = backend::search_key(a.company_name);
      break;
    case AccountSort::UpdatedDesc:
      key.number = to_micros(a.updated_at);
      break;
    default:
      key.number = to_micros(a.created_at);
      break;
  }
  return key;
}

// First instant (UTC) of the month `back` months before the month of `now`.
Timestamp month_start(Timestamp now, int back, int& year, int& month) {
  const std::time_t secs = static_cast<std::time_t>(to_micros(now) / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  int months = (tm.tm_year + 1900) * 12 + tm.tm_mon - back;
  year = months / 12;
  month = months % 12 + 1;
  std::tm start{};
  start.tm_year = year - 1900;
  start.tm_mon = month - 1;
  start.tm_mday = 1;
  return from_micros(static_cast<std::int64_t>(timegm(&start)) * 1000000);
}

}  // namespace

namespace {

// Decides created_by/updated_by of a new account for the acting session.
void assign_owner(const backend::Actor& actor, Account& clean) {
  if (!actor.service) {
    if (clean.created_by && clean.created_by != actor.user) {
      throw PermissionDenied("permission.denied",
                             "a user can only create accounts as himself (created_by)");
    }
    clean.created_by = actor.user;
    clean.updated_by = actor.user;
  } else {
    if (!clean.created_by) clean.created_by = actor.user;
    clean.updated_by = actor.user ? actor.user : clean.created_by;
  }
}

}  // namespace

Account AccountRepository::create(const Account& account) {
  auto& s = *session_;
  FieldErrors errors;
  Account clean = detail::normalize_account(account, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  assign_owner(s.actor(), clean);
  const std::string key = backend::search_key(clean.company_name);
  return s.in_transaction([&] { return s.conn().insert_account(clean, key); });
}

std::vector<Account> AccountRepository::create_many(const std::vector<Account>& accounts) {
  auto& s = *session_;
  FieldErrors errors;
  std::vector<Account> clean;
  clean.reserve(accounts.size());
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    FieldErrors found;
    clean.push_back(detail::normalize_account(accounts[i], found));
    const std::string prefix = "[" + std::to_string(i) + "].";
    for (auto& e : found) {
      e.field = prefix + e.field;
      errors.push_back(std::move(e));
    }
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  return detail::store_new_accounts(s, std::move(clean));
}

std::vector<Account> detail::store_new_accounts(SessionImpl& s, std::vector<Account> clean) {
  std::vector<std::string> keys;
  keys.reserve(clean.size());
  for (auto& a : clean) {
    assign_owner(s.actor(), a);
    keys.push_back(backend::search_key(a.company_name));
  }
  if (clean.empty()) return {};
  return s.in_transaction([&] { return s.conn().insert_accounts(clean, keys); });
}

std::optional<Account> AccountRepository::find(Id id) {
  return session_->conn().select_account(id);
}

Account AccountRepository::get(Id id) {
  auto found = find(id);
  if (!found) account_not_found(id);
  return *std::move(found);
}

Account AccountRepository::update(const Account& account) {
  auto& s = *session_;
  FieldErrors errors;
  Account clean = detail::normalize_account(account, errors);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  return s.in_transaction([&] {
    auto current = s.conn().select_account(account.id);
    if (!current) account_not_found(account.id);
    if (current->version != account.version) stale(account.id);
    if (clean.created_by && clean.created_by != current->created_by) {
      throw PermissionDenied("permission.denied", "created_by cannot be changed");
    }
    clean.created_by = current->created_by;
    clean.archived_at = current->archived_at;
    auto stored =
        s.conn().update_account(clean, backend::search_key(clean.company_name), account.version);
    if (!stored) stale(account.id);
    return *std::move(stored);
  });
}

void AccountRepository::remove(Id id) {
  auto& s = *session_;
  s.in_transaction([&] {
    auto current = s.conn().select_account(id);
    if (!current) account_not_found(id);
    if (!s.actor().service && current->created_by != s.actor().user) {
      throw PermissionDenied("permission.denied", "only the user who created account " +
                                                      std::to_string(id) + " may delete it");
    }
    if (!s.conn().delete_account(id)) account_not_found(id);
  });
}

Account AccountRepository::archive(Id id) {
  auto& s = *session_;
  return s.in_transaction([&] {
    auto current = s.conn().select_account(id);
    if (!current) account_not_found(id);
    if (current->archived()) return *std::move(current);
    auto stored = s.conn().set_archived(id, true);
    if (!stored) account_not_found(id);
    return *std::move(stored);
  });
}

Account AccountRepository::restore(Id id) {
  auto& s = *session_;
  return s.in_transaction([&] {
    auto current = s.conn().select_account(id);
    if (!current) account_not_found(id);
    if (!current->archived()) return *std::move(current);
    auto stored = s.conn().set_archived(id, false);
    if (!stored) account_not_found(id);
    return *std::move(stored);
  });
}

Page<Account> AccountRepository::search(const AccountQuery& query) {
  FieldErrors errors;
  backend::AccountSearch spec;
  detail::check_limit(query.limit, errors);
  const bool has_text = query.text.has_value();
  if (has_text) {
    spec.words = detail::check_search_text(*query.text, errors);
    spec.text_key = backend::search_key(*query.text);
  }
  spec.customer_type = query.customer_type;
  spec.tags_any = clean_tags(query.tags_any, "tags_any", errors);
  spec.tags_all = clean_tags(query.tags_all, "tags_all", errors);
  spec.created_from = query.created_from;
  spec.created_to = query.created_to;
  if (query.created_from && query.created_to && *query.created_from >= *query.created_to) {
    detail::add_error(errors, "created_to", "query.range_invalid",
                      "created_to must be later than created_from");
  }
  // Enums can arrive out of range through casts and bindings.
  if (query.customer_type && *query.customer_type != CustomerType::Residential &&
      *query.customer_type != CustomerType::Commercial) {
    detail::add_error(errors, "customer_type", "customer_type.invalid",
                      "customer_type must be Residential or Commercial");
  }
  if (static_cast<int>(query.archived) < static_cast<int>(ArchivedFilter::Exclude) ||
      static_cast<int>(query.archived) > static_cast<int>(ArchivedFilter::Only)) {
    detail::add_error(errors, "archived", "query.archived_invalid",
                      "archived must be Exclude, Include or Only");
  }
  if (static_cast<int>(query.sort) < static_cast<int>(AccountSort::Default) ||
      static_cast<int>(query.sort) > static_cast<int>(AccountSort::UpdatedDesc)) {
    detail::add_error(errors, "sort", "query.sort_invalid", "unknown sort order");
  }
  spec.archived = query.archived;
  spec.sort = query.sort;
  if (spec.sort == AccountSort::Default) {
    spec.sort = has_text ? AccountSort::Relevance : AccountSort::CreatedDesc;
  }
  if (spec.sort == AccountSort::Relevance && !has_text) {
    detail::add_error(errors, "sort", "query.sort_invalid", "relevance order needs search text");
  }
  detail::QueryFingerprint fp;
  fp.add(spec.text_key).add(static_cast<std::int64_t>(has_text));
  fp.add(spec.customer_type ? static_cast<std::int64_t>(*spec.customer_type) : -1);
  for (const auto& t : spec.tags_any) fp.add("any").add(t);
  for (const auto& t : spec.tags_all) fp.add("all").add(t);
  fp.add(spec.created_from ? to_micros(*spec.created_from) : INT64_MIN);
  fp.add(spec.created_to ? to_micros(*spec.created_to) : INT64_MIN);
  fp.add(static_cast<std::int64_t>(spec.archived));
  const int order = static_cast<int>(spec.sort);
  if (errors.empty()) spec.after = detail::decode_cursor(query.cursor, order, fp.value());
  if (!errors.empty()) throw ValidationError(std::move(errors));
  // Text without a single word matches nothing (never everything).
  if (has_text && spec.words.empty()) return {};
  spec.limit = query.limit + 1;
  auto rows = session_->conn().search_accounts(spec);
  return detail::make_page(std::move(rows), query.limit, order, fp.value(),
                           [&](const Account& a) { return key_of(a, spec.sort, spec.text_key); });
}

AccountStats AccountRepository::stats(const StatsOptions& options) {
  FieldErrors errors;
  if (options.months < 1 || options.months > 120) {
    detail::add_error(errors, "months", "stats.months_invalid", "months must be between 1 and 120");
  }
  if (options.top_tags < 0 || options.top_tags > 100) {
    detail::add_error(errors, "top_tags", "stats.top_tags_invalid",
                      "top_tags must be between 0 and 100");
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  const auto now =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  backend::StatsSpec spec;
  spec.months = options.months;
  spec.top_tags = options.top_tags;
  int year = 0, month = 0;
  spec.since = month_start(now, options.months - 1, year, month);
  AccountStats stats = session_->conn().account_stats(spec);
  // Every month of the window, oldest first, zero where nothing was created.
  std::vector<MonthCount> months;
  for (int i = 0; i < options.months; ++i) {
    MonthCount m{year, month, 0};
    for (const auto& got : stats.new_accounts_per_month) {
      if (got.year == year && got.month == month) m.count = got.count;
    }
    months.push_back(m);
    if (++month == 13) {
      month = 1;
      ++year;
    }
  }
  stats.new_accounts_per_month = std::move(months);
  return stats;
}

}  // namespace custmgmt
