// oidc/id_token.cpp: the claims of the ID token and of userinfo, and pairwise subjects.
#include "oidc/id_token.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "oidc/json.hpp"

namespace vo = voiceverify::oidc;

BOOST_AUTO_TEST_SUITE(oidc_id_token_tests)

BOOST_AUTO_TEST_CASE(claims_with_the_phone_scope) {
  vo::IdTokenClaims c;
  c.issuer = "https://vv.example";
  c.subject = "sub-1";
  c.client_id = "shop-0001";
  c.issued_at = 1'800'000'000;
  c.auth_time = 1'799'999'990;
  c.nonce = "n-1";
  c.phone_scope = true;
  c.phone_number = "+31612345678";
  const auto claims = vo::parse_json_object(vo::id_token_payload(c));
  BOOST_REQUIRE(claims.has_value());
  const auto& v = *claims;
  BOOST_TEST(v["iss"].asString() == "https://vv.example");
  BOOST_TEST(v["sub"].asString() == "sub-1");
  BOOST_TEST(v["aud"].asString() == "shop-0001");
  BOOST_TEST(v["iat"].asInt64() == 1'800'000'000);
  BOOST_TEST(v["exp"].asInt64() == 1'800'000'300);
  BOOST_TEST(v["auth_time"].asInt64() == 1'799'999'990);
  BOOST_TEST(v["nonce"].asString() == "n-1");
  BOOST_TEST(v["amr"].size() == 2u);
  BOOST_TEST(v["amr"][0].asString() == "tel");
  BOOST_TEST(v["amr"][1].asString() == "otp");
  BOOST_TEST(v["phone_number"].asString() == "+31612345678");
  BOOST_TEST(v["phone_number_verified"].asBool());
}

BOOST_AUTO_TEST_CASE(without_phone_scope_or_nonce_those_claims_are_absent) {
  vo::IdTokenClaims c;
  c.issuer = "https://vv.example";
  c.subject = "s";
  c.client_id = "c";
  c.phone_number = "+31612345678";
  const auto v = *vo::parse_json_object(vo::id_token_payload(c));
  BOOST_TEST(!v.isMember("nonce"));
  BOOST_TEST(!v.isMember("phone_number"));
  BOOST_TEST(!v.isMember("phone_number_verified"));
  const auto info = *vo::parse_json_object(vo::userinfo_json("s", false, "+31612345678"));
  BOOST_TEST(info.size() == 1u);
  const auto full = *vo::parse_json_object(vo::userinfo_json("s", true, "+31612345678"));
  BOOST_TEST(full["phone_number"].asString() == "+31612345678");
  BOOST_TEST(full["phone_number_verified"].asBool());
}

BOOST_AUTO_TEST_CASE(pairwise_subjects_are_stable_per_client_and_unrelated_across) {
  const auto key = vo::derive_subject_key("service-secret");
  const auto a = vo::pairwise_subject(key, "+31612345678", "shop-0001");
  BOOST_TEST(a.size() == 43u);
  BOOST_TEST(a == vo::pairwise_subject(key, "+31612345678", "shop-0001"));
  BOOST_TEST(a != vo::pairwise_subject(key, "+31612345678", "shop-0002"));
  BOOST_TEST(a != vo::pairwise_subject(key, "+31612345679", "shop-0001"));
  BOOST_TEST(a !=
             vo::pairwise_subject(vo::derive_subject_key("other"), "+31612345678", "shop-0001"));
  BOOST_TEST(a.find("31612345678") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
