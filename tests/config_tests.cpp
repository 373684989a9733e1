// config::load: defaults, the file format, environment overrides, and one table of bad values
// whose errors must name the key and never repeat the value.
#include "config/config.hpp"

#include <stdlib.h>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <string>

namespace bdata = boost::unit_test::data;
namespace config = voiceverify::config;

namespace {

const std::string kAccessKey = "test_gshuPaZoeEG6ovbc8M79w0QyM";
const std::string kSigningKey = "0123456789abcdef0123456789abcdef-signing";

std::map<std::string, std::string> base_env() {
  return {{"MESSAGEBIRD_ACCESS_KEY", kAccessKey}, {"SIGNING_KEY", kSigningKey}};
}

std::map<std::string, std::string> env_with(const std::string& key, const std::string& value) {
  auto env = base_env();
  env[key] = value;
  return env;
}

// A private directory per test under $TMPDIR, removed at the end: tests never write in the tree.
class TempDir {
 public:
  TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/voiceverify-config-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, const std::string& text) const {
    const std::string file = path_ + "/" + name;
    std::ofstream out(file, std::ios::binary);
    out << text;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct KeyValue {
  const char* key;
  const char* value;
};

std::ostream& operator<<(std::ostream& os, const KeyValue& kv) {
  // The secrets in the tables are fake, but keep the habit: print the key only.
  return os << kv.key;
}

// One accepted value per key: every known key must be settable.
const KeyValue kGoodValues[] = {
    {"MESSAGEBIRD_ACCESS_KEY", "live_abcdefABCDEF0123456789"},
    {"MESSAGEBIRD_ENDPOINT", "https://rest.messagebird.com"},
    {"MESSAGEBIRD_ENDPOINT", "https://api.example.net:8443/"},
    {"MESSAGEBIRD_ENDPOINT", "http://127.0.0.1:8081"},
    {"MESSAGEBIRD_ENDPOINT", "http://localhost:8081"},
    {"MESSAGEBIRD_ENDPOINT", "http://[::1]:8081"},
    {"SIGNING_KEY", "abcdefghijklmnopqrstuvwxyz012345"},
    {"VERIFY_TYPE", "tts"},
    {"VERIFY_TEMPLATE", "Uw beveiligingscode is %token."},
    {"VERIFY_TEMPLATE", "Votre code de sécurité est %token."},
    {"TOKEN_LENGTH", "6"},
    {"TOKEN_LENGTH", "10"},
    {"CODE_TIMEOUT", "30"},
    {"CODE_TIMEOUT", "3600"},
    {"MAX_ATTEMPTS", "1"},
    {"MAX_ATTEMPTS", "10"},
    {"VOICE", "male"},
    {"VOICE", "female"},
    {"LANGUAGE", "nl-nl"},
    {"LANGUAGE", "zh-cn"},
    {"ORIGINATOR", ""},
    {"ORIGINATOR", "VoiceVerify"},
    {"ORIGINATOR", "3197010260000001"},
    {"DEFAULT_REGION", "GB"},
    {"LISTEN", "127.0.0.1:9000"},
    {"FASTCGI_ALLOWED_PEERS", ""},
    {"FASTCGI_ALLOWED_PEERS", "10.0.0.5"},
    {"FASTCGI_ALLOWED_PEERS", "10.0.0.5, 10.0.0.6"},
    {"LISTEN", "localhost:9000"},
    {"LISTEN", "unix:/run/voiceverify/fcgi.sock"},
    {"LISTEN", "stdin"},
    {"LISTEN", "systemd"},
    {"THREADS", "1"},
    {"THREADS", "256"},
    {"CONNECT_TIMEOUT_MS", "50"},
    {"TOTAL_TIMEOUT_MS", "120000"},
    {"TEMPLATES_DIR", "/usr/share/voiceverify/templates"},
    {"MAX_BODY_BYTES", "256"},
    {"MAX_BODY_BYTES", "65536"},
    {"ALLOWED_NUMBER_TYPES", "mobile"},
    {"ALLOWED_NUMBER_TYPES", "mobile,fixed-line,voip"},
    {"ALLOWED_COUNTRIES", "NL,BE"},
    {"ALLOWED_COUNTRIES", "*"},
    {"ALLOWED_COUNTRIES", "001"},
    {"ALLOWED_COUNTRIES", "*,001"},
    {"RESEND_INTERVAL", "0"},
    {"RESEND_INTERVAL", "3600"},
    {"LIMIT_NUMBER_10MIN", "1"},
    {"LIMIT_NUMBER_DAY", "100"},
    {"LIMIT_IP_HOUR", "50"},
    {"LIMIT_GLOBAL_HOUR", "100000"},
    {"REDIS_URL", ""},
    {"REDIS_URL", "redis://127.0.0.1:6379"},
    {"REDIS_URL", "redis://cache.internal:6380/2"},
    {"REDIS_PREFIX", ""},
    {"REDIS_PREFIX", "voiceverify:prod_1-"},
};

// Each must be refused with an error that names the key and does not contain the value.
const KeyValue kBadValues[] = {
    {"MESSAGEBIRD_ACCESS_KEY", ""},
    {"MESSAGEBIRD_ACCESS_KEY", "live_SECRETabc def"},
    {"MESSAGEBIRD_ACCESS_KEY", "live_SECRETabc\r\nX-Injected: 1"},
    {"MESSAGEBIRD_ACCESS_KEY", "live_SECRETéàü"},
    {"MESSAGEBIRD_ACCESS_KEY",
     "live_SECRET0123456789012345678901234567890123456789012345678901234567890123456789012345678"
     "90123456789012345678901234567890123456789"},
    {"MESSAGEBIRD_ENDPOINT", "http://rest.messagebird.com"},
    {"MESSAGEBIRD_ENDPOINT", "http://10.1.2.3:8081"},
    {"MESSAGEBIRD_ENDPOINT", "ftp://rest.messagebird.com"},
    {"MESSAGEBIRD_ENDPOINT", "rest.messagebird.com"},
    {"MESSAGEBIRD_ENDPOINT", "https://rest.messagebird.com/verify"},
    {"MESSAGEBIRD_ENDPOINT", "https://rest.messagebird.com?x=1"},
    {"MESSAGEBIRD_ENDPOINT", "https://user:pw@rest.messagebird.com"},
    {"MESSAGEBIRD_ENDPOINT", "https:///"},
    {"MESSAGEBIRD_ENDPOINT", "https://host:0"},
    {"MESSAGEBIRD_ENDPOINT", "https://host:65536"},
    {"MESSAGEBIRD_ENDPOINT", "https://host:80x"},
    {"MESSAGEBIRD_ENDPOINT", "https://ho st"},
    {"SIGNING_KEY", "SECRETtooshort"},
    {"SIGNING_KEY", "SECRET0123456789012345678901234"},  // 31 characters
    {"VERIFY_TYPE", "sms"},
    {"VERIFY_TYPE", "TTS"},
    {"VERIFY_TEMPLATE", "Your code is %tok."},
    {"VERIFY_TEMPLATE", "Your code is %token.\x1b[2J"},
    {"VERIFY_TEMPLATE", "Your code \xff is %token."},
    {"VERIFY_TEMPLATE",
     "%token "
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},  // 161
    {"TOKEN_LENGTH", "5"},
    {"TOKEN_LENGTH", "11"},
    {"TOKEN_LENGTH", "six"},
    {"TOKEN_LENGTH", "+6"},
    {"TOKEN_LENGTH", "6.0"},
    {"TOKEN_LENGTH", "6 "},
    {"TOKEN_LENGTH", ""},
    {"CODE_TIMEOUT", "29"},
    {"CODE_TIMEOUT", "3601"},
    {"CODE_TIMEOUT", "5m"},
    {"CODE_TIMEOUT", "99999999999999999999999"},
    {"MAX_ATTEMPTS", "0"},
    {"MAX_ATTEMPTS", "11"},
    {"MAX_ATTEMPTS", "-1"},
    {"VOICE", "robot"},
    {"VOICE", "Female"},
    {"LANGUAGE", "en"},
    {"LANGUAGE", "xx-yy"},
    {"ORIGINATOR", "TwelveLetter"},
    {"ORIGINATOR", "12345678901234567"},
    {"ORIGINATOR", "+31612345678"},
    {"ORIGINATOR", "Voice Verify"},
    {"DEFAULT_REGION", "XX"},
    {"DEFAULT_REGION", "NLD"},
    {"DEFAULT_REGION", ""},
    {"LISTEN", "9000"},
    {"LISTEN", ":9000"},
    {"LISTEN", "example.com:9000"},
    {"LISTEN", "[::1]:9000"},
    {"LISTEN", "10.0.0.7"},
    {"LISTEN", "127.0.0.1:99999"},
    {"LISTEN", "unix:relative.sock"},
    {"LISTEN", "unix:"},
    {"LISTEN", "stdout"},
    {"LISTEN", "0.0.0.0:9000"},  // beyond loopback without FASTCGI_ALLOWED_PEERS
    {"LISTEN", "10.0.0.7:9000"},
    {"FASTCGI_ALLOWED_PEERS", "10.0.0"},
    {"FASTCGI_ALLOWED_PEERS", "10.0.0.0/24"},
    {"FASTCGI_ALLOWED_PEERS", "::1"},
    {"FASTCGI_ALLOWED_PEERS", "nginx.example.com"},
    {"FASTCGI_ALLOWED_PEERS", "10.0.0.5,"},
    {"THREADS", "0"},
    {"THREADS", "257"},
    {"CONNECT_TIMEOUT_MS", "49"},
    {"CONNECT_TIMEOUT_MS", "60001"},
    {"TOTAL_TIMEOUT_MS", "99"},
    {"TOTAL_TIMEOUT_MS", "120001"},
    {"TOTAL_TIMEOUT_MS", "1000"},  // below the default CONNECT_TIMEOUT_MS of 3000
    {"TEMPLATES_DIR", ""},
    {"MAX_BODY_BYTES", "255"},
    {"MAX_BODY_BYTES", "65537"},
    {"ALLOWED_NUMBER_TYPES", ""},
    {"ALLOWED_NUMBER_TYPES", "mobile,,fixed-line"},
    {"ALLOWED_NUMBER_TYPES", "cellphone"},
    {"ALLOWED_NUMBER_TYPES", "unknown,"},
    {"ALLOWED_COUNTRIES", ""},
    {"ALLOWED_COUNTRIES", "  "},
    {"ALLOWED_COUNTRIES", "NL,XX"},
    {"ALLOWED_COUNTRIES", "002"},
    {"ALLOWED_COUNTRIES", "NL,**"},
    {"ALLOWED_COUNTRIES", "NL;BE"},
    {"ALLOWED_COUNTRIES", ","},
    {"RESEND_INTERVAL", "-1"},
    {"RESEND_INTERVAL", "3601"},
    {"LIMIT_NUMBER_10MIN", "0"},
    {"LIMIT_NUMBER_DAY", "-5"},
    {"LIMIT_IP_HOUR", "ten"},
    {"LIMIT_GLOBAL_HOUR", "0"},
    {"REDIS_URL", "redis://127.0.0.1"},
    {"REDIS_URL", "rediss://127.0.0.1:6379"},
    {"REDIS_URL", "redis://:SECRETpw@127.0.0.1:6379"},
    {"REDIS_URL", "redis://127.0.0.1:6379/x"},
    {"REDIS_URL", "127.0.0.1:6379"},
    {"REDIS_PREFIX", "vv prefix"},
    {"REDIS_PREFIX", "vv/"},
    {"REDIS_PREFIX", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},  // 65
};

}  // namespace

BOOST_AUTO_TEST_SUITE(config_tests)

BOOST_AUTO_TEST_CASE(defaults_when_only_secrets_are_given) {
  const auto result = config::load("", base_env());
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  const config::Config& c = *result.config;
  BOOST_TEST(c.messagebird_access_key == kAccessKey);
  BOOST_TEST(c.signing_key == kSigningKey);
  BOOST_TEST(c.messagebird_endpoint == "https://rest.messagebird.com");
  BOOST_TEST(c.verify_type == "tts");
  BOOST_TEST(c.verify_template == "Your security code is %token.");
  BOOST_TEST(c.token_length == 6);
  BOOST_TEST(c.code_timeout.count() == 300);
  BOOST_TEST(c.max_attempts == 3);
  BOOST_TEST(c.voice == "female");
  BOOST_TEST(c.language == "en-gb");
  BOOST_TEST(c.originator.empty());
  BOOST_TEST(c.default_region == "NL");
  BOOST_TEST(c.listen == "unix:/run/voiceverify/voiceverify.sock");
  BOOST_TEST(c.fastcgi_allowed_peers.empty());
  BOOST_TEST(c.threads == 16);
  BOOST_TEST(c.connect_timeout.count() == 3000);
  BOOST_TEST(c.total_timeout.count() == 10000);
  BOOST_TEST(c.templates_dir == "templates");
  BOOST_TEST(c.max_body_bytes == 4096u);
  BOOST_TEST((c.allowed_number_types ==
              std::vector<std::string>{"mobile", "fixed-line", "fixed-line-or-mobile"}));
  BOOST_TEST((c.allowed_countries == std::vector<std::string>{"NL"}));
  BOOST_TEST(!c.any_geographic_region);
  BOOST_TEST(c.resend_interval.count() == 60);
  BOOST_TEST(c.limit_number_10min == 3);
  BOOST_TEST(c.limit_number_day == 10);
  BOOST_TEST(c.limit_ip_hour == 10);
  BOOST_TEST(c.limit_global_hour == 1000);
  BOOST_TEST(c.redis_url.empty());
  BOOST_TEST(c.redis_prefix == "vv:");
}

BOOST_AUTO_TEST_CASE(secrets_are_required) {
  auto env = base_env();
  env.erase("MESSAGEBIRD_ACCESS_KEY");
  auto result = config::load("", env);
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("MESSAGEBIRD_ACCESS_KEY") != std::string::npos);

