// End to end through real nginx, the worker pool and the MessageBird simulator, as a person with
// a browser would go: every row of the outcome table, the happy path, a foreign browser, the
// simulator down and hanging. Each case checks status, redirect target and banner, and that the
// site still serves the next request.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <future>
#include <regex>
#include <thread>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;

BOOST_AUTO_TEST_SUITE(integration_tests)

BOOST_AUTO_TEST_CASE(happy_path_calls_the_number_and_verifies_the_spoken_code) {
  Site site;
  Browser browser(site);
  const Page form = browser.get("/");
  BOOST_TEST(form.status == 200);
  BOOST_TEST(contains(form.body, "Send code"));
  BOOST_TEST(form.banner().empty());
  BOOST_TEST(!form.csrf_token().empty());
  BOOST_TEST(form.header("Cache-Control") == "no-store");
  BOOST_TEST(contains(form.header("Content-Security-Policy"), "default-src 'none'"));

  const Page started = browser.post("/", {{"number", "+31 6 1234 5678"}});
  BOOST_TEST(started.status == 303);
  BOOST_TEST(started.location.rfind("/EnterCode/", 0) == 0);
  BOOST_TEST(started.location.size() == std::string("/EnterCode/").size() + 32);

  const Page code_page = browser.follow(started);
  BOOST_TEST(code_page.status == 200);
  BOOST_TEST(contains(code_page.body, "Enter your verification code"));
  BOOST_TEST(contains(code_page.body, "+31 * ******78"));
  BOOST_TEST(!contains(code_page.body, "12345678"));

  const std::string code = site.last_code(kDigits);
  BOOST_REQUIRE_EQUAL(code.size(), 6u);
  const Page checked = browser.post(started.location, {{"token", code}});
  BOOST_TEST(checked.status == 303);
  BOOST_TEST(checked.location == "/success");
  const Page success = browser.follow(checked);
  BOOST_TEST(success.status == 200);
  BOOST_TEST(contains(success.body, "You have successfully verified your phone number."));
  BOOST_TEST(site.sim_stats()["creates"] == 1);
  BOOST_TEST(site.sim_stats()["checks"] == 1);
}

BOOST_AUTO_TEST_CASE(national_format_number_is_accepted_under_the_default_region) {
  Site site;
  Browser browser(site);
  const Page started = submit_number(browser, "06 12345678");
  BOOST_TEST(started.status == 303);
  BOOST_TEST(!site.last_code(kDigits).empty());
}

BOOST_AUTO_TEST_CASE(invalid_number_is_a_banner_and_no_call) {
  Site site;
  Browser browser(site);
  const Page answer = submit_number(browser, "12345");
  BOOST_TEST(answer.status == 303);
  BOOST_TEST(answer.location == "/");
  BOOST_TEST(contains(banner_after(browser, answer), "check the number"));
  BOOST_TEST(site.sim_stats()["creates"] == 0);
  // The banner shows once, then is gone.
  BOOST_TEST(browser.get("/").banner().empty());
}

BOOST_AUTO_TEST_CASE(messagebird_refusing_the_recipient_is_a_number_banner) {
  Site site;
  site.sim_faults({{"refuse_recipient", "1"}});
  Browser browser(site);
  const Page answer = submit_number(browser);
  BOOST_TEST(answer.status == 303);
  BOOST_TEST(answer.location == "/");
  BOOST_TEST(contains(banner_after(browser, answer), "check the number"));
  expect_still_serving(site);
}

BOOST_AUTO_TEST_CASE(upstream_5xx_garbage_and_refusal_are_a_try_again_banner) {
  Site site;
  for (const auto& fault : std::vector<std::map<std::string, std::string>>{
           {{"fail_percent", "100"}}, {{"fail_percent", "0"}, {"garbage", "1"}}}) {
    site.sim_faults(fault);
    Browser browser(site);
    const Page answer = submit_number(browser);
    BOOST_TEST(answer.status == 303);
    BOOST_TEST(answer.location == "/");
    BOOST_TEST(contains(banner_after(browser, answer), "could not place the call"));
  }
  site.sim_faults({{"garbage", "0"}});
  site.stop_sim();
  Browser browser(site);
  const Page answer = submit_number(browser);
  BOOST_TEST(answer.location == "/");
  BOOST_TEST(contains(banner_after(browser, answer), "could not place the call"));
  expect_still_serving(site);
}

