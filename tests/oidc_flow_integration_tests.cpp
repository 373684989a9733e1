// The whole OpenID Connect flow through real nginx and the pool (docs/oidc.md, "The flow through
// the pages"), with python3-authlib as the application (tests/oidc/relying_party.py): it makes the
// authorization URL, the test's browser goes through the pages a person sees, and the library
// redeems the code, validates the ID token against the JWKS and asks userinfo. Then the attacks a
// reviewer would try, each refused.
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "harness.hpp"
#include "oidc/clients.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;
namespace oidc = voiceverify::oidc;

namespace {

const std::string kShopSecret = "the-shop-secret-0123456789abcdefghijklmnopq";
const std::string kShopCallback = "https://shop.example/cb";
const std::string kAppCallback = "http://127.0.0.1:40123/cb";  // a native app's loopback

std::string run_file(const std::string& name) {
  return std::string(VV_BINARY_DIR) + "/test-runs/" + name + "-" + std::to_string(::getpid());
}

// A confidential shop and a public (PKCE-only) native app, as --add-client writes them.
struct OidcSite {
  std::string clients = run_file("oidc-flow-clients");
  std::string state = run_file("oidc-flow-state");
  Site site;

  static SiteOptions options(const std::string& clients) {
    std::ofstream(clients) << "shop000001|Example Shop|" << oidc::hash_client_secret(kShopSecret)
                           << "|-|" << kShopCallback << "\n"
                           << "app0000001|Example App|-|public|http://127.0.0.1/cb\n"
                           << "rsa0000001|RSA Shop|" << oidc::hash_client_secret(kShopSecret)
                           << "|rs256|" << kShopCallback << "\n";
    SiteOptions options;
    options.oidc = true;
    options.env["OIDC_CLIENTS"] = clients;
    return options;
  }
  explicit OidcSite(const std::map<std::string, std::string>& env = {}) : site(with(env)) {}
  SiteOptions with(const std::map<std::string, std::string>& env) {
    SiteOptions options = OidcSite::options(clients);
    for (const auto& [key, value] : env) options.env[key] = value;
    return options;
  }
  ~OidcSite() {
    std::remove(clients.c_str());
    std::remove(state.c_str());
  }

  std::string relying_party(const std::string& arguments) const {
    return run_command("/usr/bin/python3 " + std::string(VV_SOURCE_DIR) +
                       "/tests/oidc/relying_party.py " + arguments + " 2>&1");
  }
  // The authorization URL's path and query, as the library made it.
  std::string begin(const std::string& client, const std::string& callback,
                    const std::string& extra = "") const {
    std::string url = relying_party("begin " + site.base_url() + " " + client + " '" + callback +
                                    "' " + state + " " + extra);
    while (!url.empty() && url.back() == '\n') url.pop_back();
    BOOST_REQUIRE_MESSAGE(url.rfind(site.base_url() + "/authorize?", 0) == 0, url);
    return url.substr(site.base_url().size());
  }
  std::string finish(const std::string& client, const std::string& secret,
                     const std::string& callback, const std::string& location) const {
    return relying_party("finish " + site.base_url() + " " + client + " " + secret + " '" +
                         callback + "' " + state + " '" + location + "'");
  }
};

// The person's part: from the application's link to the redirect back to it. Returns the 303
// that ends the code page.
Page person_verifies(OidcSite& oidc, Browser& browser, const std::string& authorize_path,
                     const std::string& number = kNumber) {
  const Page handed = browser.get(authorize_path);
  BOOST_REQUIRE_EQUAL(handed.status, 303);
  BOOST_REQUIRE_EQUAL(handed.location, "/");
  const Page form = browser.follow(handed);
  BOOST_TEST(contains(form.body, "<p class=\"for-client\">"), form.body);
  const Page started = browser.post("/", {{"number", number}});
  BOOST_REQUIRE_EQUAL(started.status, 303);
  BOOST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0);
  browser.follow(started);
  const std::string code = oidc.site.last_code(kDigits);
  BOOST_REQUIRE_EQUAL(code.size(), 6u);
  return browser.post(started.location, {{"token", code}});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oidc_flow_integration_tests)

