// app::build_settings and the per-module functions: every configured value reaches the module
// that uses it, read from the one loaded Config.
#include "app/settings.hpp"

#include <boost/test/unit_test.hpp>
#include <map>
#include <set>
#include <string>

#include "config/config.hpp"
#include "config_helpers.hpp"

namespace app = voiceverify::app;
namespace config = voiceverify::config;
using voiceverify::forms::NumberType;
using voiceverify::guard::LimitWindow;
using voiceverify::testing::base_env;

namespace {

config::Config load_with(std::map<std::string, std::string> overrides) {
  auto env = base_env();
  for (auto& [key, value] : overrides) env[key] = value;
  auto result = config::load("", env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  return *result.config;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(settings_tests)

BOOST_AUTO_TEST_CASE(max_attempts_reaches_the_verify_client_and_the_limiter_alike) {
  for (const char* attempts : {"1", "3", "7"}) {
    const auto c = load_with({{"MAX_ATTEMPTS", attempts}});
    const app::Settings s = app::build_settings(c);
    BOOST_TEST(s.verify.max_attempts == std::stoi(attempts));
    BOOST_TEST(s.limits.sizes[LimitWindow::Attempts] == std::stoi(attempts));
    BOOST_TEST(app::verify_settings(c).max_attempts ==
               app::limit_settings(c).sizes[LimitWindow::Attempts]);
  }
}

BOOST_AUTO_TEST_CASE(allowed_number_types_and_countries_reach_the_phone_policy) {
  const auto c = load_with({{"ALLOWED_NUMBER_TYPES", "mobile, voip"},
                            {"DEFAULT_REGION", "be"},
                            {"ALLOWED_COUNTRIES", "BE,nl,001"}});
  const auto policy = app::phone_policy(c);
  BOOST_TEST((policy.allowed_types == std::set<NumberType>{NumberType::Mobile, NumberType::Voip}));
  BOOST_TEST(policy.default_region == "BE");
  BOOST_TEST((policy.allowed_countries == std::set<std::string, std::less<>>{"BE", "NL", "001"}));
  BOOST_TEST(!policy.any_geographic_region);
  BOOST_TEST(app::phone_policy(load_with({{"ALLOWED_COUNTRIES", "*"}})).any_geographic_region);
}

BOOST_AUTO_TEST_CASE(the_defaults_reach_every_module) {
  const app::Settings s = app::build_settings(load_with({}));
  BOOST_TEST(s.phone.default_region == "NL");
  BOOST_TEST(
      (s.phone.allowed_types == std::set<NumberType>{NumberType::Mobile, NumberType::FixedLine,
                                                     NumberType::FixedLineOrMobile}));
  BOOST_TEST((s.phone.allowed_countries == std::set<std::string, std::less<>>{"NL"}));
  BOOST_TEST(s.verify.endpoint == "https://rest.messagebird.com");
  BOOST_TEST(s.verify.access_key == voiceverify::testing::kAccessKey);
  BOOST_TEST(s.verify.template_text.empty());  // the sentence of the call's language
  BOOST_TEST(s.verify.voice == "female");
  BOOST_TEST(s.verify.language == "en-gb");
  BOOST_TEST(s.verify.originator.empty());
  BOOST_TEST(s.verify.token_length == 6);
  BOOST_TEST(s.verify.timeout.count() == 300);
  BOOST_TEST(s.verify.max_attempts == 3);
  BOOST_TEST(s.limits.resend_interval().count() == 60);
  BOOST_TEST(s.limits.sizes[LimitWindow::Number10Min] == 3);
  BOOST_TEST(s.limits.sizes[LimitWindow::NumberDay] == 10);
  BOOST_TEST(s.limits.sizes[LimitWindow::ClientHour] == 10);
  BOOST_TEST(s.limits.ipv6_prefix_length == 64);
  BOOST_TEST(s.limits.sizes[LimitWindow::GlobalHour] == 1000);
  BOOST_TEST(s.curl.connect_timeout.count() == 3000);
  BOOST_TEST(s.curl.total_timeout.count() == 10000);
  BOOST_TEST(s.curl.max_response_bytes == std::size_t{64} * 1024);
  BOOST_TEST(s.pool.threads == 16);
  BOOST_TEST(s.pool.max_body_bytes == 4096u);
  BOOST_TEST(s.pool.allowed_peers.empty());
  BOOST_TEST(!s.store.redis.has_value());
  BOOST_TEST(s.store.redis_prefix == "vv:");
  BOOST_TEST(s.store.redis_timeout.count() == 500);
  BOOST_TEST(s.templates_dir == "templates");
  BOOST_TEST(s.listen == "unix:/run/voiceverify/voiceverify.sock");
  BOOST_TEST(s.cookie_signing_key == voiceverify::testing::kSigningKey);
}

BOOST_AUTO_TEST_CASE(limits_and_the_store_key_secret_reach_the_limiter) {
  const auto c = load_with({{"RESEND_INTERVAL", "0"},
                            {"LIMIT_NUMBER_10MIN", "4"},
                            {"LIMIT_NUMBER_DAY", "20"},
                            {"LIMIT_IP_HOUR", "30"},
                            {"LIMIT_IPV6_PREFIX", "56"},
                            {"LIMIT_GLOBAL_HOUR", "5000"}});
  const auto limits = app::limit_settings(c);
  BOOST_TEST(limits.resend_interval().count() == 0);
  BOOST_TEST(limits.sizes[LimitWindow::Number10Min] == 4);
  BOOST_TEST(limits.sizes[LimitWindow::NumberDay] == 20);
  BOOST_TEST(limits.sizes[LimitWindow::ClientHour] == 30);
  BOOST_TEST(limits.ipv6_prefix_length == 56);
  BOOST_TEST(limits.sizes[LimitWindow::GlobalHour] == 5000);
  // LIMIT_COUNTRY_HOUR unset: a tenth of the global hour, for every country but the home one.
  BOOST_TEST(limits.sizes[LimitWindow::CountryHour] == 500);
  // CLIENT_LIMIT_HOUR unset: an API client may spend the whole site's hour.
  BOOST_TEST(limits.sizes[LimitWindow::AppClientHour] == 5000);
  BOOST_TEST(limits.home_region == "NL");
  BOOST_TEST(limits.country_calls_per_hour.empty());
  // Derived from SIGNING_KEY, never the key itself.
  BOOST_TEST(limits.key_secret == voiceverify::guard::store_key_secret(c.signing_key));
  BOOST_TEST(limits.key_secret != c.signing_key);
  // The in-process store is sized from these same limits.
  BOOST_TEST(app::store_settings(c).memory_capacity ==
             voiceverify::guard::memory_store_capacity(limits));
}

BOOST_AUTO_TEST_CASE(country_budgets_and_the_fraud_guard_reach_the_store) {
  const auto c = load_with({{"LIMIT_COUNTRY_HOUR", "40"},
                            {"COUNTRY_LIMITS", "be:300,NL:900"},
                            {"FRAUD_GUARD", "monitor"},
                            {"FRAUD_MIN_RATIO", "0.35"},
                            {"FRAUD_SAFE_RANGES", "+3161234"},
                            {"FRAUD_MIN_SOURCES", "2"},
                            {"FRAUD_RANGE_MAX_OPEN", "7"},
                            {"KNOWN_DAYS", "30"},
                            {"LIMIT_IPV6_NET_PREFIX", "56"},
                            {"CODE_TIMEOUT", "120"}});
  const auto limits = app::limit_settings(c);
  BOOST_TEST(limits.sizes[LimitWindow::CountryHour] == 40);
  BOOST_TEST(limits.country_calls_per_hour.at("BE") == 300);
  BOOST_TEST(limits.country_calls_per_hour.at("NL") == 900);
  const auto fraud = app::fraud_settings(c);
  BOOST_TEST((fraud.range_mode == voiceverify::guard::GuardMode::Monitor));
  // Enforced abroad by default; fraud_guard.hpp keeps DEFAULT_REGION's country monitored.
  BOOST_TEST((fraud.country_mode == voiceverify::guard::GuardMode::Enforce));
  BOOST_TEST(fraud.home_region == "NL");
  BOOST_TEST(fraud.min_sources == 2);
  BOOST_TEST(fraud.range_max_open == 7);
  BOOST_TEST(fraud.known_for.count() == 30L * 86400);
  BOOST_TEST(fraud.ipv4_net_prefix == 24);
  BOOST_TEST(fraud.ipv6_net_prefix == 56);
  BOOST_TEST(fraud.min_ratio == 0.35);
  BOOST_TEST(fraud.safe_ranges == std::vector<std::string>{"3161234"});
  BOOST_TEST(fraud.code_timeout.count() == 120);
  BOOST_TEST(fraud.key_secret == limits.key_secret);
}

BOOST_AUTO_TEST_CASE(the_parsed_redis_url_reaches_the_store) {
  const auto c = load_with({{"REDIS_URL", "redis://[::1]:6380/4"}, {"REDIS_PREFIX", "site1:"}});
  const auto store = app::store_settings(c);
  BOOST_TEST_REQUIRE(store.redis.has_value());
  BOOST_TEST(store.redis->host == "::1");
  BOOST_TEST(store.redis->port == 6380);
  BOOST_TEST(store.redis->db == 4);
  BOOST_TEST(store.redis_prefix == "site1:");
}

BOOST_AUTO_TEST_CASE(timeouts_threads_body_cap_and_peers_reach_curl_and_the_pool) {
  const auto c = load_with({{"CONNECT_TIMEOUT_MS", "700"},
                            {"TOTAL_TIMEOUT_MS", "900"},
                            {"THREADS", "3"},
                            {"MAX_BODY_BYTES", "1024"},
                            {"LISTEN", "0.0.0.0:9000"},
                            {"FASTCGI_ALLOWED_PEERS", "10.0.0.5,10.0.0.6"}});
  const auto curl = app::curl_options(c);
  BOOST_TEST(curl.connect_timeout.count() == 700);
  BOOST_TEST(curl.total_timeout.count() == 900);
  const auto pool = app::pool_options(c);
  BOOST_TEST(pool.threads == 3);
  BOOST_TEST(pool.max_body_bytes == 1024u);
  BOOST_TEST(pool.allowed_peers == c.fastcgi_allowed_peers, boost::test_tools::per_element());
  BOOST_TEST(pool.allowed_peers.size() == 2u);
  BOOST_TEST(app::build_settings(c).listen == "0.0.0.0:9000");
}

BOOST_AUTO_TEST_SUITE_END()