BOOST_AUTO_TEST_CASE(hanging_upstream_times_out_into_a_banner) {
  Site site({.env = {{"TOTAL_TIMEOUT_MS", "400"}}});
  site.sim_faults({{"hang", "1"}});
  Browser browser(site);
  const auto started = std::chrono::steady_clock::now();
  const Page answer = submit_number(browser);
  const auto took = std::chrono::steady_clock::now() - started;
  BOOST_TEST(answer.status == 303);
  BOOST_TEST(answer.location == "/");
  // The pool's own timeout answered, well before the browser (15 s) or nginx (30 s) would have
  // given up on a pool waiting for the hang; the margin is for slow builds.
  BOOST_TEST((took < std::chrono::seconds(12)));
  BOOST_TEST(contains(banner_after(browser, answer), "could not place the call"));
  site.sim_faults({{"hang", "0"}});
  expect_still_serving(site);
}

BOOST_AUTO_TEST_CASE(bad_access_key_is_service_unavailable_and_logged_as_error) {
  Site site({.env = {{"MESSAGEBIRD_ACCESS_KEY", "live_wrong_key_for_the_simulator"}}});
  Browser browser(site);
  const Page answer = submit_number(browser);
  BOOST_TEST(answer.location == "/");
  BOOST_TEST(contains(banner_after(browser, answer), "service is unavailable"));
  BOOST_TEST(contains(site.pool_log(), "level=error event=upstream_account_problem"));
  BOOST_TEST(!contains(site.pool_log(), "live_wrong_key_for_the_simulator"));
}

BOOST_AUTO_TEST_CASE(no_balance_is_service_unavailable) {
  Site site;
  site.sim_faults({{"no_balance", "1"}});
  Browser browser(site);
  const Page answer = submit_number(browser);
  BOOST_TEST(answer.location == "/");
  BOOST_TEST(contains(banner_after(browser, answer), "service is unavailable"));
  BOOST_TEST(contains(site.pool_log(), "level=error event=upstream_account_problem"));
}

BOOST_AUTO_TEST_CASE(wrong_code_with_attempts_left_returns_to_the_code_page) {
  Site site({.env = {{"MAX_ATTEMPTS", "3"}}});
  Browser browser(site);
  const std::string code_path = reach_code_page(browser);
  const std::string code = site.last_code(kDigits);
  const Page wrong = browser.post(code_path, {{"token", wrong_code_for(code)}});
  BOOST_TEST(wrong.status == 303);
  BOOST_TEST(wrong.location == code_path);
  BOOST_TEST(banner_after(browser, wrong) == "That code is not right. You have 2 tries left.");
  const Page wrong_again = browser.post(code_path, {{"token", wrong_code_for(code)}});
  BOOST_TEST(banner_after(browser, wrong_again) == "That code is not right. You have 1 try left.");
  // The right code still works on the last try.
  const Page right = browser.post(code_path, {{"token", code}});
  BOOST_TEST(right.location == "/success");
}

BOOST_AUTO_TEST_CASE(wrong_code_with_no_attempts_left_asks_for_a_new_call) {
  Site site;  // MAX_ATTEMPTS=1, MessageBird's own behaviour
  Browser browser(site);
  const std::string code_path = reach_code_page(browser);
  const std::string code = site.last_code(kDigits);
  const Page wrong = browser.post(code_path, {{"token", wrong_code_for(code)}});
  BOOST_TEST(wrong.status == 303);
  BOOST_TEST(wrong.location == "/");
  BOOST_TEST(contains(banner_after(browser, wrong), "no tries left"));
  // The code page is gone for this browser, and the right code no longer reaches MessageBird.
  BOOST_TEST(browser.get(code_path).location == "/");
  const long checks = site.sim_stats()["checks"];
  BOOST_TEST(browser.post(code_path, {{"token", code}}).location == "/");
  BOOST_TEST(site.sim_stats()["checks"] == checks);
}

BOOST_AUTO_TEST_CASE(expired_code_asks_for_a_new_call) {
  Site site;
  Browser browser(site);
  const std::string code_path = reach_code_page(browser);
  const std::string code = site.last_code(kDigits);
  site.sim_expire_all();
  const Page answer = browser.post(code_path, {{"token", code}});
  BOOST_TEST(answer.location == "/");
  BOOST_TEST(contains(banner_after(browser, answer), "expired"));
}

