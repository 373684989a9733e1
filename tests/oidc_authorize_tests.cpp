// oidc/authorize.cpp: the authorization request's checks, which refusals are shown on our page
// (never redirected) and which go back to the client, and the redirect URLs we build.
#include "oidc/authorize.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "oidc/pkce.hpp"

namespace vo = voiceverify::oidc;

namespace {

const std::string kChallenge = vo::s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

vo::ClientRegistry registry() {
  const auto parse =
      vo::parse_clients("shop-0001|Example Shop|" + vo::hash_client_secret("secret") +
                        "|-|https://shop.example/cb https://shop.example/cb2?tenant=7\n"
                        "app-00001|Phone App|-|public|http://127.0.0.1/cb\n");
  BOOST_REQUIRE_MESSAGE(parse.error.empty(), parse.error);
  return parse.registry;
}

// A valid request for the public client; `change` replaces (or, with a nullptr value, drops)
// fields.
vo::QueryPairs query(std::initializer_list<std::pair<std::string, const char*>> change = {}) {
  vo::QueryPairs q{{"response_type", "code"},
                   {"client_id", "app-00001"},
                   {"redirect_uri", "http://127.0.0.1:5000/cb"},
                   {"scope", "openid phone"},
                   {"state", "st-123"},
                   {"nonce", "n-456"},
                   {"code_challenge", kChallenge},
                   {"code_challenge_method", "S256"}};
  for (const auto& [name, value] : change) {
    std::erase_if(q, [&name](const auto& p) { return p.first == name; });
    if (value != nullptr) q.emplace_back(name, value);
  }
  return q;
}

vo::AuthorizationParse parse(const vo::QueryPairs& q) {
  static const auto clients = registry();
  return vo::parse_authorization_request(q, clients);
}

void expect_shown(const vo::QueryPairs& q) {
  const auto p = parse(q);
  BOOST_TEST(!p.request.has_value());
  BOOST_TEST(!p.refusal.redirect);
  BOOST_TEST(p.refusal.redirect_uri.empty());
}

void expect_redirected(const vo::QueryPairs& q, vo::ErrorCode code) {
  const auto p = parse(q);
  BOOST_TEST(!p.request.has_value());
  BOOST_TEST(p.refusal.redirect);
  BOOST_TEST(vo::error_name(p.refusal.error.code) == vo::error_name(code));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oidc_authorize_tests)

BOOST_AUTO_TEST_CASE(a_valid_request_is_typed) {
  const auto p =
      parse(query({{"login_hint", "tel:+31-6-1234-5678"}, {"ui_locales", "nl-NL en !x"}}));
  BOOST_REQUIRE(p.request.has_value());
  BOOST_TEST(p.request->client_id == "app-00001");
  BOOST_TEST(p.request->client_name == "Phone App");
  BOOST_TEST(p.request->redirect_uri == "http://127.0.0.1:5000/cb");
  BOOST_TEST(p.request->state == "st-123");
  BOOST_TEST(p.request->nonce == "n-456");
  BOOST_TEST(p.request->code_challenge == kChallenge);
  BOOST_TEST(p.request->phone_scope);
  BOOST_TEST(p.request->login_hint == "+31612345678");
  BOOST_TEST(p.request->ui_locales == (std::vector<std::string>{"nl-NL", "en"}));
}

BOOST_AUTO_TEST_CASE(client_and_redirect_uri_errors_are_never_redirected) {
  expect_shown(query({{"client_id", nullptr}}));
  expect_shown(query({{"client_id", "nobody-00"}}));
  expect_shown(query({{"redirect_uri", nullptr}}));
  expect_shown(query({{"redirect_uri", "https://evil.example/cb"}}));
  expect_shown(query({{"redirect_uri", "http://127.0.0.1:5000/cb/../evil"}}));
  expect_shown(query({{"redirect_uri", "http://127.0.0.1:5000/cbx"}}));  // prefix match
  auto twice = query();
  twice.emplace_back("client_id", "app-00001");
  expect_shown(twice);
  // The other client's URI is not this client's.
  expect_shown(query({{"redirect_uri", "https://shop.example/cb"}}));
}

BOOST_AUTO_TEST_CASE(other_errors_go_back_to_the_client) {
  expect_redirected(query({{"response_type", "token"}}), vo::ErrorCode::UnsupportedResponseType);
  expect_redirected(query({{"response_type", "id_token"}}), vo::ErrorCode::UnsupportedResponseType);
  expect_redirected(query({{"response_type", "code id_token"}}),
                    vo::ErrorCode::UnsupportedResponseType);
  expect_redirected(query({{"response_type", nullptr}}), vo::ErrorCode::InvalidRequest);
  expect_redirected(query({{"scope", "phone"}}), vo::ErrorCode::InvalidScope);
  expect_redirected(query({{"scope", "openidx"}}), vo::ErrorCode::InvalidScope);
  expect_redirected(query({{"prompt", "none"}}), vo::ErrorCode::LoginRequired);
  expect_redirected(query({{"prompt", "none login"}}), vo::ErrorCode::InvalidRequest);
  expect_redirected(query({{"code_challenge_method", "plain"}}), vo::ErrorCode::InvalidRequest);
  expect_redirected(query({{"code_challenge_method", nullptr}}), vo::ErrorCode::InvalidRequest);
  expect_redirected(query({{"code_challenge", "short"}}), vo::ErrorCode::InvalidRequest);
  expect_redirected(query({{"response_mode", "fragment"}}), vo::ErrorCode::InvalidRequest);
  expect_redirected(query({{"request", "eyJ..."}}), vo::ErrorCode::RequestNotSupported);
  expect_redirected(query({{"nonce", std::string(513, 'n').c_str()}}),
                    vo::ErrorCode::InvalidRequest);
  expect_redirected(query({{"login_hint", std::string(65, '1').c_str()}}),
                    vo::ErrorCode::InvalidRequest);
  auto twice = query();
  twice.emplace_back("scope", "openid");
  expect_redirected(twice, vo::ErrorCode::InvalidRequest);
}

BOOST_AUTO_TEST_CASE(pkce_is_required_of_public_clients_only) {
  expect_redirected(query({{"code_challenge", nullptr}, {"code_challenge_method", nullptr}}),
                    vo::ErrorCode::InvalidRequest);
  const auto confidential = query({{"client_id", "shop-0001"},
                                   {"redirect_uri", "https://shop.example/cb2?tenant=7"},
                                   {"code_challenge", nullptr},
                                   {"code_challenge_method", nullptr}});
  const auto p = parse(confidential);
  BOOST_REQUIRE(p.request.has_value());
  BOOST_TEST(p.request->code_challenge.empty());
  BOOST_TEST(parse(query({{"client_id", "shop-0001"}, {"redirect_uri", "https://shop.example/cb"}}))
                 .request->code_challenge == kChallenge);
}

BOOST_AUTO_TEST_CASE(bad_hints_are_dropped_not_refused) {
  for (const char* hint : {"0612345678", "+31 6 1234", "tel:+31a", "+1234567", "mailto:x"}) {
    const auto p = parse(query({{"login_hint", hint}}));
    BOOST_REQUIRE(p.request.has_value());
    BOOST_TEST(p.request->login_hint.empty(), hint);
  }
}

BOOST_AUTO_TEST_CASE(a_malformed_state_is_not_echoed) {
  const auto p = parse(query({{"state", "a\nb"}}));
  BOOST_TEST(p.refusal.redirect);
  BOOST_TEST(p.refusal.state.empty());
}

BOOST_AUTO_TEST_CASE(redirect_urls) {
  const auto refused = parse(query({{"response_type", "token"}, {"state", "s t"}}));
  BOOST_TEST(
      vo::refusal_redirect(refused.refusal, "https://vv.example") ==
      "http://127.0.0.1:5000/cb?error=unsupported_response_type&error_description="
      "only%20response_type%3Dcode%20is%20supported&state=s%20t&iss=https%3A%2F%2Fvv.example");
  const auto ok = parse(
      query({{"client_id", "shop-0001"}, {"redirect_uri", "https://shop.example/cb2?tenant=7"}}));
  BOOST_REQUIRE(ok.request.has_value());
  BOOST_TEST(
      vo::code_redirect(*ok.request, "CODE", "https://vv.example") ==
      "https://shop.example/cb2?tenant=7&code=CODE&state=st-123&iss=https%3A%2F%2Fvv.example");
  const auto stateless = parse(query({{"state", nullptr}}));
  BOOST_REQUIRE(stateless.request.has_value());
  BOOST_TEST(vo::code_redirect(*stateless.request, "C", "https://i") ==
             "http://127.0.0.1:5000/cb?code=C&iss=https%3A%2F%2Fi");
}

BOOST_AUTO_TEST_CASE(every_error_has_one_row) {
  BOOST_TEST(vo::error_name(vo::ErrorCode::InvalidClient) == "invalid_client");
  BOOST_TEST(vo::error_status(vo::ErrorCode::InvalidClient) == 401);
  BOOST_TEST(vo::error_status(vo::ErrorCode::InvalidGrant) == 400);
  BOOST_TEST(vo::error_name(vo::ErrorCode::LoginRequired) == "login_required");
}

BOOST_AUTO_TEST_SUITE_END()
