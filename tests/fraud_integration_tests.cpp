// The fraud guard through real nginx, the pool and the simulator (docs/fraud-guard.md): a range
// pumped from fifteen addresses is quarantined once its codes have expired, and then reaches
// MessageBird not at all, while ten colleagues verifying in another range, and every other range,
// go on; the quarantine ends by itself; an operator sees and lifts it; in monitor mode nothing is
// refused and the log says what would have been. CODE_TIMEOUT is 30 s (its minimum), so this
// suite waits that long once.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <string>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;

namespace {

const char* const kBlocked = "We cannot call numbers like this one right now";

SiteOptions guarded(const std::string& mode) {
  return SiteOptions{.env = {{"CODE_TIMEOUT", "30"},
                             {"FRAUD_WINDOW", "300"},
                             {"FRAUD_QUARANTINE", "8"},
                             {"FRAUD_GUARD", mode},
                             {"LIMIT_IP_HOUR", "10"}},
                     .with_redis = true,
                     .trusted_proxies = "127.0.0.1"};
}

// A browser behind the trusted proxy, as client number `n`.
Browser client(const Site& site, int n) {
  Browser browser(site);
  browser.headers["X-Forwarded-For"] = "198.51.100." + std::to_string(n);
  return browser;
}

// "06 2345 00NN": the colleagues' range, +3162345, and its E.164 digits.
std::string two_digits(int n) {
  return std::string(n < 10 ? "0" : "") + std::to_string(n);
}
std::string colleague_number(int n) {
  return "06 234500" + two_digits(n);
}
std::string colleague_digits(int n) {
  return "316234500" + two_digits(n);
}

// The command line an operator runs against the site's store.
std::string operator_cli(const Site& site) {
  return std::string("MESSAGEBIRD_ACCESS_KEY=test_sim_key_0123456789 ") +
         "SIGNING_KEY=integration-test-signing-key-0123456789abcdef TEMPLATES_DIR=" +
         VV_SOURCE_DIR + "/templates REDIS_URL=" + site.redis_url() +
         " REDIS_PREFIX=" + site.redis_prefix() + " " + VV_POOL_BIN + " ";
}

bool placed(const Page& page) {
  return page.status == 303 && page.location.rfind("/EnterCode/", 0) == 0;
}

// Starts a call and types the code the simulator spoke; true when the success page follows.
bool verify(Site& site, Browser& browser, const std::string& number, const std::string& digits) {
  const Page started = start(browser, number);
  if (!placed(started)) return false;
  browser.follow(started);
  const Page checked = browser.post(started.location, {{"token", site.last_code(digits)}});
  return checked.status == 303 && checked.location == "/success";
}

// The pumping: fifteen numbers of +3161234 (nl_number) from fifteen addresses, never verified.
void pump(Site& site) {
  for (int i = 0; i < 15; ++i) {
    Browser browser = client(site, i + 1);
    BOOST_TEST(placed(start(browser, nl_number(i))), i);
  }
}

// Ten colleagues of +3162345, from ten other addresses, all verifying within the minute.
void colleagues(Site& site, int first_address) {
  for (int i = 0; i < 10; ++i) {
    Browser browser = client(site, first_address + i);
    BOOST_TEST(verify(site, browser, colleague_number(i), colleague_digits(i)), i);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fraud_integration_tests)

BOOST_AUTO_TEST_CASE(a_pumped_range_is_quarantined_and_the_rest_of_the_site_goes_on) {
  Site site(guarded("enforce"));
  Site monitored(guarded("monitor"));
  for (Site* s : {&site, &monitored}) {
    pump(*s);
    colleagues(*s, 100);
  }
  // Open calls count on neither side: until the codes expire the range still works.
  {
    Browser browser = client(site, 200);
    BOOST_TEST(placed(start(browser, nl_number(50))));
  }
  ::sleep(31);  // CODE_TIMEOUT: every pumped code has expired

  // The next start in the pumped range is refused with the banner, before MessageBird.
  const long creates = site.sim_stats()["creates"];
  Browser attacker = client(site, 201);
  const Page refused = start(attacker, nl_number(60));
  BOOST_TEST(refused.status == 303);
  BOOST_TEST(refused.location == "/");
  const std::string banner = banner_after(attacker, refused);
  BOOST_TEST(contains(banner, kBlocked), banner);
  BOOST_TEST(site.sim_stats()["creates"] == creates);
  BOOST_TEST(contains(site.pool_log(),
                      "level=warning event=fraud_quarantine state=\"begins\" "
                      "scope=\"range\" label=\"+3161234\" mode=\"enforce\""));
  // /metrics counts the refusal (from loopback, where it answers).
  Browser scraper(site);
  const std::string metrics = scraper.get("/metrics").body;
  BOOST_TEST(contains(metrics, "voiceverify_fraud_refusals_total{scope=\"range\"} 1"), metrics);
  // The colleagues' range, and any other, go on.
  Browser colleague = client(site, 202);
  BOOST_TEST(verify(site, colleague, colleague_number(20), colleague_digits(20)));
  Browser other = client(site, 203);
  BOOST_TEST(placed(start(other, "06 33330011")));

  // An operator sees it, through the shared Redis, from the command line.
  const std::string listed = run_command(operator_cli(site) + "--list-blocks 2>&1");
  BOOST_TEST(contains(listed, "range +3161234 quarantined"), listed);

  // In monitor mode the same attack is refused nowhere, and the log says what would have been.
  Browser watched = client(monitored, 201);
  BOOST_TEST(placed(start(watched, nl_number(60))));
  BOOST_TEST(contains(monitored.pool_log(), "event=fraud_guard_would_refuse scope=\"range\""));
  BOOST_TEST(contains(monitored.pool_log(), "mode=\"monitor\""));

  // Monitor mode quarantines too (without refusing): an operator lifts that one by hand.
  const std::string lifted = run_command(operator_cli(monitored) + "--unblock +3161234 2>&1");
  BOOST_TEST(contains(lifted, "lifted the quarantine of +3161234"), lifted);
  BOOST_TEST(
      contains(run_command(operator_cli(monitored) + "--list-blocks 2>&1"), "nothing is blocked"));

  // FRAUD_QUARANTINE later the range works again.
  ::sleep(9);
  Browser later = client(site, 204);
  BOOST_TEST(placed(start(later, nl_number(61))));
}

BOOST_AUTO_TEST_SUITE_END()
