// Hostile input through real nginx: XSS in every field and in upstream error text, hostile
// verify ids, malformed forms, forged and replayed cookies, numbers we refuse to pay for.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <future>
#include <regex>
#include <thread>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;

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
