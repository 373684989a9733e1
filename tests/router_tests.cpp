// Router and response helpers (response.cpp has no suite of its own; redirects are where routes
// lead, so they are tested here).
#include "http/router.hpp"

#include "http/request.hpp"
#include "messagebird/verify_id.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <ostream>
#include <stdexcept>
#include <string>

namespace voiceverify::http {
// Boost.Test prints the values of a failed assertion; static so no other test file can clash.
static std::ostream& operator<<(std::ostream& os, RouteId id) {
  switch (id) {
    case RouteId::PhoneForm:
      return os << "PhoneForm";
    case RouteId::StartCall:
      return os << "StartCall";
    case RouteId::CodeForm:
      return os << "CodeForm";
    case RouteId::CheckCode:
      return os << "CheckCode";
    case RouteId::Success:
      return os << "Success";
    case RouteId::NotFound:
      return os << "NotFound";
    case RouteId::MethodNotAllowed:
      return os << "MethodNotAllowed";
  }
  return os << "RouteId(?)";
}
}  // namespace voiceverify::http

namespace {

using voiceverify::http::reason_phrase;
using voiceverify::http::redirect_to;
using voiceverify::http::route;
using voiceverify::http::RouteId;
using voiceverify::messagebird::is_verify_id;

const std::string kId = "0123456789abcdefghijklmnopqrstuv";     // 32 of [0-9a-z]
const std::string kHexId = "e7a0c5b1f3d24c8a9b6e1f0a2d3c4b5e";  // MessageBird's usual shape

struct RouteCase {
  std::string method;
  std::string path;
  RouteId expected;
  std::string verify_id;  // expected for CodeForm/CheckCode
  std::string allow;      // expected for MethodNotAllowed
};
std::ostream& operator<<(std::ostream& os, const RouteCase& c) {
  return os << c.method << " '" << c.path << "'";
}

const std::string kGHP = "GET, HEAD, POST";
const std::string kGH = "GET, HEAD";

const RouteCase kRouteCases[] = {
    // "/"
    {"GET", "/", RouteId::PhoneForm, "", ""},
    {"HEAD", "/", RouteId::PhoneForm, "", ""},
    {"POST", "/", RouteId::StartCall, "", ""},
    {"PUT", "/", RouteId::MethodNotAllowed, "", kGHP},
    {"DELETE", "/", RouteId::MethodNotAllowed, "", kGHP},
    {"OPTIONS", "/", RouteId::MethodNotAllowed, "", kGHP},
    {"get", "/", RouteId::MethodNotAllowed, "", kGHP},  // methods are case-sensitive
    {"", "/", RouteId::MethodNotAllowed, "", kGHP},
    // "/EnterCode/<id>"
    {"GET", "/EnterCode/" + kId, RouteId::CodeForm, kId, ""},
    {"HEAD", "/EnterCode/" + kId, RouteId::CodeForm, kId, ""},
    {"POST", "/EnterCode/" + kId, RouteId::CheckCode, kId, ""},
    {"GET", "/EnterCode/" + kHexId, RouteId::CodeForm, kHexId, ""},
    {"POST", "/EnterCode/" + kHexId, RouteId::CheckCode, kHexId, ""},
    {"PATCH", "/EnterCode/" + kId, RouteId::MethodNotAllowed, "", kGHP},
    {"PATCH", "/EnterCode/short", RouteId::NotFound, "", ""},  // unknown path beats method
    {"GET", "/EnterCode/" + kId.substr(0, 31), RouteId::NotFound, "", ""},
    {"POST", "/EnterCode/" + kId.substr(0, 31), RouteId::NotFound, "", ""},
    {"GET", "/EnterCode/" + kId + "w", RouteId::NotFound, "", ""},  // 33
    {"GET", "/EnterCode/0123456789ABCDEFGHIJKLMNOPQRSTUV", RouteId::NotFound, "", ""},
    {"GET", "/EnterCode/0123456789abcdefghijklmnopqrstuV", RouteId::NotFound, "", ""},
    {"GET", "/EnterCode/", RouteId::NotFound, "", ""},
    {"GET", "/EnterCode", RouteId::NotFound, "", ""},
    {"GET", "/EnterCode/" + kId + "/", RouteId::NotFound, "", ""},
    {"GET", "/EnterCode/" + kId + "/x", RouteId::NotFound, "", ""},
    {"GET", "/EnterCode//" + kId, RouteId::NotFound, "", ""},
    {"GET", "/entercode/" + kId, RouteId::NotFound, "", ""},
    {"GET", "/EnterCode/../success", RouteId::NotFound, "", ""},
    {"GET", "/EnterCode/" + kId.substr(0, 30) + "..", RouteId::NotFound, "", ""},
    {"GET", "/EnterCode/" + kId.substr(0, 29) + "%2F", RouteId::NotFound, "", ""},
    {"GET", "/EnterCode/" + kId.substr(0, 31) + "-", RouteId::NotFound, "", ""},
    {"GET", "/EnterCode/" + kId.substr(0, 31) + "_", RouteId::NotFound, "", ""},
    {"GET", "/EnterCode/" + kId.substr(0, 31) + " ", RouteId::NotFound, "", ""},
    {"GET", "/EnterCode/" + kId + "?x=1", RouteId::NotFound, "", ""},
    {"GET", "/x/EnterCode/" + kId, RouteId::NotFound, "", ""},
    // "/success"
    {"GET", "/success", RouteId::Success, "", ""},
    {"HEAD", "/success", RouteId::Success, "", ""},
    {"POST", "/success", RouteId::MethodNotAllowed, "", kGH},
    {"PUT", "/success", RouteId::MethodNotAllowed, "", kGH},
    {"GET", "/success/", RouteId::NotFound, "", ""},
    {"GET", "/Success", RouteId::NotFound, "", ""},
    {"GET", "/success/..", RouteId::NotFound, "", ""},
    {"GET", "/success%2F", RouteId::NotFound, "", ""},
    // everything else
    {"GET", "", RouteId::NotFound, "", ""},
    {"GET", "//", RouteId::NotFound, "", ""},
    {"POST", "//", RouteId::NotFound, "", ""},
    {"GET", "/.", RouteId::NotFound, "", ""},
    {"GET", "/..", RouteId::NotFound, "", ""},
    {"GET", "/%2F", RouteId::NotFound, "", ""},
    {"GET", "/index.html", RouteId::NotFound, "", ""},
    {"PUT", "/nowhere", RouteId::NotFound, "", ""},
    {"GET", "success", RouteId::NotFound, "", ""},
    {"GET", std::string("/\0", 2), RouteId::NotFound, "", ""},
    {"GET", std::string("/success\0", 9), RouteId::NotFound, "", ""},
};

BOOST_AUTO_TEST_SUITE(router_tests)

BOOST_DATA_TEST_CASE(route_table, boost::unit_test::data::make(kRouteCases), sample) {
  const auto got = route(sample.method, sample.path);
  BOOST_TEST(got.id == sample.expected);
  BOOST_TEST(got.verify_id == sample.verify_id);
  BOOST_TEST(got.allow == sample.allow);
}

BOOST_AUTO_TEST_CASE(every_method_on_every_path_gets_a_consistent_answer) {
  // The full method x path grid: a path is either known for all methods (a route or 405) or for
  // none (404), and HEAD always goes where GET goes.
  const char* const methods[] = {"GET",     "HEAD",  "POST",    "PUT", "DELETE", "PATCH",
                                 "OPTIONS", "TRACE", "CONNECT", "get", "post",   ""};
  const std::string paths[] = {
      "/",     "/success", "/EnterCode/" + kId,          "/EnterCode/" + kId + "/",
      "/nope", "//",       "/EnterCode/" + kId.substr(1)};
  const bool known[] = {true, true, true, false, false, false, false};
  for (std::size_t p = 0; p < std::size(paths); ++p) {
    for (const char* method : methods) {
      BOOST_TEST_INFO(method << " " << paths[p]);
      const auto got = route(method, paths[p]);
      BOOST_TEST((got.id != RouteId::NotFound) == known[p]);
      if (got.id == RouteId::MethodNotAllowed) {
        BOOST_TEST((got.allow == kGH || got.allow == kGHP));
      } else {
        BOOST_TEST(got.allow.empty());
      }
      const bool takes_id = got.id == RouteId::CodeForm || got.id == RouteId::CheckCode;
      BOOST_TEST(got.verify_id == (takes_id ? kId : std::string()));
    }
    BOOST_TEST(route("HEAD", paths[p]).id == route("GET", paths[p]).id);
  }
}

BOOST_AUTO_TEST_CASE(verify_id_shape) {
  BOOST_TEST(is_verify_id(kId));
  BOOST_TEST(is_verify_id(kHexId));
  BOOST_TEST(is_verify_id(std::string(32, '0')));
  BOOST_TEST(is_verify_id(std::string(32, 'z')));
  BOOST_TEST(!is_verify_id(""));
  BOOST_TEST(!is_verify_id(std::string(31, 'a')));
  BOOST_TEST(!is_verify_id(std::string(33, 'a')));
  for (const char bad : {'A', 'Z', '-', '_', '.', '/', '%', ' ', '\0', '{', '`', ':', '@'}) {
    std::string id = kId;
    id[17] = bad;
    BOOST_TEST_INFO("character " << static_cast<int>(bad));
    BOOST_TEST(!is_verify_id(id));
  }
}

BOOST_AUTO_TEST_CASE(redirect_is_a_bodiless_303_with_location) {
  const auto response = redirect_to("/EnterCode/" + kId);
  BOOST_TEST(response.status == 303);
  BOOST_TEST(response.body.empty());
  BOOST_TEST(response.content_type.empty());
  BOOST_REQUIRE(response.headers.size() == 1u);
  BOOST_TEST(response.headers[0].first == "Location");
  BOOST_TEST(response.headers[0].second == "/EnterCode/" + kId);
  BOOST_TEST(redirect_to("/").headers[0].second == "/");
  BOOST_TEST(redirect_to("/success").status == 303);
}

BOOST_AUTO_TEST_CASE(redirect_refuses_anything_but_a_local_path) {
  for (const char* bad : {"", "success", "//evil.example/", "/\\evil.example", "https://evil/",
                          "/ok\r\nSet-Cookie: x=y", "/ok\n", "/tab\there"}) {
    BOOST_TEST_INFO("location '" << bad << "'");
    BOOST_CHECK_THROW(redirect_to(bad), std::invalid_argument);
  }
}

BOOST_AUTO_TEST_CASE(reason_phrases) {
  BOOST_TEST(std::strcmp(reason_phrase(200), "OK") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(303), "See Other") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(400), "Bad Request") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(403), "Forbidden") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(404), "Not Found") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(405), "Method Not Allowed") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(413), "Content Too Large") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(415), "Unsupported Media Type") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(429), "Too Many Requests") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(500), "Internal Server Error") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(502), "Bad Gateway") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(503), "Service Unavailable") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(418), "Unknown") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(0), "Unknown") == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
