#include "http/urlencoded.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>

namespace voiceverify::http {
// Boost.Test prints the values of a failed assertion; static so no other test file can clash.
static std::ostream& operator<<(std::ostream& os, FormError error) {
  switch (error) {
    case FormError::None:
      return os << "None";
    case FormError::BadEscape:
      return os << "BadEscape";
    case FormError::TooManyFields:
      return os << "TooManyFields";
    case FormError::FieldTooLong:
      return os << "FieldTooLong";
  }
  return os << "FormError(?)";
}
}  // namespace voiceverify::http

namespace {

using voiceverify::http::FormError;
using voiceverify::http::FormLimits;
using voiceverify::http::parse_urlencoded;
using voiceverify::http::percent_decode;
using Pairs = std::vector<std::pair<std::string, std::string>>;

struct GoodCase {
  const char* body;
  Pairs expected;
};
std::ostream& operator<<(std::ostream& os, const GoodCase& c) {
  return os << '"' << c.body << '"';
}

// "[name]=[value]|" per pair: comparable and printable in one assertion.
std::string render(const Pairs& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) out += "[" + name + "]=[" + value + "]|";
  return out;
}

const GoodCase kGoodCases[] = {
    {"", {}},
    {"&", {}},
    {"&&&", {}},
    {"a=1", {{"a", "1"}}},
    {"a=1&b=2", {{"a", "1"}, {"b", "2"}}},
    {"a=1&&b=2&", {{"a", "1"}, {"b", "2"}}},
    {"a", {{"a", ""}}},   // no '=': empty value
    {"a=", {{"a", ""}}},  // empty value
    {"=v", {{"", "v"}}},  // empty name
    {"=", {{"", ""}}},
    {"a=b=c", {{"a", "b=c"}}},                          // split on the first '=' only
    {"phone=%2B31+6+1234", {{"phone", "+31 6 1234"}}},  // '+' is space, %2B is '+'
    {"a+b=c+d", {{"a b", "c d"}}},
    {"x=%41%62%7e%7E", {{"x", "Ab~~"}}},       // either case of hex
    {"x=%00", {{"x", std::string(1, '\0')}}},  // decoded as bytes; validators judge them
    {"x=%C3%A9", {{"x", "\xC3\xA9"}}},
    {"a=1&a=2", {{"a", "1"}, {"a", "2"}}},  // repeats kept in order
};

BOOST_AUTO_TEST_SUITE(urlencoded_tests)

BOOST_DATA_TEST_CASE(well_formed_bodies_parse_in_order, boost::unit_test::data::make(kGoodCases),
                     sample) {
  const auto parsed = parse_urlencoded(sample.body);
  BOOST_TEST(parsed.error == FormError::None);
  BOOST_TEST(render(parsed.fields.pairs) == render(sample.expected));
}

const char* const kBadEscapes[] = {"%",     "%4",  "%zz",     "a=%",    "a=%4",  "a=%zz", "a=%g0",
                                   "a=%0g", "%=1", "a=1&b=%", "a=%%41", "a=%+1", "a=% 1", "a=1%2"};

BOOST_DATA_TEST_CASE(bad_escapes_are_errors_and_drop_all_fields,
                     boost::unit_test::data::make(kBadEscapes), body) {
  const auto parsed = parse_urlencoded(body);
  BOOST_TEST(parsed.error == FormError::BadEscape);
  BOOST_TEST(parsed.fields.pairs.empty());
}

BOOST_AUTO_TEST_CASE(percent_decode_keeps_plus_and_rejects_bad_escapes) {
  BOOST_TEST(percent_decode("a+b").value() == "a+b");
  BOOST_TEST(percent_decode("%2b%2F").value() == "+/");
  BOOST_TEST(percent_decode("").value() == "");
  BOOST_TEST(!percent_decode("%").has_value());
  BOOST_TEST(!percent_decode("%4").has_value());
  BOOST_TEST(!percent_decode("%zz").has_value());
  BOOST_TEST(!percent_decode("ab%").has_value());
  BOOST_TEST(!percent_decode("%-1").has_value());
}

BOOST_AUTO_TEST_CASE(field_count_is_capped) {
  const FormLimits limits{3, 256};
  BOOST_TEST(parse_urlencoded("a=1&b=2&c=3", limits).error == FormError::None);
  BOOST_TEST(parse_urlencoded("a=1&b=2&c=3&&", limits).error == FormError::None);  // empties free
  const auto over = parse_urlencoded("a=1&b=2&c=3&d=4", limits);
  BOOST_TEST(over.error == FormError::TooManyFields);
  BOOST_TEST(over.fields.pairs.empty());
  BOOST_TEST(parse_urlencoded("a&a&a&a", limits).error == FormError::TooManyFields);
  // The default cap is 16 fields.
  std::string sixteen;
  for (int i = 0; i < 16; ++i) sixteen += "f=1&";
  BOOST_TEST(parse_urlencoded(sixteen).error == FormError::None);
  BOOST_TEST(parse_urlencoded(sixteen + "g").error == FormError::TooManyFields);
}

BOOST_AUTO_TEST_CASE(decoded_field_size_is_capped) {
  const FormLimits limits{16, 4};
  BOOST_TEST(parse_urlencoded("abcd=wxyz", limits).error == FormError::None);
  BOOST_TEST(parse_urlencoded("abcde=1", limits).error == FormError::FieldTooLong);
  BOOST_TEST(parse_urlencoded("a=vwxyz", limits).error == FormError::FieldTooLong);
  // The cap counts decoded bytes: twelve raw characters, four decoded.
  const auto escaped = parse_urlencoded("a=%41%42%43%44", limits);
  BOOST_TEST(escaped.error == FormError::None);
  BOOST_TEST(escaped.fields.single("a").value() == "ABCD");
  BOOST_TEST(parse_urlencoded("a=%41%42%43%44%45", limits).error == FormError::FieldTooLong);
  const auto long_value = parse_urlencoded("a=" + std::string(257, 'x'));
  BOOST_TEST(long_value.error == FormError::FieldTooLong);
  BOOST_TEST(long_value.fields.pairs.empty());
  BOOST_TEST(parse_urlencoded("a=" + std::string(256, 'x')).error == FormError::None);
}

BOOST_AUTO_TEST_CASE(single_refuses_missing_and_repeated_names) {
  const auto parsed = parse_urlencoded("phone=1&code=&phone=2&x=9");
  BOOST_REQUIRE(parsed.error == FormError::None);
  BOOST_TEST(!parsed.fields.single("phone").has_value());  // repeated: ambiguous
  BOOST_TEST(parsed.fields.count("phone") == 2u);
  BOOST_TEST(parsed.fields.single("code").value() == "");  // present but empty
  BOOST_TEST(parsed.fields.count("code") == 1u);
  BOOST_TEST(parsed.fields.single("x").value() == "9");
  BOOST_TEST(!parsed.fields.single("missing").has_value());
  BOOST_TEST(parsed.fields.count("missing") == 0u);
  BOOST_TEST(!parsed.fields.single("Phone").has_value());  // names are case-sensitive
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
