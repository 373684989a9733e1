// The OpenID Connect endpoints through real nginx and the pool (docs/oidc.md), with
// python3-authlib as the client (tests/oidc/relying_party.py): the discovery document names the
// issuer exactly, and the JWKS it points to verifies what the site's key signs; CORS only for
// registered origins; /token and /userinfo refuse in JSON; every OIDC path is unknown when
// OIDC_ISSUER is empty.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>

#include "harness.hpp"
#include "oidc/clients.hpp"
#include "oidc/jose.hpp"

using namespace voiceverify::testing;
namespace oidc = voiceverify::oidc;

namespace {

const std::string kDiscovery = "/.well-known/openid-configuration";

std::string relying_party(const std::string& arguments) {
  return run_command("/usr/bin/python3 " + std::string(VV_SOURCE_DIR) +
                     "/tests/oidc/relying_party.py " + arguments + " 2>&1");
}

SiteOptions oidc_options() {
  SiteOptions options;
  options.oidc = true;
  return options;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oidc_integration_tests)

BOOST_AUTO_TEST_CASE(discovery_names_the_issuer_and_the_jwks_verifies_tokens) {
  Site site(oidc_options());
  Browser browser(site);
  const Page discovery = browser.get(kDiscovery);
  BOOST_TEST(discovery.status == 200);
  BOOST_TEST(contains(discovery.header("Content-Type"), "application/json"));
  BOOST_TEST(contains(discovery.header("Cache-Control"), "max-age"));
  BOOST_TEST(contains(discovery.body, "\"issuer\":\"" + site.base_url() + "\""), discovery.body);
  BOOST_TEST(browser.get("/jwks.json").status == 200);

  std::string error;
  const auto key = oidc::SigningKey::from_pem_file(site.run_dir() + "/oidc-signing.pem", error);
  BOOST_TEST_REQUIRE(key != nullptr, error);
  // authlib's strict metadata validation accepts the document (Discovery 1.0 section 3 wants
  // RS256 listed), and the JWKS verifies a token of either algorithm.
  const std::string claims = "{\"iss\":\"" + site.base_url() + "\",\"sub\":\"x\"}";
  for (const auto alg : {oidc::SigningAlg::ES256, oidc::SigningAlg::RS256}) {
    const std::string out =
        relying_party("documents " + site.base_url() + " " + key->sign(claims, alg));
    BOOST_TEST(contains(out, "ok\nalg " + std::string(oidc::alg_name(alg)) + "\n"), out);
    BOOST_TEST(contains(out, "\"sub\": \"x\""), out);
  }
  // A token signed by another key is refused.
  const std::string forged = oidc::SigningKey::generate()->sign("{\"sub\":\"x\"}");
  BOOST_TEST(!contains(relying_party("documents " + site.base_url() + " " + forged), "ok\n"));
}

BOOST_AUTO_TEST_CASE(cors_only_for_registered_origins) {
  const std::string dir = std::string(VV_BINARY_DIR) + "/test-runs";
  const std::string clients = dir + "/oidc-cors-clients-" + std::to_string(::getpid());
  std::ofstream(clients) << "spa0000001|Example SPA|-|public|https://spa.example/cb "
                            "http://127.0.0.1/cb\n";
  SiteOptions options = oidc_options();
  options.env["OIDC_CLIENTS"] = clients;
  Site site(options);
  Browser browser(site);
  browser.headers["Origin"] = "https://spa.example";
  BOOST_TEST(browser.get("/jwks.json").header("Access-Control-Allow-Origin") ==
             "https://spa.example");
  browser.headers["Origin"] = "http://127.0.0.1:43210";  // a native app's loopback, any port
  BOOST_TEST(browser.get(kDiscovery).header("Access-Control-Allow-Origin") ==
             "http://127.0.0.1:43210");
  for (const char* other :
       {"https://evil.example", "https://spa.example.evil", "https://spa.example/cb", "null"}) {
    browser.headers["Origin"] = other;
    BOOST_TEST(browser.get(kDiscovery).header("Access-Control-Allow-Origin").empty(), other);
  }
  std::remove(clients.c_str());
}

// The endpoints a client calls itself: JSON answers, never cached, with the right status (the
// whole flow, with codes that work, is the end-to-end test's).
BOOST_AUTO_TEST_CASE(token_and_userinfo_refuse_in_json) {
  const std::string dir = std::string(VV_BINARY_DIR) + "/test-runs";
  const std::string clients = dir + "/oidc-token-clients-" + std::to_string(::getpid());
  const std::string secret = "the-shop-secret-0123456789abcdefghijklmnopq";
  std::ofstream(clients) << "shop000001|Example Shop|" << oidc::hash_client_secret(secret)
                         << "|-|https://shop.example/cb\n";
  SiteOptions options = oidc_options();
  options.env["OIDC_CLIENTS"] = clients;
  Site site(options);
  Browser browser(site);
  const auto token = [&](const std::string& client_secret) {
    return browser.post_raw("/token",
                            form_encode({{"grant_type", "authorization_code"},
                                         {"code", "no-such-code-0123456789"},
                                         {"redirect_uri", "https://shop.example/cb"},
                                         {"client_id", "shop000001"},
                                         {"client_secret", client_secret}}),
                            "application/x-www-form-urlencoded");
  };
  const Page unknown_code = token(secret);
  BOOST_TEST(unknown_code.status == 400);
  BOOST_TEST(contains(unknown_code.body, "\"error\":\"invalid_grant\""), unknown_code.body);
  BOOST_TEST(contains(unknown_code.header("Cache-Control"), "no-store"));
  BOOST_TEST(contains(unknown_code.header("Content-Type"), "application/json"));
  const Page wrong_secret = token("not-the-secret");
  BOOST_TEST(wrong_secret.status == 401);
  BOOST_TEST(contains(wrong_secret.body, "\"error\":\"invalid_client\""), wrong_secret.body);

  const Page no_token = browser.get("/userinfo");
  BOOST_TEST(no_token.status == 401);
  BOOST_TEST(contains(no_token.header("WWW-Authenticate"), "Bearer"));
  browser.headers["Authorization"] = "Bearer no-such-token-0123456789";
  const Page bad_token = browser.get("/userinfo");
  BOOST_TEST(bad_token.status == 401);
  BOOST_TEST(contains(bad_token.body, "invalid_token"), bad_token.body);
  std::remove(clients.c_str());
}

// A body the endpoint cannot read is refused as RFC 6749 section 5.2 says, in JSON, not with
// the site's HTML 415, 400 or 413 page.
BOOST_AUTO_TEST_CASE(a_body_that_cannot_be_read_is_refused_in_json) {
  SiteOptions options = oidc_options();
  options.env["MAX_BODY_BYTES"] = "512";  // under nginx's 4 KiB, so the pool sees the excess
  Site site(options);
  Browser browser(site);
  const std::string form = "grant_type=authorization_code&code=x";
  const std::string big = form + "&pad=" + std::string(1000, 'a');
  for (const auto& [body, type] :
       {std::pair{form, std::string("text/plain")},
        std::pair{form, std::string("application/json")},
        std::pair{big, std::string("application/x-www-form-urlencoded")},
        std::pair{std::string("a=%zz&b"), std::string("application/x-www-form-urlencoded")}}) {
    BOOST_TEST_CONTEXT(type << " " << body.size() << " bytes") {
      const Page page = browser.post_raw("/token", body, type);
      BOOST_TEST(page.status == 400);
      BOOST_TEST(contains(page.header("Content-Type"), "application/json"));
      BOOST_TEST(contains(page.body, "\"error\":\"invalid_request\""), page.body);
      BOOST_TEST(contains(page.header("Cache-Control"), "no-store"));
    }
  }
  // The pages keep theirs.
  BOOST_TEST(browser.post_raw("/", form, "text/plain").status == 415);
}

BOOST_AUTO_TEST_CASE(off_without_an_issuer) {
  Site site;
  Browser browser(site);
  const Page unknown = browser.get("/no-such-page");
  for (const char* path : {kDiscovery.c_str(), "/jwks.json", "/userinfo"}) {
    const Page page = browser.get(path);
    BOOST_TEST(page.status == 404, path);
    BOOST_TEST(page.body == unknown.body, path);
  }
  BOOST_TEST(browser.post_raw("/token", "code=x", "application/x-www-form-urlencoded").status ==
             404);
  // Whatever the method: a 405 would say the path exists.
  BOOST_TEST(browser.post_raw(kDiscovery, "a=b", "application/x-www-form-urlencoded").status ==
             404);
  BOOST_TEST(browser.get("/token").status == 404);
}

BOOST_AUTO_TEST_SUITE_END()
