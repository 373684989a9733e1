// A slow or dead MessageBird never stalls the site, through real nginx and the pool: pages answer
// while starts wait for a hanging MessageBird, the circuit breaker answers at once while it is
// open, a full pool says "busy" without spending anything, and a stop answers every request
// still waiting before the pool exits 0.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;
using namespace std::chrono_literals;

namespace {

// Starts a call for `number` in a browser of its own, on a thread of its own; the future holds
// the pool's answer and the banner it leads to.
// With `stop_follows`, the redirect is not followed (the pool will be gone).
std::future<std::pair<Page, std::string>> start_in_background(const Site& site,
                                                              const std::string& number,
                                                              bool stop_follows = false) {
  return std::async(std::launch::async, [&site, number, stop_follows] {
    Browser browser(site);
    const Page answer = start(browser, number);
    std::string banner = answer.status == 303 && !stop_follows ? banner_after(browser, answer) : "";
    return std::make_pair(answer, banner);
  });
}

// Waits until the simulator holds `n` API requests unanswered; false after 60 s, a bound that
// only a failure meets.
bool wait_for_waiting_requests(Site& site, long n) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (site.sim_stats()["in_flight"] >= n) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

bool ready(const std::future<std::pair<Page, std::string>>& started) {
  return started.wait_for(0s) == std::future_status::ready;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(upstream_integration_tests)

BOOST_AUTO_TEST_CASE(pages_answer_while_three_times_threads_starts_wait_for_a_hanging_messagebird) {
  constexpr int kThreads = 4;
  Site site({.env = {{"THREADS", std::to_string(kThreads)},
                     {"TOTAL_TIMEOUT_MS", "20000"},
                     {"LIMIT_IP_HOUR", "100"}}});
  Browser owner(site);
  const std::string code_page = reach_code_page(owner);

  site.sim_faults({{"hang", "1"}});
  std::vector<std::future<std::pair<Page, std::string>>> starts;
  for (int i = 0; i < 3 * kThreads; ++i) starts.push_back(start_in_background(site, nl_number(i)));
  BOOST_REQUIRE(wait_for_waiting_requests(site, 3 * kThreads));

  // A blocking pool would have every thread waiting for MessageBird: these would wait too.
  Browser visitor(site);
  const Page form = visitor.get("/");
  const Page code = owner.get(code_page);
  const bool starts_still_waiting = std::none_of(starts.begin(), starts.end(), ready);
  BOOST_TEST(form.status == 200);
  BOOST_TEST(contains(form.body, "name=\"number\""));
  BOOST_TEST(code.status == 200);
  BOOST_TEST(contains(code.body, "name=\"token\""));
  BOOST_TEST(starts_still_waiting);

  // Released, every start gets its code page.
  site.sim_faults({{"hang", "0"}});
  for (auto& started : starts) {
    const auto [answer, banner] = started.get();
    BOOST_TEST(answer.status == 303);
    BOOST_TEST(answer.location.rfind("/EnterCode/", 0) == 0u, answer.location << " " << banner);
  }
}

BOOST_AUTO_TEST_CASE(the_breaker_opens_after_failures_answers_at_once_and_closes_after_a_probe) {
  Site site(
      {.env = {{"BREAKER_FAILURES", "3"}, {"BREAKER_COOLDOWN", "2"}, {"LIMIT_IP_HOUR", "100"}}});
  site.sim_faults({{"fail_percent", "100"}});
  for (int i = 0; i < 3; ++i) {
    Browser browser(site);
    const Page answer = start(browser, nl_number(i));
    BOOST_TEST(contains(banner_after(browser, answer), "could not place the call"));
  }
  BOOST_TEST(contains(site.pool_log(), "level=warning event=upstream_breaker state=\"open\""));

  // Open: answered at once, without asking MessageBird or spending the number's limits (the
  // probe below calls the same number, well inside RESEND_INTERVAL).
  Browser refused(site);
  const Page answer = start(refused, nl_number(10));
  BOOST_TEST(answer.location == "/");
  BOOST_TEST(contains(banner_after(refused, answer), "unavailable right now"));
  BOOST_TEST(site.sim_stats()["in_flight"] == 0);

  // After the cool-down one call probes; MessageBird is back, so it goes through and closes it.
  site.sim_faults({{"fail_percent", "0"}});
  std::this_thread::sleep_for(2100ms);
  const Page probe = start(refused, nl_number(10));
  BOOST_TEST(probe.location.rfind("/EnterCode/", 0) == 0u, probe.location);
  BOOST_TEST(contains(site.pool_log(), "event=upstream_breaker state=\"closed\""));
}

BOOST_AUTO_TEST_CASE(a_full_pool_says_busy_at_once_and_spends_nothing) {
  Site site({.env = {{"UPSTREAM_MAX_INFLIGHT", "2"},
                     {"TOTAL_TIMEOUT_MS", "20000"},
                     {"LIMIT_IP_HOUR", "100"}}});
  site.sim_faults({{"hang", "1"}});
  auto first = start_in_background(site, nl_number(1));
  auto second = start_in_background(site, nl_number(2));
  BOOST_REQUIRE(wait_for_waiting_requests(site, 2));

  Browser third(site);
  const Page busy = start(third, nl_number(3));
  BOOST_TEST(busy.status == 303);
  BOOST_TEST(busy.location == "/");
  BOOST_TEST(contains(banner_after(third, busy), "very busy right now"));
  BOOST_TEST(contains(site.pool_log(), "level=warning event=upstream_busy"));
  BOOST_TEST(site.sim_stats()["in_flight"] == 2);

  site.sim_faults({{"hang", "0"}});
  BOOST_TEST(first.get().first.location.rfind("/EnterCode/", 0) == 0u);
  BOOST_TEST(second.get().first.location.rfind("/EnterCode/", 0) == 0u);
  // Nothing was spent: the same number, asked again, is called (RESEND_INTERVAL is 60 s).
  const Page again = start(third, nl_number(3));
  BOOST_TEST(again.location.rfind("/EnterCode/", 0) == 0u, again.location);
}

BOOST_AUTO_TEST_CASE(a_stop_answers_every_request_still_waiting_then_exits_zero) {
  Site site({.env = {{"THREADS", "2"}, {"TOTAL_TIMEOUT_MS", "3000"}, {"LIMIT_IP_HOUR", "100"}}});
  site.sim_faults({{"hang", "1"}});
  std::vector<std::future<std::pair<Page, std::string>>> starts;
  for (int i = 0; i < 4; ++i) starts.push_back(start_in_background(site, nl_number(i), true));
  BOOST_REQUIRE(wait_for_waiting_requests(site, 4));

  BOOST_TEST(site.stop_pool() == 0);
  for (auto& started : starts) {
    const Page answer = started.get().first;
    // nginx got the pool's own answer for each (a dropped one would be a 502): back to the form
    // with a banner (its flash cookie), which the next pool will show.
    BOOST_TEST(answer.status == 303);
    BOOST_TEST(answer.location == "/");
    bool banner_set = false;
    for (const auto& [name, value] : answer.headers)
      if (name == "Set-Cookie" && value.rfind("vv_flash=", 0) == 0 && !contains(value, "Max-Age=0"))
        banner_set = true;
    BOOST_TEST(banner_set);
  }
  BOOST_TEST(contains(site.pool_log(), "event=call_failed"));
  BOOST_TEST(contains(site.pool_log(), "event=stopped status=\"0\""));
}

BOOST_AUTO_TEST_SUITE_END()
