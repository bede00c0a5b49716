// Output of the custmgmt command: human-readable tables or one JSON
// document, errors, exit codes, the progress bar.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "custmgmt/custmgmt.hpp"

namespace custmgmt::cli {

// Exit codes of the tool.
enum ExitCode : int {
  kOk = 0,
  kInvalid = 1,  // invalid data, rejected rows, problems found, not found
  kUsage = 2,    // bad command line
  kBackend = 3,  // the database or a file failed
};

// A record or document as a Boost.JSON value (via the library's codec).
boost::json::value json_of(const std::string& text);
boost::json::value safe_text(const std::string& text);
boost::json::value account_json(const Account& account);
boost::json::value contact_json(const Contact& contact);

// Prints `value` compactly followed by a newline.
void print_json(std::ostream& out, const boost::json::value& value);

// A plain text table: a header row and rows, columns padded to their width.
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

// Prints the error (as JSON on stdout in JSON mode, else on stderr) and
// returns the exit code for it.
int report_error(const std::exception& error, bool json);

// Shortens text for a table cell.
std::string cell(const std::string& text, std::size_t width = 40);

// Rows, rate and ETA on stderr, redrawn in place; silent unless stderr is
// a terminal.
class Progress {
 public:
  Progress(std::string what, std::uint64_t total_bytes);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  // `rows` done so far, `bytes` of the input read so far (0 when unknown).
  void update(std::uint64_t rows, std::uint64_t bytes);

 private:
  std::string what_;
  std::uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  double start_;
};

}  // namespace custmgmt::cli
