// The session cookie's payload (web/session.hpp): v2 carries when the call was placed, for the
// code page's "call me again" and time left; a v1 payload from before still reads; every field
// has one spelling, so nothing shifts from one field into another.
#include "web/session.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using voiceverify::web::decode_session;
using voiceverify::web::encode_session;
using voiceverify::web::Session;

namespace {

const std::string kBrowser = "0123456789abcdef0123456789abcdef";
const std::string kId = "4e213b01155d1e35a9d9571v00162985";

}  // namespace

BOOST_AUTO_TEST_SUITE(session_tests)

BOOST_AUTO_TEST_CASE(a_session_with_its_call_time_round_trips) {
  Session session{kBrowser, kId, "+31 * ******78", false, 1'767'323'045};
  const std::string payload = encode_session(session);
  BOOST_TEST(payload == "v2|" + kBrowser + "|" + kId + "|+31 * ******78|0|1767323045");
  const auto decoded = decode_session(payload);
  BOOST_TEST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->called_at == 1'767'323'045);
  BOOST_TEST(decoded->verify_id == kId);
  BOOST_TEST(encode_session(*decoded) == payload);
  session.forget_verification();
  BOOST_TEST(session.called_at == 0);
  BOOST_TEST(decode_session(encode_session(session)).has_value());
}

BOOST_AUTO_TEST_CASE(a_v1_session_from_before_still_reads_without_a_call_time) {
  const auto decoded = decode_session("v1|" + kBrowser + "|" + kId + "|+31 * ******78|0");
  BOOST_TEST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->verify_id == kId);
  BOOST_TEST(decoded->called_at == 0);
}

BOOST_AUTO_TEST_CASE(a_call_time_of_another_spelling_is_refused) {
  const std::string head = "v2|" + kBrowser + "|" + kId + "|+31 * ******78|0|";
  for (const std::string at : {"", "01", "-1", "1e9", "12 ", "1234567890123", "x"}) {
    BOOST_TEST(!decode_session(head + at).has_value(), "'" << at << "'");
  }
  BOOST_TEST(!decode_session("v1|" + kBrowser + "|" + kId + "|+31 * ******78|0|5").has_value());
  BOOST_TEST(!decode_session("v2|" + kBrowser + "|" + kId + "|+31 * ******78|0").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
