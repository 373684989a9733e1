#include "http/cookies.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

namespace {

using voiceverify::http::find_cookie;
using voiceverify::http::format_set_cookie;
using voiceverify::http::scheme_cookie_name;
using voiceverify::http::SetCookie;

struct FindCase {
  const char* header;
  const char* name;
  std::optional<std::string> expected;
};
std::ostream& operator<<(std::ostream& os, const FindCase& c) {
  return os << "header '" << c.header << "' name '" << c.name << "'";
}

const FindCase kFindCases[] = {
    {"vv=abc", "vv", "abc"},
    {"a=1; vv=abc; b=2", "vv", "abc"},       // among others
    {"a=1;vv=abc;b=2", "vv", "abc"},         // no space after ';'
    {"  vv  =  abc  ", "vv", "abc"},         // spaces around name and value
    {"a=1;\tvv=abc\t", "vv", "abc"},         // tabs too
    {"vv=\"abc\"", "vv", "abc"},             // quoted value, quotes removed
    {"vv=\"\"", "vv", ""},                   // quoted empty
    {"vv=", "vv", ""},                       // empty value
    {"vv=first; vv=second", "vv", "first"},  // same name twice: first wins
    {"vv=a.b-c_d", "vv", "a.b-c_d"},         // base64url and '.' pass
    {"vv=a=b", "vv", "a=b"},                 // split on the first '=' only
    {"vvx=1; xvv=2", "vv", std::nullopt},    // no prefix/suffix matching
    {"VV=abc", "vv", std::nullopt},          // names are case-sensitive
    {"", "vv", std::nullopt},
    {"vv", "vv", std::nullopt},  // no '=': ignored
    {";;;", "vv", std::nullopt},
    {"vv=\"abc", "vv", std::nullopt},  // unbalanced quote
    {"vv=\"", "vv", std::nullopt},
    {"vv=a b", "vv", std::nullopt},           // space inside a value
    {"vv=a,b", "vv", std::nullopt},           // comma is not a cookie-octet
    {"vv=a\\b", "vv", std::nullopt},          // nor backslash
    {"vv=a\"b\"", "vv", std::nullopt},        // nor an inner DQUOTE
    {"vv=\x01", "vv", std::nullopt},          // nor a control
    {"vv=\xC3\xA9", "vv", std::nullopt},      // nor non-ASCII
    {"vv=bad value; vv=good", "vv", "good"},  // malformed pieces are skipped
    {"noequals; vv=ok", "vv", "ok"},
    {"a b=1; vv=ok", "vv", "ok"},
};

BOOST_AUTO_TEST_SUITE(cookies_tests)

BOOST_DATA_TEST_CASE(find_cookie_cases, boost::unit_test::data::make(kFindCases), sample) {
  const auto found = find_cookie(sample.header, sample.name);
  BOOST_TEST(found.has_value() == sample.expected.has_value());
  if (found && sample.expected) BOOST_TEST(*found == *sample.expected);
}

BOOST_AUTO_TEST_CASE(over_long_header_is_refused_whole) {
  const std::string head = "vv=abc; pad=";
  const std::string at_cap = head + std::string(4096 - head.size(), 'x');
  BOOST_TEST(find_cookie(at_cap, "vv").value() == "abc");
  BOOST_TEST(!find_cookie(at_cap + "x", "vv").has_value());
  BOOST_TEST(!find_cookie("vv=abc; pad=xxxxxx", "vv", 10).has_value());
  BOOST_TEST(find_cookie("vv=abc", "vv", 6).value() == "abc");
}

BOOST_AUTO_TEST_CASE(set_cookie_format) {
  SetCookie cookie;
  cookie.name = "vv_session";
  cookie.value = "cGF5bG9hZA.1700000000.mac-_";
  cookie.max_age = std::chrono::seconds(600);
  BOOST_TEST(format_set_cookie(cookie) ==
             "vv_session=cGF5bG9hZA.1700000000.mac-_; Max-Age=600; Path=/; HttpOnly; SameSite=Lax");
  cookie.secure = true;
  BOOST_TEST(format_set_cookie(cookie) ==
             "vv_session=cGF5bG9hZA.1700000000.mac-_; Max-Age=600; Path=/; HttpOnly; "
             "SameSite=Lax; Secure");
}

BOOST_AUTO_TEST_CASE(set_cookie_deletion_uses_max_age_zero) {
  SetCookie cookie;
  cookie.name = "vv_flash";
  BOOST_TEST(format_set_cookie(cookie) == "vv_flash=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
  cookie.max_age = std::chrono::seconds(-5);
  cookie.secure = true;
  BOOST_TEST(format_set_cookie(cookie) ==
             "vv_flash=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure");
}

BOOST_AUTO_TEST_CASE(set_cookie_refuses_header_injection) {
  for (const std::string bad : {"a;b", "a\r\nSet-Cookie: x=y", "a b", "a,b", "\"a\""}) {
    const SetCookie cookie{"vv", bad, std::chrono::seconds(60), false};
    BOOST_CHECK_THROW(format_set_cookie(cookie), std::invalid_argument);
  }
  for (const std::string bad : {"", "a=b", "a;b", "a b", "a\n"}) {
    const SetCookie cookie{bad, "ok", std::chrono::seconds(60), false};
    BOOST_CHECK_THROW(format_set_cookie(cookie), std::invalid_argument);
  }
}

BOOST_AUTO_TEST_CASE(formatted_cookie_round_trips_through_find_cookie) {
  SetCookie cookie;
  cookie.name = "vv";
  cookie.value = "abc.123.XYZ-_";
  cookie.max_age = std::chrono::seconds(60);
  const std::string line = format_set_cookie(cookie);
  // What a browser sends back is the name=value part before the first ';' (RFC 6265 5.4).
  const std::string pair = line.substr(0, line.find(';'));
  BOOST_TEST(find_cookie("other=1; " + pair, "vv").value() == cookie.value);
}

// Over https a cookie carries the __Host- prefix (the browser keeps it only Secure, Path=/, no
// Domain); over plain http, where a browser would refuse such a cookie, its plain name.
BOOST_AUTO_TEST_CASE(cookie_name_by_scheme) {
  BOOST_TEST(scheme_cookie_name("vv_session", true) == "__Host-vv_session");
  BOOST_TEST(scheme_cookie_name("vv_session", false) == "vv_session");
  BOOST_TEST(scheme_cookie_name("vv_flash", true) == "__Host-vv_flash");
  BOOST_TEST(scheme_cookie_name("vv_flash", false) == "vv_flash");
}

BOOST_AUTO_TEST_CASE(a_prefixed_cookie_is_always_secure_with_path_slash_and_no_domain) {
  SetCookie cookie{scheme_cookie_name("vv_session", true), "v2.abc", std::chrono::seconds(60),
                   true};
  const std::string line = format_set_cookie(cookie);
  BOOST_TEST(line.rfind("__Host-vv_session=v2.abc;", 0) == 0u, line);
  BOOST_TEST(line.find("; Secure") != std::string::npos, line);
  BOOST_TEST(line.find("; Path=/;") != std::string::npos, line);
  BOOST_TEST(line.find("Domain") == std::string::npos, line);
  // Without Secure every browser drops it: a caller bug.
  cookie.secure = false;
  BOOST_CHECK_THROW(format_set_cookie(cookie), std::invalid_argument);
  cookie.name = "__Secure-vv";
  BOOST_CHECK_THROW(format_set_cookie(cookie), std::invalid_argument);
  // The name a browser sends back is found under the https name only.
  const std::string pair = line.substr(0, line.find(';'));
  BOOST_TEST(find_cookie(pair, "__Host-vv_session").value() == "v2.abc");
  BOOST_TEST(!find_cookie(pair, "vv_session").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
