#include "output.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

namespace custmgmt::cli {

namespace json = boost::json;

json::value json_of(const std::string& text) {
  return json::parse(text);
}

json::value safe_text(const std::string& text) {
  // The library's codec writes invalid UTF-8 as U+FFFD; reuse it.
  json::value v = json_of(to_json(FieldErrors{{"", "", text}}));
  return v.as_array()[0].as_object()["message"];
}

json::value account_json(const Account& account) {
  return json_of(to_json(account));
}

json::value contact_json(const Contact& contact) {
  return json_of(to_json(contact));
}

void print_json(std::ostream& out, const json::value& value) {
  out << json::serialize(value) << '\n';
}

std::string cell(const std::string& text, std::size_t width) {
  std::string out;
  for (char c : text) out.push_back((c == '\n' || c == '\r' || c == '\t') ? ' ' : c);
  if (out.size() <= width) return out;
  // Cut on a UTF-8 character boundary.
  std::size_t cut = width - 3;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  return out.substr(0, cut) + "...";
}

namespace {

std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = display_width(header[i]);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], display_width(row[i]));
    }
  }
  const auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      text += row[i];
      if (i + 1 < row.size()) text += std::string(width[i] - display_width(row[i]) + 2, ' ');
    }
    out << text << '\n';
  };
  line(header);
  std::vector<std::string> rule;
  for (auto w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& row : rows) line(row);
}

int report_error(const std::exception& error, bool as_json) {
  std::string code = "error";
  int exit = kBackend;
  FieldErrors fields;
  if (const auto* e = dynamic_cast<const Error*>(&error)) {
    code = e->code();
    exit = dynamic_cast<const BackendError*>(&error) != nullptr ? kBackend : kInvalid;
  }
  if (const auto* v = dynamic_cast<const ValidationError*>(&error)) fields = v->errors();
  if (as_json) {
    json::object o;
    o["code"] = code;
    o["message"] = safe_text(error.what());
    o["errors"] = json_of(to_json(fields));
    json::object doc;
    doc["error"] = std::move(o);
    print_json(std::cout, doc);
  } else {
    std::cerr << "custmgmt: " << error.what() << " [" << code << "]\n";
    for (const auto& f : fields) {
      std::cerr << "  " << (f.field.empty() ? "-" : f.field) << ": " << f.message << " [" << f.code
                << "]\n";
    }
  }
  return exit;
}

namespace {

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Progress::Progress(std::string what, std::uint64_t total_bytes)
    : what_(std::move(what)),
      total_(total_bytes),
      enabled_(isatty(STDERR_FILENO) != 0),
      start_(now_seconds()) {}

Progress::~Progress() {
  if (drawn_) std::cerr << '\n';
}

void Progress::update(std::uint64_t rows, std::uint64_t bytes) {
  if (!enabled_) return;
  const double elapsed = std::max(now_seconds() - start_, 1e-3);
  const double rate = static_cast<double>(rows) / elapsed;
  char line[160];
  if (total_ > 0 && bytes > 0 && bytes <= total_) {
    const double done = static_cast<double>(bytes) / static_cast<double>(total_);
    const double eta = elapsed / done - elapsed;
    const int filled = static_cast<int>(done * 30);
    std::snprintf(line, sizeof line, "\r%s [%-30s] %3d%%  %llu rows  %.0f rows/s  ETA %.0fs ",
                  what_.c_str(), std::string(static_cast<std::size_t>(filled), '#').c_str(),
                  static_cast<int>(done * 100), static_cast<unsigned long long>(rows), rate, eta);
  } else {
    std::snprintf(line, sizeof line, "\r%s %llu rows  %.0f rows/s ", what_.c_str(),
                  static_cast<unsigned long long>(rows), rate);
  }
  std::cerr << line << std::flush;
  drawn_ = true;
}

}  // namespace custmgmt::cli
