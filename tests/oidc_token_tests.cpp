// oidc/token.cpp: the token request's fields and exactly one client authentication method,
// client authentication against the registry, the code's bindings, and the JSON replies.
#include "oidc/token.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "oidc/crypto.hpp"
#include "oidc/json.hpp"
#include "oidc/pkce.hpp"

namespace vo = voiceverify::oidc;

namespace {

constexpr const char* kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

vo::ClientRegistry registry() {
  const auto parse =
      vo::parse_clients("shop-0001|Example Shop|" + vo::hash_client_secret("the-secret") +
                        "|-|https://shop.example/cb\n"
                        "app-00001|Phone App|-|public|http://127.0.0.1/cb\n");
  BOOST_REQUIRE_MESSAGE(parse.error.empty(), parse.error);
  return parse.registry;
}

vo::QueryPairs body(std::initializer_list<std::pair<std::string, std::string>> extra) {
  vo::QueryPairs pairs{{"grant_type", "authorization_code"},
                       {"code", "CODE"},
                       {"redirect_uri", "https://shop.example/cb"}};
  pairs.insert(pairs.end(), extra.begin(), extra.end());
  return pairs;
}

std::string basic(const std::string& id, const std::string& secret) {
  // Standard base64 of "id:secret", as a client library writes it.
  const auto url = vo::base64url(id + ":" + secret);
  std::string standard = url;
  for (auto& c : standard) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (standard.size() % 4 != 0) standard += '=';
  return "Basic " + standard;
}

vo::ErrorCode error_of(const vo::TokenRequestParse& parse) {
  BOOST_TEST(!parse.request.has_value());
  return parse.refusal.error.code;
}

vo::CodeGrant grant_for(const std::string& client, const std::string& challenge) {
  vo::CodeGrant grant;
  grant.client_id = client;
  grant.redirect_uri = "https://shop.example/cb";
  grant.code_challenge = challenge;
  grant.phone_number = "+31612345678";
  return grant;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oidc_token_tests)

BOOST_AUTO_TEST_CASE(three_ways_to_authenticate) {
  const auto clients = registry();
  vo::TokenRefusal refusal;

  const auto by_basic = vo::parse_token_request(body({}), basic("shop-0001", "the-secret"));
  BOOST_REQUIRE(by_basic.request.has_value());
  BOOST_TEST((by_basic.request->auth == vo::ClientAuth::SecretBasic));
  BOOST_TEST(vo::authenticate_client(*by_basic.request, clients, refusal) != nullptr);

  const auto by_post = vo::parse_token_request(
      body({{"client_id", "shop-0001"}, {"client_secret", "the-secret"}}), "");
  BOOST_REQUIRE(by_post.request.has_value());
  BOOST_TEST((by_post.request->auth == vo::ClientAuth::SecretPost));
  BOOST_TEST(vo::authenticate_client(*by_post.request, clients, refusal) != nullptr);

  const auto by_none =
      vo::parse_token_request(body({{"client_id", "app-00001"}, {"code_verifier", kVerifier}}), "");
  BOOST_REQUIRE(by_none.request.has_value());
  BOOST_TEST((by_none.request->auth == vo::ClientAuth::None));
  BOOST_TEST(by_none.request->code_verifier == kVerifier);
  BOOST_TEST(vo::authenticate_client(*by_none.request, clients, refusal) != nullptr);
}

BOOST_AUTO_TEST_CASE(wrong_clients_are_invalid_client) {
  const auto clients = registry();
  vo::TokenRefusal refusal;
  const auto check = [&](const vo::TokenRequestParse& parse, bool basic_used) {
    BOOST_REQUIRE(parse.request.has_value());
    BOOST_TEST(vo::authenticate_client(*parse.request, clients, refusal) == nullptr);
    BOOST_TEST((refusal.error.code == vo::ErrorCode::InvalidClient));
    BOOST_TEST(refusal.basic == basic_used);
  };
  check(vo::parse_token_request(body({}), basic("shop-0001", "wrong")), true);
  check(vo::parse_token_request(body({}), basic("nobody-00", "the-secret")), true);
  check(vo::parse_token_request(body({{"client_id", "shop-0001"}, {"client_secret", "x"}}), ""),
        false);
  // A confidential client without its secret, a public one with a secret.
  check(vo::parse_token_request(body({{"client_id", "shop-0001"}}), ""), false);
  check(vo::parse_token_request(body({{"client_id", "app-00001"}, {"client_secret", "x"}}), ""),
        false);
}

BOOST_AUTO_TEST_CASE(malformed_requests) {
  BOOST_TEST(
      (error_of(vo::parse_token_request(
           body({{"client_id", "shop-0001"}, {"client_secret", "the-secret"}}),
           basic("shop-0001", "the-secret"))) == vo::ErrorCode::InvalidRequest));  // two methods
  BOOST_TEST((error_of(vo::parse_token_request(body({{"client_id", "app-00001"}}),
                                               basic("shop-0001", "the-secret"))) ==
              vo::ErrorCode::InvalidRequest));  // client_id differs from the header
  BOOST_TEST(
      (error_of(vo::parse_token_request(body({}), "Basic !!!")) == vo::ErrorCode::InvalidClient));
  BOOST_TEST((error_of(vo::parse_token_request(body({}), "")) == vo::ErrorCode::InvalidClient));
  vo::QueryPairs wrong_grant{{"grant_type", "refresh_token"}, {"client_id", "app-00001"}};
  BOOST_TEST(
      (error_of(vo::parse_token_request(wrong_grant, "")) == vo::ErrorCode::UnsupportedGrantType));
  vo::QueryPairs no_code{
      {"grant_type", "authorization_code"}, {"client_id", "app-00001"}, {"redirect_uri", "x"}};
  BOOST_TEST((error_of(vo::parse_token_request(no_code, "")) == vo::ErrorCode::InvalidRequest));
  auto twice = body({{"client_id", "app-00001"}});
  twice.emplace_back("code", "OTHER");
  BOOST_TEST((error_of(vo::parse_token_request(twice, "")) == vo::ErrorCode::InvalidRequest));
}

BOOST_AUTO_TEST_CASE(basic_credentials_may_be_form_encoded) {
  const auto parse = vo::parse_token_request(body({}), basic("shop%2D0001", "the%2Dsecret"));
  BOOST_REQUIRE(parse.request.has_value());
  BOOST_TEST(parse.request->client_id == "shop-0001");
  BOOST_TEST(parse.request->client_secret == "the-secret");
  BOOST_TEST(
      vo::parse_token_request(body({}), "bAsIc " + basic("a", "b").substr(6)).request.has_value());
}

BOOST_AUTO_TEST_CASE(the_code_is_bound_to_client_redirect_uri_and_verifier) {
  const auto challenge = vo::s256_challenge(kVerifier);
  vo::TokenRequest request;
  request.client_id = "app-00001";
  request.redirect_uri = "https://shop.example/cb";
  request.code_verifier = kVerifier;
  BOOST_TEST(!vo::check_code_grant(request, grant_for("app-00001", challenge)).has_value());
  const auto refused = [&](const vo::TokenRequest& r, const vo::CodeGrant& g) {
    const auto refusal = vo::check_code_grant(r, g);
    return refusal && refusal->error.code == vo::ErrorCode::InvalidGrant;
  };
  BOOST_TEST(refused(request, grant_for("shop-0001", challenge)));  // another client's code
  auto wrong_uri = request;
  wrong_uri.redirect_uri = "https://shop.example/cb2";
  BOOST_TEST(refused(wrong_uri, grant_for("app-00001", challenge)));
  auto wrong_verifier = request;
  wrong_verifier.code_verifier[0] = 'x';
  BOOST_TEST(refused(wrong_verifier, grant_for("app-00001", challenge)));
  auto no_verifier = request;
  no_verifier.code_verifier.clear();
  BOOST_TEST(refused(no_verifier, grant_for("app-00001", challenge)));
  // No challenge in the authorization: no verifier either.
  BOOST_TEST(refused(request, grant_for("app-00001", "")));
  BOOST_TEST(!vo::check_code_grant(no_verifier, grant_for("app-00001", "")).has_value());
}

BOOST_AUTO_TEST_CASE(replies) {
  const auto ok = vo::token_reply("ID.TOKEN.SIG", "ACCESS", true);
  BOOST_TEST(ok.status == 200);
  const auto v = *vo::parse_json_object(ok.body);
  BOOST_TEST(v["id_token"].asString() == "ID.TOKEN.SIG");
  BOOST_TEST(v["access_token"].asString() == "ACCESS");
  BOOST_TEST(v["token_type"].asString() == "Bearer");
  BOOST_TEST(v["expires_in"].asInt() == 300);
  BOOST_TEST(ok.headers[0].first == "Cache-Control");
  BOOST_TEST(ok.headers[0].second == "no-store");

  const auto bad_basic = vo::token_refusal_reply(
      vo::TokenRefusal{{vo::ErrorCode::InvalidClient, "client authentication failed"}, true});
  BOOST_TEST(bad_basic.status == 401);
  BOOST_TEST(bad_basic.headers.back().first == "WWW-Authenticate");
  BOOST_TEST(bad_basic.headers.back().second == "Basic realm=\"voiceverify\"");
  BOOST_TEST((*vo::parse_json_object(bad_basic.body))["error"].asString() == "invalid_client");
  const auto bad_grant =
      vo::token_refusal_reply(vo::TokenRefusal{{vo::ErrorCode::InvalidGrant, "used"}, true});
  BOOST_TEST(bad_grant.status == 400);
  BOOST_TEST(bad_grant.headers.size() == 2u);  // no WWW-Authenticate

  const auto info = vo::userinfo_refusal_reply();
  BOOST_TEST(info.status == 401);
  BOOST_TEST(info.headers.back().second.find("error=\"invalid_token\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bearer_tokens) {
  const std::string token = vo::random_token();
  BOOST_TEST(vo::bearer_token("Bearer " + token).value_or("") == token);
  BOOST_TEST(vo::bearer_token("bearer " + token).value_or("") == token);
  BOOST_TEST(!vo::bearer_token("Basic " + token).has_value());
  BOOST_TEST(!vo::bearer_token("Bearer").has_value());
  BOOST_TEST(!vo::bearer_token("Bearer a.b").has_value());
  BOOST_TEST(!vo::bearer_token("Bearertoken").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
