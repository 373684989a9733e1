// oidc/discovery.cpp: the discovery document's fields as OpenID Connect Discovery 1.0 section 3
// requires them, and which issuers are accepted.
#include "oidc/discovery.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "oidc/json.hpp"

namespace vo = voiceverify::oidc;

BOOST_AUTO_TEST_SUITE(oidc_discovery_tests)

BOOST_AUTO_TEST_CASE(document_names_issuer_endpoints_and_support) {
  const auto doc = vo::parse_json_object(vo::discovery_json("https://vv.example:8443/id"));
  BOOST_REQUIRE(doc.has_value());
  const auto& d = *doc;
  BOOST_TEST(d["issuer"].asString() == "https://vv.example:8443/id");
  BOOST_TEST(d["authorization_endpoint"].asString() == "https://vv.example:8443/id/authorize");
  BOOST_TEST(d["token_endpoint"].asString() == "https://vv.example:8443/id/token");
  BOOST_TEST(d["userinfo_endpoint"].asString() == "https://vv.example:8443/id/userinfo");
  BOOST_TEST(d["jwks_uri"].asString() == "https://vv.example:8443/id/jwks.json");
  const auto only = [&d](const char* name, const char* value) {
    return d[name].isArray() && d[name].size() == 1u && d[name][0].asString() == value;
  };
  BOOST_TEST(only("response_types_supported", "code"));
  BOOST_TEST(only("response_modes_supported", "query"));
  BOOST_TEST(only("grant_types_supported", "authorization_code"));
  BOOST_TEST(only("subject_types_supported", "pairwise"));
  // Discovery 1.0 section 3: RS256 MUST be there; ES256 is our clients' default.
  const auto& algs = d["id_token_signing_alg_values_supported"];
  BOOST_TEST_REQUIRE(algs.size() == 2u);
  BOOST_TEST(algs[0].asString() == "ES256");
  BOOST_TEST(algs[1].asString() == "RS256");
  BOOST_TEST(only("code_challenge_methods_supported", "S256"));
  BOOST_TEST(d["scopes_supported"].size() == 2u);
  BOOST_TEST(d["token_endpoint_auth_methods_supported"].size() == 3u);
  BOOST_TEST(d["token_endpoint_auth_methods_supported"][0].asString() == "client_secret_basic");
  BOOST_TEST(d["token_endpoint_auth_methods_supported"][2].asString() == "none");
  bool phone_claim = false;
  for (const auto& claim : d["claims_supported"]) phone_claim |= claim.asString() == "phone_number";
  BOOST_TEST(phone_claim);
  BOOST_TEST(d["authorization_response_iss_parameter_supported"].asBool());
}

BOOST_AUTO_TEST_CASE(issuers) {
  for (const char* good : {"https://vv.example", "https://vv.example:8443/id",
                           "http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost"}) {
    BOOST_TEST(vo::issuer_problem(good).empty(), good << ": " << vo::issuer_problem(good));
  }
  for (const char* bad : {"", "http://vv.example", "https://vv.example/", "https://vv.example?x=1",
                          "https://vv.example#f", "vv.example", "https://u@vv.example"}) {
    BOOST_TEST(!vo::issuer_problem(bad).empty(), bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()
