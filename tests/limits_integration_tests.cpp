// Every limit through real nginx, the pool and the simulator: each window exhausted, the resend
// interval, one active verification per browser, the attempts per call, and what an upstream
// failure costs (nothing). Each case checks the banner and that no call went upstream. Also
// nginx's own rate limit on form posts (nginx/snippets/voiceverify-limits.conf), which answers
// 429 before the pool sees the post.
#include <boost/test/unit_test.hpp>

#include <array>
#include <filesystem>
#include <future>
#include <memory>
#include <regex>
#include <thread>

#include "harness.hpp"
#include "site_steps.hpp"
#include "web/routes.hpp"

using namespace voiceverify::testing;

BOOST_AUTO_TEST_SUITE(limits_integration_tests)

BOOST_AUTO_TEST_CASE(the_resend_interval_holds_a_number_for_other_browsers) {
  Site site({.env = {{"RESEND_INTERVAL", "60"}}});
  Browser browser(site);
  const Page first = start(browser, nl_number(1));
  BOOST_REQUIRE(first.location.rfind("/EnterCode/", 0) == 0);
  // The same browser submitting the number again within the interval (a double click, a reload)
  // lands on the same code page, no banner, no second call (docs/architecture.md, "The code
  // page"), and the verification in progress stays usable.
  const long creates = site.sim_stats()["creates"];
  const Page again = start(browser, nl_number(1));
  BOOST_TEST(again.status == 303);
  BOOST_TEST(again.location == first.location);
  const Page code_page = browser.follow(again);
  BOOST_TEST(code_page.status == 200);
  BOOST_TEST(code_page.banner().empty(), code_page.banner());
  BOOST_TEST(site.sim_stats()["creates"] == creates);
  BOOST_TEST(site.sim_stats()["deletes"] == 0);
  // Another browser asking for the same number is refused, as before.
  Browser other(site);
  expect_limited(site, other, nl_number(1), "We have just called this number.");
  // Another number is not held back.
  BOOST_TEST(start(other, nl_number(2)).location.rfind("/EnterCode/", 0) == 0);
}

BOOST_AUTO_TEST_CASE(per_number_ten_minute_window) {
  Site site({.env = {{"LIMIT_NUMBER_10MIN", "2"}}});
  for (int i = 0; i < 2; ++i) {
    Browser b(site);
    BOOST_TEST(start(b, nl_number(5)).location.rfind("/EnterCode/", 0) == 0);
  }
  Browser b(site);
  expect_limited(site, b, nl_number(5), "too many calls to this number");
}

BOOST_AUTO_TEST_CASE(per_number_daily_window) {
  Site site({.env = {{"LIMIT_NUMBER_DAY", "2"}}});
  for (int i = 0; i < 2; ++i) {
    Browser b(site);
    BOOST_TEST(start(b, nl_number(6)).status == 303);
  }
  Browser b(site);
  expect_limited(site, b, nl_number(6), "too many calls to this number");
}

BOOST_AUTO_TEST_CASE(per_client_ip_hourly_window) {
  Site site({.env = {{"LIMIT_IP_HOUR", "3"}}});
  for (int i = 0; i < 3; ++i) {
    Browser b(site);
    BOOST_TEST(start(b, nl_number(10 + i)).location.rfind("/EnterCode/", 0) == 0);
  }
  Browser b(site);
  expect_limited(site, b, nl_number(20), "too many calls from your connection");
}

BOOST_AUTO_TEST_CASE(site_wide_hourly_ceiling) {
  Site site({.env = {{"LIMIT_GLOBAL_HOUR", "2"}}});
  for (int i = 0; i < 2; ++i) {
    Browser b(site);
    BOOST_TEST(start(b, nl_number(30 + i)).status == 303);
  }
  Browser b(site);
  expect_limited(site, b, nl_number(40), "too many calls right now");
}

