// oidc/crypto.cpp: base64url (RFC 4648 section 10's vectors, in the URL alphabet), SHA-256 and
// HMAC-SHA256 against published vectors, PBKDF2 against RFC 7914 section 11, and the
// constant-time comparison.
#include "oidc/crypto.hpp"

#include <boost/test/unit_test.hpp>
#include <set>
#include <string>

namespace vo = voiceverify::oidc;

BOOST_AUTO_TEST_SUITE(oidc_crypto_tests)

BOOST_AUTO_TEST_CASE(base64url_follows_rfc4648_without_padding) {
  BOOST_TEST(vo::base64url("") == "");
  BOOST_TEST(vo::base64url("f") == "Zg");
  BOOST_TEST(vo::base64url("fo") == "Zm8");
  BOOST_TEST(vo::base64url("foo") == "Zm9v");
  BOOST_TEST(vo::base64url("foob") == "Zm9vYg");
  BOOST_TEST(vo::base64url("\xfb\xff") == "-_8");
  for (const std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xfb\xff"}) {
    BOOST_TEST(vo::base64url_decode(vo::base64url(text)).value_or("?") == text);
  }
}

BOOST_AUTO_TEST_CASE(base64url_decode_refuses_other_spellings) {
  BOOST_TEST(!vo::base64url_decode("Zg==").has_value());   // padding
  BOOST_TEST(!vo::base64url_decode("Zm9v+").has_value());  // standard alphabet
  BOOST_TEST(!vo::base64url_decode("Z").has_value());      // impossible length
  BOOST_TEST(!vo::base64url_decode("Zh").has_value());     // non-zero unused bits
  BOOST_TEST(!vo::base64url_decode("Zm 9").has_value());
}

BOOST_AUTO_TEST_CASE(sha256_and_hmac_match_published_vectors) {
  BOOST_TEST(vo::base64url(vo::sha256("abc")) == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  // RFC 4231 test case 2.
  BOOST_TEST(vo::base64url(vo::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
             "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
}

BOOST_AUTO_TEST_CASE(pbkdf2_matches_rfc7914) {
  // RFC 7914 section 11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, dkLen=64 (first 32).
  const auto key = vo::pbkdf2_sha256("passwd", "salt", 1, 32);
  BOOST_TEST(vo::base64url(key) == "VawEblbjCJ_sFpHCJUS2BflBhSFt3gRl5oudV8INrLw");
}

BOOST_AUTO_TEST_CASE(random_tokens_are_43_characters_and_differ) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto token = vo::random_token();
    BOOST_TEST(token.size() == 43u);
    BOOST_TEST(vo::is_base64url(token));
    seen.insert(token);
  }
  BOOST_TEST(seen.size() == 100u);
}

BOOST_AUTO_TEST_CASE(constant_time_equal_compares_length_and_bytes) {
  BOOST_TEST(vo::constant_time_equal("abc", "abc"));
  BOOST_TEST(!vo::constant_time_equal("abc", "abd"));
  BOOST_TEST(!vo::constant_time_equal("abc", "abcd"));
  BOOST_TEST(vo::constant_time_equal("", ""));
}

BOOST_AUTO_TEST_SUITE_END()
