#include "bench_data.hpp"

#include <array>
#include <cstdio>

namespace bench {

namespace {

// splitmix64: small, fast and good enough to make data look random.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& a) {
    return a[below(N)];
  }

 private:
  std::uint64_t state_;
};

const std::array<const char*, 48> kSurnames = {
    "Smith",    "Johnson",  "Williams", "Brown",    "Jones",  "Garcia",   "Miller", "Davis",
    "Martinez", "Lopez",    "Wilson",   "Anderson", "Thomas", "Taylor",   "Moore",  "Jackson",
    "Martin",   "Lee",      "Harris",   "Clark",    "Lewis",  "Walker",   "Hall",   "Allen",
    "Young",    "King",     "Wright",   "Scott",    "Green",  "Baker",    "Adams",  "Nelson",
    "Hill",     "Campbell", "Mitchell", "Roberts",  "Carter", "Phillips", "Evans",  "Turner",
    "Parker",   "Collins",  "Edwards",  "Stewart",  "Morris", "Murphy",   "Cook",   "Rogers"};
const std::array<const char*, 40> kFirstNames = {
    "James",   "Mary",    "Robert",  "Patricia",  "John",    "Jennifer", "Michael", "Linda",
    "David",   "Barbara", "William", "Elizabeth", "Richard", "Susan",    "Joseph",  "Jessica",
    "Thomas",  "Sarah",   "Charles", "Karen",     "Daniel",  "Nancy",    "Matthew", "Lisa",
    "Anthony", "Betty",   "Mark",    "Sandra",    "Donald",  "Ashley",   "Steven",  "Emily",
    "Paul",    "Donna",   "Andrew",  "Michelle",  "Joshua",  "Carol",    "Kenneth", "Amanda"};
const std::array<const char*, 32> kTrades = {
    "Plumbing",    "Electric", "Roofing",   "Bakery",    "Consulting", "Logistics", "Dental",
    "Landscaping", "Motors",   "Printing",  "Catering",  "Hardware",   "Analytics", "Builders",
    "Textiles",    "Pharmacy", "Optics",    "Freight",   "Studios",    "Brewing",   "Cleaning",
    "Security",    "Software", "Marine",    "Furniture", "Imaging",    "Holdings",  "Foods",
    "Energy",      "Robotics", "Insurance", "Medical"};
const std::array<const char*, 12> kPrefixes = {"Acme",   "Summit",    "Pioneer",  "Blue",
                                               "Golden", "Pacific",   "Northern", "Apex",
                                               "Silver", "Evergreen", "Redwood",  "Harbor"};
const std::array<const char*, 8> kSuffixes = {"Inc",      "LLC",  "Co",  "Group",
                                              "Partners", "Corp", "Ltd", "Services"};
const std::array<const char*, 24> kTags = {
    "vip",     "north",      "south",      "east",    "west",     "wholesale",
    "retail",  "priority",   "prospect",   "churned", "partner",  "net30",
    "net60",   "tax-exempt", "enterprise", "smb",     "referral", "trial",
    "renewal", "overdue",    "gold",       "silver",  "bronze",   "key-account"};
const std::array<const char*, 16> kStreets = {
    "Main", "Oak",    "Pine", "Maple", "Cedar",  "Elm",      "Washington", "Lake",
    "Hill", "Sunset", "Park", "River", "Church", "Highland", "Mill",       "Spring"};
struct City {
  const char* city;
  const char* state;
  const char* area;
};
const std::array<City, 16> kCities = {{{"Springfield", "IL", "217"},
                                       {"Austin", "TX", "512"},
                                       {"Seattle", "WA", "206"},
                                       {"Denver", "CO", "303"},
                                       {"Boston", "MA", "617"},
                                       {"Chicago", "IL", "312"},
                                       {"Portland", "OR", "503"},
                                       {"Atlanta", "GA", "404"},
                                       {"Phoenix", "AZ", "602"},
                                       {"Madison", "WI", "608"},
                                       {"Raleigh", "NC", "919"},
                                       {"Columbus", "OH", "614"},
                                       {"Nashville", "TN", "615"},
                                       {"Omaha", "NE", "402"},
                                       {"Tampa", "FL", "813"},
                                       {"Sacramento", "CA", "916"}}};
const std::array<const char*, 6> kRoles = {"Owner",      "Billing",          "Operations",
                                           "Purchasing", "Accounts payable", "Site manager"};

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

GenAddress make_address(Rng& r) {
  const City& c = r.pick(kCities);
  char zip[8];
  std::snprintf(zip, sizeof zip, "%05u", static_cast<unsigned>(10000 + r.below(89999)));
  return {std::to_string(1 + r.below(9899)) + " " + r.pick(kStreets) + " St", c.city, c.state, zip,
          "US"};
}

