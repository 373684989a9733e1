// The pages in the visitor's language, through real nginx, the pool and the simulator
// (docs/architecture.md, "The page's language"): Accept-Language picks Dutch or English for
// every page, <html lang> included; a banner carried across the redirect is in the language of
// the page that shows it; error pages the pool renders follow too; every page says Vary.
#include <boost/test/unit_test.hpp>

#include <string>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;

namespace {

constexpr const char* kDutch = "nl-NL,nl;q=0.9,en;q=0.8";

Browser speaking(const Site& site, const std::string& accept_language) {
  Browser browser(site);
  if (!accept_language.empty()) browser.headers["Accept-Language"] = accept_language;
  return browser;
}

void expect_language(const Page& page, const std::string& tag) {
  BOOST_TEST(contains(page.body, "<html lang=\"" + tag + "\">"), page.body);
  BOOST_TEST(contains(page.header("Vary"), "Accept-Language"), page.header("Vary"));
  BOOST_TEST(page.header("Cache-Control") == "no-store");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(page_language_integration_tests)

BOOST_AUTO_TEST_CASE(every_page_of_a_call_is_dutch_for_a_dutch_browser) {
  Site site({.env = {{"MAX_ATTEMPTS", "3"}}});
  Browser dutch = speaking(site, kDutch);
  const Page form = dutch.get("/");
  BOOST_TEST(form.status == 200);
  expect_language(form, "nl");
  BOOST_TEST(contains(form.body, "Verifieer uw telefoonnummer"));
  BOOST_TEST(contains(form.body, "Code versturen"));
  BOOST_TEST(!contains(form.body, "Send code"));

  const Page started = dutch.post("/", {{"number", kNumber}});
  BOOST_TEST_REQUIRE(started.status == 303);
  BOOST_TEST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0u, started.location);
  const Page code_page = dutch.follow(started);
  expect_language(code_page, "nl");
  BOOST_TEST(contains(code_page.body, "typ de code van 6 cijfers die u hoort"));
  BOOST_TEST(contains(code_page.body, "De code is 5 minuten geldig."));
  BOOST_TEST(contains(code_page.body, "Bel mij opnieuw"));

  const std::string code = site.last_code(kDigits);
  const Page wrong = dutch.post(started.location, {{"token", wrong_code_for(code)}});
  const std::string tries_left = banner_after(dutch, wrong);
  BOOST_TEST(tries_left == "Die code klopt niet. U hebt nog 2 pogingen.", tries_left);
  const Page checked = dutch.post(started.location, {{"token", code}});
  BOOST_TEST_REQUIRE(checked.location == "/success");
  const Page success = dutch.follow(checked);
  expect_language(success, "nl");
  BOOST_TEST(contains(success.body, "Uw telefoonnummer is geverifieerd."));
  // The header chooses the words only: it is never written to the log.
  BOOST_TEST(!contains(site.pool_log(), "nl-NL"));

  // A browser that prefers a language we have no pages in, or none, gets English.
  for (const std::string other : {"de-DE,de;q=0.9", "", "nl;q=0"}) {
    Browser browser = speaking(site, other);
    const Page page = browser.get("/");
    expect_language(page, "en");
    BOOST_TEST(contains(page.body, "Send code"), other);
  }
}

BOOST_AUTO_TEST_CASE(a_banner_is_in_the_language_of_the_page_that_shows_it) {
  Site site;
  Browser dutch = speaking(site, "nl");
  const Page refused = submit_number(dutch, "12345");
  BOOST_TEST_REQUIRE(refused.status == 303);
  BOOST_TEST(refused.location == "/");

  // The same flash cookie (a message id and a number, no words) shown to an English browser.
  Browser english = speaking(site, "en-US,nl;q=0.5");
  english.cookies() = dutch.cookies();

  const Page shown_in_dutch = dutch.follow(refused);
  expect_language(shown_in_dutch, "nl");
  BOOST_TEST(contains(shown_in_dutch.banner(), "Controleer het nummer"), shown_in_dutch.banner());

  const Page shown_in_english = english.follow(refused);
  expect_language(shown_in_english, "en");
  BOOST_TEST(contains(shown_in_english.banner(), "check the number"), shown_in_english.banner());

  // An empty number: the "missing" banner, in Dutch.
  const Page empty = submit_number(dutch, "");
  BOOST_TEST(banner_after(dutch, empty) == "Vul uw telefoonnummer in.");
}

BOOST_AUTO_TEST_CASE(the_pools_error_pages_are_in_the_browsers_language) {
  Site site;
  Browser dutch = speaking(site, "nl-BE");
  const Page missing = dutch.get("/no/such/page");
  BOOST_TEST(missing.status == 404);
  expect_language(missing, "nl");
  BOOST_TEST(contains(missing.body, "Pagina niet gevonden"));
  BOOST_TEST(contains(missing.body, "Fout 404"));

  const Page not_allowed = dutch.post("/success", {});
  BOOST_TEST(not_allowed.status == 405);
  expect_language(not_allowed, "nl");
  BOOST_TEST(contains(not_allowed.body, "Methode niet toegestaan"));

  Browser english(site);
  const Page english_missing = english.get("/no/such/page");
  BOOST_TEST(english_missing.status == 404);
  expect_language(english_missing, "en");
  BOOST_TEST(contains(english_missing.body, "Page not found"));
}

BOOST_AUTO_TEST_SUITE_END()
