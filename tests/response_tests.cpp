// Response helpers: redirects are where routes lead; reason phrases go on every status line.
#include "http/request.hpp"

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <stdexcept>
#include <string>

namespace {

using voiceverify::http::reason_phrase;
using voiceverify::http::redirect_to;

const std::string kId = "0123456789abcdefghijklmnopqrstuv";

}  // namespace

BOOST_AUTO_TEST_SUITE(response_tests)

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
  BOOST_TEST(std::strcmp(reason_phrase(431), "Request Header Fields Too Large") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(500), "Internal Server Error") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(502), "Bad Gateway") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(503), "Service Unavailable") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(418), "Unknown") == 0);
  BOOST_TEST(std::strcmp(reason_phrase(0), "Unknown") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
