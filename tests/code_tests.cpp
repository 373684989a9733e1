// forms::check_code: the spoken code as typed, refused before any upstream attempt is spent.
#include "forms/code.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include "printable.hpp"

namespace bdata = boost::unit_test::data;
namespace forms = voiceverify::forms;
using forms::CodeError;

namespace {

struct Case {
  std::string input;
  int token_length;
  CodeError error;
  std::string code;  // expected digits when accepted
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  os << c.token_length << ' ';
  return voiceverify::testing::print_escaped(os, c.input);
}

const Case kCases[] = {
    {"123456", 6, CodeError::None, "123456"},
    {"012345", 6, CodeError::None, "012345"},  // a leading zero is a digit like any other
    {"123 456", 6, CodeError::None, "123456"},
    {"  123456  ", 6, CodeError::None, "123456"},
    {"1 2 3 4 5 6", 6, CodeError::None, "123456"},
    {"\t123\t456", 6, CodeError::None, "123456"},
    {"1234567890", 10, CodeError::None, "1234567890"},
    {"12345 67890", 10, CodeError::None, "1234567890"},
    {"", 6, CodeError::Missing, ""},
    {"      ", 6, CodeError::Missing, ""},
    {" \t ", 6, CodeError::Missing, ""},
    {"12345", 6, CodeError::WrongLength, ""},
    {"1234567", 6, CodeError::WrongLength, ""},
    {"123456", 7, CodeError::WrongLength, ""},
    {"123456", 0, CodeError::WrongLength, ""},
    {"123456", -6, CodeError::WrongLength, ""},
    {"12345a", 6, CodeError::NotDigits, ""},
    {"abcdef", 6, CodeError::NotDigits, ""},
    {"12a", 6, CodeError::NotDigits, ""},  // not digits is the more useful message
    {"123-456", 6, CodeError::NotDigits, ""},
    {"+123456", 6, CodeError::NotDigits, ""},
    {"123456\n", 6, CodeError::NotDigits, ""},
    {"123\r\n456", 6, CodeError::NotDigits, ""},
    {std::string("123\0"
                 "456",
                 7),
     6, CodeError::NotDigits, ""},
    {"\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96", 6,
     CodeError::NotDigits, ""},               // full-width digits
    {"١٢٣٤٥٦", 6, CodeError::NotDigits, ""},  // Arabic-Indic digits
    {std::string(64, ' '), 6, CodeError::Missing, ""},
    {std::string(58, ' ') + "123456", 6, CodeError::None, "123456"},   // exactly 64 bytes
    {std::string(59, ' ') + "123456", 6, CodeError::WrongLength, ""},  // 65 bytes
    {std::string(65, 'x'), 6, CodeError::WrongLength, ""},
    {std::string(100000, '1'), 6, CodeError::WrongLength, ""},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(code_tests)

BOOST_DATA_TEST_CASE(check_code_cases, bdata::make(kCases), c) {
  const forms::CodeCheck check = forms::check_code(c.input, c.token_length);
  BOOST_TEST(static_cast<int>(check.error) == static_cast<int>(c.error));
  BOOST_TEST(check.code == c.code);
}

BOOST_AUTO_TEST_SUITE_END()
