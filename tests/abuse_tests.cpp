// Abuse and fraud resistance through real nginx, the pool and the simulator (issue 3): every
// limit exhausted, hostile input in every field and in the URL, forged and replayed cookies,
// Redis as the shared store and Redis stopped mid-run, and logs free of secrets. Each case checks
// what the person sees and that the simulator received no call it should not have.
#include <boost/test/unit_test.hpp>

#include "harness.hpp"

using voiceverify::testing::banner_after;
using voiceverify::testing::Browser;
using voiceverify::testing::contains;
using voiceverify::testing::Page;
using voiceverify::testing::Site;
using voiceverify::testing::SiteOptions;
using voiceverify::testing::wrong_code_for;

namespace {

const std::string kDigits = "31612345678";

// "06 1234 56NN" for n in 0..99: distinct valid NL mobile numbers.
std::string number(int n) {
  return "06 123456" + std::string(n < 10 ? "0" : "") + std::to_string(n);
}

Page start(Browser& browser, const std::string& num) {
  browser.get("/");
  return browser.post("/", {{"number", num}});
}

// A limit refusal: 303 to the form, a banner saying when to try again, no call upstream.
void expect_limited(Site& site, Browser& browser, const std::string& num, const std::string& says) {
  const long before = site.sim_stats()["creates"];
  const Page answer = start(browser, num);
  BOOST_TEST(answer.status == 303);
  BOOST_TEST(answer.location == "/");
  const std::string banner = banner_after(browser, answer);
  BOOST_TEST(contains(banner, says), banner);
  BOOST_TEST(contains(banner, "Please try again in"), banner);
  BOOST_TEST(site.sim_stats()["creates"] == before);
  BOOST_TEST(contains(site.pool_log(), "level=warning event=limit_hit"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(limits_integration_tests)

BOOST_AUTO_TEST_CASE(call_me_again_waits_for_the_resend_interval) {
  Site site({.env = {{"RESEND_INTERVAL", "60"}}});
  Browser browser(site);
  const Page first = start(browser, number(1));
  BOOST_REQUIRE(first.location.rfind("/EnterCode/", 0) == 0);
  // Asking again too soon is refused, and the verification in progress stays usable.
  expect_limited(site, browser, number(1), "We have just called this number.");
  BOOST_TEST(site.sim_stats()["deletes"] == 0);
  BOOST_TEST(browser.get(first.location).status == 200);
  Browser other(site);
  expect_limited(site, other, number(1), "We have just called this number.");
  // Another number is not held back.
  BOOST_TEST(start(other, number(2)).location.rfind("/EnterCode/", 0) == 0);
}

BOOST_AUTO_TEST_CASE(per_number_ten_minute_window) {
  Site site({.env = {{"LIMIT_NUMBER_10MIN", "2"}}});
  for (int i = 0; i < 2; ++i) {
    Browser b(site);
    BOOST_TEST(start(b, number(5)).location.rfind("/EnterCode/", 0) == 0);
  }
  Browser b(site);
  expect_limited(site, b, number(5), "too many calls to this number");
}

BOOST_AUTO_TEST_CASE(per_number_daily_window) {
  Site site({.env = {{"LIMIT_NUMBER_DAY", "2"}}});
  for (int i = 0; i < 2; ++i) {
    Browser b(site);
    BOOST_TEST(start(b, number(6)).status == 303);
  }
  Browser b(site);
  expect_limited(site, b, number(6), "too many calls to this number");
}

BOOST_AUTO_TEST_CASE(per_client_ip_hourly_window) {
  Site site({.env = {{"LIMIT_IP_HOUR", "3"}}});
  for (int i = 0; i < 3; ++i) {
    Browser b(site);
    BOOST_TEST(start(b, number(10 + i)).location.rfind("/EnterCode/", 0) == 0);
  }
  Browser b(site);
  expect_limited(site, b, number(20), "too many calls from your connection");
}

BOOST_AUTO_TEST_CASE(site_wide_hourly_ceiling) {
  Site site({.env = {{"LIMIT_GLOBAL_HOUR", "2"}}});
  for (int i = 0; i < 2; ++i) {
    Browser b(site);
    BOOST_TEST(start(b, number(30 + i)).status == 303);
  }
  Browser b(site);
  expect_limited(site, b, number(40), "too many calls right now");
}

BOOST_AUTO_TEST_CASE(a_new_call_cancels_the_browsers_previous_verification) {
  Site site;
  Browser browser(site);
  const Page first = start(browser, number(50));
  BOOST_REQUIRE(first.location.rfind("/EnterCode/", 0) == 0);
  const Page second = start(browser, number(51));
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

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hostile_input_tests)

BOOST_AUTO_TEST_CASE(premium_rate_and_toll_free_numbers_are_never_called) {
  // Both countries allowed, so that it is the number type that refuses.
  Site site({.env = {{"ALLOWED_COUNTRIES", "NL,GB"}}});
  for (const char* num : {"+31 900 1234567", "+31 800 1234567", "+44 909 8790000"}) {
    Browser browser(site);
    const Page answer = start(browser, num);
    BOOST_TEST(answer.location == "/");
    BOOST_TEST(contains(banner_after(browser, answer), "cannot call this kind of number"), num);
  }
  BOOST_TEST(site.sim_stats()["creates"] == 0);
  BOOST_TEST(contains(site.pool_log(), "level=warning event=number_refused"));
  BOOST_TEST(contains(site.pool_log(), "reason=\"type\" region=\"GB\" type=\"premium-rate\""));
}

BOOST_AUTO_TEST_CASE(countries_outside_the_allow_list_are_refused) {
  Site site({.env = {{"ALLOWED_COUNTRIES", "NL,GB"}}});
  Browser browser(site);
  const Page answer = start(browser, "+32 470 12 34 56");  // a Belgian mobile
  BOOST_TEST(answer.location == "/");
  BOOST_TEST(contains(banner_after(browser, answer), "cannot call numbers in that country"));
  BOOST_TEST(site.sim_stats()["creates"] == 0);
  BOOST_TEST(contains(site.pool_log(), "level=warning event=number_refused"));
  BOOST_TEST(contains(site.pool_log(), "reason=\"country\" region=\"BE\""));
  // A country on the list is called.
  Browser british(site);
  BOOST_TEST(start(british, "+44 7400 123456").location.rfind("/EnterCode/", 0) == 0u);
  BOOST_TEST(site.sim_stats()["creates"] == 1);
}

BOOST_AUTO_TEST_CASE(xss_in_every_field_comes_back_as_text_or_not_at_all) {
  const std::string xss = "<script>alert(1)</script>";
  Site site;
  Browser browser(site);
  Page answer = start(browser, xss);
  BOOST_TEST(answer.location == "/");
  Page page = browser.follow(answer);
  BOOST_TEST(!contains(page.body, "<script>"));
  BOOST_TEST(site.sim_stats()["creates"] == 0);

  BOOST_TEST(browser.post("/", {{"number", "06 12345678"}, {"csrf_token", xss}}).status == 403);

  const Page started = start(browser, "06 12345678");
  const Page wrong = browser.post(started.location, {{"token", xss}});
  BOOST_TEST(wrong.location == started.location);
  page = browser.follow(wrong);
  BOOST_TEST(!contains(page.body, "<script>"));
  BOOST_TEST(contains(page.banner(), "digits only"));
  BOOST_TEST(site.sim_stats()["checks"] == 0);
}

BOOST_AUTO_TEST_CASE(upstream_error_text_never_reaches_the_page) {
  Site site;
  site.sim_faults({{"refuse_recipient", "1"}, {"error_description", "<script>alert(1)</script>"}});
  Browser browser(site);
  const Page answer = start(browser, "06 12345678");
  const Page page = browser.follow(answer);
  BOOST_TEST(!contains(page.body, "alert(1)"));
  BOOST_TEST(contains(page.banner(), "check the number"));
  // In the log it is quoted on one line, not markup and not a new line.
  BOOST_TEST(contains(site.pool_log(), "<script>alert(1)</script>"));
}

BOOST_AUTO_TEST_CASE(hostile_verify_ids_are_404_or_400_and_never_reach_upstream) {
  Site site;
  Browser browser(site);
  browser.get("/");
  const std::string id32(32, 'a');
  for (const std::string& path :
       {std::string("/EnterCode/..%2F..%2Fverify"), std::string("/EnterCode/%2e%2e%2fsuccess"),
        std::string("/EnterCode/") + id32 + "%2Fx", std::string("/EnterCode/") + id32 + "a",
        std::string("/EnterCode/") + std::string(200, 'b'),
        std::string("/EnterCode/%C3%A9") + std::string(30, 'a'),
        std::string("/EnterCode/") + std::string(31, 'a') + "%00",
        std::string("/EnterCode/") + id32 + "?token=123456", std::string("/EnterCode//") + id32}) {
    const Page get = browser.get(path);
    // nginx may normalise a path onto another route first (%2e%2e%2f is "../"): 405 is fine.
    BOOST_TEST((get.status == 404 || get.status == 400 || get.status == 303),
               path << " " << get.status);
    const Page post = browser.post(path, {{"token", "123456"}});
    BOOST_TEST(
        (post.status == 404 || post.status == 400 || post.status == 405 || post.status == 303),
        path << " " << post.status);
  }
  BOOST_TEST(site.sim_stats()["checks"] == 0);
  BOOST_TEST(site.sim_stats()["creates"] == 0);
}

BOOST_AUTO_TEST_CASE(crlf_nul_duplicates_and_missing_fields) {
  Site site;
  Browser browser(site);
  browser.get("/");
  const std::string token = browser.last_csrf();
  for (const std::string& body :
       {"number=06%0d%0a12345678&csrf_token=" + token, "number=06%0012345678&csrf_token=" + token,
        "number=0612345678&number=0687654321&csrf_token=" + token,
        "number=0612345678&csrf_token=" + token + "&csrf_token=" + token}) {
    BOOST_TEST(browser.post_raw("/", body, "application/x-www-form-urlencoded").status == 400,
               body);
  }
  const Page missing = browser.post("/", {});
  BOOST_TEST(missing.status == 303);
  BOOST_TEST(browser.follow(missing).banner() == "Please enter your phone number.");
  BOOST_TEST(browser.post_raw("/", "number=0612345678&csrf_token=" + token, "text/plain").status ==
             415);
  BOOST_TEST(browser.post_raw("/", "{\"number\":\"0612345678\"}", "application/json").status ==
             415);
  BOOST_TEST(site.sim_stats()["creates"] == 0);
  BOOST_TEST(browser.get("/").status == 200);
}

BOOST_AUTO_TEST_CASE(forged_and_foreign_cookies_are_ignored) {
  Site site;
  Site other_site({.env = {{"SIGNING_KEY", "a-different-signing-key-0123456789abcdefgh"}}});
  Browser victim(site);
  const Page started = start(victim, "06 12345678");
  BOOST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0);
  const std::string id = started.location.substr(11);

  // A cookie signed by another deployment's key does not verify here.
  Browser foreign(other_site);
  foreign.get("/");
  Browser attacker(site);
  attacker.cookies()["vv_session"] = foreign.cookies()["vv_session"];
  BOOST_TEST(attacker.get(started.location).location == "/");
  // A hand-made cookie naming the victim's verification does not verify either.
  attacker.cookies()["vv_session"] = "djF8" + std::string(40, 'A') + "." + "9999999999.abc";
  BOOST_TEST(attacker.get(started.location).location == "/");
  // A flash cookie is not a session cookie, even though both are signed with the same key.
  victim.post("/", {{"number", "12345"}});  // leaves a flash cookie
  Browser swapper(site);
  swapper.cookies()["vv_session"] = victim.cookies()["vv_flash"];
  BOOST_TEST(swapper.get(started.location).location == "/");
  BOOST_TEST(site.sim_stats()["checks"] == 0);
}

BOOST_AUTO_TEST_CASE(replaying_an_old_session_cookie_gains_no_attempts) {
  Site site({.env = {{"MAX_ATTEMPTS", "2"}}});
  Browser browser(site);
  const Page started = start(browser, "06 12345678");
  const std::string code = site.last_code(kDigits);
  const auto saved = browser.cookies();
  browser.post(started.location, {{"token", wrong_code_for(code)}});
  const Page spent = browser.post(started.location, {{"token", wrong_code_for(code)}});
  BOOST_TEST(spent.location == "/");
  const long checks = site.sim_stats()["checks"];
  browser.cookies() = saved;  // the cookie from before any attempt
  const Page replay = browser.post(started.location, {{"token", code}});
  BOOST_TEST(replay.location == "/");
  BOOST_TEST(contains(banner_after(browser, replay), "no tries left"));
  BOOST_TEST(site.sim_stats()["checks"] == checks);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(redis_integration_tests)

BOOST_AUTO_TEST_CASE(the_flow_and_the_limits_work_on_redis) {
  Site site({.env = {{"LIMIT_IP_HOUR", "2"}}, .with_redis = true});
  Browser browser(site);
  const Page started = start(browser, "06 12345678");
  BOOST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0);
  BOOST_TEST(browser.post(started.location, {{"token", site.last_code(kDigits)}}).location ==
             "/success");
  Browser second(site);
  BOOST_TEST(start(second, number(60)).status == 303);
  Browser third(site);
  expect_limited(site, third, number(61), "too many calls from your connection");
  BOOST_TEST(contains(site.pool_log(), "store=\"redis\""));
}

BOOST_AUTO_TEST_CASE(two_pools_on_one_redis_share_one_set_of_limits) {
  Site first({.env = {{"LIMIT_NUMBER_10MIN", "2"}}, .with_redis = true});
  Site second({.env = {{"LIMIT_NUMBER_10MIN", "2"},
                       {"REDIS_URL", first.redis_url()},
                       {"REDIS_PREFIX", first.redis_prefix()}}});
  Browser a(first);
  BOOST_TEST(start(a, number(90)).location.rfind("/EnterCode/", 0) == 0);
  Browser b(second);
  BOOST_TEST(start(b, number(90)).location.rfind("/EnterCode/", 0) == 0);
  // The third call to that number is refused by either pool: they count in one place.
  Browser c(first);
  expect_limited(first, c, number(90), "too many calls to this number");
  Browser d(second);
  expect_limited(second, d, number(90), "too many calls to this number");
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
  const Page call = start(other, number(70));
  BOOST_TEST(call.location == "/");
  BOOST_TEST(contains(banner_after(other, call), "service is unavailable"));
  BOOST_TEST(site.sim_stats()["creates"] == creates);
  BOOST_TEST(site.sim_stats()["checks"] == checks);
  BOOST_TEST(other.get("/").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(log_secrets_tests)

BOOST_AUTO_TEST_CASE(logs_of_a_whole_run_hold_no_code_key_cookie_or_full_number) {
  const std::string access_key = "live_secret_access_key_4f1e9c";
  const std::string signing_key = "signing-key-that-must-never-be-logged-0123456789";
  Site site({.env = {{"SIGNING_KEY", signing_key}, {"MAX_ATTEMPTS", "3"}}, .sim_key = access_key});
  Browser browser(site);
  const Page started = start(browser, "06 12345678");
  const std::string code = site.last_code(kDigits);
  browser.post(started.location, {{"token", wrong_code_for(code)}});
  browser.post(started.location, {{"token", code}});
  browser.get("/success");
  Browser failing(site);
  start(failing, "12345");
  site.sim_faults({{"fail_percent", "100"}});
  start(failing, number(80));
  site.stop_pool();

  const std::string logs = site.pool_log() + site.nginx_logs();
  BOOST_TEST(!logs.empty());
  BOOST_TEST(contains(site.pool_log(), "event=number_verified"));
  for (const std::string& secret :
       {code, wrong_code_for(code), access_key, signing_key, kDigits, std::string("612345678"),
        std::string("?token="), std::string("vv_session="), std::string("vv_flash="),
        browser.cookies()["vv_session"]}) {
    BOOST_TEST(!contains(logs, secret), "the logs contain " << secret);
  }
  BOOST_TEST(contains(site.pool_log(), "number=\"+31*******78\""));
}

BOOST_AUTO_TEST_SUITE_END()
