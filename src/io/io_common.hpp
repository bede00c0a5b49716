// Helpers shared by export, import, backup and restore: buffered line
// reading with a size cap, CSV field quoting, natural keys, JSON records with
// their contacts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "custmgmt/account.hpp"
#include "custmgmt/contact.hpp"
#include "custmgmt/error.hpp"
#include "custmgmt/store.hpp"

namespace custmgmt::detail {

// Reads `\n`-terminated segments of at most `cap` bytes from a stream with a
// fixed buffer, so neither a huge line nor a missing newline can make memory
// grow beyond `cap`.
class LineReader {
 public:
  LineReader(std::istream& in, std::size_t cap) : in_(in), cap_(cap) {}

  // Next line without its `\n` (a trailing `\r` is kept). False at the end.
  // `overflow` is set when the line was longer than `cap`; then `line`
  // holds its first `cap` bytes and the rest was skipped.
  bool next(std::string& line, bool& overflow);
  // Next piece of the input: bytes up to and including the next `\n`, or at
  // most `max` bytes. Empty at the end.
  std::string_view next_piece(std::size_t max);
  // 1-based number of the line the last returned line or piece started on.
  std::uint64_t line_number() const noexcept { return line_; }
  // True when the stream failed for another reason than its end.
  bool failed() const noexcept { return in_.bad(); }

 private:
  bool fill();
  std::istream& in_;
  std::size_t cap_;
  std::vector<char> buffer_ = std::vector<char>(64 * 1024);
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::uint64_t line_ = 0;
  bool at_line_start_ = true;
};

// Appends `value` as one RFC 4180 field, quoted only when needed.
void append_csv_field(std::string& out, std::string_view value);

// ASCII lower case, white space runs collapsed to one space, trimmed.
std::string fold_text(std::string_view text);

// The natural key of an account: folded company name and folded billing
// address fields (after normalisation when the address is valid).
std::string natural_key(const Account& account);

// The phone for a CSV cell: the kept display form when it starts with
// +country (so it reads the same under any default region), else E.164 with
// ` ext. N`.
std::string phone_text(const Contact& contact);

// An account with its contacts, as one NDJSON line.
std::string ndjson_line(const Account& account, const std::vector<Contact>& contacts);

// Parses one NDJSON line into an account and its contacts. Problems are
// appended to `errors` (contact fields prefixed `contacts[i].`).
bool parse_ndjson_line(std::string_view line, Account& account, std::vector<Contact>& contacts,
                       FieldErrors& errors);

// Every contact of an account, in the repository's order.
std::vector<Contact> all_contacts(Session& session, Id account_id);

// A read-only snapshot transaction (Session::snapshot()) for a run of reads
// that must see one state, when the session has no transaction open; inside
// the caller's transaction, std::nullopt: the reads belong to it.
std::optional<Transaction> read_snapshot(Session& session);

// Throws BackendError `backend.io` with `what` and the errno text.
[[noreturn]] void throw_io(const std::string& what);

}  // namespace custmgmt::detail
