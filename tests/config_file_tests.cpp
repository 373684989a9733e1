// The config file reader and the environment overrides (src/config/file.cpp): the seed guide's
// KEY=VALUE format, line numbers in errors without the values, the environment over the file, and
// the example file that documents every key.
#include <stdlib.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/file.hpp"
#include "config_helpers.hpp"

namespace config = voiceverify::config;
using voiceverify::guard::LimitWindow;
using voiceverify::testing::base_env;
using voiceverify::testing::env_with;
using voiceverify::testing::kAccessKey;
using voiceverify::testing::kSigningKey;
using voiceverify::testing::TempDir;

BOOST_AUTO_TEST_SUITE(config_file_tests)

BOOST_AUTO_TEST_CASE(file_format_comments_spaces_quotes_and_crlf) {
  const TempDir dir;
  const std::string file = dir.write("vv.conf",
                                     "# voiceverify\n"
                                     "\n"
                                     "MESSAGEBIRD_ACCESS_KEY=" +
                                         kAccessKey +
                                         "\n"
                                         "  SIGNING_KEY = \"" +
                                         kSigningKey +
                                         "\"  \n"
                                         "\t# indented comment\n"
                                         "VERIFY_TEMPLATE = Je code is %token.\r\n"
                                         "VOICE=\"male\"\n"
                                         "ORIGINATOR=\"\"\n"
                                         "THREADS=4\r\n"
                                         "LANGUAGE=nl-nl");  // no final newline
  const auto result = config::load(file, {});
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  const config::Config& c = *result.config;
  BOOST_TEST(c.messagebird_access_key == kAccessKey);
  BOOST_TEST(c.signing_key == kSigningKey);
  BOOST_TEST(c.verify_template == "Je code is %token.");
  BOOST_TEST(c.voice == "male");
  BOOST_TEST(c.originator.empty());
  BOOST_TEST(c.threads == 4);
  BOOST_TEST(c.language == "nl-nl");
}

BOOST_AUTO_TEST_CASE(environment_overrides_the_file) {
  const TempDir dir;
  const std::string file = dir.write("vv.conf",
                                     "MESSAGEBIRD_ACCESS_KEY=file_key_0123\n"
                                     "SIGNING_KEY=" +
                                         kSigningKey +
                                         "\n"
                                         "THREADS=4\n"
                                         "VOICE=male\n");
  const auto result = config::load(
      file, {{"MESSAGEBIRD_ACCESS_KEY", "env_key_4567"}, {"THREADS", "8"}, {"UNRELATED", "x"}});
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->messagebird_access_key == "env_key_4567");
  BOOST_TEST(result.config->threads == 8);
  BOOST_TEST(result.config->voice == "male");  // not overridden: the file's value stands
}

BOOST_AUTO_TEST_CASE(an_environment_override_can_fix_a_bad_file_value) {
  const TempDir dir;
  const std::string file = dir.write("vv.conf", "THREADS=0\n");
  BOOST_TEST(!config::load(file, base_env()).config.has_value());
  BOOST_TEST(config::load(file, env_with("THREADS", "2")).config.has_value());
}

BOOST_AUTO_TEST_CASE(unknown_key_names_the_line_not_the_value) {
  const TempDir dir;
  const std::string file =
      dir.write("vv.conf", "# seed guide leftovers\n\nSECRET_KEY=SECRETvalue\n");
  const auto result = config::load(file, base_env());
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("line 3") != std::string::npos, result.error);
  BOOST_TEST(result.error.find("unknown key SECRET_KEY") != std::string::npos, result.error);
  BOOST_TEST(result.error.find("SECRETvalue") == std::string::npos, result.error);
}

BOOST_AUTO_TEST_CASE(unknown_key_that_does_not_look_like_a_key_is_not_echoed) {
  const TempDir dir;
  const std::string file = dir.write("vv.conf", "\x1b]0;live_SECRET x=1\n");
  const auto result = config::load(file, base_env());
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("line 1") != std::string::npos, result.error);
  BOOST_TEST(result.error.find("SECRET") == std::string::npos, result.error);
  BOOST_TEST(result.error.find('\x1b') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_line_without_equals_is_an_error_without_echo) {
  const TempDir dir;
  // Someone pasted the key on a line of its own.
  const std::string file = dir.write("vv.conf", "THREADS=2\nlive_SECRETpasted\n");
  const auto result = config::load(file, base_env());
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("line 2") != std::string::npos, result.error);
  BOOST_TEST(result.error.find("SECRET") == std::string::npos, result.error);
}

BOOST_AUTO_TEST_CASE(a_key_set_twice_in_the_file_is_an_error) {
  const TempDir dir;
  const std::string file = dir.write("vv.conf", "THREADS=2\nVOICE=male\nTHREADS=3\n");
  const auto result = config::load(file, base_env());
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("THREADS") != std::string::npos, result.error);
  BOOST_TEST(result.error.find("line 3") != std::string::npos, result.error);
  BOOST_TEST(result.error.find("line 1") != std::string::npos, result.error);
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_error) {
  const TempDir dir;
  const auto result = config::load(dir.path() + "/absent.conf", base_env());
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("absent.conf") != std::string::npos, result.error);
  BOOST_TEST(result.error.find("cannot open") != std::string::npos, result.error);
}

BOOST_AUTO_TEST_CASE(a_directory_is_not_a_config_file) {
  const TempDir dir;
  const auto result = config::load(dir.path(), base_env());
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(!result.error.empty());
}