  env = base_env();
  env.erase("SIGNING_KEY");
  result = config::load("", env);
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("SIGNING_KEY") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(known_keys_are_unique_and_start_with_the_secrets) {
  const auto& keys = config::known_keys();
  BOOST_TEST(keys.size() == 28u);
  BOOST_TEST(std::set<std::string>(keys.begin(), keys.end()).size() == keys.size());
  BOOST_TEST(keys.front() == "MESSAGEBIRD_ACCESS_KEY");
  BOOST_TEST(keys.back() == "REDIS_PREFIX");
  // Every known key has at least one accepted value in the table below.
  std::set<std::string> covered;
  for (const auto& kv : kGoodValues) covered.insert(kv.key);
  for (const auto& key : keys) BOOST_TEST(covered.count(key) == 1u, key);
}

BOOST_DATA_TEST_CASE(good_value_is_accepted, bdata::make(kGoodValues), kv) {
  const auto result = config::load("", env_with(kv.key, kv.value));
  BOOST_TEST(result.config.has_value(), kv.key << ": " << result.error);
  BOOST_TEST(result.error.empty());
}

BOOST_DATA_TEST_CASE(bad_value_names_its_key_and_hides_the_value, bdata::make(kBadValues), kv) {
  const std::string value = kv.value;
  // From the environment...
  auto result = config::load("", env_with(kv.key, value));
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find(kv.key) != std::string::npos, result.error);
  BOOST_TEST(result.error.find('\n') == std::string::npos);
  // Short values ("0", "sms") could appear by chance in the reason text; long ones must not.
  if (value.size() >= 6) BOOST_TEST(result.error.find(value) == std::string::npos, result.error);
  BOOST_TEST(result.error.find("SECRET") == std::string::npos, result.error);

