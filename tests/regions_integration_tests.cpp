// Numbers from around the world through real nginx, the pool and the MessageBird simulator, as
// a person would type them: each country's example mobile, in libphonenumber's international
// format, must get from the form to the code page and, with the spoken code, to /success. A
// country whose numbers are formatted differently (NANP's dashes, Russia's, Japan's...) must not
// be a paid call that ends back on the form. And the countries we do not call, satellite phones
// first, are refused before anything is paid.
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "harness.hpp"

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;
using voiceverify::testing::banner_after;
using voiceverify::testing::Browser;
using voiceverify::testing::contains;
using voiceverify::testing::Page;
using voiceverify::testing::Site;
using voiceverify::testing::SiteOptions;

namespace {

struct Example {
  std::string typed;   // "+1 201-555-0123": what the person types
  std::string digits;  // "12015550123": what the simulator was asked to call
};

Example example_mobile(const std::string& region) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  BOOST_TEST_REQUIRE(util.GetExampleNumberForType(region, PhoneNumberUtil::MOBILE, &number),
                     region);
  Example example;
  util.Format(number, PhoneNumberUtil::INTERNATIONAL, &example.typed);
  util.Format(number, PhoneNumberUtil::E164, &example.digits);
  example.digits.erase(0, 1);
  return example;
}

const std::vector<std::string> kRegions{"US", "CA", "RU", "BR", "JP", "KR", "AR", "MX", "IN", "CN",
                                        "DE", "FR", "GB", "IT", "ES", "AU", "ZA", "NG", "BE", "NL"};

// libphonenumber's example number of a non-geographic calling code (+881 Iridium, +870 Inmarsat).
Example example_non_geographic(int calling_code) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  BOOST_TEST_REQUIRE(util.GetExampleNumberForNonGeoEntity(calling_code, &number), calling_code);
  Example example;
  util.Format(number, PhoneNumberUtil::INTERNATIONAL, &example.typed);
  util.Format(number, PhoneNumberUtil::E164, &example.digits);
  example.digits.erase(0, 1);
  return example;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(regions_integration_tests)

BOOST_AUTO_TEST_CASE(example_mobiles_of_twenty_countries_are_verified_end_to_end) {
  // Twenty calls from one address: limits high enough that only a bug can stop one.
  Site site({.env = {{"ALLOWED_COUNTRIES", joined(kRegions)},
                     {"LIMIT_IP_HOUR", "100"},
                     {"LIMIT_GLOBAL_HOUR", "100"},
                     {"LIMIT_NUMBER_10MIN", "5"},
                     {"RESEND_INTERVAL", "0"}}});
  for (const std::string& region : kRegions) {
    const Example example = example_mobile(region);
    BOOST_TEST_CONTEXT(region << " '" << example.typed << "'") {
      Browser browser(site);
      BOOST_REQUIRE(browser.get("/").status == 200);
      const Page started = browser.post("/", {{"number", example.typed}});
      BOOST_TEST_REQUIRE(started.status == 303);
      BOOST_TEST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0u, started.location);
      const Page code_page = browser.follow(started);
      BOOST_TEST_REQUIRE(code_page.status == 200, code_page.location);
      BOOST_TEST(contains(code_page.body, "Enter your verification code"));
      BOOST_TEST(!contains(code_page.body, example.digits.substr(example.digits.size() - 6)));

      const std::string code = site.last_code(example.digits);
      BOOST_TEST_REQUIRE(!code.empty());
      const Page checked = browser.post(started.location, {{"token", code}});
      BOOST_TEST(checked.location == "/success");
      const Page success = browser.follow(checked);
      BOOST_TEST(contains(success.body, "You have successfully verified your phone number."));
    }
  }
  BOOST_TEST(site.sim_stats()["creates"] == static_cast<long>(kRegions.size()));
}

// Satellite phones are the dearest calls and the classic toll-fraud target: with the shipped
// configuration they are refused like any country outside the list (and so is any country but
// the default region's), with the banner, a warning in the log and nothing sent to MessageBird.
BOOST_AUTO_TEST_CASE(satellite_numbers_are_refused_by_default_and_called_when_001_is_listed) {
  const std::vector<Example> satellite{example_non_geographic(881), example_non_geographic(870)};
  {
    Site site;
    std::vector<std::string> refused{"+32 470 12 34 56"};  // a Belgian mobile, under NL
    for (const auto& example : satellite) refused.push_back(example.typed);
    for (const std::string& typed : refused) {
      Browser browser(site);
      BOOST_REQUIRE(browser.get("/").status == 200);
      const Page answer = browser.post("/", {{"number", typed}});
      BOOST_TEST(answer.location == "/", typed);
      BOOST_TEST(contains(banner_after(browser, answer), "cannot call numbers in that country"),
                 typed);
    }
    BOOST_TEST(site.sim_stats()["creates"] == 0);
    BOOST_TEST(contains(site.pool_log(), "level=warning event=number_refused"));
    BOOST_TEST(contains(site.pool_log(), "reason=\"country\" region=\"001\" type=\"mobile\""));
    // Masked as every log line masks a number: "+88" and the last two digits.
    const std::string& digits = satellite[0].digits;
    const std::string logged = "+" + digits.substr(0, 2) + std::string(digits.size() - 4, '*') +
                               digits.substr(digits.size() - 2);
    BOOST_TEST(contains(site.pool_log(), "number=\"" + logged + "\""), logged);
    BOOST_TEST(!contains(site.pool_log(), satellite[0].digits));
  }
  {
    Site site({.env = {{"ALLOWED_COUNTRIES", "NL,001"}}});
    for (const auto& example : satellite) {
      Browser browser(site);
      BOOST_REQUIRE(browser.get("/").status == 200);
      const Page started = browser.post("/", {{"number", example.typed}});
      BOOST_TEST(started.location.rfind("/EnterCode/", 0) == 0u, example.typed);
      BOOST_TEST(browser.follow(started).status == 200, example.typed);
      BOOST_TEST(!site.last_code(example.digits).empty(), example.typed);
    }
    BOOST_TEST(site.sim_stats()["creates"] == 2);
  }
}

BOOST_AUTO_TEST_SUITE_END()
