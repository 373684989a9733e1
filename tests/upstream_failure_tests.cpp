// Through real nginx, the pool and the simulator: what an upstream failure costs the person.
// A check that never got an answer (5xx, garbage) spends none of their tries, and MessageBird's
// error text reaches the log with any phone number in it masked.
#include <boost/test/unit_test.hpp>
#include <regex>

#include "harness.hpp"

using voiceverify::testing::banner_after;
using voiceverify::testing::Browser;
using voiceverify::testing::contains;
using voiceverify::testing::Page;
using voiceverify::testing::Site;
using voiceverify::testing::wrong_code_for;

namespace {

const std::string kDigits = "31612345678";

Page start(Browser& browser, const std::string& num) {
  browser.get("/");
  return browser.post("/", {{"number", num}});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(limits_integration_tests)

BOOST_AUTO_TEST_CASE(checks_that_fail_upstream_cost_no_attempt) {
  Site site({.env = {{"MAX_ATTEMPTS", "3"}}});
  Browser browser(site);
  const Page started = start(browser, "06 12345678");
  BOOST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0);
  const std::string code = site.last_code(kDigits);
  const std::string wrong = wrong_code_for(code);

  // Two checks that get no answer about the code (502/503 before the API looked at it).
  site.sim_faults({{"fail_percent", "100"}});
  Page answer;
  for (int i = 0; i < 2; ++i) {
    answer = browser.post(started.location, {{"token", wrong}});
    BOOST_TEST(answer.location == started.location);
    BOOST_TEST(contains(banner_after(browser, answer), "could not check your code"));
  }
  site.sim_faults({{"fail_percent", "0"}});

  // All three tries are still there.
  answer = browser.post(started.location, {{"token", wrong}});
  BOOST_TEST(answer.location == started.location);
  BOOST_TEST(contains(banner_after(browser, answer), "You have 2 tries left."));
  answer = browser.post(started.location, {{"token", wrong}});
  BOOST_TEST(answer.location == started.location);
  BOOST_TEST(contains(banner_after(browser, answer), "You have 1 try left."));
  answer = browser.post(started.location, {{"token", wrong}});
  BOOST_TEST(answer.location == "/");
  BOOST_TEST(contains(banner_after(browser, answer), "no tries left"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(log_secrets_tests)

BOOST_AUTO_TEST_CASE(a_number_in_messagebirds_error_text_is_masked_in_the_log) {
  Site site;
  site.sim_faults(
      {{"refuse_recipient", "1"}, {"error_description", "+31612345678 is not a valid recipient"}});
  Browser browser(site);
  const Page answer = start(browser, "06 12345678");
  BOOST_TEST(answer.location == "/");
  const std::string log = site.pool_log();
  BOOST_TEST(contains(log, "+*********78 is not a valid recipient"), log);
  BOOST_TEST(!contains(log, "12345678"), log);
  // Every logged detail holds no six-digit run (only the details: request ids are hex and may
  // hold one by chance).
  const std::regex detail("detail=\"([^\"]*)\"");
  int details = 0;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), detail); it != std::sregex_iterator();
       ++it, ++details) {
    BOOST_TEST(!std::regex_search((*it)[1].str(), std::regex("[0-9]{6}")), (*it)[1].str());
  }
  BOOST_TEST(details > 0);
}

BOOST_AUTO_TEST_SUITE_END()