BOOST_AUTO_TEST_CASE(example_file_lists_every_key_and_loads_to_the_defaults) {
  const std::string example = std::string(VV_SOURCE_DIR) + "/voiceverify.conf.example";
  std::ifstream in(example);
  BOOST_TEST_REQUIRE(in.good(), example);
  std::vector<std::string> keys_in_order;
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    keys_in_order.push_back(line.substr(0, eq));
  }
  BOOST_TEST(keys_in_order == config::known_keys(), boost::test_tools::per_element());

  // The secrets are left empty in the example: it must fail until they are filled in...
  const auto empty = config::load(example, {});
  BOOST_TEST(!empty.config.has_value());
  BOOST_TEST(empty.error.find("MESSAGEBIRD_ACCESS_KEY") != std::string::npos, empty.error);
  // ...and with them, it must give exactly the built-in defaults.
  // (SIGNING_KEY_FILE and STORE_KEY_FILE name files the package creates; here the signing key
  // comes from the environment and the store key is derived from it.)
  auto env = env_with("SIGNING_KEY_FILE", "");
  env["STORE_KEY_FILE"] = "";
  const auto loaded = config::load(example, env);
  BOOST_TEST_REQUIRE(loaded.config.has_value(), loaded.error);
  const auto defaults = config::load("", base_env());
  BOOST_TEST_REQUIRE(defaults.config.has_value());
  const config::Config& a = *loaded.config;
  const config::Config& b = *defaults.config;
  BOOST_TEST(a.messagebird_endpoint == b.messagebird_endpoint);
  BOOST_TEST(a.verify_template == b.verify_template);
  BOOST_TEST(a.token_length == b.token_length);
  BOOST_TEST(a.code_timeout.count() == b.code_timeout.count());
  BOOST_TEST(a.window_sizes[LimitWindow::Attempts] == b.window_sizes[LimitWindow::Attempts]);
  BOOST_TEST(a.voice == b.voice);
  BOOST_TEST(a.language == b.language);
  BOOST_TEST(a.originator == b.originator);
  BOOST_TEST(a.default_region == b.default_region);
  BOOST_TEST(a.listen == b.listen);
  BOOST_TEST(a.fastcgi_allowed_peers == b.fastcgi_allowed_peers, boost::test_tools::per_element());
  BOOST_TEST(a.threads == b.threads);
  BOOST_TEST(a.connect_timeout.count() == b.connect_timeout.count());
  BOOST_TEST(a.total_timeout.count() == b.total_timeout.count());
  BOOST_TEST(a.templates_dir == b.templates_dir);
  BOOST_TEST(a.max_body_bytes == b.max_body_bytes);
  BOOST_TEST((a.allowed_number_types == b.allowed_number_types));
  BOOST_TEST(a.allowed_countries == b.allowed_countries, boost::test_tools::per_element());
  BOOST_TEST(a.any_geographic_region == b.any_geographic_region);
  BOOST_TEST(a.window_sizes[LimitWindow::Resend] == b.window_sizes[LimitWindow::Resend]);
  BOOST_TEST(a.metrics_allow.empty() == b.metrics_allow.empty());
  BOOST_TEST(a.metrics_allow.allows("::1"));
  BOOST_TEST(!a.metrics_allow.allows("192.0.2.7"));
  BOOST_TEST(a.store_key == b.store_key);
  BOOST_TEST(a.window_sizes[LimitWindow::Number10Min] == b.window_sizes[LimitWindow::Number10Min]);
  BOOST_TEST(a.window_sizes[LimitWindow::NumberDay] == b.window_sizes[LimitWindow::NumberDay]);
  BOOST_TEST(a.window_sizes[LimitWindow::ClientHour] == b.window_sizes[LimitWindow::ClientHour]);
  BOOST_TEST(a.limit_ipv6_prefix == b.limit_ipv6_prefix);
  BOOST_TEST(a.window_sizes[LimitWindow::GlobalHour] == b.window_sizes[LimitWindow::GlobalHour]);
  BOOST_TEST((a.redis_url == b.redis_url));
  BOOST_TEST(a.redis_prefix == b.redis_prefix);
}

BOOST_AUTO_TEST_CASE(environment_reads_the_process_environment) {
  ::setenv("VOICEVERIFY_CONFIG_TEST_VAR", "a=b c", 1);
  const auto env = config::environment();
  ::unsetenv("VOICEVERIFY_CONFIG_TEST_VAR");
  const auto it = env.find("VOICEVERIFY_CONFIG_TEST_VAR");
  BOOST_TEST_REQUIRE((it != env.end()));
  BOOST_TEST(it->second == "a=b c");
}

BOOST_AUTO_TEST_CASE(config_text_skips_a_bom_and_refuses_keys_it_does_not_know) {
  const auto known = [](std::string_view key) { return key == "THREADS" || key == "VOICE"; };
  config::RawValues raw;
  BOOST_TEST(config::parse_config_text("\xef\xbb\xbfTHREADS=2\n# c\nVOICE = \"male\"\n", known, raw)
                 .empty());
  BOOST_TEST(raw.at("THREADS").value == "2");
  BOOST_TEST(raw.at("THREADS").origin == "config file line 1");
  BOOST_TEST(raw.at("VOICE").value == "male");
  BOOST_TEST(raw.at("VOICE").line == 3u);
  raw.clear();
  const std::string error = config::parse_config_text("LANGUAGE=nl-nl\n", known, raw);
  BOOST_TEST(error == "config file line 1: unknown key LANGUAGE");
}

BOOST_AUTO_TEST_SUITE_END()
