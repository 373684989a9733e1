// TEST_NUMBERS through real nginx, the pool and the simulator (docs/operations.md, "Test
// numbers"): a test number verifies with its fixed code through the pages, the API and OpenID
// Connect, and the simulator sees no request at all; a wrong code counts an attempt; each use is
// counted in /metrics and logged masked; --check-config and the pool's start warn of them.
#include <httplib.h>
#include <json/json.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
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

// kNumber ("06 12345678") as a test number, and a second one.
const std::string kTestNumbers = "+31612345678:246810,+31687654321:135790";
const std::string kCode = "246810";
const std::string kSecret = "secret-of-the-test-client-0123456789";
const std::string kCallback = "https://shop.example/cb";

std::string run_file(const std::string& name) {
  return std::string(VV_BINARY_DIR) + "/test-runs/" + name + "-" + std::to_string(::getpid());
}

// A site with the test numbers and `env` on top.
SiteOptions with_test_numbers(std::map<std::string, std::string> env = {}) {
  SiteOptions options;
  options.env = std::move(env);
  options.env["TEST_NUMBERS"] = kTestNumbers;
  return options;
}

// Nothing reached MessageBird: no create, check or cancel.
void expect_no_upstream_request(Site& site) {
  auto stats = site.sim_stats();
  BOOST_TEST(stats["creates"] == 0);
  BOOST_TEST(stats["checks"] == 0);
  BOOST_TEST(stats["deletes"] == 0);
}

// OpenID Connect on, with one confidential client that may also use the API.
struct ClientSite {
  std::string clients = run_file("test-numbers-clients");
  std::string state = run_file("test-numbers-state");
  Site site{options(clients)};