BOOST_AUTO_TEST_CASE(a_new_call_cancels_the_browsers_previous_verification) {
  Site site;
  Browser browser(site);
  const Page first = start(browser, nl_number(50));
  BOOST_REQUIRE(first.location.rfind("/EnterCode/", 0) == 0);
  const Page second = start(browser, nl_number(51));
  BOOST_REQUIRE(second.location.rfind("/EnterCode/", 0) == 0);
  BOOST_TEST(second.location != first.location);
  BOOST_TEST(site.sim_stats()["deletes"] == 1);
  BOOST_TEST(browser.get(first.location).location == "/");
  BOOST_TEST(browser.get(second.location).status == 200);
}

BOOST_AUTO_TEST_CASE(default_three_attempts_then_the_verification_is_deleted) {
  Site site({.env = {{"MAX_ATTEMPTS", "3"}}});
  Browser browser(site);
  const Page started = start(browser, "06 12345678");
  const std::string code = site.last_code(kDigits);
  for (int i = 0; i < 2; ++i) {
    BOOST_TEST(browser.post(started.location, {{"token", wrong_code_for(code)}}).location ==
               started.location);
  }
  const Page last = browser.post(started.location, {{"token", wrong_code_for(code)}});
  BOOST_TEST(last.location == "/");
  BOOST_TEST(contains(banner_after(browser, last), "no tries left"));
  BOOST_TEST(site.sim_stats()["deletes"] == 1);
  BOOST_TEST(site.sim_stats()["checks"] == 3);
}

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

// With a rate of one post a minute: the shipped burst passes, the next post to every POST route
// of the route table is 429 with the site's page, and GETs are never counted.
BOOST_AUTO_TEST_CASE(nginx_answers_429_with_the_site_page_after_a_burst_of_posts) {
  const std::string locations =
      read_file(std::string(VV_SOURCE_DIR) + "/nginx/snippets/voiceverify-locations.conf");
  std::smatch m;
  BOOST_REQUIRE(std::regex_search(
      locations, m, std::regex(R"(\n\s*limit_req zone=voiceverify_post burst=(\d+))")));
  const int burst = std::stoi(m[1].str());
  Site site({.env = {}, .nginx_post_rate = "1r/m"});
  Browser browser(site);
  auto count_posts = [&] {
    const std::string log = site.pool_log();
    std::size_t n = 0;
    for (auto at = log.find("method=\"POST\""); at != std::string::npos;
         at = log.find("method=\"POST\"", at + 1))
      ++n;
    return n;
  };
  // The rate's one plus the burst reach the pool (no CSRF token: each is refused there, 403).
  for (int i = 0; i <= burst; ++i) {
    BOOST_TEST(browser.post_raw("/", "number=1", "application/x-www-form-urlencoded").status == 403,
               i);
  }
  BOOST_TEST(count_posts() == static_cast<std::size_t>(burst + 1));
  for (const auto& row : voiceverify::web::kRoutes) {
    if (row.method != voiceverify::web::Method::Post) continue;
    const std::string path =
        std::string(row.path) +
        (row.takes_id ? "0123456789abcdef0123456789abcdef" + std::string(row.suffix) : "");
    const Page refused = browser.post_raw(path, "number=1", "application/x-www-form-urlencoded");
    BOOST_TEST(refused.status == 429, path);
    BOOST_TEST(refused.header("X-Frame-Options") == "DENY");
    if (row.family == voiceverify::web::Family::Api) {
      // The API's own problem instead of the page (docs/api.md, "Errors").
      BOOST_TEST(contains(refused.body, "urn:voiceverify:problem:limit-nginx-post"), refused.body);
      continue;
    }
    BOOST_TEST(contains(refused.body, "Too many requests"), refused.body);
    BOOST_TEST(contains(refused.body, "Please wait a minute"), refused.body);
    BOOST_TEST(contains(refused.body, "/static/style.css"), refused.body);
    BOOST_TEST(refused.header("X-Frame-Options") == "DENY");
  }
  BOOST_TEST(count_posts() == static_cast<std::size_t>(burst + 1));
  for (int i = 0; i < burst + 5; ++i) BOOST_TEST(browser.get("/").status == 200, i);
  BOOST_TEST(contains(site.nginx_logs(), "limiting requests"));
}

