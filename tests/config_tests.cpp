// config::load's checks across keys (src/config/config.cpp): ALLOWED_COUNTRIES resolved after
// DEFAULT_REGION, LISTEN beyond loopback needing FASTCGI_ALLOWED_PEERS, TOTAL_TIMEOUT_MS against
// CONNECT_TIMEOUT_MS and under what the shipped nginx and unit wait for, SIGNING_KEY_PREVIOUS
// differing from SIGNING_KEY.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "config_helpers.hpp"
#include "harness.hpp"

namespace config = voiceverify::config;
using voiceverify::testing::base_env;
using voiceverify::testing::TempDir;

BOOST_AUTO_TEST_SUITE(config_tests)

// Over TCP anyone who can connect may claim any REMOTE_ADDR: beyond loopback only the listed
// nginx hosts may connect.
BOOST_AUTO_TEST_CASE(tcp_listen_beyond_loopback_needs_fastcgi_allowed_peers) {
  auto env = base_env();
  env["LISTEN"] = "0.0.0.0:9000";
  auto result = config::load("", env);
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("FASTCGI_ALLOWED_PEERS") != std::string::npos, result.error);
  env["FASTCGI_ALLOWED_PEERS"] = "10.0.0.5,10.0.0.6";
  result = config::load("", env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->fastcgi_allowed_peers.size() == 2u);
  env["LISTEN"] = "127.0.0.2:9000";  // all of 127/8 is loopback
  env.erase("FASTCGI_ALLOWED_PEERS");
  BOOST_TEST(config::load("", env).config.has_value());
}

// Calls cost money and satellite numbers are the classic toll-fraud target: by default the site
// calls the one country it serves, whichever way DEFAULT_REGION was set.
BOOST_AUTO_TEST_CASE(allowed_countries_unset_means_the_default_region_alone) {
  auto env = base_env();
  env["DEFAULT_REGION"] = "be";
  auto result = config::load("", env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST((result.config->allowed_countries == std::vector<std::string>{"BE"}));
  BOOST_TEST(!result.config->any_geographic_region);

  // DEFAULT_REGION written after the place ALLOWED_COUNTRIES would take, or overridden by the
  // environment: still that region alone.
  const TempDir dir;
  const std::string file = dir.write("vv.conf", "LISTEN=127.0.0.1:9000\nDEFAULT_REGION=GB\n");
  result = config::load(file, base_env());
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST((result.config->allowed_countries == std::vector<std::string>{"GB"}));
  result = config::load(file, env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST((result.config->allowed_countries == std::vector<std::string>{"BE"}));
}

// A "previous" key equal to the key is no rotation at all, most likely a copy-paste slip; the
// message says so without either key.
BOOST_AUTO_TEST_CASE(signing_key_previous_must_differ_from_signing_key) {
  auto env = base_env();
  env["SIGNING_KEY_PREVIOUS"] = voiceverify::testing::kSigningKey;
  auto result = config::load("", env);
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("SIGNING_KEY_PREVIOUS: must differ from SIGNING_KEY") == 0u,
             result.error);
  BOOST_TEST(result.error.find(voiceverify::testing::kSigningKey) == std::string::npos);
  env["SIGNING_KEY_PREVIOUS"] = voiceverify::testing::kSigningKey + "-old";
  result = config::load("", env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->signing_key_previous == voiceverify::testing::kSigningKey + "-old");
}

BOOST_AUTO_TEST_CASE(total_timeout_must_not_be_less_than_connect_timeout) {
  auto env = base_env();
  env["CONNECT_TIMEOUT_MS"] = "5000";
  env["TOTAL_TIMEOUT_MS"] = "4999";
  auto result = config::load("", env);
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error == "TOTAL_TIMEOUT_MS: must not be less than CONNECT_TIMEOUT_MS");
  env["TOTAL_TIMEOUT_MS"] = "5000";
  result = config::load("", env);
  BOOST_TEST(result.config.has_value(), result.error);
}