void append_json_string(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

GenAccount make_account(std::uint64_t seed, std::int64_t index) {
  Rng r(seed * 0x100000001b3ULL + static_cast<std::uint64_t>(index) * 0x9e3779b97f4a7c15ULL);
  r.next();
  GenAccount a;
  a.residential = r.below(10) < 3;
  if (a.residential) {
    a.company_name = std::string(r.pick(kFirstNames)) + " " + r.pick(kSurnames);
  } else {
    switch (r.below(3)) {
      case 0:
        a.company_name = std::string(r.pick(kSurnames)) + " " + r.pick(kTrades);
        break;
      case 1:
        a.company_name =
            std::string(r.pick(kPrefixes)) + " " + r.pick(kTrades) + " " + r.pick(kSuffixes);
        break;
      default:
        a.company_name =
            std::string(r.pick(kSurnames)) + " & " + r.pick(kSurnames) + " " + r.pick(kSuffixes);
        break;
    }
  }
  a.billing = make_address(r);
  if (r.below(2) == 0) a.service = r.below(2) == 0 ? a.billing : make_address(r);
  if (r.below(4) == 0)
    a.notes = "Prefers email; account opened by referral #" + std::to_string(index);
  const auto tag_count = r.below(5);
  for (std::uint64_t t = 0; t < tag_count; ++t) {
    std::string tag = r.pick(kTags);
    bool dup = false;
    for (const auto& have : a.tags) dup = dup || have == tag;
    if (!dup) a.tags.push_back(std::move(tag));
  }
  a.created_at_us = kEndMicros - 1 - static_cast<std::int64_t>(r.below(kFiveYearsMicros));
  const auto contact_count = r.below(5);
  const City& home = r.pick(kCities);
  for (std::uint64_t j = 0; j < contact_count; ++j) {
    GenContact c;
    const std::string first = r.pick(kFirstNames);
    const std::string last = r.pick(kSurnames);
    c.name = first + " " + last;
    c.email = lower(first) + "." + lower(last) + std::to_string(j) + "@example" +
              std::to_string(index % 997) + ".com";
    char phone[16];
    std::snprintf(phone, sizeof phone, "+1%s%03u%04u", home.area,
                  static_cast<unsigned>(201 + r.below(700)), static_cast<unsigned>(r.below(10000)));
    c.phone = phone;
    c.role = r.pick(kRoles);
    c.primary = j == 0;
    a.contacts.push_back(std::move(c));
  }
  return a;
}

std::string address_json(const GenAddress& a) {
  std::string out = "{";
  const std::pair<const char*, const std::string*> fields[] = {{"street", &a.street},
                                                               {"city", &a.city},
                                                               {"state", &a.state},
                                                               {"zip", &a.zip},
                                                               {"country", &a.country}};
  bool first = true;
  for (const auto& [key, value] : fields) {
    if (value->empty()) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += key;
    out += "\":";
    append_json_string(out, *value);
  }
  return out + "}";
}

std::string tags_json(const std::vector<std::string>& tags) {
  std::string out = "[";
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, tags[i]);
  }
  return out + "]";
}

const char* shape_name(Shape s) {
  switch (s) {
    case Shape::kPrefix2:
      return "prefix2";
    case Shape::kPrefixLong:
      return "prefix_long";
    case Shape::kWord:
      return "word";
    case Shape::kTagsTypeRange:
      return "tags_type_range";
    case Shape::kSecondPage:
      return "second_page";
  }
  return "?";
}

namespace {

const char* any_word(Rng& r) {
  switch (r.below(4)) {
    case 0:
      return r.pick(kSurnames);
    case 1:
      return r.pick(kTrades);
    case 2:
      return r.pick(kPrefixes);
    default:
      return r.pick(kFirstNames);
  }
}

void fill(GenQuery& q, Shape shape, Rng& r) {
  switch (shape) {
    case Shape::kPrefix2:
      q.text = lower(std::string(any_word(r)).substr(0, 2));
      break;
    case Shape::kPrefixLong: {
      // Half single longer prefixes ("harr"), half typeahead of two words
      // ("acme plu").
      if (r.below(2) == 0) {
        q.text = lower(std::string(any_word(r)).substr(0, 4));
      } else {
        q.text =
            lower(std::string(r.pick(kPrefixes)) + " " + std::string(r.pick(kTrades)).substr(0, 3));
      }
      break;
    }
    case Shape::kWord:
      q.text = any_word(r);
      if (r.below(4) == 0) q.residential = false;
      break;
    case Shape::kTagsTypeRange: {
      q.residential = r.below(10) < 3;
      if (r.below(2) == 0) {
        q.tags_any = {r.pick(kTags), r.pick(kTags)};
        if (q.tags_any[0] == q.tags_any[1]) q.tags_any.pop_back();
      } else {
        q.tags_all = {kTags[r.below(12)], kTags[12 + r.below(12)]};
      }
      const auto start = kEndMicros - kFiveYearsMicros +
                         static_cast<std::int64_t>(r.below(4 * 365)) * 24 * 3600 * 1000000;
      q.created_from_us = start;
      q.created_to_us = start + 365LL * 24 * 3600 * 1000000;
      break;
    }
    case Shape::kSecondPage:
      break;
  }
}

}  // namespace

std::vector<GenQuery> make_queries(std::uint64_t seed, int count) {
  Rng r(seed ^ 0x5eedULL);
  std::vector<GenQuery> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    GenQuery q;
    q.shape = static_cast<Shape>(i % kShapeCount);
    q.inner = q.shape;
    if (q.shape == Shape::kSecondPage) {
      // Second pages of the shapes that have many matches.
      const Shape inner[] = {Shape::kPrefix2, Shape::kWord, Shape::kTagsTypeRange};
      q.inner = inner[r.below(3)];
    }
    fill(q, q.inner, r);
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace bench