  static SiteOptions options(const std::string& clients) {
    run_command("mkdir -p " + std::string(VV_BINARY_DIR) + "/test-runs");
    std::ofstream(clients) << "shop000001|Example Shop|" << oidc::hash_client_secret(kSecret)
                           << "|api|" << kCallback << "\n";
    SiteOptions options = with_test_numbers({{"MAX_ATTEMPTS", "3"}});
    options.oidc = true;
    options.env["OIDC_CLIENTS"] = clients;
    return options;
  }
  ~ClientSite() {
    std::remove(clients.c_str());
    std::remove(state.c_str());
  }
  std::string relying_party(const std::string& arguments) const {
    return run_command("/usr/bin/python3 " + std::string(VV_SOURCE_DIR) +
                       "/tests/oidc/relying_party.py " + arguments + " 2>&1");
  }
  // POST or GET under /api/v1 as the client; the answer's status and JSON body.
  std::pair<int, Json::Value> api(const std::string& path, const std::string& body = {}) const {
    httplib::Client http(site.host(), site.port());
    httplib::Headers headers{httplib::make_basic_authentication_header("shop000001", kSecret)};
    const std::string url = "/api/v1" + path;
    const httplib::Result result = body.empty()
                                       ? http.Get(url.c_str(), headers)
                                       : http.Post(url.c_str(), headers, body, "application/json");
    BOOST_REQUIRE(result);
    Json::Value json;
    Json::Reader().parse(result->body, json);
    return {result->status, json};
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(test_numbers_integration_tests)

BOOST_AUTO_TEST_CASE(a_test_number_verifies_through_the_pages_without_a_call) {
  Site site(with_test_numbers());
  Browser browser(site);
  const std::string code_page = reach_code_page(browser);
  BOOST_TEST(browser.post(code_page, {{"token", kCode}}).location == "/success");
  BOOST_TEST(browser.get("/success").status == 200);
  expect_no_upstream_request(site);

  // Counted, and logged with the number masked.
  const std::string metrics = Browser(site).get("/metrics").body;
  BOOST_TEST(contains(metrics, "voiceverify_test_number_uses_total{step=\"create\"} 1"), metrics);
  BOOST_TEST(contains(metrics, "voiceverify_test_number_uses_total{step=\"check\"} 1"), metrics);
  const std::string log = site.pool_log();
  BOOST_TEST(contains(log, "event=test_number_used step=\"create\" number=\"+31*******78\""), log);
  BOOST_TEST(!contains(log, kDigits), log);
  BOOST_TEST(!contains(log, kCode), log);
}

BOOST_AUTO_TEST_CASE(a_wrong_code_counts_an_attempt) {
  Site site(with_test_numbers({{"MAX_ATTEMPTS", "3"}}));
  Browser browser(site);
  const std::string code_page = reach_code_page(browser);
  // The other test number's code is as wrong as any.
  const Page wrong = browser.post(code_page, {{"token", "135790"}});
  BOOST_TEST(contains(banner_after(browser, wrong), "You have 2 tries left"));
  const Page again = browser.post(code_page, {{"token", wrong_code_for(kCode)}});
  const std::string banner = banner_after(browser, again);
  BOOST_TEST((contains(banner, "You have 1 tries left") || contains(banner, "1 try left")), banner);
  BOOST_TEST(browser.post(code_page, {{"token", kCode}}).location == "/success");
  expect_no_upstream_request(site);
}

BOOST_AUTO_TEST_CASE(a_real_number_beside_them_is_still_called) {
  Site site(with_test_numbers());
  Browser browser(site);
  const Page started = start(browser, nl_number(1));
  BOOST_TEST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0);
  BOOST_TEST(site.sim_stats()["creates"] == 1);
  const std::string code = site.last_code("31612345601");
  BOOST_TEST(browser.post(started.location, {{"token", code}}).location == "/success");
}

BOOST_AUTO_TEST_CASE(a_test_number_verifies_through_the_api) {
  ClientSite clients;
  const auto [status, started] =
      clients.api("/verifications", R"({"phone_number":"+31687654321"})");
  BOOST_TEST_REQUIRE(status == 201, started.toStyledString());
  const std::string id = started["id"].asString();
  BOOST_TEST(id.size() == 32u);
  const auto [wrong_status, wrong] =
      clients.api("/verifications/" + id + "/check", R"({"code":"246810"})");
  BOOST_TEST(wrong_status == 200);
  BOOST_TEST(wrong["status"].asString() == "pending");
  const auto [right_status, right] =
      clients.api("/verifications/" + id + "/check", R"({"code":"135790"})");
  BOOST_TEST(right_status == 200);
  BOOST_TEST(right["status"].asString() == "verified", right.toStyledString());
  BOOST_TEST(right["phone_number"].asString() == "+31687654321");
  expect_no_upstream_request(clients.site);
}

BOOST_AUTO_TEST_CASE(the_id_token_carries_the_test_number) {
  ClientSite clients;
  std::string url = clients.relying_party("begin " + clients.site.base_url() + " shop000001 '" +
                                          kCallback + "' " + clients.state);
  while (!url.empty() && url.back() == '\n') url.pop_back();
  BOOST_REQUIRE_MESSAGE(url.rfind(clients.site.base_url() + "/authorize?", 0) == 0, url);
  Browser browser(clients.site);
  const Page handed = browser.get(url.substr(clients.site.base_url().size()));
  BOOST_REQUIRE_EQUAL(handed.status, 303);
  browser.follow(handed);
  const Page started = browser.post("/", {{"number", kNumber}});
  BOOST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0);
  browser.follow(started);
  const Page back = browser.post(started.location, {{"token", kCode}});
  BOOST_REQUIRE(back.location.rfind(kCallback + "?code=", 0) == 0);
  const std::string out =
      clients.relying_party("finish " + clients.site.base_url() + " shop000001 " + kSecret + " '" +
                            kCallback + "' " + clients.state + " '" + back.location + "'");
  BOOST_TEST(contains(out, "ok\n"), out);
  BOOST_TEST(contains(out, "\"phone_number\": \"+31612345678\""), out);
  BOOST_TEST(contains(out, "\"phone_number_verified\": true"), out);
  expect_no_upstream_request(clients.site);
}

BOOST_AUTO_TEST_CASE(the_config_check_and_the_start_warn_of_them) {
  const std::string out = run_command(
      "env -i MESSAGEBIRD_ACCESS_KEY=test_key SIGNING_KEY=" + std::string(48, 's') +
      " TEMPLATES_DIR=" + std::string(VV_SOURCE_DIR) + "/templates TEST_NUMBERS=" + kTestNumbers +
      " " + VV_POOL_BIN + " --check-config 2>&1; echo status=$?");
  BOOST_TEST(contains(out,
                      "level=warning event=test_numbers_set "
                      "numbers=\"+31*******78,+31*******21\""),
             out);
  BOOST_TEST(contains(out, "event=config_ok"), out);
  BOOST_TEST(contains(out, "status=0"), out);
  BOOST_TEST(!contains(out, "31612345678"), out);
  BOOST_TEST(!contains(out, kCode), out);

  Site site(with_test_numbers());
  BOOST_TEST(contains(site.pool_log(), "level=warning event=test_numbers_set"));
  // Without them, no warning.
  const std::string plain =
      run_command("env -i MESSAGEBIRD_ACCESS_KEY=test_key SIGNING_KEY=" + std::string(48, 's') +
                  " TEMPLATES_DIR=" + std::string(VV_SOURCE_DIR) + "/templates " + VV_POOL_BIN +
                  " --check-config 2>&1");
  BOOST_TEST(!contains(plain, "test_numbers_set"), plain);
}

BOOST_AUTO_TEST_SUITE_END()