// What a sysadmin would otherwise find out in production: nginx answering 504, or systemd
// killing a pool that was still answering requests waiting for MessageBird.
BOOST_AUTO_TEST_CASE(the_longest_request_wait_fits_the_shipped_nginx_and_unit_timeouts) {
  const std::string source = VV_SOURCE_DIR;
  const auto value_after = [](const std::string& text, const std::string& key) {
    const auto at = text.find(key);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, key);
    return std::stol(text.substr(at + key.size()));
  };
  const long read_timeout = value_after(
      voiceverify::testing::read_file(source + "/nginx/snippets/voiceverify-locations.conf"),
      "fastcgi_read_timeout ");
  const long stop_timeout = value_after(
      voiceverify::testing::read_file(source + "/systemd/voiceverify.service"), "TimeoutStopSec=");
  BOOST_TEST(read_timeout == config::kShippedWaitLimit.count());
  BOOST_TEST(stop_timeout == config::kShippedWaitLimit.count());
  BOOST_TEST((config::kMaxRequestWait + std::chrono::seconds(5) <= config::kShippedWaitLimit));

  auto env = base_env();
  env["TOTAL_TIMEOUT_MS"] = std::to_string(config::kMaxRequestWait.count() + 1);
  const auto refused = config::load("", env);
  BOOST_TEST(!refused.config.has_value());
  BOOST_TEST(refused.error.find("fastcgi_read_timeout") != std::string::npos, refused.error);
  env["TOTAL_TIMEOUT_MS"] = std::to_string(config::kMaxRequestWait.count());
  BOOST_TEST(config::load("", env).config.has_value());
}

// TEST_NUMBERS (docs/operations.md, "Test numbers"): each number read as the form reads it and
// kept as E.164 digits; each code digits of TOKEN_LENGTH; anything else stops the start, the
// message naming the entry, never the number or the code.
BOOST_AUTO_TEST_CASE(test_numbers_are_read_as_the_form_reads_numbers) {
  auto env = base_env();
  env["TEST_NUMBERS"] = "+31612345678:123456, 06 87654321 : 654321";
  auto result = config::load("", env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  const auto& numbers = result.config->test_numbers;
  BOOST_TEST_REQUIRE(numbers.size() == 2u);
  BOOST_TEST(numbers[0].number == "31612345678");
  BOOST_TEST(numbers[0].code == "123456");
  BOOST_TEST(numbers[1].number == "31687654321");
  BOOST_TEST(numbers[1].code == "654321");
  // Unset or empty: none.
  BOOST_TEST(config::load("", base_env()).config->test_numbers.empty());
  env["TEST_NUMBERS"] = "";
  BOOST_TEST(config::load("", env).config->test_numbers.empty());
  // Eight-digit codes once TOKEN_LENGTH says so.
  env["TEST_NUMBERS"] = "+31612345678:12345678";
  env["TOKEN_LENGTH"] = "8";
  BOOST_TEST(config::load("", env).config.has_value());
}

BOOST_AUTO_TEST_CASE(a_bad_test_number_entry_stops_the_start) {
  const std::pair<std::string, std::string> refused[] = {
      {"+31612345678", "entry 1: must be number:code"},
      {"+31612345678:12a456", "entry 1: the code must be 4 to 10 digits"},
      {"+31612345678:123", "entry 1: the code must be 4 to 10 digits"},
      {"+31612345678:12345678901", "entry 1: the code must be 4 to 10 digits"},
      {":123456", "entry 1: the number must be"},
      {"+31612345678:123456,,+31687654321:654321", "comma-separated list of number:code pairs"},
      {"+31612345678:12345", "entry 1: the code must be TOKEN_LENGTH (6) digits"},
      {"+31612345678:123456,+31 6 1234 5678:654321", "entry 2: the same number as entry 1"},
      {"+31612345678:123456,12:123456", "entry 2: not a valid phone number"},
      {"+32470123456:123456", "entry 1: the number's country is not in ALLOWED_COUNTRIES"},
      {"+31201234567:123456", "entry 1: the number's type is not in ALLOWED_NUMBER_TYPES"},
  };
  for (const auto& [value, says] : refused) {
    auto env = base_env();
    env["TEST_NUMBERS"] = value;
    if (value == "+31201234567:123456") env["ALLOWED_NUMBER_TYPES"] = "mobile";
    const auto result = config::load("", env);
    BOOST_TEST(!result.config.has_value(), value);
    BOOST_TEST(result.error.find("TEST_NUMBERS") == 0, result.error);
    BOOST_TEST(result.error.find(says) != std::string::npos, value + " -> " + result.error);
    BOOST_TEST(result.error.find("612345678") == std::string::npos, result.error);
    BOOST_TEST(result.error.find("123456") == std::string::npos, result.error);
  }
}

BOOST_AUTO_TEST_SUITE_END()
