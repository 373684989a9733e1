// Every module's options, made from the loaded Config in one place. This is the only code that
// reads config::Config field by field (main.cpp hands it over; the config module fills it): each
// module's settings struct carries no defaults of its own for configured values, so a value the
// operator set cannot be shadowed by a module's built-in guess.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "forms/phone.hpp"
#include "guard/fraud_guard.hpp"
#include "guard/limits.hpp"
#include "http/address_allow.hpp"
#include "http/fcgi_server.hpp"
#include "messagebird/breaker.hpp"
#include "messagebird/curl_transport.hpp"
#include "messagebird/verify_client.hpp"
#include "oidc/clients.hpp"
#include "oidc/jose.hpp"
#include "store/redis_url.hpp"
#include "verify/call_language.hpp"
#include "verify/flow.hpp"
#include "verify/runner.hpp"
#include "verify/test_numbers.hpp"

namespace voiceverify::app {

// Which store the pool uses and how.
struct StoreSettings {
  std::optional<store::RedisUrl> redis;  // REDIS_URL, parsed; nullopt: the in-process store
  std::string redis_prefix;              // REDIS_PREFIX
  std::chrono::milliseconds redis_timeout;
  // The in-process store's key cap, sized from the limits: a fixed cap would let a busy day (or
  // an attacker) fill it and switch the site off, since a full store refuses new keys.
  std::size_t memory_capacity;
};

// The secret of every keyed tag, mark and sealed record in the store (docs/store.md, "Keys"):
// STORE_KEY as set, or derived from SIGNING_KEY when unset (guard::store_key_secret, the only
// secret before STORE_KEY existed, so a store filled then keeps its meaning).
std::string store_secret(const config::Config& config);
forms::PhonePolicy phone_policy(const config::Config& config);
messagebird::VerifySettings verify_settings(const config::Config& config);
guard::LimitSettings limit_settings(const config::Config& config);
guard::FraudSettings fraud_settings(const config::Config& config);
messagebird::CurlOptions curl_options(const config::Config& config);
http::PoolOptions pool_options(const config::Config& config);
StoreSettings store_settings(const config::Config& config);
messagebird::BreakerSettings breaker_settings(const config::Config& config);
verify::RunnerSettings runner_settings(const config::Config& config);
verify::FlowSettings flow_settings(const config::Config& config);
verify::VoiceSettings voice_settings(const config::Config& config);
verify::TestNumberSettings test_number_settings(const config::Config& config);

// The OpenID Connect provider (docs/oidc.md), read and checked by config::load.
struct OidcSettings {
  std::string issuer;        // OIDC_ISSUER; empty: the provider is off
  std::string clients_path;  // OIDC_CLIENTS
  oidc::ClientRegistry clients;
  std::shared_ptr<const oidc::SigningKey> signing_key;
  std::shared_ptr<const oidc::SigningKey> previous_key;  // or null
  std::string subject_secret;  // OIDC_SUBJECT_KEY_FILE's content: the pairwise subjects' key

  bool enabled() const { return !issuer.empty(); }
};

OidcSettings oidc_settings(const config::Config& config);

// All of the above, plus what main() itself needs.
struct Settings {
  std::string templates_dir;        // TEMPLATES_DIR
  std::string listen;               // LISTEN
  std::string cookie_signing_key;   // SIGNING_KEY: the session and flash cookies' HMAC key
  std::string cookie_previous_key;  // SIGNING_KEY_PREVIOUS: verifies cookies only; empty: none
  forms::PhonePolicy phone;
  messagebird::VerifySettings verify;
  guard::LimitSettings limits;
  guard::FraudSettings fraud;
  messagebird::CurlOptions curl;
  http::PoolOptions pool;
  StoreSettings store;
  messagebird::BreakerSettings breaker;
  verify::RunnerSettings runner;
  // How long the session cookie lives: the code's life plus two minutes, so a slow typist still
  // owns the code page.
  std::chrono::seconds session_lifetime;
  http::AddressAllowList metrics_allow;  // METRICS_ALLOW (loopback only when listed)
  verify::FlowSettings flow;
  verify::VoiceSettings voice;
  OidcSettings oidc;
  verify::TestNumberSettings test_numbers;  // TEST_NUMBERS; no codes: none
};

Settings build_settings(const config::Config& config);

}  // namespace voiceverify::app
