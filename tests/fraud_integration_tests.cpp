// The fraud guard through real nginx, the pool and the simulator (docs/fraud-guard.md): a range
// pumped from fifteen addresses is quarantined once its codes have expired, and then reaches
// MessageBird not at all, while ten colleagues verifying in another range, and every other range,
// go on; the quarantine ends by itself; an operator sees and lifts it; in monitor mode nothing is
// refused and the log says what would have been. CODE_TIMEOUT is 30 s (its minimum), so this
// suite waits that long once.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <functional>
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

// A browser behind the trusted proxy, from `address`.
Browser from(const Site& site, const std::string& address) {
  Browser browser(site);
  browser.headers["X-Forwarded-For"] = address;
  return browser;
}

// A browser behind the trusted proxy, as client number `n` (0..255): each in a network of its
// own (a /24 apiece), as a pumper's rented addresses are.
Browser client(const Site& site, int n) {
  return from(site, "198.18." + std::to_string(n) + ".1");
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

// The pumping: fifteen numbers of +3161234 (nl_number) from fifteen networks, never verified.
void pump(Site& site) {
  for (int i = 0; i < 15; ++i) {
    Browser browser = client(site, i + 1);
    BOOST_TEST(placed(start(browser, nl_number(i))), i);
  }
}

// Ten colleagues of +3162345, from ten other networks, all verifying within the minute.
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

// What the guard weighs and sees (docs/fraud-guard.md), on one site and one wait for the codes
// to expire: a range poisoned from one IPv4 /24, and one from one IPv6 /48, are not quarantined,
// one called from three networks is; thirty calls spread one to a range over a six-digit block
// are caught there; the twenty-first call open at once in one range is refused at once; a
// foreign country's pumping is refused by default, while the home country is only watched.
BOOST_AUTO_TEST_CASE(sources_widths_open_calls_and_countries) {
  Site site({.env = {{"CODE_TIMEOUT", "30"},
                     {"FRAUD_WINDOW", "300"},
                     {"FRAUD_RANGE_MIN_CALLS", "3"},  // widths judged from 3, 9 and 30
                     {"FRAUD_COUNTRY_MIN_CALLS", "6"},
                     {"ALLOWED_COUNTRIES", "NL,BE"},
                     {"LIMIT_GLOBAL_HOUR", "100000"},
                     {"LIMIT_COUNTRY_HOUR", "100000"}},
             .with_redis = true,
             .trusted_proxies = "127.0.0.1"});
  auto number = [](const std::string& range, int n) {  // "06 " + 8 digits of +31 6 ...
    const std::string tail = std::to_string(1000 + n);
    return "06 " + range.substr(3) + tail;
  };
  auto pump = [&](const std::string& range, int calls, const std::function<std::string(int)>& at) {
    for (int i = 0; i < calls; ++i) {
      Browser browser = from(site, at(i));
      BOOST_TEST(placed(start(browser, number(range, i))), range << " call " << i);
    }
  };
  // Ten calls each from one network, on many addresses of it.
  pump("3161111", 10, [](int i) { return "198.51.100." + std::to_string(i + 1); });
  pump("3162222", 10, [](int i) { return "2001:db8:5:" + std::to_string(i + 1) + "::1"; });
  // Ten from three networks, IPv4 and IPv6.
  pump("3163333", 10, [](int i) {
    return i % 3 == 0 ? "192.0.2." + std::to_string(i + 1)
                      : "2001:db8:" + std::to_string(i % 3 + 10) + "::" + std::to_string(i + 1);
  });
  // One call in each of thirty four-digit ranges of the block +31648, three per five-digit block.
  for (int i = 0; i < 30; ++i) {
    const std::string range = "31648" + std::to_string(i % 10) + std::to_string(i / 10);
    Browser browser = client(site, i + 1);
    BOOST_TEST(placed(start(browser, number(range, 0))), range);
  }
  // Twenty calls open at once in +3165555 pass; the twenty-first is refused, before MessageBird.
  pump("3165555", 20, [](int i) { return "198.18." + std::to_string(100 + i) + ".1"; });
  {
    const long creates = site.sim_stats()["creates"];
    Browser browser = client(site, 150);
    const Page refused = start(browser, number("3165555", 20));
    BOOST_TEST(refused.location == "/");
    BOOST_TEST(contains(banner_after(browser, refused), kBlocked));
    BOOST_TEST(site.sim_stats()["creates"] == creates);
  }
  // Six Belgian numbers, each of its own range, from three networks.
  for (int i = 0; i < 6; ++i) {
    Browser browser = client(site, 160 + i % 3);
    BOOST_TEST(placed(start(browser, "+32 47" + std::to_string(i) + " 12 34 56")), i);
  }
  ::sleep(31);  // CODE_TIMEOUT: every code has expired

  int later = 0;
  auto next_call = [&](const std::string& typed) {
    Browser browser = from(site, "203.0.113." + std::to_string(++later));
    return placed(start(browser, typed));
  };
  BOOST_TEST(next_call(number("3161111", 50)), "poisoned from one IPv4 /24: not judged");
  BOOST_TEST(next_call(number("3162222", 50)), "poisoned from one IPv6 /48: not judged");
  BOOST_TEST(!next_call(number("3163333", 50)), "pumped from three networks: quarantined");
  BOOST_TEST(!next_call(number("3164899", 0)), "the thinly spread block: quarantined");
  BOOST_TEST(next_call(number("3164900", 0)), "the next block goes on");
  BOOST_TEST(!next_call("+32 479 99 99 99"), "a foreign country: refused by default");
  BOOST_TEST(next_call(number("3164444", 0)), "the home country: only watched");
  const std::string log = site.pool_log();
  BOOST_TEST(contains(log, "scope=\"range\" label=\"+31648\" mode=\"enforce\""), log);
  BOOST_TEST(contains(log, "scope=\"country\" label=\"BE\" mode=\"enforce\""), log);
  BOOST_TEST(contains(log, "scope=\"country\" label=\"NL\" mode=\"monitor\""), log);
  BOOST_TEST(!contains(log, "label=\"+3161111\""), log);
  BOOST_TEST(!contains(log, "label=\"+3162222\""), log);
  // Operators list and lift every width.
  const std::string listed = run_command(operator_cli(site) + "--list-blocks 2>&1");
  BOOST_TEST(contains(listed, "range +31648 quarantined"), listed);
  const std::string lifted = run_command(operator_cli(site) + "--unblock +31648 2>&1");
  BOOST_TEST(contains(lifted, "lifted the quarantine of +31648"), lifted);
  BOOST_TEST(next_call(number("3164899", 1)), "lifted");
}

BOOST_AUTO_TEST_SUITE_END()