BOOST_AUTO_TEST_CASE(already_processed_code_asks_for_a_new_call) {
  // MessageBird's historical behaviour: one attempt, whatever maxAttempts says.
  Site site({.env = {{"MAX_ATTEMPTS", "3"}}});
  site.sim_faults({{"ignore_max_attempts", "1"}});
  Browser browser(site);
  const std::string code_path = reach_code_page(browser);
  const std::string code = site.last_code(kDigits);
  const Page wrong = browser.post(code_path, {{"token", wrong_code_for(code)}});
  BOOST_TEST(wrong.location == code_path);
  const Page answer = browser.post(code_path, {{"token", code}});
  BOOST_TEST(answer.location == "/");
  BOOST_TEST(contains(banner_after(browser, answer), "already been used"));
}

BOOST_AUTO_TEST_CASE(unknown_verification_asks_for_a_new_call) {
  Site site;
  Browser browser(site);
  const std::string code_path = reach_code_page(browser);
  const std::string code = site.last_code(kDigits);
  site.sim_reset();
  const Page answer = browser.post(code_path, {{"token", code}});
  BOOST_TEST(answer.location == "/");
  BOOST_TEST(contains(banner_after(browser, answer), "could not find that verification"));
}

BOOST_AUTO_TEST_CASE(post_without_valid_csrf_token_is_403_and_no_call) {
  Site site;
  Browser browser(site);
  browser.get("/");
  const Page missing = browser.post("/", {{"number", kNumber}}, false);
  BOOST_TEST(missing.status == 403);
  BOOST_TEST(contains(missing.body, "Request refused"));
  const Page forged =
      browser.post("/", {{"number", kNumber}, {"csrf_token", std::string(64, 'a')}});
  BOOST_TEST(forged.status == 403);
  // A token from another browser is foreign here.
  Browser other(site);
  other.get("/");
  const Page foreign = browser.post("/", {{"number", kNumber}, {"csrf_token", other.last_csrf()}});
  BOOST_TEST(foreign.status == 403);
  BOOST_TEST(site.sim_stats()["creates"] == 0);
  // A browser with no session cookie at all.
  Browser cookieless(site);
  BOOST_TEST(
      cookieless.post("/", {{"number", kNumber}, {"csrf_token", browser.last_csrf()}}).status ==
      403);
  BOOST_TEST(site.sim_stats()["creates"] == 0);
  expect_still_serving(site);
}

BOOST_AUTO_TEST_CASE(a_foreign_browser_cannot_use_someone_elses_verification) {
  Site site;
  Browser owner(site);
  const std::string code_path = reach_code_page(owner);
  Browser stranger(site);
  stranger.get("/");
  const Page page = stranger.get(code_path);
  BOOST_TEST(page.status == 303);
  BOOST_TEST(page.location == "/");
  const Page post = stranger.post(code_path, {{"token", site.last_code(kDigits)}});
  BOOST_TEST(post.status == 303);
  BOOST_TEST(post.location == "/");
  BOOST_TEST(site.sim_stats()["checks"] == 0);
  BOOST_TEST(stranger.get("/success").location == "/");
  // The owner is unaffected.
  BOOST_TEST(owner.post(code_path, {{"token", site.last_code(kDigits)}}).location == "/success");
}

BOOST_AUTO_TEST_CASE(success_page_needs_a_verified_session) {
  Site site;
  Browser browser(site);
  const Page page = browser.get("/success");
  BOOST_TEST(page.status == 303);
  BOOST_TEST(page.location == "/");
}

BOOST_AUTO_TEST_CASE(unknown_paths_404_other_methods_405_with_allow) {
  Site site;
  Browser browser(site);
  BOOST_TEST(browser.get("/nope").status == 404);
  BOOST_TEST(contains(browser.get("/nope").body, "Page not found"));
  BOOST_TEST(browser.get("/EnterCode/short").status == 404);
  BOOST_TEST(browser.get("/EnterCode/" + std::string(33, 'a')).status == 404);
  BOOST_TEST(browser.get("/EnterCode/" + std::string(32, 'A')).status == 404);
  const Page not_allowed = browser.post_raw("/success", "", "application/x-www-form-urlencoded");
  BOOST_TEST(not_allowed.status == 405);
  BOOST_TEST(not_allowed.header("Allow") == "GET, HEAD");
  BOOST_TEST(contains(not_allowed.header("X-Frame-Options"), "DENY"));
  const Page head = browser.head("/");
  BOOST_TEST(head.status == 200);
  BOOST_TEST(head.body.empty());
  BOOST_TEST(browser.get("/static/style.css").status == 200);
  expect_still_serving(site);
}

