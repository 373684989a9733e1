// SIGNING_KEY_FILE (src/config/config.cpp, file.cpp): the key kept in a file of its own, as the
// Debian package and the unit do it. What a sysadmin sees: the key is read from beside the config
// file, a file every user may read is refused, and no error ever shows the key.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <string>

#include "config/config.hpp"
#include "config_helpers.hpp"

namespace config = voiceverify::config;
using voiceverify::testing::kAccessKey;
using voiceverify::testing::kSigningKey;
using voiceverify::testing::TempDir;

namespace {

const std::map<std::string, std::string> kAccessOnly{{"MESSAGEBIRD_ACCESS_KEY", kAccessKey}};

std::string private_file(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.write(name, text);
  ::chmod(path.c_str(), 0600);
  return path;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signing_key_file_tests)

BOOST_AUTO_TEST_CASE(a_relative_key_file_is_read_beside_the_config_file) {
  const TempDir dir;
  private_file(dir, "signing.key", kSigningKey + "\n");
  const std::string conf = private_file(dir, "vv.conf", "SIGNING_KEY_FILE=signing.key\n");
  const auto result = config::load(conf, kAccessOnly);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->signing_key == kSigningKey);  // without its line end
}

BOOST_AUTO_TEST_CASE(an_absolute_key_file_from_the_environment_with_crlf) {
  const TempDir dir;
  const std::string key = private_file(dir, "k", "  " + kSigningKey + "\r\n");
  auto env = kAccessOnly;
  env["SIGNING_KEY_FILE"] = key;
  const auto result = config::load("", env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->signing_key == kSigningKey);
}

BOOST_AUTO_TEST_CASE(a_key_file_every_user_may_read_is_refused) {
  const TempDir dir;
  const std::string key = dir.write("signing.key", kSigningKey);
  ::chmod(key.c_str(), 0644);
  auto env = kAccessOnly;
  env["SIGNING_KEY_FILE"] = key;
  const auto result = config::load("", env);
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("SIGNING_KEY_FILE") != std::string::npos, result.error);
  BOOST_TEST(result.error.find("chmod 0600") != std::string::npos, result.error);
  BOOST_TEST(result.error.find(kSigningKey) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(errors_name_the_file_and_never_show_the_key) {
  const TempDir dir;
  const std::string shortkey = "short-secret-not-to-be-shown";
  const std::string cases[][2] = {
      {private_file(dir, "short", shortkey + "\n"), "at least 32"},
      {private_file(dir, "two", shortkey + "\n" + kSigningKey + "\n"), "one line"},
      {dir.path() + "/absent", "cannot open"},
      {dir.path(), "not a regular file"},
  };
  for (const auto& [path, expected] : cases) {
    auto env = kAccessOnly;
    env["SIGNING_KEY_FILE"] = path;
    const auto result = config::load("", env);
    BOOST_TEST(!result.config.has_value(), path);
    BOOST_TEST(result.error.find("SIGNING_KEY_FILE") != std::string::npos, result.error);
    BOOST_TEST(result.error.find(expected) != std::string::npos, result.error);
    BOOST_TEST(result.error.find(shortkey) == std::string::npos, result.error);
    BOOST_TEST(result.error.find(kSigningKey) == std::string::npos, result.error);
  }
}

BOOST_AUTO_TEST_CASE(exactly_one_of_the_key_and_the_key_file) {
  const TempDir dir;
  auto both = kAccessOnly;
  both["SIGNING_KEY"] = kSigningKey;
  both["SIGNING_KEY_FILE"] = private_file(dir, "k", kSigningKey);
  const auto two = config::load("", both);
  BOOST_TEST(!two.config.has_value());
  BOOST_TEST(two.error.find("set one of them") != std::string::npos, two.error);

  auto none = kAccessOnly;
  none["SIGNING_KEY"] = "";
  none["SIGNING_KEY_FILE"] = "";
  const auto zero = config::load("", none);
  BOOST_TEST(!zero.config.has_value());
  BOOST_TEST(zero.error.find("SIGNING_KEY: required") != std::string::npos, zero.error);
}

BOOST_AUTO_TEST_SUITE_END()
