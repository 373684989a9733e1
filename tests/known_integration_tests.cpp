// Known people through real nginx, the pool and the simulator, with client addresses from a
// trusted proxy's X-Forwarded-For, IPv4 and IPv6 (docs/fraud-guard.md, "Known people"):
// strangers filling their share of the site-wide hour get the "very busy" banner while a known
// browser and a known number still get calls; a victim rung from four networks still gets calls
// from a fifth and from their known browser; LIMIT_NUMBER_DAY_ALL stops the number for everyone.
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;

namespace {

// "06 123456NN" as the simulator knows its recipient.
std::string digits_of(int n) {
  return "316123456" + std::string(n < 10 ? "0" : "") + std::to_string(n);
}

std::unique_ptr<Browser> browser_at(Site& site, const std::string& address) {
  auto browser = std::make_unique<Browser>(site);
  browser->headers["X-Forwarded-For"] = address;
  return browser;
}

bool placed(const Page& answer) {
  return answer.status == 303 && answer.location.rfind("/EnterCode/", 0) == 0;
}

// Calls nl_number(n) and enters the code heard: the browser has verified it.
void verify_number(Site& site, Browser& browser, int n) {
  const Page started = start(browser, nl_number(n));
  BOOST_REQUIRE(placed(started));
  const Page done = browser.post(started.location, {{"token", site.last_code(digits_of(n))}});
  BOOST_REQUIRE_EQUAL(done.location, "/success");
}

// The value of the Set-Cookie header that sets `name`, or "".
std::string set_cookie(const Page& page, const std::string& name) {
  for (const auto& [header, value] : page.headers)
    if (header == "Set-Cookie" && value.rfind(name + "=", 0) == 0) return value;
  return {};
}

SiteOptions behind_proxy(std::map<std::string, std::string> env) {
  env["RESEND_INTERVAL"] = "0";
  env["FRAUD_GUARD"] = "off";
  return {.env = std::move(env), .trusted_proxies = "127.0.0.1"};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(known_integration_tests)

// LIMIT_GLOBAL_HOUR 6, half reserved: three calls for strangers. The known browser's own first
// call was a stranger's; two strangers spend the rest; the next is "very busy"; the known browser
// and a stranger asking for the known number still get calls, up to the hour's six.
BOOST_AUTO_TEST_CASE(strangers_get_the_busy_banner_while_known_people_get_calls) {
  Site site(behind_proxy({{"LIMIT_GLOBAL_HOUR", "6"}, {"LIMIT_GLOBAL_RESERVED", "0.5"}}));
  auto known = browser_at(site, "2001:db8:a:1::1");
  known->headers["X-Forwarded-Proto"] = "https";
  known->get("/");
  const Page started = known->post("/", {{"number", nl_number(1)}});
  BOOST_REQUIRE(placed(started));
  const Page done = known->post(started.location, {{"token", site.last_code(digits_of(1))}});
  BOOST_REQUIRE_EQUAL(done.location, "/success");
  // The mark: the https name, HttpOnly, SameSite=Lax, long-lived; it names no number.
  const std::string mark = set_cookie(done, "__Host-vv_known");
  BOOST_TEST(contains(mark, "; HttpOnly"), mark);
  BOOST_TEST(contains(mark, "; SameSite=Lax"), mark);
  BOOST_TEST(contains(mark, "; Secure"), mark);
  BOOST_TEST(contains(mark, "Max-Age=7776000"), mark);
  BOOST_TEST(!contains(mark, "1234"), mark);

  for (int i = 0; i < 2; ++i) {
    auto stranger = browser_at(site, "198.51.10" + std::to_string(i) + ".7");
    BOOST_TEST(placed(start(*stranger, nl_number(10 + i))), i);
  }
  auto late = browser_at(site, "2001:db8:b::7");
  const long creates = site.sim_stats()["creates"];
  const Page busy = start(*late, nl_number(20));
  BOOST_TEST(busy.location == "/");
  const std::string banner = banner_after(*late, busy);
  BOOST_TEST(contains(banner, "very busy"), banner);
  BOOST_TEST(contains(banner, "Please try again in"), banner);
  BOOST_TEST(site.sim_stats()["creates"] == creates);
  BOOST_TEST(contains(site.pool_log(), "limit=\"stranger-hour\""));

  // Known: the browser (another number, another network), and anyone asking for its number.
  known->headers["X-Forwarded-For"] = "203.0.113.9";
  BOOST_TEST(placed(start(*known, nl_number(2))));
  BOOST_TEST(placed(start(*known, nl_number(3))));
  auto for_known_number = browser_at(site, "198.51.102.7");
  BOOST_TEST(placed(start(*for_known_number, nl_number(1))));
  // The hour's six are spent: everyone waits now.
  expect_limited(site, *known, nl_number(4), "too many calls right now");
}

// A victim's number rung from four networks (two IPv4 /24s, two IPv6 /48s), three times each: each
// network's fourth call is refused, yet the victim still gets calls from a fifth network and from
// the browser that verified the number before, even on an attacker's network.
BOOST_AUTO_TEST_CASE(a_victim_rung_from_four_networks_still_gets_calls) {
  // The shipped sizes of the number's windows (the harness lifts every window otherwise).
  Site site(behind_proxy({{"LIMIT_NUMBER_10MIN", "3"}, {"LIMIT_NUMBER_DAY", "10"}}));
  auto owner = browser_at(site, "192.0.2.10");
  verify_number(site, *owner, 30);
  const std::string networks[] = {"198.51.100.", "198.51.101.", "2001:db8:1:", "2001:db8:2:"};
  int host = 1;
  for (const std::string& net : networks) {
    const bool v6 = net.find(':') != std::string::npos;
    auto address = [&] { return net + std::to_string(host++) + (v6 ? "::1" : ""); };
    for (int i = 0; i < 3; ++i) {
      auto attacker = browser_at(site, address());
      BOOST_TEST(placed(start(*attacker, nl_number(30))), net << i);
    }
    auto fourth = browser_at(site, address());
    expect_limited(site, *fourth, nl_number(30), "too many calls to this number");
  }
  auto elsewhere = browser_at(site, "2001:db8:5::30");
  BOOST_TEST(placed(start(*elsewhere, nl_number(30))));
  owner->headers["X-Forwarded-For"] = "198.51.100.200";
  BOOST_TEST(placed(start(*owner, nl_number(30))));
}

// LIMIT_NUMBER_DAY_ALL: four calls from four networks, then the number is stopped for everyone,
// the browser that verified it included.
BOOST_AUTO_TEST_CASE(the_number_wide_ceiling_stops_the_number) {
  Site site(behind_proxy({{"LIMIT_NUMBER_DAY_ALL", "4"}}));
  auto owner = browser_at(site, "2001:db8:9::1");
  verify_number(site, *owner, 40);
  for (const char* address : {"198.51.100.1", "198.51.101.1", "2001:db8:1::1"}) {
    auto caller = browser_at(site, address);
    BOOST_TEST(placed(start(*caller, nl_number(40))), address);
  }
  auto fifth = browser_at(site, "2001:db8:2::1");
  expect_limited(site, *fifth, nl_number(40), "too many calls to this number");
  expect_limited(site, *owner, nl_number(40), "too many calls to this number");
  BOOST_TEST(contains(site.pool_log(), "limit=\"number-day-all\""));
}

BOOST_AUTO_TEST_SUITE_END()
