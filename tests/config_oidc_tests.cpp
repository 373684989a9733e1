// config::load's OpenID Connect keys (src/config/config.cpp, docs/oidc.md): off without
// OIDC_ISSUER, every file read at load with an error naming its key, paths relative to the
// config file's folder.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <map>
#include <string>

#include "config/config.hpp"
#include "config_helpers.hpp"

namespace config = voiceverify::config;
using voiceverify::testing::base_env;
using voiceverify::testing::TempDir;

namespace {

// A directory with key files (an EC P-256 and an RSA key each), a subject secret and an empty
// client file.
struct OidcFiles {
  TempDir dir;
  std::string key = dir.path() + "/signing.pem";
  std::string previous = dir.path() + "/previous.pem";
  std::string subject = dir.write("subject.key", "0123456789abcdef0123456789abcdef\n");
  std::string clients = dir.write("clients", "# no clients yet\n");

  OidcFiles() {
    for (const auto& path : {key, previous}) {
      const std::string command =
          "(openssl ecparam -name prime256v1 -genkey -noout -out '" + path +
          "' && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 >>'" + path +
          "') 2>/dev/null";
      if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl failed");
      ::chmod(path.c_str(), 0600);
    }
    ::chmod(subject.c_str(), 0600);
  }

  std::map<std::string, std::string> env() const {
    auto env = base_env();
    env["OIDC_ISSUER"] = "https://verify.example";
    env["OIDC_CLIENTS"] = clients;
    env["OIDC_SIGNING_KEY_FILE"] = key;
    env["OIDC_SUBJECT_KEY_FILE"] = subject;
    return env;
  }
};

config::LoadResult load(const std::map<std::string, std::string>& env) {
  return config::load("", env);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config_oidc_tests)

BOOST_AUTO_TEST_CASE(off_by_default) {
  const auto result = load(base_env());
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->oidc_issuer.empty());
  BOOST_TEST(result.config->oidc_signing_key == nullptr);
}

BOOST_AUTO_TEST_CASE(every_file_is_read_at_load) {
  const OidcFiles files;
  auto env = files.env();
  env["OIDC_SIGNING_KEY_PREVIOUS_FILE"] = files.previous;
  const auto result = load(env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  const config::Config& c = *result.config;
  BOOST_TEST(c.oidc_issuer == "https://verify.example");
  BOOST_TEST_REQUIRE(c.oidc_signing_key != nullptr);
  BOOST_TEST_REQUIRE(c.oidc_signing_key_previous != nullptr);
  BOOST_TEST(c.oidc_signing_key->kid() != c.oidc_signing_key_previous->kid());
  BOOST_TEST(c.oidc_subject_secret == "0123456789abcdef0123456789abcdef");
  BOOST_TEST(c.oidc_client_registry.clients.empty());
}

BOOST_AUTO_TEST_CASE(relative_paths_are_beside_the_config_file) {
  const OidcFiles files;
  std::string text;
  for (const auto& [key, value] : base_env()) text += key + "=" + value + "\n";
  text +=
      "OIDC_ISSUER=http://127.0.0.1:8080\nOIDC_CLIENTS=clients\n"
      "OIDC_SIGNING_KEY_FILE=signing.pem\nOIDC_SUBJECT_KEY_FILE=subject.key\n";
  const auto result = config::load(files.dir.write("vv.conf", text), {});
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->oidc_clients == files.clients);
}

BOOST_AUTO_TEST_CASE(each_wrong_key_is_named) {
  const OidcFiles files;
  const struct {
    const char* key;
    std::string value;
    const char* named;
  } cases[] = {
      {"OIDC_ISSUER", "https://verify.example/", "OIDC_ISSUER"},
      {"OIDC_ISSUER", "http://verify.example", "OIDC_ISSUER"},
      {"OIDC_CLIENTS", "", "OIDC_CLIENTS"},
      {"OIDC_CLIENTS", files.dir.path() + "/missing", "OIDC_CLIENTS"},
      {"OIDC_CLIENTS", files.dir.write("plain", "abcdefgh12|Shop|secret|-|https://a.example/cb\n"),
       "OIDC_CLIENTS"},
      {"OIDC_SIGNING_KEY_FILE", "", "OIDC_SIGNING_KEY_FILE"},
      {"OIDC_SIGNING_KEY_FILE", files.subject, "OIDC_SIGNING_KEY_FILE"},
      {"OIDC_SIGNING_KEY_PREVIOUS_FILE", files.key, "OIDC_SIGNING_KEY_PREVIOUS_FILE"},
      {"OIDC_SUBJECT_KEY_FILE", "", "OIDC_SUBJECT_KEY_FILE"},
      {"OIDC_SUBJECT_KEY_FILE", files.dir.write("short", "short\n"), "OIDC_SUBJECT_KEY_FILE"},
  };
  for (const auto& c : cases) {
    auto env = files.env();
    env[c.key] = c.value;
    const auto result = load(env);
    BOOST_TEST(!result.config.has_value(), c.key << "=" << c.value);
    BOOST_TEST(result.error.find(c.named) != std::string::npos, result.error);
  }
}

BOOST_AUTO_TEST_CASE(a_key_every_user_may_read_is_refused) {
  const OidcFiles files;
  ::chmod(files.key.c_str(), 0644);
  const auto result = load(files.env());
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("OIDC_SIGNING_KEY_FILE") != std::string::npos, result.error);
}

BOOST_AUTO_TEST_CASE(other_oidc_keys_need_the_issuer) {
  const OidcFiles files;
  auto env = files.env();
  env.erase("OIDC_ISSUER");
  const auto result = load(env);
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("OIDC_ISSUER") != std::string::npos, result.error);
}

BOOST_AUTO_TEST_SUITE_END()
