// Deterministic synthetic data and query set for custmgmt-bench.
//
// Everything is a pure function of (seed, index): account i is the same on
// every run and in every process, so the library import, the raw loaders and
// the child processes that measure peak memory all produce identical rows
// without holding the whole data set in memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bench {

struct GenContact {
  std::string name;
  std::string email;  // already lower-case: stored as generated
  std::string phone;  // already E.164: stored as generated
  std::string role;
  bool primary = false;
};

struct GenAddress {
  std::string street, city, state, zip, country;
};

struct GenAccount {
  std::string company_name;
  bool residential = false;
  GenAddress billing;
  GenAddress service;
  std::optional<std::string> notes;
  std::vector<std::string> tags;
  std::int64_t created_at_us = 0;  // spread over five years before kEndMicros
  std::vector<GenContact> contacts;
};

// 2026-01-01T00:00:00Z; created_at values fall in the five years before it.
constexpr std::int64_t kEndMicros = 1767225600LL * 1000000;
constexpr std::int64_t kFiveYearsMicros = 5LL * 365 * 24 * 3600 * 1000000;

// Account number `index` (0-based) of the data set `seed`.
GenAccount make_account(std::uint64_t seed, std::int64_t index);

// The compact JSON the library stores for an address (keys in its order).
std::string address_json(const GenAddress& a);
// JSON array of strings.
std::string tags_json(const std::vector<std::string>& tags);

enum class Shape { kPrefix2, kPrefixLong, kWord, kTagsTypeRange, kSecondPage };
constexpr int kShapeCount = 5;
const char* shape_name(Shape s);

// One search of the fixed query set. For kSecondPage, `inner` says which of
// the other shapes the query is (the page-2 request of that query is timed).
struct GenQuery {
  Shape shape = Shape::kPrefix2;
  Shape inner = Shape::kPrefix2;
  std::optional<std::string> text;
  std::optional<bool> residential;  // type filter
  std::vector<std::string> tags_any;
  std::vector<std::string> tags_all;
  std::optional<std::int64_t> created_from_us;
  std::optional<std::int64_t> created_to_us;
};

// `count` queries, cycling through the shapes.
std::vector<GenQuery> make_queries(std::uint64_t seed, int count);

}  // namespace bench
