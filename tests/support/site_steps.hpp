// Small steps the integration suites share: numbers, starting a call, and what a person sees.
#pragma once

#include <boost/test/unit_test.hpp>
#include <string>

#include "harness.hpp"

namespace voiceverify::testing {

inline const std::string kNumber = "06 12345678";  // NL mobile under DEFAULT_REGION=NL
inline const std::string kDigits = "31612345678";

// "06 1234 56NN" for n in 0..99: distinct valid NL mobile numbers.
inline std::string nl_number(int n) {
  return "06 123456" + std::string(n < 10 ? "0" : "") + std::to_string(n);
}

// Loads the form (for the CSRF token), then posts `num`; returns the answer.
inline Page start(Browser& browser, const std::string& num) {
  browser.get("/");
  return browser.post("/", {{"number", num}});
}

// The site answers a fresh browser with the phone form: it survived whatever came before.
inline void expect_still_serving(const Site& site) {
  Browser fresh(site);
  const Page page = fresh.get("/");
  BOOST_TEST(page.status == 200);
  BOOST_TEST(contains(page.body, "name=\"number\""));
}

// Enters the number and returns the 303 answer.
inline Page submit_number(Browser& browser, const std::string& number = kNumber) {
  BOOST_REQUIRE(browser.get("/").status == 200);
  return browser.post("/", {{"number", number}});
}

// Submits the number, follows to the code page; returns the code page path.
inline std::string reach_code_page(Browser& browser) {
  const Page started = submit_number(browser);
  BOOST_REQUIRE_EQUAL(started.status, 303);
  BOOST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0);
  const Page code_page = browser.follow(started);
  BOOST_REQUIRE_EQUAL(code_page.status, 200);
  return started.location;
}

// A limit refusal: 303 to the form, a banner saying when to try again, no call upstream.
inline void expect_limited(Site& site, Browser& browser, const std::string& num,
                           const std::string& says) {
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

}  // namespace voiceverify::testing
