// The code page through real nginx, the pool and the simulator (docs/architecture.md, "The code
// page"): the time the code has left, "call me again" too early (a banner, no call), after the
// interval (a second call whose code works) and refused by a limit (a banner on the code page),
// "use a different number" (a DELETE upstream, the empty number form, also when the DELETE
// fails), a double submission from one browser (one call, one code page), the countdown script
// under the CSP, and the success page's way back.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <thread>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;

namespace {

// The code page's path with one of its buttons' suffixes.
std::string button(const std::string& code_path, const std::string& suffix) {
  return code_path + suffix;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(code_page_integration_tests)

BOOST_AUTO_TEST_CASE(the_code_page_says_how_long_the_code_works_and_when_to_ask_again) {
  Site site({.env = {{"RESEND_INTERVAL", "45"}, {"CODE_TIMEOUT", "300"}}});
  Browser browser(site);
  const Page started = submit_number(browser);
  BOOST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0);
  const Page page = browser.follow(started);
  BOOST_TEST(page.status == 200);
  BOOST_TEST(contains(page.body, "The code works for 5 minutes."), page.body);
  BOOST_TEST((contains(page.body, "You can ask for a new call in 45 seconds.") ||
              contains(page.body, "You can ask for a new call in 44 seconds.")),
             page.body);
  BOOST_TEST(contains(page.body, "action=\"" + started.location + "/call-again\""));
  BOOST_TEST(contains(page.body, "action=\"" + started.location + "/other-number\""));
  BOOST_TEST(contains(page.body, "<script src=\"/static/countdown.js\""));
  // The script is a file nginx serves, allowed by the CSP; no inline script.
  BOOST_TEST(contains(page.header("Content-Security-Policy"), "script-src 'self'"));
  BOOST_TEST(!contains(page.body, "<script>"));
  const Page script = browser.get("/static/countdown.js");
  BOOST_TEST(script.status == 200);
  BOOST_TEST(contains(script.header("Content-Type"), "javascript"));
  BOOST_TEST(contains(script.body, "call-again-wait"));
}

BOOST_AUTO_TEST_CASE(call_me_again_too_early_is_a_banner_and_no_call) {
  Site site({.env = {{"RESEND_INTERVAL", "60"}}});
  Browser browser(site);
  const std::string code_path = reach_code_page(browser);
  const long creates = site.sim_stats()["creates"];
  const Page early = browser.post(button(code_path, "/call-again"), {});
  BOOST_TEST(early.status == 303);
  BOOST_TEST(early.location == code_path);
  const Page page = browser.follow(early);
  BOOST_TEST(contains(page.banner(), "You can ask for a new call in"), page.banner());
  BOOST_TEST(site.sim_stats()["creates"] == creates);
  BOOST_TEST(site.sim_stats()["deletes"] == 0);
  // The code still works.
  BOOST_TEST(browser.post(code_path, {{"token", site.last_code(kDigits)}}).location == "/success");
}

BOOST_AUTO_TEST_CASE(call_me_again_after_the_interval_places_a_new_call_whose_code_works) {
  Site site({.env = {{"RESEND_INTERVAL", "1"}}});
  Browser browser(site);
  const std::string code_path = reach_code_page(browser);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  const Page page = browser.get(code_path);
  BOOST_TEST(contains(page.body, "Did not get the call?"), page.body);
  const Page again = browser.post(button(code_path, "/call-again"), {});
  BOOST_TEST(again.status == 303);
  BOOST_TEST_REQUIRE(again.location.rfind("/EnterCode/", 0) == 0);
  BOOST_TEST(again.location != code_path);
  BOOST_TEST(site.sim_stats()["creates"] == 2);
  BOOST_TEST(site.sim_stats()["deletes"] == 1);
  const Page new_page = browser.follow(again);
  BOOST_TEST(new_page.status == 200);
  BOOST_TEST(new_page.banner().empty(), new_page.banner());
  BOOST_TEST(contains(new_page.body, "+31 * ******78"));
  // The old page is gone; the new call's code verifies.
  BOOST_TEST(browser.get(code_path).location == "/");
  const Page checked = browser.post(again.location, {{"token", site.last_code(kDigits)}});
  BOOST_TEST(checked.location == "/success");
  const Page success = browser.follow(checked);
  BOOST_TEST(contains(success.body, "<a href=\"/\">Verify another number</a>"), success.body);
  // Nothing of the number in clear in the pool's log.
  BOOST_TEST(!contains(site.pool_log(), "12345678"));
}

BOOST_AUTO_TEST_CASE(call_me_again_refused_by_a_limit_is_a_banner_on_the_code_page) {
  Site site({.env = {{"RESEND_INTERVAL", "1"}, {"LIMIT_NUMBER_10MIN", "1"}}});
  Browser browser(site);
  const std::string code_path = reach_code_page(browser);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  const long creates = site.sim_stats()["creates"];
  const Page refused = browser.post(button(code_path, "/call-again"), {});
  BOOST_TEST(refused.status == 303);
  BOOST_TEST(refused.location == code_path);
  const Page page = browser.follow(refused);
  BOOST_TEST(page.status == 200);
  BOOST_TEST(contains(page.banner(), "too many calls to this number"), page.banner());
  BOOST_TEST(site.sim_stats()["creates"] == creates);
  BOOST_TEST(site.sim_stats()["deletes"] == 0);
  BOOST_TEST(contains(site.pool_log(), "level=warning event=limit_hit"));
  BOOST_TEST(browser.post(code_path, {{"token", site.last_code(kDigits)}}).location == "/success");
}

BOOST_AUTO_TEST_CASE(a_different_number_cancels_upstream_and_shows_the_empty_form) {
  Site site({.env = {{"RESEND_INTERVAL", "60"}}});
  Browser browser(site);
  const std::string code_path = reach_code_page(browser);
  const std::string code = site.last_code(kDigits);
  const Page gave_up = browser.post(button(code_path, "/other-number"), {});
  BOOST_TEST(gave_up.status == 303);
  BOOST_TEST(gave_up.location == "/");
  BOOST_TEST(site.sim_stats()["deletes"] == 1);
  const Page form = browser.follow(gave_up);
  BOOST_TEST(form.status == 200);
  BOOST_TEST(form.banner().empty(), form.banner());
  // The number field is empty: its tag carries no value.
  const auto field = form.body.find("<input id=\"number\"");
  BOOST_TEST_REQUIRE(field != std::string::npos);
  const std::string tag = form.body.substr(field, form.body.find('>', field) - field);
  BOOST_TEST(!contains(tag, "value="), tag);
  // The verification is forgotten: its page and its code are gone for this browser.
  BOOST_TEST(browser.get(code_path).location == "/");
  const long checks = site.sim_stats()["checks"];
  BOOST_TEST(browser.post(code_path, {{"token", code}}).location == "/");
  BOOST_TEST(site.sim_stats()["checks"] == checks);
  // Another number is called at once.
  BOOST_TEST(browser.post("/", {{"number", nl_number(7)}}).location.rfind("/EnterCode/", 0) == 0);
}

BOOST_AUTO_TEST_CASE(a_different_number_returns_to_the_form_when_the_cancel_fails) {
  Site site;
  Browser browser(site);
  const std::string code_path = reach_code_page(browser);
  site.sim_faults({{"fail_percent", "100"}});
  const Page gave_up = browser.post(button(code_path, "/other-number"), {});
  BOOST_TEST(gave_up.status == 303);
  BOOST_TEST(gave_up.location == "/");
  BOOST_TEST(browser.follow(gave_up).status == 200);
  BOOST_TEST(browser.get(code_path).location == "/");
  BOOST_TEST(contains(site.pool_log(), "level=warning event=cancel_failed"));
}

BOOST_AUTO_TEST_CASE(two_submissions_of_one_number_at_once_place_one_call) {
  Site site({.env = {{"RESEND_INTERVAL", "60"}}});
  Browser first(site);
  BOOST_REQUIRE(first.get("/").status == 200);
  // A second connection carrying the very same cookie, as a double click sends it.
  Browser second(site);
  second.cookies() = first.cookies();
  const std::string csrf = first.last_csrf();
  auto send = [&csrf](Browser& browser) {
    return browser.post("/", {{"number", kNumber}, {"csrf_token", csrf}});
  };
  auto a = std::async(std::launch::async, [&] { return send(first); });
  auto b = std::async(std::launch::async, [&] { return send(second); });
  const Page pa = a.get();
  const Page pb = b.get();
  BOOST_TEST(pa.status == 303);
  BOOST_TEST(pb.status == 303);
  BOOST_TEST(pa.location.rfind("/EnterCode/", 0) == 0, pa.location);
  BOOST_TEST(pa.location == pb.location);
  BOOST_TEST(site.sim_stats()["creates"] == 1);
  BOOST_TEST(site.sim_stats()["deletes"] == 0);
  for (Browser* browser : {&first, &second}) {
    const Page page = browser->get(pa.location);
    BOOST_TEST(page.status == 200);
    BOOST_TEST(page.banner().empty(), page.banner());
  }
  BOOST_TEST(first.post(pa.location, {{"token", site.last_code(kDigits)}}).location == "/success");
}

BOOST_AUTO_TEST_SUITE_END()
