// Client addresses behind a proxy, through real nginx: with TRUSTED_PROXIES it takes the client
// from X-Forwarded-For (nginx/snippets/voiceverify-realip.conf) and the per-IP limit counts that
// address, IPv6 per /64 (LIMIT_IPV6_PREFIX); without, the header is ignored and every request is
// the connecting address. A trusted proxy's X-Forwarded-Proto: https makes cookies Secure and
// __Host- prefixed.
#include <boost/test/unit_test.hpp>

#include <string>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;

namespace {

// The Site's requests all come from 127.0.0.1, so it stands for the load balancer.
SiteOptions behind_proxy(const std::string& trusted) {
  return SiteOptions{.env = {{"LIMIT_IP_HOUR", "10"}, {"RESEND_INTERVAL", "0"}},
                     .trusted_proxies = trusted};
}

// Starts a call for nl_number(n) as a browser behind a proxy that says the client is `client`.
Page start_as(Site& site, const std::string& client, int n) {
  Browser browser(site);
  browser.headers["X-Forwarded-For"] = client;
  return start(browser, nl_number(n));
}

bool placed(const Page& page) {
  return page.status == 303 && page.location.rfind("/EnterCode/", 0) == 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(proxies_integration_tests)

BOOST_AUTO_TEST_CASE(trusted_proxy_ipv4_clients_each_get_their_own_window) {
  Site site(behind_proxy("127.0.0.1"));
  for (int i = 0; i < 11; ++i) {
    BOOST_TEST(placed(start_as(site, "198.51.100." + std::to_string(i + 1), i)), i);
  }
  BOOST_TEST(site.sim_stats()["creates"] == 11);
}

BOOST_AUTO_TEST_CASE(trusted_proxy_ipv6_clients_of_one_slash_64_share_a_window) {
  Site site(behind_proxy("127.0.0.1"));
  for (int i = 0; i < 10; ++i) {
    // Spread over the /64's host bits, not just its last group.
    const std::string client = "2001:db8:1:2:" + std::to_string(i + 1) + "::" + std::to_string(i);
    BOOST_TEST(placed(start_as(site, client, i)), client);
  }
  BOOST_TEST(site.sim_stats()["creates"] == 10);
  Browser eleventh(site);
  eleventh.headers["X-Forwarded-For"] = "2001:db8:1:2:ffff::11";
  expect_limited(site, eleventh, nl_number(10), "too many calls from your connection");
  // Another /64 is another client.
  BOOST_TEST(placed(start_as(site, "2001:db8:1:3::1", 11)));
  BOOST_TEST(site.sim_stats()["creates"] == 11);
}

BOOST_AUTO_TEST_CASE(a_chain_of_trusted_proxies_is_skipped_to_the_client) {
  // real_ip_recursive: the rightmost untrusted address is the client, whatever it claimed before.
  Site site(behind_proxy("127.0.0.1,10.0.0.0/8"));
  for (int i = 0; i < 11; ++i) {
    const std::string chain = "192.0.2.99, 198.51.100." + std::to_string(i + 1) + ", 10.1.2.3";
    BOOST_TEST(placed(start_as(site, chain, i)), chain);
  }
  BOOST_TEST(site.sim_stats()["creates"] == 11);
}

BOOST_AUTO_TEST_CASE(x_forwarded_for_from_an_untrusted_peer_is_ignored) {
  Site site(behind_proxy(""));
  for (int i = 0; i < 10; ++i) {
    BOOST_TEST(placed(start_as(site, "198.51.100." + std::to_string(i + 1), i)), i);
  }
  Browser eleventh(site);
  eleventh.headers["X-Forwarded-For"] = "198.51.100.11";
  expect_limited(site, eleventh, nl_number(10), "too many calls from your connection");
  BOOST_TEST(site.sim_stats()["creates"] == 10);
}

BOOST_AUTO_TEST_CASE(forwarded_https_counts_only_from_a_trusted_proxy) {
  auto cookie_named = [](const Page& page, const std::string& name) {
    for (const auto& [header, value] : page.headers)
      if (header == "Set-Cookie" && value.rfind(name + "=", 0) == 0) return value;
    return std::string();
  };
  auto session_cookie = [&](const Page& page) { return cookie_named(page, "vv_session"); };
  {
    Site site(behind_proxy("127.0.0.1"));
    Browser https(site);
    https.headers = {{"X-Forwarded-For", "198.51.100.1"}, {"X-Forwarded-Proto", "https"}};
    const Page form = https.get("/");
    const std::string cookie = cookie_named(form, "__Host-vv_session");
    BOOST_TEST(contains(cookie, "; Secure"), cookie);
    BOOST_TEST(session_cookie(form).empty());
    // Read back under the https name: the form posts (CSRF) and the call is placed.
    const Page started = https.post("/", {{"number", nl_number(1)}});
    BOOST_TEST(started.status == 303);
    BOOST_TEST(started.location.rfind("/EnterCode/", 0) == 0u, started.location);
    Browser http(site);
    http.headers = {{"X-Forwarded-For", "198.51.100.2"}, {"X-Forwarded-Proto", "http"}};
    const std::string plain = session_cookie(http.get("/"));
    BOOST_TEST(!plain.empty());
    BOOST_TEST(!contains(plain, "Secure"), plain);
  }
  {
    Site site(behind_proxy(""));
    Browser forged(site);
    forged.headers = {{"X-Forwarded-For", "198.51.100.1"}, {"X-Forwarded-Proto", "https"}};
    const std::string cookie = session_cookie(forged.get("/"));
    BOOST_TEST(!cookie.empty());
    BOOST_TEST(!contains(cookie, "Secure"), cookie);
  }
}

BOOST_AUTO_TEST_SUITE_END()