// LIMIT_NET_HOUR: many addresses of one network (an IPv4 /24, an IPv6 /48) share one window,
// behind a trusted proxy as on a direct connection; another network has its own.
BOOST_AUTO_TEST_CASE(per_network_hourly_window_for_ipv4_and_ipv6) {
  Site site(
      {.env = {{"LIMIT_NET_HOUR", "2"}, {"RESEND_INTERVAL", "0"}}, .trusted_proxies = "127.0.0.1"});
  int n = 60;
  auto from = [&](const std::string& address) {
    auto browser = std::make_unique<Browser>(site);
    browser->headers["X-Forwarded-For"] = address;
    return browser;
  };
  for (const auto& [first, second, third, other] :
       {std::array<std::string, 4>{"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.101.1"},
        std::array<std::string, 4>{"2001:db8:5:1::1", "2001:db8:5:2::1", "2001:db8:5:ffff::9",
                                   "2001:db8:6::1"}}) {
    for (const std::string& address : {first, second}) {
      auto b = from(address);
      BOOST_TEST(start(*b, nl_number(n++)).location.rfind("/EnterCode/", 0) == 0, address);
    }
    auto refused = from(third);
    expect_limited(site, *refused, nl_number(n++), "too many calls from your connection");
    auto elsewhere = from(other);
    BOOST_TEST(start(*elsewhere, nl_number(n++)).location.rfind("/EnterCode/", 0) == 0, other);
  }
  BOOST_TEST(contains(site.pool_log(), "limit=\"net-hour\""));
}

// A create MessageBird never placed spends nothing: the number's window that held one call is
// free for the retry.
BOOST_AUTO_TEST_CASE(a_call_that_was_never_placed_spends_no_window) {
  Site site({.env = {{"LIMIT_NUMBER_10MIN", "1"}, {"RESEND_INTERVAL", "60"}}});
  site.sim_faults({{"fail_percent", "100"}});
  Browser browser(site);
  const Page failed = start(browser, nl_number(70));
  BOOST_TEST(failed.location == "/");
  site.sim_faults({{"fail_percent", "0"}});
  BOOST_TEST(start(browser, nl_number(70)).location.rfind("/EnterCode/", 0) == 0);
}

// nginx's post limit counts an IPv6 client per /64 (any address of it shares the allowance) and
// an IPv4 client per address.
BOOST_AUTO_TEST_CASE(nginx_counts_ipv6_posts_per_64_and_ipv4_posts_per_address) {
  const std::string locations =
      read_file(std::string(VV_SOURCE_DIR) + "/nginx/snippets/voiceverify-locations.conf");
  std::smatch m;
  BOOST_REQUIRE(std::regex_search(
      locations, m, std::regex(R"(\n\s*limit_req zone=voiceverify_post burst=(\d+))")));
  const int burst = std::stoi(m[1].str());
  Site site({.env = {}, .trusted_proxies = "127.0.0.1", .nginx_post_rate = "1r/m"});
  auto post_from = [&](const std::string& address) {
    Browser browser(site);
    browser.headers["X-Forwarded-For"] = address;
    return browser.post_raw("/", "number=1", "application/x-www-form-urlencoded").status;
  };
  // The rate's one and the burst, each from another address of one /64 (refused by the pool: no
  // CSRF token), then nginx's 429 for yet another address of it.
  for (int i = 0; i <= burst; ++i)
    BOOST_TEST(post_from("2001:db8:1:2::" + std::to_string(i + 1)) == 403, i);
  BOOST_TEST(post_from("2001:db8:1:2:ffff:ffff:ffff:ffff") == 429);
  BOOST_TEST(post_from("2001:db8:1:3::1") == 403);  // the next /64: its own allowance
  for (int i = 0; i <= burst; ++i) BOOST_TEST(post_from("198.51.100.1") == 403, i);
  BOOST_TEST(post_from("198.51.100.1") == 429);
  BOOST_TEST(post_from("198.51.100.2") == 403);  // IPv4: per address
}

BOOST_AUTO_TEST_SUITE_END()
