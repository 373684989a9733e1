// Redis as the shared store through real nginx: the flow and limits on Redis, two pools sharing
// one set of limits, and Redis stopped mid-run (fails closed).
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <future>
#include <regex>
#include <thread>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;

BOOST_AUTO_TEST_SUITE(redis_integration_tests)

BOOST_AUTO_TEST_CASE(the_flow_and_the_limits_work_on_redis) {
  Site site({.env = {{"LIMIT_IP_HOUR", "2"}}, .with_redis = true});
  Browser browser(site);
  const Page started = start(browser, "06 12345678");
  BOOST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0);
  BOOST_TEST(browser.post(started.location, {{"token", site.last_code(kDigits)}}).location ==
             "/success");
  Browser second(site);
  BOOST_TEST(start(second, nl_number(60)).status == 303);
  Browser third(site);
  expect_limited(site, third, nl_number(61), "too many calls from your connection");
  BOOST_TEST(contains(site.pool_log(), "store=\"redis\""));
}

BOOST_AUTO_TEST_CASE(two_pools_on_one_redis_share_one_set_of_limits) {
  Site first({.env = {{"LIMIT_NUMBER_10MIN", "2"}}, .with_redis = true});
  Site second({.env = {{"LIMIT_NUMBER_10MIN", "2"},
                       {"REDIS_URL", first.redis_url()},
                       {"REDIS_PREFIX", first.redis_prefix()}}});
  Browser a(first);
  BOOST_TEST(start(a, nl_number(90)).location.rfind("/EnterCode/", 0) == 0);
  Browser b(second);
  BOOST_TEST(start(b, nl_number(90)).location.rfind("/EnterCode/", 0) == 0);
  // The third call to that number is refused by either pool: they count in one place.
  Browser c(first);
  expect_limited(first, c, nl_number(90), "too many calls to this number");
  Browser d(second);
  expect_limited(second, d, nl_number(90), "too many calls to this number");
}

BOOST_AUTO_TEST_CASE(redis_stopped_mid_run_fails_closed) {
  Site site({.env = {}, .with_redis = true});
  Browser browser(site);
  const Page started = start(browser, "06 12345678");
  BOOST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0);
  site.stop_redis();
  const long creates = site.sim_stats()["creates"];
  const long checks = site.sim_stats()["checks"];
  // Checking the code: no attempt can be counted, so MessageBird is not asked.
  const Page check = browser.post(started.location, {{"token", site.last_code(kDigits)}});
  BOOST_TEST(check.location == started.location);
  BOOST_TEST(contains(banner_after(browser, check), "service is unavailable"));
  // Starting a call: no limit can be checked, so no call is placed.
  Browser other(site);
  const Page call = start(other, nl_number(70));
  BOOST_TEST(call.location == "/");
  BOOST_TEST(contains(banner_after(other, call), "service is unavailable"));
  BOOST_TEST(site.sim_stats()["creates"] == creates);
  BOOST_TEST(site.sim_stats()["checks"] == checks);
  BOOST_TEST(other.get("/").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