BOOST_AUTO_TEST_CASE(oversized_body_gets_nginx_413_page) {
  Site site;
  Browser browser(site);
  browser.get("/");
  const Page big = browser.post("/", {{"number", std::string(5000, '1')}});
  BOOST_TEST(big.status == 413);
  BOOST_TEST(contains(big.body, "Request too large"));
  // Security headers ride on nginx's own error pages too ("always").
  BOOST_TEST(contains(big.header("Content-Security-Policy"), "default-src 'none'"));
  BOOST_TEST(big.header("X-Content-Type-Options") == "nosniff");
  BOOST_TEST(big.header("Referrer-Policy") == "no-referrer");
  BOOST_TEST(site.sim_stats()["creates"] == 0);
  expect_still_serving(site);
}

// Another application on the same domain may set big cookies of its own: our visitors still get
// through. Past nginx's 8 KiB header line, nginx's page tells them how to recover.
BOOST_AUTO_TEST_CASE(foreign_cookies_up_to_nginx_s_limit_do_not_lock_visitors_out) {
  Site site;
  Browser browser(site);
  browser.cookies()["other_app"] = std::string(7000, 'x');
  const std::string code_page = reach_code_page(browser);
  const Page verified = browser.post(code_page, {{"token", site.last_code(kDigits)}});
  BOOST_TEST(verified.status == 303);
  BOOST_TEST(verified.location == "/success");
  browser.cookies()["other_app"] = std::string(10000, 'x');  // over nginx's 8 KiB header buffers
  const Page nginx_page = browser.get("/");
  BOOST_TEST(nginx_page.status == 400);
  BOOST_TEST(contains(nginx_page.body, "clear this site"));
  BOOST_TEST(nginx_page.header("X-Frame-Options") == "DENY");
  expect_still_serving(site);
}

BOOST_AUTO_TEST_CASE(tampered_cookies_are_ignored) {
  Site site;
  Browser browser(site);
  const std::string code_path = reach_code_page(browser);
  std::string& session = browser.cookies()["vv_session"];
  session[3] = session[3] == 'A' ? 'B' : 'A';
  const Page page = browser.get(code_path);
  BOOST_TEST(page.status == 303);
  BOOST_TEST(page.location == "/");
  browser.cookies()["vv_flash"] = "garbage.1.x";
  BOOST_TEST(browser.get("/").banner().empty());
}

BOOST_AUTO_TEST_CASE(bursts_of_concurrent_visitors_are_all_served) {
  // More concurrent requests than pool threads, twice: the connections nginx keeps alive after
  // the first burst must not starve the second (each idle one holds a pool thread).
  Site site;  // THREADS=4
  for (int burst = 0; burst < 2; ++burst) {
    std::vector<std::future<int>> answers;
    for (int i = 0; i < 24; ++i) {
      answers.push_back(std::async(std::launch::async, [&site] {
        httplib::Client client(site.host(), site.port());
        client.set_read_timeout(8, 0);
        auto result = client.Get("/");
        return result ? result->status : -1;
      }));
    }
    int ok = 0;
    for (auto& answer : answers) ok += answer.get() == 200 ? 1 : 0;
    BOOST_TEST(ok == 24, "burst " << burst << ": " << ok << " of 24 answered 200");
  }
}

BOOST_AUTO_TEST_CASE(pool_stops_cleanly_on_sigterm) {
  Site site;
  Browser browser(site);
  BOOST_TEST(browser.get("/").status == 200);
  BOOST_TEST(site.stop_pool() == 0);
  BOOST_TEST(voiceverify::testing::read_file(site.run_dir() + "/pool.log").find("event=stopped") !=
             std::string::npos);
  // nginx now has nobody to ask: its own 502 page.
  const Page down = browser.get("/");
  BOOST_TEST(down.status == 502);
  BOOST_TEST(contains(down.body, "Service unavailable"));
  BOOST_TEST(down.header("X-Frame-Options") == "DENY");
}

BOOST_AUTO_TEST_SUITE_END()
