// The logs of whole runs hold no code, key, cookie or full number; upstream text is masked.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <future>
#include <regex>
#include <thread>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;

BOOST_AUTO_TEST_SUITE(log_secrets_tests)

BOOST_AUTO_TEST_CASE(logs_of_a_whole_run_hold_no_code_key_cookie_or_full_number) {
  const std::string access_key = "live_secret_access_key_4f1e9c";
  const std::string signing_key = "signing-key-that-must-never-be-logged-0123456789";
  const std::string previous_key = "previous-signing-key-never-to-be-logged-987654";
  const std::string store_key = "store-key-that-must-never-be-logged-0123456789";
  Site site({.env = {{"SIGNING_KEY", signing_key},
                     {"SIGNING_KEY_PREVIOUS", previous_key},
                     {"STORE_KEY", store_key},
                     {"MAX_ATTEMPTS", "3"}},
             .sim_key = access_key});
  Browser browser(site);
  const Page started = start(browser, "06 12345678");
  const std::string code = site.last_code(kDigits);
  browser.post(started.location, {{"token", wrong_code_for(code)}});
  browser.post(started.location, {{"token", code}});
  browser.get("/success");
  Browser failing(site);
  start(failing, "12345");
  site.sim_faults({{"fail_percent", "100"}});
  start(failing, nl_number(80));
  site.stop_pool();

  const std::string logs = site.pool_log() + site.nginx_logs();
  BOOST_TEST(!logs.empty());
  BOOST_TEST(contains(site.pool_log(), "event=number_verified"));
  for (const std::string& secret :
       {code, wrong_code_for(code), access_key, signing_key, previous_key, store_key, kDigits,
        std::string("612345678"), std::string("?token="), std::string("vv_session="),
        std::string("vv_flash="), browser.cookies()["vv_session"]}) {
    BOOST_TEST(!contains(logs, secret), "the logs contain " << secret);
  }
  BOOST_TEST(contains(site.pool_log(), "number=\"+31*******78\""));
}

BOOST_AUTO_TEST_CASE(a_number_in_messagebirds_error_text_is_masked_in_the_log) {
  Site site;
  site.sim_faults(
      {{"refuse_recipient", "1"}, {"error_description", "+31612345678 is not a valid recipient"}});
  Browser browser(site);
  const Page answer = start(browser, "06 12345678");
  BOOST_TEST(answer.location == "/");
  const std::string log = site.pool_log();
  BOOST_TEST(contains(log, "+*********78 is not a valid recipient"), log);
  BOOST_TEST(!contains(log, "12345678"), log);
  // Every logged detail holds no six-digit run (only the details: request ids are hex and may
  // hold one by chance).
  const std::regex detail("detail=\"([^\"]*)\"");
  int details = 0;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), detail); it != std::sregex_iterator();
       ++it, ++details) {
    BOOST_TEST(!std::regex_search((*it)[1].str(), std::regex("[0-9]{6}")), (*it)[1].str());
  }
  BOOST_TEST(details > 0);
}

BOOST_AUTO_TEST_SUITE_END()
