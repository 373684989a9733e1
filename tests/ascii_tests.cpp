// util/ascii.hpp, table by table: each class at its edges, then every byte counted, so a class
// that takes one byte too many (or a byte above 0x7f) shows up.
#include "util/ascii.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "printable.hpp"

namespace util = voiceverify::util;
namespace bdata = boost::unit_test::data;

namespace {

struct CharCase {
  char c;
  bool digit, hex, hex_any_case, alnum, blank, control;
  int hex_value;
};
std::ostream& operator<<(std::ostream& os, const CharCase& row) {
  return voiceverify::testing::print_escaped(os, std::string_view(&row.c, 1));
}

// c, digit, hex, hex_any_case, alnum, blank, control, hex_value
const std::vector<CharCase> kChars = {
    {'0', true, true, true, true, false, false, 0},
    {'9', true, true, true, true, false, false, 9},
    {'/', false, false, false, false, false, false, -1},  // just below '0'
    {':', false, false, false, false, false, false, -1},  // just above '9'
    {'a', false, true, true, true, false, false, 10},
    {'f', false, true, true, true, false, false, 15},
    {'g', false, false, false, true, false, false, -1},
    {'z', false, false, false, true, false, false, -1},
    {'A', false, false, true, true, false, false, 10},
    {'F', false, false, true, true, false, false, 15},
    {'G', false, false, false, true, false, false, -1},
    {'Z', false, false, false, true, false, false, -1},
    {'`', false, false, false, false, false, false, -1},  // just below 'a'
    {'{', false, false, false, false, false, false, -1},  // just above 'z'
    {'@', false, false, false, false, false, false, -1},  // just below 'A'
    {'[', false, false, false, false, false, false, -1},  // just above 'Z'
    {' ', false, false, false, false, true, false, -1},
    {'\t', false, false, false, false, true, true, -1},
    {'\n', false, false, false, false, false, true, -1},
    {'\r', false, false, false, false, false, true, -1},
    {'\v', false, false, false, false, false, true, -1},
    {'\0', false, false, false, false, false, true, -1},
    {'\x1f', false, false, false, false, false, true, -1},
    {'\x7f', false, false, false, false, false, true, -1},
    {'~', false, false, false, false, false, false, -1},
    {'\x80', false, false, false, false, false, false, -1},
    {'\xa0', false, false, false, false, false, false, -1},  // NBSP in Latin-1
    {'\xff', false, false, false, false, false, false, -1},
};

struct TextCase {
  std::string text;
  bool digits, control;
  std::string trimmed;
};
std::ostream& operator<<(std::ostream& os, const TextCase& row) {
  return voiceverify::testing::print_escaped(os, row.text);
}

// text, is_digits, has_control, trim
const std::vector<TextCase> kTexts = {
    {"", false, false, ""},
    {"0", true, false, "0"},
    {"0123456789", true, false, "0123456789"},
    {"12345a", false, false, "12345a"},
    {"+31612345678", false, false, "+31612345678"},
    {"-1", false, false, "-1"},
    {"123 456", false, false, "123 456"},
    {" 123 ", false, false, "123"},
    {"\t 123\t ", false, true, "123"},
    {"   ", false, false, ""},
    {"\t", false, true, ""},
    {"123\n", false, true, "123\n"},
    {"\r\n123", false, true, "\r\n123"},
    {std::string("12\0", 3), false, true, std::string("12\0", 3)},
    {"a\x7f", false, true, "a\x7f"},
    {"\xef\xbc\x91", false, false, "\xef\xbc\x91"},            // fullwidth 1: not a digit
    {"\xc2\xa0x\xc2\xa0", false, false, "\xc2\xa0x\xc2\xa0"},  // NBSP is not trimmed
    {" a b ", false, false, "a b"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ascii_tests)

BOOST_DATA_TEST_CASE(char_classes_at_their_edges, bdata::make(kChars), row) {
  BOOST_TEST(util::is_digit(row.c) == row.digit);
  BOOST_TEST(util::is_hex(row.c) == row.hex);
  BOOST_TEST(util::is_hex_any_case(row.c) == row.hex_any_case);
  BOOST_TEST(util::is_alnum(row.c) == row.alnum);
  BOOST_TEST(util::is_blank(row.c) == row.blank);
  BOOST_TEST(util::is_control(row.c) == row.control);
  BOOST_TEST(util::hex_value(row.c) == row.hex_value);
}

BOOST_AUTO_TEST_CASE(every_byte_is_counted) {
  int digit = 0, hex = 0, hex_any_case = 0, alnum = 0, blank = 0, control = 0, hex_values = 0;
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    digit += util::is_digit(c);
    hex += util::is_hex(c);
    hex_any_case += util::is_hex_any_case(c);
    alnum += util::is_alnum(c);
    blank += util::is_blank(c);
    control += util::is_control(c);
    hex_values += util::hex_value(c) >= 0;
    // The wider class always holds the narrower one.
    if (util::is_digit(c)) BOOST_TEST(util::is_hex(c));
    if (util::is_hex(c)) BOOST_TEST(util::is_hex_any_case(c));
    if (util::is_hex_any_case(c)) BOOST_TEST(util::is_alnum(c));
    BOOST_TEST((util::hex_value(c) >= 0) == util::is_hex_any_case(c));
    if (byte >= 0x80)
      BOOST_TEST((!util::is_alnum(c) && !util::is_blank(c) && !util::is_control(c)));
  }
  BOOST_TEST(digit == 10);
  BOOST_TEST(hex == 16);
  BOOST_TEST(hex_any_case == 22);
  BOOST_TEST(alnum == 62);
  BOOST_TEST(blank == 2);
  BOOST_TEST(control == 33);
  BOOST_TEST(hex_values == 22);
}

BOOST_DATA_TEST_CASE(text_functions, bdata::make(kTexts), row) {
  BOOST_TEST(util::is_digits(row.text) == row.digits);
  BOOST_TEST(util::has_control(row.text) == row.control);
  BOOST_TEST(util::trim(row.text) == row.trimmed);
}

// Usable where a constant is needed, e.g. in a static table's checks.
static_assert(util::is_digits("2024") && !util::is_digits(""));
static_assert(util::trim(" \tx\t ") == "x");
static_assert(util::has_control("a\x7f") && !util::has_control("a b"));

BOOST_AUTO_TEST_SUITE_END()