BOOST_AUTO_TEST_CASE(a_confidential_client_gets_the_verified_number) {
  OidcSite oidc;
  Browser browser(oidc.site);
  const std::string path = oidc.begin("shop000001", kShopCallback);
  const Page handed = browser.get(path);
  BOOST_TEST(handed.status == 303);
  const Page form = browser.follow(handed);
  BOOST_TEST(
      contains(form.body, "<strong>Example Shop</strong> wants to confirm your phone number"),
      form.body);

  const Page back = person_verifies(oidc, browser, path);
  BOOST_TEST(back.status == 303);
  BOOST_TEST(back.location.rfind(kShopCallback + "?code=", 0) == 0, back.location);
  BOOST_TEST(contains(back.location, "&iss="), back.location);  // its value: the library checks
  BOOST_TEST(!contains(back.location, kDigits));

  const std::string out = oidc.finish("shop000001", kShopSecret, kShopCallback, back.location);
  BOOST_TEST(contains(out, "ok\n"), out);
  BOOST_TEST(contains(out, "\"phone_number\": \"+31612345678\""), out);
  BOOST_TEST(contains(out, "\"phone_number_verified\": true"), out);
  BOOST_TEST(contains(out, "\"amr\": [\"tel\", \"otp\"]"), out);
  BOOST_TEST(contains(out, "\"aud\": \"shop000001\""), out);
  // The number never stood in the pool's log, in any cookie, or on a page.
  BOOST_TEST(!contains(oidc.site.pool_log(), kDigits));
  for (const auto& [name, value] : browser.cookies()) BOOST_TEST(!contains(value, kDigits), name);

  // The same code a second time: the library is refused.
  const std::string again = oidc.finish("shop000001", kShopSecret, kShopCallback, back.location);
  BOOST_TEST(!contains(again, "ok\n"), again);
  BOOST_TEST(contains(again, "invalid_grant"), again);
}

// A client registered with --id-token-alg RS256 gets its ID token signed so (Discovery 1.0
// section 3: every provider offers RS256); the others get ES256.
BOOST_AUTO_TEST_CASE(the_id_token_is_signed_with_the_clients_algorithm) {
  OidcSite oidc;
  Browser browser(oidc.site);
  const Page back = person_verifies(oidc, browser, oidc.begin("rsa0000001", kShopCallback));
  const std::string out = oidc.finish("rsa0000001", kShopSecret, kShopCallback, back.location);
  BOOST_TEST(contains(out, "ok\n"), out);
  BOOST_TEST(contains(out, "\"alg\": \"RS256\""), out);
  Browser second(oidc.site);
  const Page es = person_verifies(oidc, second, oidc.begin("shop000001", kShopCallback));
  const std::string es_out = oidc.finish("shop000001", kShopSecret, kShopCallback, es.location);
  BOOST_TEST(contains(es_out, "\"alg\": \"ES256\""), es_out);
}

BOOST_AUTO_TEST_CASE(a_public_client_with_pkce_alone_and_a_login_hint_in_dutch) {
  OidcSite oidc;
  Browser browser(oidc.site);
  const std::string path =
      oidc.begin("app0000001", kAppCallback, "login_hint=+31612345678 ui_locales=nl");
  const Page handed = browser.get(path);
  const Page form = browser.follow(handed);
  BOOST_TEST(contains(form.body, "<html lang=\"nl\""), form.body);
  BOOST_TEST(contains(form.body, "<strong>Example App</strong> wil uw telefoonnummer bevestigen"),
             form.body);
  BOOST_TEST(contains(form.body, "value=\"+31612345678\""), form.body);

  const Page back = person_verifies(oidc, browser, path, "+31612345678");
  BOOST_TEST(back.location.rfind(kAppCallback + "?code=", 0) == 0, back.location);
  const std::string out = oidc.finish("app0000001", "-", kAppCallback, back.location);
  BOOST_TEST(contains(out, "ok\n"), out);
  BOOST_TEST(contains(out, "\"phone_number\": \"+31612345678\""), out);
}

