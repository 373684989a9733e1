// config::load's checks across keys (src/config/config.cpp): ALLOWED_COUNTRIES resolved after
// DEFAULT_REGION, LISTEN beyond loopback needing FASTCGI_ALLOWED_PEERS, TOTAL_TIMEOUT_MS against
// CONNECT_TIMEOUT_MS.
#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config_helpers.hpp"

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

BOOST_AUTO_TEST_SUITE_END()
