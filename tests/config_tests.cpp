// config::load's checks across keys (src/config/config.cpp): ALLOWED_COUNTRIES resolved after
// DEFAULT_REGION, LISTEN beyond loopback needing FASTCGI_ALLOWED_PEERS, TOTAL_TIMEOUT_MS against
// CONNECT_TIMEOUT_MS and under what the shipped nginx and unit wait for, SIGNING_KEY_PREVIOUS
// differing from SIGNING_KEY.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <string>
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

BOOST_AUTO_TEST_SUITE_END()
