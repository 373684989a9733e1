// The key table (src/config/keys.cpp): the defaults, the required keys, the list of keys, and one
// table of good and one of bad values per key, whose errors must name the key and never repeat
// the value.
#include <algorithm>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config_helpers.hpp"

namespace bdata = boost::unit_test::data;
namespace config = voiceverify::config;
using voiceverify::forms::NumberType;
using voiceverify::guard::LimitWindow;
using voiceverify::testing::base_env;
using voiceverify::testing::env_with;
using voiceverify::testing::kAccessKey;
using voiceverify::testing::kSigningKey;
using voiceverify::testing::TempDir;

namespace {

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
    {"SIGNING_KEY_FILE", ""},  // unset: the key set directly is used (signing_key_file_tests)
    {"SIGNING_KEY_PREVIOUS", ""},
    {"SIGNING_KEY_PREVIOUS", "zyxwvutsrqponmlkjihgfedcba543210"},
    {"VERIFY_TYPE", "tts"},
    {"VERIFY_TEMPLATE", "Uw beveiligingscode is %token."},
    {"VERIFY_TEMPLATE", "Votre code de sécurité est %token."},
    {"TOKEN_LENGTH", "6"},
    {"TOKEN_LENGTH", "10"},
    {"CODE_TIMEOUT", "30"},
    {"CODE_TIMEOUT", "3599"},  // 3600 needs a FRAUD_WINDOW above it (see below)
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
    {"TOTAL_TIMEOUT_MS", "25000"},
    {"UPSTREAM_MAX_INFLIGHT", "1"},
    {"UPSTREAM_MAX_INFLIGHT", "65536"},
    {"BREAKER_FAILURES", "1"},
    {"BREAKER_FAILURES", "1000"},
    {"BREAKER_COOLDOWN", "1"},
    {"BREAKER_COOLDOWN", "3600"},
    {"TEMPLATES_DIR", "/usr/share/voiceverify/templates"},
    {"MAX_BODY_BYTES", "256"},
    {"MAX_BODY_BYTES", "65536"},
    {"ALLOWED_NUMBER_TYPES", "mobile"},
    {"ALLOWED_NUMBER_TYPES", "mobile,fixed-line,voip"},
    {"ALLOWED_COUNTRIES", "NL,BE"},
    {"ALLOWED_COUNTRIES", "*"},
    {"ALLOWED_COUNTRIES", "001"},
    {"ALLOWED_COUNTRIES", "*,001"},
    {"TEST_NUMBERS", ""},
    {"TEST_NUMBERS", "+31612345678:123456, 06 87654321:654321"},
    {"RESEND_INTERVAL", "0"},
    {"RESEND_INTERVAL", "3600"},
    {"LIMIT_NUMBER_10MIN", "1"},
    {"LIMIT_NUMBER_DAY", "100"},
    {"LIMIT_NUMBER_DAY_ALL", "300"},
    {"LIMIT_NUMBER_PER_CLIENT_DAY", "5"},
    {"LIMIT_IP_HOUR", "50"},
    {"LIMIT_IPV6_PREFIX", "32"},
    {"LIMIT_IPV6_PREFIX", "128"},
    {"LIMIT_NET_HOUR", "30"},
    {"LIMIT_IPV4_NET_PREFIX", "8"},
    {"LIMIT_IPV4_NET_PREFIX", "32"},
    {"LIMIT_IPV6_NET_PREFIX", "16"},
    {"LIMIT_IPV6_NET_PREFIX", "128"},
    {"LIMIT_GLOBAL_HOUR", "100000"},
    {"LIMIT_GLOBAL_RESERVED", "0.25"},
    {"KNOWN_DAYS", "30"},
    {"LIMIT_COUNTRY_HOUR", "50"},
    {"LIMIT_COUNTRY_HOUR", ""},
    {"CLIENT_LIMIT_HOUR", "50"},
    {"CLIENT_LIMIT_HOUR", ""},
    {"COUNTRY_LIMITS", "BE:300, de:100"},
    {"FRAUD_GUARD", "monitor"},
    {"FRAUD_GUARD", "off"},
    {"FRAUD_COUNTRY_MODE", "enforce"},
    {"FRAUD_WINDOW", "86400"},
    {"FRAUD_RANGE_MIN_CALLS", "25"},
    {"FRAUD_COUNTRY_MIN_CALLS", "500"},
    {"FRAUD_MIN_RATIO", "0.35"},
    {"FRAUD_MIN_RATIO", "1"},
    {"FRAUD_MIN_RATIO", "0"},
    {"FRAUD_QUARANTINE", "600"},
    {"FRAUD_SAFE_RANGES", "+3161234, +44740012"},
    {"FRAUD_MIN_SOURCES", "1"},
    {"FRAUD_RANGE_MAX_OPEN", "100"},
    {"KNOWN_DAYS", "365"},
    {"REDIS_URL", ""},
    {"REDIS_URL", "redis://127.0.0.1:6379"},
    {"REDIS_URL", "redis://cache.internal:6380/2"},
    {"REDIS_URL", "redis://:s3cret@cache.internal:6380/2"},
    {"REDIS_URL", "redis://voiceverify:s3cret@cache.internal:6380"},
    {"REDIS_URL", "redis+sentinel://:s3cret@10.0.0.5:26379,[::1]:26380/mymaster?db=2"},
    {"REDIS_SENTINEL_PASSWORD", ""},
    {"REDIS_SENTINEL_PASSWORD", "s3ntinel pass:word@"},
    {"REDIS_PREFIX", ""},
    {"REDIS_PREFIX", "voiceverify:prod_1-"},
    {"STORE_KEY", ""},
    {"STORE_KEY", "a-store-key-of-at-least-32-characters"},
    {"STORE_KEY_FILE", ""},
    {"METRICS_ALLOW", ""},
    {"METRICS_ALLOW", "192.0.2.7"},
    {"METRICS_ALLOW", "none"},
    {"METRICS_ALLOW", "10.0.0.0/8, 2001:db8::/32,::ffff:198.51.100.0/120"},
    // Off. The OIDC keys work only together, with their files: config_oidc_tests.cpp.
    {"OIDC_ISSUER", ""},
    {"OIDC_CLIENTS", ""},
    {"OIDC_SIGNING_KEY_FILE", ""},
    {"OIDC_SIGNING_KEY_PREVIOUS_FILE", ""},
    {"OIDC_SUBJECT_KEY_FILE", ""},
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
    {"SIGNING_KEY_FILE", "/etc/voiceverify/\x01key"},
    {"SIGNING_KEY_PREVIOUS", "SECRET0123456789012345678901234"},
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
    {"TOTAL_TIMEOUT_MS", "1000"},   // below the default CONNECT_TIMEOUT_MS of 3000
    {"TOTAL_TIMEOUT_MS", "25001"},  // nginx and systemd as shipped would cut it short
    {"UPSTREAM_MAX_INFLIGHT", "0"},
    {"UPSTREAM_MAX_INFLIGHT", "65537"},
    {"BREAKER_FAILURES", "0"},
    {"BREAKER_FAILURES", "1001"},
    {"BREAKER_COOLDOWN", "0"},
    {"BREAKER_COOLDOWN", "3601"},
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
    {"TEST_NUMBERS", "+31612345678"},
    {"TEST_NUMBERS", "+31612345678:12a456"},
    {"TEST_NUMBERS", "+31612345678:123456,"},
    {"RESEND_INTERVAL", "-1"},
    {"RESEND_INTERVAL", "3601"},
    {"LIMIT_NUMBER_10MIN", "0"},
    {"LIMIT_NUMBER_DAY", "-5"},
    {"LIMIT_NUMBER_DAY_ALL", "0"},
    {"LIMIT_NUMBER_PER_CLIENT_DAY", "0"},
    {"LIMIT_IP_HOUR", "ten"},
    {"LIMIT_IPV6_PREFIX", "31"},
    {"LIMIT_IPV6_PREFIX", "129"},
    {"LIMIT_IPV6_PREFIX", "/64"},
    {"LIMIT_NET_HOUR", "0"},
    {"LIMIT_IPV4_NET_PREFIX", "7"},
    {"LIMIT_IPV4_NET_PREFIX", "33"},
    {"LIMIT_IPV6_NET_PREFIX", "15"},
    {"LIMIT_IPV6_NET_PREFIX", "129"},
    {"LIMIT_GLOBAL_HOUR", "0"},
    {"LIMIT_GLOBAL_RESERVED", "1.5"},
    {"KNOWN_DAYS", "0"},
    {"LIMIT_COUNTRY_HOUR", "0"},
    {"LIMIT_COUNTRY_HOUR", "ten"},
    {"CLIENT_LIMIT_HOUR", "0"},
    {"COUNTRY_LIMITS", "XX:300"},
    {"COUNTRY_LIMITS", "BE:0"},
    {"COUNTRY_LIMITS", "BE:300,BE:400"},
    {"COUNTRY_LIMITS", "BE300"},
    {"FRAUD_GUARD", "on"},
    {"FRAUD_COUNTRY_MODE", "Enforce"},
    {"FRAUD_WINDOW", "300"},  // not longer than CODE_TIMEOUT (300)
    {"FRAUD_RANGE_MIN_CALLS", "0"},
    {"FRAUD_MIN_RATIO", "1.5"},
    {"FRAUD_MIN_RATIO", "0.12345"},
    {"FRAUD_MIN_RATIO", ".2"},
    {"FRAUD_MIN_RATIO", "-0.1"},
    {"FRAUD_QUARANTINE", "0"},
    {"FRAUD_SAFE_RANGES", "4470001"},
    {"FRAUD_SAFE_RANGES", "+31,,+32"},
    {"FRAUD_MIN_SOURCES", "0"},
    {"FRAUD_RANGE_MAX_OPEN", "0"},
    {"KNOWN_DAYS", "0"},
    {"FRAUD_SAFE_RANGES", "+31x"},
    {"REDIS_URL", "redis://127.0.0.1"},
    {"REDIS_URL", "rediss://127.0.0.1:6379"},
    {"REDIS_URL", "redis://:SECRETpw@127.0.0.1"},  // no port: the error hides the password
    {"REDIS_URL", "redis://127.0.0.1:6379/x"},
    {"REDIS_URL", "127.0.0.1:6379"},
    {"REDIS_URL", "redis+sentinel://10.0.0.5:26379"},
    {"REDIS_PREFIX", "vv prefix"},
    {"REDIS_PREFIX", "vv/"},
    {"REDIS_PREFIX", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},  // 65
    {"STORE_KEY", "short"},
    {"STORE_KEY_FILE", "/etc/voiceverify/\x01key"},
    {"METRICS_ALLOW", "prometheus.example.com"},
    {"METRICS_ALLOW", "10.20.30.40/8"},  // host bits: a typo more likely than a network
    {"METRICS_ALLOW", "172.16.0.0/33"},
    {"METRICS_ALLOW", "2001:db8::/129"},
    {"METRICS_ALLOW", "172.16.0.1,"},
    {"OIDC_ISSUER", "http://verify.example"},
    {"OIDC_ISSUER", "https://verify.example/"},
    {"OIDC_ISSUER", "https://verify.example?x=1"},
    {"OIDC_CLIENTS", "clients\nfile"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(config_keys_tests)

BOOST_AUTO_TEST_CASE(defaults_when_only_secrets_are_given) {
  const auto result = config::load("", base_env());
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  const config::Config& c = *result.config;
  BOOST_TEST(c.messagebird_access_key == kAccessKey);
  BOOST_TEST(c.signing_key == kSigningKey);
  BOOST_TEST(c.signing_key_previous.empty());
  BOOST_TEST(c.messagebird_endpoint == "https://rest.messagebird.com");
  BOOST_TEST(c.verify_template.empty());  // the sentence of the call's language
  BOOST_TEST(c.token_length == 6);
  BOOST_TEST(c.code_timeout.count() == 300);
  BOOST_TEST(c.window_sizes[LimitWindow::Attempts] == 3);
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
  BOOST_TEST(
      (c.allowed_number_types == std::set<NumberType>{NumberType::Mobile, NumberType::FixedLine,
                                                      NumberType::FixedLineOrMobile}));
  BOOST_TEST((c.allowed_countries == std::vector<std::string>{"NL"}));
  BOOST_TEST(!c.any_geographic_region);
  BOOST_TEST(c.window_sizes[LimitWindow::Resend] == 60);
  BOOST_TEST(c.window_sizes[LimitWindow::Number10Min] == 3);
  BOOST_TEST(c.window_sizes[LimitWindow::NumberDay] == 10);
  BOOST_TEST(c.window_sizes[LimitWindow::ClientHour] == 10);
  BOOST_TEST(c.limit_ipv6_prefix == 64);
  BOOST_TEST(c.window_sizes[LimitWindow::GlobalHour] == 1000);
  BOOST_TEST(!c.redis_url.has_value());
  BOOST_TEST(c.redis_prefix == "vv:");
  // Loopback, and nothing else, when unset.
  BOOST_TEST(c.metrics_allow.allows("127.0.0.1"));
  BOOST_TEST(c.metrics_allow.allows("::1"));
  BOOST_TEST(!c.metrics_allow.allows("192.0.2.7"));
}

BOOST_AUTO_TEST_CASE(metrics_allow_errors_say_which_item_and_why) {
  const auto result = config::load("", env_with("METRICS_ALLOW", "192.0.2.7, 10.20.30.40/8"));
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("METRICS_ALLOW") != std::string::npos, result.error);
  BOOST_TEST(result.error.find("item 2 has bits set after its prefix length") != std::string::npos,
             result.error);
  const auto good = config::load("", env_with("METRICS_ALLOW", "192.0.2.0/24"));
  BOOST_TEST_REQUIRE(good.config.has_value(), good.error);
  BOOST_TEST(good.config->metrics_allow.allows("192.0.2.9"));
  BOOST_TEST(!good.config->metrics_allow.allows("192.0.3.9"));
  // A list names everyone, loopback included; empty is loopback; none is nobody.
  BOOST_TEST(!good.config->metrics_allow.allows("127.0.0.1"));
  BOOST_TEST(config::load("", env_with("METRICS_ALLOW", "")).config->metrics_allow.allows("::1"));
  const auto nobody = config::load("", env_with("METRICS_ALLOW", "none"));
  BOOST_TEST_REQUIRE(nobody.config.has_value(), nobody.error);
  BOOST_TEST(!nobody.config->metrics_allow.allows("127.0.0.1"));
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
  BOOST_TEST(keys.size() == 63u);
  BOOST_TEST(std::set<std::string>(keys.begin(), keys.end()).size() == keys.size());
  BOOST_TEST(keys.front() == "MESSAGEBIRD_ACCESS_KEY");
  BOOST_TEST(keys.back() == "OIDC_SUBJECT_KEY_FILE");
  // Every known key has at least one accepted value in the table below.
  std::set<std::string> covered;
  for (const auto& kv : kGoodValues) covered.insert(kv.key);
  for (const auto& key : keys) BOOST_TEST(covered.count(key) == 1u, key);
}

// VERIFY_TYPE accepted one value and is no longer a setting (every call is a voice call), but a
// file written for an earlier version still holds "VERIFY_TYPE=tts": it loads, and anything else
// says the key is gone.
BOOST_AUTO_TEST_CASE(a_retired_key_still_loads_with_its_one_value) {
  BOOST_TEST(std::count(config::known_keys().begin(), config::known_keys().end(), "VERIFY_TYPE") ==
             0);
  BOOST_TEST(config::load("", env_with("VERIFY_TYPE", "tts")).config.has_value());
  const auto refused = config::load("", env_with("VERIFY_TYPE", "sms"));
  BOOST_TEST(!refused.config.has_value());
  BOOST_TEST(refused.error.find("VERIFY_TYPE") != std::string::npos, refused.error);
  BOOST_TEST(refused.error.find("no longer a setting") != std::string::npos, refused.error);
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
  // The checks across keys run once every key is read: their message has no line.
  const std::string key = kv.key;
  const bool across_keys = (key == "TOTAL_TIMEOUT_MS" && (value == "1000" || value == "25001")) ||
                           (key == "FRAUD_WINDOW" && value == "300");
  if (!across_keys) {
    BOOST_TEST(result.error.find("line 3") != std::string::npos, result.error);
  }
}

BOOST_AUTO_TEST_CASE(the_fraud_window_outlasts_the_code) {
  // An unverified call settles only once its code has expired: a window no longer than the code
  // would never see one settle, and the guard would be blind.
  auto env = env_with("CODE_TIMEOUT", "3600");
  auto result = config::load("", env);
  BOOST_TEST(!result.config.has_value());
  BOOST_TEST(result.error.find("FRAUD_WINDOW") != std::string::npos, result.error);
  env["FRAUD_WINDOW"] = "7200";
  result = config::load("", env);
  BOOST_TEST(result.config.has_value(), result.error);
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

// Integer and duration keys are rows of one table: the reason gives the row's range, and the unit
// for durations.
BOOST_AUTO_TEST_CASE(number_rows_give_their_range_and_unit) {
  auto result = config::load("", env_with("CODE_TIMEOUT", "29"));
  BOOST_TEST(result.error ==
             "CODE_TIMEOUT (environment): must be a whole number from 30 to 3600 (seconds)");
  result = config::load("", env_with("CONNECT_TIMEOUT_MS", "49"));
  BOOST_TEST(result.error ==
             "CONNECT_TIMEOUT_MS (environment): must be a whole number from 50 to "
             "60000 (milliseconds)");
  result = config::load("", env_with("LIMIT_IP_HOUR", "0"));
  BOOST_TEST(result.error ==
             "LIMIT_IP_HOUR (environment): must be a whole number from 1 to 1000000000");
  result = config::load("", env_with("MAX_BODY_BYTES", "65536"));
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->max_body_bytes == 65536u);
  result = config::load("", env_with("CODE_TIMEOUT", "45"));
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->code_timeout.count() == 45);
}

BOOST_AUTO_TEST_CASE(redis_url_is_kept_parsed) {
  const auto result = config::load("", env_with("REDIS_URL", "redis://[::1]:6380/2"));
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST_REQUIRE(result.config->redis_url.has_value());
  BOOST_TEST(result.config->redis_url->host == "::1");
  BOOST_TEST(result.config->redis_url->port == 6380);
  BOOST_TEST(result.config->redis_url->db == 2);
}

BOOST_AUTO_TEST_SUITE_END()
