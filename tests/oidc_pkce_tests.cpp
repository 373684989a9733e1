// oidc/pkce.cpp: RFC 7636 appendix B's example, the verifier's alphabet and length bounds.
#include "oidc/pkce.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

namespace vo = voiceverify::oidc;

namespace {

// RFC 7636 appendix B.
constexpr const char* kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr const char* kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

}  // namespace

BOOST_AUTO_TEST_SUITE(oidc_pkce_tests)

BOOST_AUTO_TEST_CASE(rfc7636_appendix_b_example) {
  BOOST_TEST(vo::s256_challenge(kVerifier) == kChallenge);
  BOOST_TEST(vo::verifier_matches(kVerifier, kChallenge));
  BOOST_TEST(vo::is_valid_s256_challenge(kChallenge));
}

BOOST_AUTO_TEST_CASE(a_wrong_verifier_does_not_match) {
  std::string other = kVerifier;
  other[0] = 'e';
  BOOST_TEST(!vo::verifier_matches(other, kChallenge));
  // `plain`: the challenge itself as verifier is not accepted.
  BOOST_TEST(!vo::verifier_matches(kChallenge, kChallenge));
}

BOOST_AUTO_TEST_CASE(verifier_bounds_and_alphabet) {
  BOOST_TEST(vo::is_valid_code_verifier(std::string(43, 'a')));
  BOOST_TEST(vo::is_valid_code_verifier(std::string(128, '~')));
  BOOST_TEST(vo::is_valid_code_verifier("abc-._~ABCxyz0123456789abcdefghijklmnopqrstu"));
  BOOST_TEST(!vo::is_valid_code_verifier(std::string(42, 'a')));
  BOOST_TEST(!vo::is_valid_code_verifier(std::string(129, 'a')));
  BOOST_TEST(!vo::is_valid_code_verifier(std::string(42, 'a') + "+"));
  BOOST_TEST(!vo::is_valid_code_verifier(std::string(42, 'a') + " "));
  // A too-short verifier is refused even when its challenge would match.
  const std::string short_one(42, 'a');
  BOOST_TEST(!vo::verifier_matches(short_one, vo::s256_challenge(short_one)));
}

BOOST_AUTO_TEST_CASE(challenge_shape) {
  BOOST_TEST(!vo::is_valid_s256_challenge(std::string(kChallenge) + "A"));
  BOOST_TEST(!vo::is_valid_s256_challenge(std::string(kChallenge).substr(1)));
  BOOST_TEST(!vo::is_valid_s256_challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"));
}

BOOST_AUTO_TEST_SUITE_END()