  // ...and from the file, where the error also says which line. Values with a line break cannot
  // be written on one line, and the file trims surrounding spaces: those are environment-only.
  if (value.find_first_of("\r\n") != std::string::npos) return;
  if (!value.empty() && (value.front() == ' ' || value.back() == ' ')) return;
  const TempDir dir;
  const std::string file =
      dir.write("vv.conf", "# test\n\n" + std::string(kv.key) + "=" + value + "\n");
  auto env = base_env();
  env.erase(kv.key);
  result = config::load(file, env);
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find(kv.key) != std::string::npos, result.error);
  BOOST_TEST(result.error.find("SECRET") == std::string::npos, result.error);
  if (std::string(kv.key) != "TOTAL_TIMEOUT_MS" || value != "1000") {
    BOOST_TEST(result.error.find("line 3") != std::string::npos, result.error);
  }
}

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

BOOST_AUTO_TEST_CASE(values_are_normalised) {
  auto env = base_env();
  env["MESSAGEBIRD_ENDPOINT"] = "https://rest.messagebird.com/";
  env["DEFAULT_REGION"] = "be";
  env["ALLOWED_COUNTRIES"] = " nl , BE,de ";
  env["ALLOWED_NUMBER_TYPES"] = "mobile , voip";
  env["CONNECT_TIMEOUT_MS"] = "500";
  env["TOTAL_TIMEOUT_MS"] = "500";  // equal to connect is allowed
  const auto result = config::load("", env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->messagebird_endpoint == "https://rest.messagebird.com");
  BOOST_TEST(result.config->default_region == "BE");
  BOOST_TEST((result.config->allowed_countries == std::vector<std::string>{"NL", "BE", "DE"}));
  BOOST_TEST((result.config->allowed_number_types == std::vector<std::string>{"mobile", "voip"}));
  BOOST_TEST(result.config->connect_timeout.count() == 500);
  BOOST_TEST(result.config->total_timeout.count() == 500);
}

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
  const auto loaded = config::load(example, base_env());
  BOOST_TEST_REQUIRE(loaded.config.has_value(), loaded.error);
  const auto defaults = config::load("", base_env());
  BOOST_TEST_REQUIRE(defaults.config.has_value());
  const config::Config& a = *loaded.config;
  const config::Config& b = *defaults.config;
  BOOST_TEST(a.messagebird_endpoint == b.messagebird_endpoint);
  BOOST_TEST(a.verify_template == b.verify_template);
  BOOST_TEST(a.token_length == b.token_length);
  BOOST_TEST(a.code_timeout.count() == b.code_timeout.count());
  BOOST_TEST(a.max_attempts == b.max_attempts);
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
  BOOST_TEST(a.allowed_number_types == b.allowed_number_types, boost::test_tools::per_element());
  BOOST_TEST(a.allowed_countries == b.allowed_countries, boost::test_tools::per_element());
  BOOST_TEST(a.any_geographic_region == b.any_geographic_region);
  BOOST_TEST(a.resend_interval.count() == b.resend_interval.count());
  BOOST_TEST(a.limit_number_10min == b.limit_number_10min);
  BOOST_TEST(a.limit_number_day == b.limit_number_day);
  BOOST_TEST(a.limit_ip_hour == b.limit_ip_hour);
  BOOST_TEST(a.limit_global_hour == b.limit_global_hour);
  BOOST_TEST(a.redis_url == b.redis_url);
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

