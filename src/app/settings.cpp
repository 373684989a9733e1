// See settings.hpp. MAX_ATTEMPTS, for one, reaches both the verify client (maxAttempts) and the
// limiter (attempts we count): one field read in two places here, not two defaults elsewhere.
#include "app/settings.hpp"

#include <algorithm>

namespace voiceverify::app {
namespace {

// How long a Redis command may take before the store reports it down (fail closed).
constexpr std::chrono::milliseconds kRedisTimeout{500};

}  // namespace

std::string store_secret(const config::Config& config) {
  return config.store_key.empty() ? guard::store_key_secret(config.signing_key) : config.store_key;
}

forms::PhonePolicy phone_policy(const config::Config& config) {
  forms::PhonePolicy policy{};
  policy.default_region = config.default_region;
  policy.allowed_types = config.allowed_number_types;
  policy.allowed_countries = {config.allowed_countries.begin(), config.allowed_countries.end()};
  policy.any_geographic_region = config.any_geographic_region;
  return policy;
}

messagebird::VerifySettings verify_settings(const config::Config& config) {
  messagebird::VerifySettings s{};
  s.endpoint = config.messagebird_endpoint;
  s.access_key = config.messagebird_access_key;
  s.template_text = config.verify_template;
  s.originator = config.originator;
  s.voice = config.voice;
  s.language = config.language;
  s.token_length = config.token_length;
  s.timeout = config.code_timeout;
  s.max_attempts = static_cast<int>(config.window_sizes[guard::LimitWindow::Attempts]);
  return s;
}

guard::LimitSettings limit_settings(const config::Config& config) {
  using guard::LimitWindow;
  guard::LimitSettings s{};
  s.sizes = config.window_sizes;
  // LIMIT_COUNTRY_HOUR unset (its row's when_empty): a tenth of LIMIT_GLOBAL_HOUR.
  if (s.sizes[LimitWindow::CountryHour] == 0) {
    s.sizes[LimitWindow::CountryHour] = std::max(1L, s.sizes[LimitWindow::GlobalHour] / 10);
  }
  // CLIENT_LIMIT_HOUR unset: an API client may spend the whole site's hour.
  if (s.sizes[LimitWindow::AppClientHour] == 0) {
    s.sizes[LimitWindow::AppClientHour] = s.sizes[LimitWindow::GlobalHour];
  }
  s.ipv6_prefix_length = config.limit_ipv6_prefix;
  s.ipv4_net_prefix_length = config.limit_ipv4_net_prefix;
  s.ipv6_net_prefix_length = config.limit_ipv6_net_prefix;
  s.country_calls_per_hour = config.country_limits;
  s.home_region = config.default_region;
  s.key_secret = store_secret(config);
  s.known_lifetime = std::chrono::hours{24} * config.known_days;
  return s;
}

guard::FraudSettings fraud_settings(const config::Config& config) {
  return guard::FraudSettings{config.fraud_range_mode,
                              config.fraud_country_mode,
                              config.fraud_window,
                              config.fraud_quarantine,
                              config.code_timeout,
                              config.fraud_range_min_calls,
                              config.fraud_country_min_calls,
                              config.fraud_min_ratio,
                              config.fraud_safe_ranges,
                              store_secret(config),
                              config.fraud_min_sources,
                              config.fraud_range_max_open,
                              std::chrono::days(config.known_days),
                              config.default_region,
                              config.limit_ipv4_net_prefix,
                              config.limit_ipv6_net_prefix};
}

messagebird::CurlOptions curl_options(const config::Config& config) {
  messagebird::CurlOptions options{};
  options.connect_timeout = config.connect_timeout;
  options.total_timeout = config.total_timeout;
  return options;
}

http::PoolOptions pool_options(const config::Config& config) {
  http::PoolOptions options{};
  options.threads = config.threads;
  options.max_body_bytes = config.max_body_bytes;
  options.allowed_peers = config.fastcgi_allowed_peers;
  return options;
}

StoreSettings store_settings(const config::Config& config) {
  auto redis = config.redis_url;
  if (redis && redis->uses_sentinel()) redis->sentinel_password = config.redis_sentinel_password;
  return StoreSettings{std::move(redis), config.redis_prefix, kRedisTimeout,
                       guard::memory_store_capacity(limit_settings(config))};
}

messagebird::BreakerSettings breaker_settings(const config::Config& config) {
  return messagebird::BreakerSettings{config.breaker_failures, config.breaker_cooldown};
}

verify::RunnerSettings runner_settings(const config::Config& config) {
  // TOTAL_TIMEOUT_MS bounds one request's upstream calls together, not each of them: a start
  // that cancels the previous verification first still answers within it.
  return verify::RunnerSettings{config.upstream_max_inflight, config.total_timeout};
}

verify::FlowSettings flow_settings(const config::Config& config) {
  return verify::FlowSettings{config.code_timeout, config.token_length};
}

verify::VoiceSettings voice_settings(const config::Config& config) {
  return verify::VoiceSettings{config.language, config.verify_template};
}

verify::TestNumberSettings test_number_settings(const config::Config& config) {
  verify::TestNumberSettings s{};
  for (const auto& entry : config.test_numbers) s.codes.emplace(entry.number, entry.code);
  s.code_timeout = config.code_timeout;
  s.key_secret = store_secret(config);
  return s;
}

OidcSettings oidc_settings(const config::Config& config) {
  return OidcSettings{config.oidc_issuer,
                      config.oidc_clients,
                      config.oidc_client_registry,
                      config.oidc_signing_key,
                      config.oidc_signing_key_previous,
                      config.oidc_subject_secret};
}

Settings build_settings(const config::Config& config) {
  return Settings{config.templates_dir,        config.listen,
                  config.signing_key,          config.signing_key_previous,
                  phone_policy(config),        verify_settings(config),
                  limit_settings(config),      fraud_settings(config),
                  curl_options(config),        pool_options(config),
                  store_settings(config),      breaker_settings(config),
                  runner_settings(config),     config.code_timeout + std::chrono::seconds(120),
                  config.metrics_allow,        flow_settings(config),
                  voice_settings(config),      oidc_settings(config),
                  test_number_settings(config)};
}

}  // namespace voiceverify::app