BOOST_AUTO_TEST_CASE(the_code_is_bound_to_its_client_and_its_verifier) {
  OidcSite oidc;
  Browser browser(oidc.site);
  const Page back = person_verifies(oidc, browser, oidc.begin("app0000001", kAppCallback), kNumber);
  BOOST_REQUIRE(back.location.rfind(kAppCallback + "?code=", 0) == 0);
  // Another client presents it: refused, and the code is spent.
  const std::string other = oidc.finish("shop000001", kShopSecret, kAppCallback, back.location);
  BOOST_TEST(contains(other, "invalid_grant"), other);

  // A wrong PKCE verifier: refused.
  Browser second(oidc.site);
  const Page again = person_verifies(oidc, second, oidc.begin("app0000001", kAppCallback));
  {  // the state file the library keeps, with one character of its verifier changed
    std::ifstream in(oidc.state);
    std::string saved((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = saved.find("\"verifier\": \"") + 13;
    saved[at] = saved[at] == 'a' ? 'b' : 'a';
    std::ofstream(oidc.state) << saved;
  }
  const std::string wrong = oidc.finish("app0000001", "-", kAppCallback, again.location);
  BOOST_TEST(contains(wrong, "invalid_grant"), wrong);
}

// RFC 6749 section 4.1.2.1: a client or redirect URI we cannot vouch for is told to the person
// on our own page, never followed.
// GET /authorize for the shop, written by hand: the attacks change one parameter.
std::string shop_authorize(const std::string& redirect_uri,
                           const std::string& client = "shop000001",
                           const std::string& response_type = "code") {
  return "/authorize?" + form_encode({{"response_type", response_type},
                                      {"client_id", client},
                                      {"redirect_uri", redirect_uri},
                                      {"scope", "openid phone"},
                                      {"state", "state-0123"},
                                      {"nonce", "nonce-0123"}});
}

BOOST_AUTO_TEST_CASE(an_unregistered_redirect_is_never_followed) {
  OidcSite oidc;
  Browser browser(oidc.site);
  BOOST_TEST(browser.get(shop_authorize(kShopCallback)).status == 303);
  for (const char* evil :
       {"https://shop.example/cb/evil", "https://shop.example/cbx", "https://evil.example/cb",
        "https://shop.example/cb?x=1", "http://shop.example/cb"}) {
    const Page page = browser.get(shop_authorize(evil));
    BOOST_TEST(page.status == 400, evil);
    BOOST_TEST(page.location.empty(), evil);
    BOOST_TEST(contains(page.body, "This sign-in link cannot be used"), page.body);
  }
  const Page unknown = browser.get(shop_authorize(kShopCallback, "nosuch0001"));
  BOOST_TEST(unknown.status == 400);
  BOOST_TEST(unknown.location.empty());
}

BOOST_AUTO_TEST_CASE(other_errors_go_back_to_the_client_with_state_and_iss) {
  OidcSite oidc;
  Browser browser(oidc.site);
  const Page implicit = browser.get(shop_authorize(kShopCallback, "shop000001", "token"));
  BOOST_TEST(implicit.status == 303);
  BOOST_TEST(implicit.location.rfind(kShopCallback + "?error=unsupported_response_type", 0) == 0,
             implicit.location);
  BOOST_TEST(contains(implicit.location, "&state=state-0123"), implicit.location);
  BOOST_TEST(contains(implicit.location, "&iss="), implicit.location);
  const Page none = browser.get(shop_authorize(kShopCallback) + "&prompt=none");
  BOOST_TEST(none.location.rfind(kShopCallback + "?error=login_required", 0) == 0, none.location);
  // The public app without PKCE.
  const Page no_pkce = browser.get("/authorize?" + form_encode({{"response_type", "code"},
                                                                {"client_id", "app0000001"},
                                                                {"redirect_uri", kAppCallback},
                                                                {"scope", "openid"}}));
  BOOST_TEST(no_pkce.location.rfind(kAppCallback + "?error=invalid_request", 0) == 0,
             no_pkce.location);
}

// The request travels with the browser that began it: a verification finished in another
// browser, or placed before the request began, sends nobody a code.
BOOST_AUTO_TEST_CASE(only_the_browser_that_began_it_can_finish_it) {
  OidcSite oidc;
  Browser person(oidc.site);
  Browser other(oidc.site);
  const std::string path = oidc.begin("shop000001", kShopCallback);
  BOOST_TEST(person.get(path).status == 303);
  // Another browser verifies the number: it sees /success, and no client hears of it.
  other.get("/");
  const Page started = other.post("/", {{"number", kNumber}});
  BOOST_REQUIRE_EQUAL(started.status, 303);
  const Page done = other.post(started.location, {{"token", oidc.site.last_code(kDigits)}});
  BOOST_TEST(done.location == "/success");
  // Its cookies carried to the browser that began the request still finish nothing there.
  BOOST_TEST(person.get("/").status == 200);

  // A call placed before the request began (another tab) does not answer it: the request ends
  // what the browser held, and its code is refused.
  Browser early(oidc.site);
  early.get("/");
  const std::string digits = "31612345607";
  const Page placed = early.post("/", {{"number", nl_number(7)}});
  BOOST_REQUIRE_EQUAL(placed.status, 303);
  BOOST_TEST(early.get(path).status == 303);
  const Page late = early.post(placed.location, {{"token", oidc.site.last_code(digits)}});
  BOOST_TEST(late.status == 303);
  BOOST_TEST(late.location.rfind(kShopCallback, 0) != 0, late.location);
}

// CLIENT_LIMIT_HOUR: one application cannot spend the whole site's hour. Its people get the
// limit's banner once its calls are spent; a person who came without it still gets a call.
BOOST_AUTO_TEST_CASE(each_client_has_its_own_hourly_budget) {
  OidcSite oidc(std::map<std::string, std::string>{{"CLIENT_LIMIT_HOUR", "1"}});
  Browser first(oidc.site);
  const Page back = person_verifies(oidc, first, oidc.begin("shop000001", kShopCallback));
  BOOST_TEST(back.location.rfind(kShopCallback + "?code=", 0) == 0, back.location);

  Browser second(oidc.site);
  BOOST_TEST(second.get(oidc.begin("shop000001", kShopCallback)).status == 303);
  second.get("/");
  const long creates = oidc.site.sim_stats()["creates"];
  const Page refused = second.post("/", {{"number", nl_number(21)}});
  BOOST_TEST(refused.location == "/");
  const std::string banner = banner_after(second, refused);
  BOOST_TEST(contains(banner, "Please try again in"), banner);
  BOOST_TEST(oidc.site.sim_stats()["creates"] == creates);

  Browser another_app(oidc.site);
  BOOST_TEST(another_app.get(oidc.begin("app0000001", kAppCallback)).status == 303);
  another_app.get("/");
  BOOST_TEST(another_app.post("/", {{"number", nl_number(22)}}).location.rfind("/EnterCode/", 0) ==
             0);
  Browser plain(oidc.site);
  BOOST_TEST(start(plain, nl_number(23)).location.rfind("/EnterCode/", 0) == 0);
}

BOOST_AUTO_TEST_CASE(metrics_count_authorizations_by_client) {
  OidcSite oidc;
  Browser browser(oidc.site);
  const Page back = person_verifies(oidc, browser, oidc.begin("shop000001", kShopCallback));
  BOOST_REQUIRE(back.location.rfind(kShopCallback + "?code=", 0) == 0);
  const std::string metrics = browser.get("/metrics").body;
  BOOST_TEST(
      contains(metrics,
               "voiceverify_oidc_authorizations_total{client=\"shop000001\",stage=\"started\"} 1"),
      metrics);
  BOOST_TEST(contains(metrics,
                      "voiceverify_oidc_authorizations_total{client=\"shop000001\","
                      "stage=\"completed\"} 1"),
             metrics);
  // The code redeemed once, then again: one "ok", one "invalid_grant".
  const std::string out = oidc.finish("shop000001", kShopSecret, kShopCallback, back.location);
  BOOST_TEST(contains(out, "ok\n"), out);
  oidc.finish("shop000001", kShopSecret, kShopCallback, back.location);
  const std::string after = browser.get("/metrics").body;
  BOOST_TEST(contains(after,
                      "voiceverify_oidc_token_requests_total{client=\"shop000001\","
                      "outcome=\"ok\"} 1"),
             after);
  BOOST_TEST(contains(after,
                      "voiceverify_oidc_token_requests_total{client=\"shop000001\","
                      "outcome=\"invalid_grant\"} 1"),
             after);
}

BOOST_AUTO_TEST_SUITE_END()