BOOST_AUTO_TEST_CASE(allowed_countries_star_means_every_country_but_001_only_by_name) {
  auto env = base_env();
  env["ALLOWED_COUNTRIES"] = "*";
  auto result = config::load("", env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->any_geographic_region);
  BOOST_TEST(result.config->allowed_countries.empty());

  env["ALLOWED_COUNTRIES"] = "nl, 001";
  result = config::load("", env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(!result.config->any_geographic_region);
  BOOST_TEST((result.config->allowed_countries == std::vector<std::string>{"NL", "001"}));

  env["ALLOWED_COUNTRIES"] = "*,001";
  result = config::load("", env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->any_geographic_region);
  BOOST_TEST((result.config->allowed_countries == std::vector<std::string>{"001"}));
}

BOOST_AUTO_TEST_CASE(allowed_countries_empty_or_unknown_is_an_error_naming_the_key) {
  auto env = base_env();
  env["ALLOWED_COUNTRIES"] = "";
  auto result = config::load("", env);
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.starts_with("ALLOWED_COUNTRIES"), result.error);
  BOOST_TEST(result.error.find("must not be empty") != std::string::npos, result.error);
  env["ALLOWED_COUNTRIES"] = "NL,QQ";
  result = config::load("", env);
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.starts_with("ALLOWED_COUNTRIES"), result.error);
  BOOST_TEST(result.error.find("001") != std::string::npos, result.error);
}

BOOST_AUTO_TEST_SUITE_END()
