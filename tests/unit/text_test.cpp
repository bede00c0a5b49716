#define BOOST_TEST_MODULE text_rules_and_utf8
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "custmgmt/validate.hpp"
#include "validate/text.hpp"

using custmgmt::FieldErrors;
using custmgmt::detail::check_text;
using custmgmt::detail::TextKind;

namespace {

std::string codes(const FieldErrors& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += ' ';
    out += e.field + ":" + e.code;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(valid_utf8_is_accepted) {
  const std::vector<std::string> cases = {
      "",
      "plain ASCII",
      std::string("embedded\0nul", 12),
      "\x7f",
      "\xc2\x80",          // U+0080, smallest two-byte
      "é",                 // U+00E9
      "\xdf\xbf",          // U+07FF
      "\xe0\xa0\x80",      // U+0800, smallest three-byte
      "€",                 // U+20AC
      "\xed\x9f\xbf",      // U+D7FF, just below the surrogates
      "\xee\x80\x80",      // U+E000, just above them
      "\xef\xbf\xbf",      // U+FFFF
      "\xf0\x90\x80\x80",  // U+10000, smallest four-byte
      "😀",                 // U+1F600
      "\xf4\x8f\xbf\xbf",  // U+10FFFF, the largest
      "用户@例子.广告",
  };
  for (const std::string& s : cases) {
    BOOST_TEST_CONTEXT("bytes: " << s) {
      BOOST_TEST(custmgmt::is_valid_utf8(s));
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_rejected) {
  const std::vector<std::string> cases = {
      "\x80",                      // stray continuation byte
      "\xbf",                      //
      "\xc0\x80",                  // overlong NUL
      "\xc1\xbf",                  // overlong
      "\xe0\x80\x80",              // overlong
      "\xe0\x9f\xbf",              // overlong U+07FF
      "\xf0\x80\x80\x80",          // overlong
      "\xf0\x8f\xbf\xbf",          // overlong U+FFFF
      "\xed\xa0\x80",              // U+D800 high surrogate
      "\xed\xbf\xbf",              // U+DFFF low surrogate
      "\xed\xa0\xbd\xed\xb8\x80",  // CESU-8 surrogate pair
      "\xf4\x90\x80\x80",          // U+110000
      "\xf5\x80\x80\x80",          // lead byte past the range
      "\xf8\x88\x80\x80\x80",      // five-byte form
      "\xfe",
      "\xff",
      "\xc3",          // truncated
      "\xe2\x82",      // truncated
      "\xf0\x9f\x98",  // truncated
      "a\xc3(",        // bad continuation
      "\xe2(\xa1",     // bad continuation
      "abc\x80",       // valid prefix, bad tail
  };
  for (const std::string& s : cases) {
    BOOST_TEST_CONTEXT("bytes: " << s) {
      BOOST_TEST(!custmgmt::is_valid_utf8(s));
    }
  }
}

BOOST_AUTO_TEST_CASE(check_text_trims_only_when_asked) {
  FieldErrors errors;
  BOOST_TEST(check_text("  Acme \t\n", "company_name", 500, true, true, TextKind::SingleLine,
                        errors) == "Acme");
  BOOST_TEST(check_text(" Acme ", "role", 100, false, false, TextKind::SingleLine, errors) ==
             " Acme ");
  // Only ASCII white space is trimmed; NBSP is content.
  BOOST_TEST(check_text("\xc2\xa0x\xc2\xa0", "role", 100, false, true, TextKind::SingleLine,
                        errors) == "\xc2\xa0x\xc2\xa0");
  BOOST_TEST(errors.empty());
}

BOOST_AUTO_TEST_CASE(check_text_required_and_length) {
  FieldErrors errors;
  check_text("", "company_name", 500, true, true, TextKind::SingleLine, errors);
  check_text(" \t ", "contact_name", 300, true, true, TextKind::SingleLine, errors);
  check_text("", "role", 100, false, true, TextKind::SingleLine, errors);
  check_text(std::string(500, 'a'), "company_name", 500, true, true, TextKind::SingleLine, errors);
  check_text(std::string(501, 'a'), "company_name", 500, true, true, TextKind::SingleLine, errors);
  // The limit counts bytes after trimming, not characters.
  check_text("  " + std::string(100, 'r') + "  ", "role", 100, false, true, TextKind::SingleLine,
             errors);
  check_text(std::string(34, 'x') + "€€€€€€€€€€€", "tag", 64, false, true, TextKind::SingleLine,
             errors);  // 34 + 33 = 67 bytes
  BOOST_TEST(codes(errors) ==
             "company_name:text.required contact_name:text.required "
             "company_name:text.too_long tag:text.too_long");
  BOOST_TEST_REQUIRE(errors.size() == 4u);
  BOOST_TEST(errors[0].message == "company_name is required");
  BOOST_TEST(errors[2].message == "company_name is longer than 500 bytes");
  BOOST_TEST(errors[3].message == "tag is longer than 64 bytes");
}

BOOST_AUTO_TEST_CASE(check_text_control_characters) {
  struct Case {
    std::string value;
    TextKind kind;
    bool control;
  };
  const std::vector<Case> cases = {
      {"tab\there", TextKind::SingleLine, true},
      {"line\nbreak", TextKind::SingleLine, true},
      {"cr\rhere", TextKind::SingleLine, true},
      {std::string("nul\0", 4), TextKind::SingleLine, true},
      {"bell\x07", TextKind::SingleLine, true},
      {"esc\x1b[0m", TextKind::SingleLine, true},
      {"del\x7f", TextKind::SingleLine, true},
      {"c1\xc2\x80", TextKind::SingleLine, true},
      {"c1\xc2\x85", TextKind::SingleLine, true},
      {"c1\xc2\x9f", TextKind::SingleLine, true},
      {"nbsp\xc2\xa0ok", TextKind::SingleLine, false},
      {"zwj\xe2\x80\x8dok", TextKind::SingleLine, false},
      {"tab\there\nand\r\nlines", TextKind::MultiLine, false},
      {"vt\x0b", TextKind::MultiLine, true},
      {"ff\x0c", TextKind::MultiLine, true},
      {std::string("nul\0", 4), TextKind::MultiLine, true},
      {"del\x7f", TextKind::MultiLine, true},
      {"c1\xc2\x85", TextKind::MultiLine, true},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("value: " << c.value) {
      FieldErrors errors;
      check_text(c.value, "notes", 65536, false, false, c.kind, errors);
      BOOST_TEST(codes(errors) == (c.control ? "notes:text.control_character" : ""));
      if (c.control) BOOST_TEST(errors[0].message == "notes contains a control character");
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_reported_alone) {
  FieldErrors errors;
  const std::string bad = std::string(600, '\xff');
  check_text(bad, "company_name", 500, true, true, TextKind::SingleLine, errors);
  BOOST_TEST(codes(errors) == "company_name:text.invalid_utf8");
  BOOST_TEST(errors[0].message == "company_name is not valid UTF-8");
}

BOOST_AUTO_TEST_CASE(several_findings_on_one_field_are_all_reported) {
  FieldErrors errors;
  check_text(std::string(300, 'a') + "\n", "contact_name", 300, true, true, TextKind::SingleLine,
             errors);  // the newline is trailing white space and trimmed away
  check_text(std::string(300, 'a') + "\x01", "contact_name", 300, true, true, TextKind::SingleLine,
             errors);
  BOOST_TEST(codes(errors) == "contact_name:text.control_character contact_name:text.too_long");
}

BOOST_AUTO_TEST_CASE(errors_are_appended_not_replaced) {
  FieldErrors errors;
  custmgmt::detail::add_error(errors, "tags[2]", "text.too_long", "first");
  check_text("", "company_name", 500, true, true, TextKind::SingleLine, errors);
  BOOST_TEST(codes(errors) == "tags[2]:text.too_long company_name:text.required");
  BOOST_TEST(errors[0].message == "first");
}
