// The language and sentence of a call as the MessageBird simulator receives them, through real
// nginx and the pool (docs/operations.md, "The call's language"): the browser's Accept-Language
// first, then the number's region, then LANGUAGE; our sentence when we have one, none otherwise; a
// configured VERIFY_TEMPLATE as is.
#include <boost/test/unit_test.hpp>

#include <string>

#include "harness.hpp"

using voiceverify::testing::Browser;
using voiceverify::testing::contains;
using voiceverify::testing::Page;
using voiceverify::testing::Site;

namespace {

// Example mobiles (libphonenumber's) of the regions the tests call.
constexpr const char* kNl = "31612345678";
constexpr const char* kFr = "33612345678";
constexpr const char* kSe = "46701234567";  // Sweden: no TTS language of its own
constexpr const char* kDe = "4915123456789";

Site::Spoken call(Site& site, const std::string& digits, const std::string& accept_language) {
  Browser browser(site);
  if (!accept_language.empty()) browser.headers["Accept-Language"] = accept_language;
  BOOST_TEST_REQUIRE(browser.get("/").status == 200);  // the form's CSRF token
  const Page started = browser.post("/", {{"number", "+" + digits}});
  BOOST_TEST_REQUIRE(started.status == 303);
  BOOST_TEST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0u, started.location);
  const Site::Spoken spoken = site.last_create(digits);
  BOOST_TEST_REQUIRE(spoken.found);
  return spoken;
}

voiceverify::testing::SiteOptions calling(std::map<std::string, std::string> extra = {}) {
  extra.emplace("ALLOWED_COUNTRIES", "NL,FR,SE,DE");
  extra.emplace("RESEND_INTERVAL", "0");
  extra.emplace("LIMIT_IP_HOUR", "100");
  extra.emplace("LIMIT_GLOBAL_HOUR", "100");
  extra.emplace("LIMIT_NUMBER_10MIN", "10");
  extra.emplace("LIMIT_NUMBER_DAY", "20");
  extra.emplace("LIMIT_NUMBER_PER_CLIENT_DAY", "20");
  return {.env = std::move(extra)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(call_language_integration_tests)

BOOST_AUTO_TEST_CASE(the_call_speaks_the_browsers_language_else_the_regions_else_language) {
  Site site(calling({{"LANGUAGE", "en-us"}}));

  const auto german = call(site, kNl, "de-DE,de;q=0.9");
  BOOST_TEST(german.language.value_or("(none)") == "de-de");
  BOOST_TEST(german.template_text.value_or("(none)") ==
             "Ihr Sicherheitscode lautet %token. Noch einmal: %token.");

  const auto french = call(site, kFr, "");
  BOOST_TEST(french.language.value_or("(none)") == "fr-fr");
  BOOST_TEST(french.template_text.value_or("(none)") ==
             "Votre code de sécurité est %token. Je répète : %token.");

  const auto dutch = call(site, kNl, "");
  BOOST_TEST(dutch.language.value_or("(none)") == "nl-nl");
  BOOST_TEST(dutch.template_text.value_or("(none)") ==
             "Uw beveiligingscode is %token. Nogmaals: %token.");

  // A bare language takes the number's region's variant, else its default one.
  BOOST_TEST(call(site, kDe, "en").language.value_or("(none)") == "en-gb");
  BOOST_TEST(call(site, kNl, "es;q=0.8,da").language.value_or("(none)") == "es-es");

  // Sweden has no TTS language: LANGUAGE (en-us here, so not taken for a default).
  const auto swedish = call(site, kSe, "sv-SE,sv;q=0.9");
  BOOST_TEST(swedish.language.value_or("(none)") == "en-us");
  BOOST_TEST(swedish.template_text.value_or("(none)") ==
             "Your security code is %token. Again: %token.");

  // A TTS language we have no sentence for: no template, MessageBird speaks its own.
  const auto japanese = call(site, kNl, "ja-JP,ja;q=0.9");
  BOOST_TEST(japanese.language.value_or("(none)") == "ja-jp");
  BOOST_TEST(!japanese.template_text.has_value());

  // The header is never written to the log as it came.
  call(site, kFr, "fr-FR,xx-Marker9q;q=0.5");
  BOOST_TEST(!contains(site.pool_log(), "Marker9q"));
  BOOST_TEST(!contains(site.pool_log(), "marker9q"));
}

BOOST_AUTO_TEST_CASE(a_configured_verify_template_is_sent_as_is) {
  Site site(calling({{"VERIFY_TEMPLATE", "Code: %token, nogmaals %token."}}));
  const auto japanese = call(site, kNl, "ja-JP");
  BOOST_TEST(japanese.language.value_or("(none)") == "ja-jp");
  BOOST_TEST(japanese.template_text.value_or("(none)") == "Code: %token, nogmaals %token.");
  const auto french = call(site, kFr, "");
  BOOST_TEST(french.language.value_or("(none)") == "fr-fr");
  BOOST_TEST(french.template_text.value_or("(none)") == "Code: %token, nogmaals %token.");
}

BOOST_AUTO_TEST_SUITE_END()
