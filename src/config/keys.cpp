// The key table. Text keys each have a check of their own (call_keys.cpp for the call's keys,
// service_keys.cpp for the service's, abuse_keys.cpp for the abuse guards); integer and duration
// keys are rows of (name, min, max, field), checked by one function; a limit window's key is its
// row in guard/limit_windows.hpp (name, default, range), checked by apply_window (abuse_keys.cpp).
#include "config/keys.hpp"

#include <chrono>
#include <optional>
#include <type_traits>
#include <variant>

#include "config/key_checks.hpp"
#include "config/values.hpp"
#include "guard/limit_windows.hpp"
#include "oidc/discovery.hpp"

namespace voiceverify::config {
namespace {

using Reason = std::string;  // empty when the value was accepted
using Apply = KeyCheck*;

// A number key's field: the whole number read goes there as is (durations in their own unit).
using NumberField =
    std::variant<int Config::*, long Config::*, std::size_t Config::*,
                 std::chrono::seconds Config::*, std::chrono::milliseconds Config::*>;

struct NumberRule {
  NumberField field;
  long min;
  long max;
};

struct KeySpec {
  const char* name;
  bool required = false;
  Apply apply = nullptr;                     // a text key: its own check...
  std::optional<NumberRule> number;          // ...or a number key: a row...
  std::optional<guard::LimitWindow> window;  // ...or a limit window's setting: its row
};

template <typename T>
const char* unit_of() {
  if constexpr (std::is_same_v<T, std::chrono::seconds>) return " (seconds)";
  if constexpr (std::is_same_v<T, std::chrono::milliseconds>) return " (milliseconds)";
  return "";
}

Reason apply_number(const NumberRule& rule, const std::string& v, Config& c) {
  return std::visit(
      [&](auto field) -> Reason {
        using T = std::remove_reference_t<decltype(c.*field)>;
        long n = 0;
        if (!parse_int(v, rule.min, rule.max, n)) {
          return range_reason(rule.min, rule.max) + unit_of<T>();
        }
        c.*field = T(n);
        return {};
      },
      rule.field);
}

// OpenID Connect (docs/oidc.md). OIDC_ISSUER empty: the provider is off. The files the other
// keys name are read by load() (config.cpp), relative to the config file's folder.
Reason apply_oidc_issuer(const std::string& v, Config& c) {
  if (!v.empty()) {
    if (auto problem = oidc::issuer_problem(v); !problem.empty()) return problem;
  }
  c.oidc_issuer = v;
  return {};
}

template <std::string Config::*Field>
Reason apply_oidc_path(const std::string& v, Config& c) {
  if (has_control(v)) return "must not contain control characters";
  if (v.size() > 4096) return "must be at most 4096 characters";
  c.*Field = v;
  return {};
}

constexpr KeySpec text(const char* name, Apply apply, bool required = false) {
  return KeySpec{name, required, apply, std::nullopt, std::nullopt};
}

constexpr KeySpec number(const char* name, NumberField field, long min, long max) {
  return KeySpec{name, false, nullptr, NumberRule{field, min, max}, std::nullopt};
}

// A limit window's key: its name, default and range are the window's row.
constexpr KeySpec window(guard::LimitWindow which) {
  return KeySpec{guard::limit_window(which).setting.key, false, nullptr, std::nullopt, which};
}

// Every key, in the order of docs/operations.md. The table is the single list: known_keys(), the
// file parser and the environment overrides all read it.
constexpr KeySpec kKeys[] = {
    text("MESSAGEBIRD_ACCESS_KEY", apply_access_key, true),
    text("MESSAGEBIRD_ENDPOINT", apply_endpoint),
    text("SIGNING_KEY", apply_signing_key),
    text("SIGNING_KEY_FILE", apply_signing_key_file),
    text("SIGNING_KEY_PREVIOUS", apply_signing_key_previous),
    text("STORE_KEY", apply_store_key),
    text("STORE_KEY_FILE", apply_store_key_file),
    text("VERIFY_TEMPLATE", apply_verify_template),
    number("TOKEN_LENGTH", &Config::token_length, 6, 10),
    number("CODE_TIMEOUT", &Config::code_timeout, 30, 3600),
    window(guard::LimitWindow::Attempts),
    text("VOICE", apply_voice),
    text("LANGUAGE", apply_language),
    text("ORIGINATOR", apply_originator),
    text("DEFAULT_REGION", apply_default_region),
    text("LISTEN", apply_listen),
    text("FASTCGI_ALLOWED_PEERS", apply_fastcgi_allowed_peers),
    number("THREADS", &Config::threads, 1, 256),
    number("CONNECT_TIMEOUT_MS", &Config::connect_timeout, 50, 60000),
    number("TOTAL_TIMEOUT_MS", &Config::total_timeout, 100, 120000),
    number("UPSTREAM_MAX_INFLIGHT", &Config::upstream_max_inflight, 1, 65536),
    number("BREAKER_FAILURES", &Config::breaker_failures, 1, 1000),
    number("BREAKER_COOLDOWN", &Config::breaker_cooldown, 1, 3600),
    text("TEMPLATES_DIR", apply_templates_dir),
    number("MAX_BODY_BYTES", &Config::max_body_bytes, 256, 65536),
    text("ALLOWED_NUMBER_TYPES", apply_allowed_number_types),
    text("ALLOWED_COUNTRIES", apply_allowed_countries),
    text("TEST_NUMBERS", apply_test_numbers),
    window(guard::LimitWindow::Resend),
    window(guard::LimitWindow::Number10Min),
    window(guard::LimitWindow::NumberDay),
    window(guard::LimitWindow::NumberDayAll),
    window(guard::LimitWindow::NumberClientDay),
    window(guard::LimitWindow::ClientHour),
    number("LIMIT_IPV6_PREFIX", &Config::limit_ipv6_prefix, 32, 128),
    window(guard::LimitWindow::NetHour),
    number("LIMIT_IPV4_NET_PREFIX", &Config::limit_ipv4_net_prefix, 8, 32),
    number("LIMIT_IPV6_NET_PREFIX", &Config::limit_ipv6_net_prefix, 16, 128),
    window(guard::LimitWindow::GlobalHour),
    window(guard::LimitWindow::StrangerHour),
    number("KNOWN_DAYS", &Config::known_days, 1, 3650),
    window(guard::LimitWindow::CountryHour),
    window(guard::LimitWindow::AppClientHour),
    text("COUNTRY_LIMITS", apply_country_limits),
    text("FRAUD_GUARD", apply_fraud_guard),
    text("FRAUD_COUNTRY_MODE", apply_fraud_country_mode),
    number("FRAUD_WINDOW", &Config::fraud_window, 60, 86400),
    number("FRAUD_RANGE_MIN_CALLS", &Config::fraud_range_min_calls, 1, kMaxLimit),
    number("FRAUD_COUNTRY_MIN_CALLS", &Config::fraud_country_min_calls, 1, kMaxLimit),
    text("FRAUD_MIN_RATIO", apply_fraud_min_ratio),
    number("FRAUD_QUARANTINE", &Config::fraud_quarantine, 1, 30L * 86400),
    text("FRAUD_SAFE_RANGES", apply_fraud_safe_ranges),
    number("FRAUD_MIN_SOURCES", &Config::fraud_min_sources, 1, 1000),
    number("FRAUD_RANGE_MAX_OPEN", &Config::fraud_range_max_open, 1, kMaxLimit),
    text("REDIS_URL", apply_redis_url),
    text("REDIS_SENTINEL_PASSWORD", apply_redis_sentinel_password),
    text("REDIS_PREFIX", apply_redis_prefix),
    text("METRICS_ALLOW", apply_metrics_allow),
    text("OIDC_ISSUER", apply_oidc_issuer),
    text("OIDC_CLIENTS", apply_oidc_path<&Config::oidc_clients>),
    text("OIDC_SIGNING_KEY_FILE", apply_oidc_path<&Config::oidc_signing_key_file>),
    text("OIDC_SIGNING_KEY_PREVIOUS_FILE",
         apply_oidc_path<&Config::oidc_signing_key_previous_file>),
    text("OIDC_SUBJECT_KEY_FILE", apply_oidc_path<&Config::oidc_subject_key_file>),
};

const KeySpec* find_key(std::string_view name) {
  for (const auto& spec : kKeys) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

}  // namespace

bool key_required(std::string_view name) {
  const KeySpec* spec = find_key(name);
  return spec != nullptr && spec->required;
}

std::string apply_key(std::string_view name, const std::string& value, Config& config) {
  const KeySpec* spec = find_key(name);
  if (spec == nullptr) return "unknown key";
  if (spec->number) return apply_number(*spec->number, value, config);
  if (spec->window) return apply_window(*spec->window, value, config);
  return spec->apply(value, config);
}

namespace {

// A retired key: the one value it ever accepted, and why it is no longer a setting.
struct RetiredKey {
  const char* name;
  const char* only_value;
  const char* why;
};
constexpr RetiredKey kRetiredKeys[] = {
    {"VERIFY_TYPE", "tts", "every call is a voice call"},
};

}  // namespace

const std::vector<std::string>& retired_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const auto& key : kRetiredKeys) out.emplace_back(key.name);
    return out;
  }();
  return keys;
}

std::string check_retired_key(std::string_view name, std::string_view value) {
  for (const auto& key : kRetiredKeys) {
    if (name != key.name || value == key.only_value) continue;
    return std::string("is no longer a setting (") + key.why + "): remove the line";
  }
  return {};
}

const std::vector<std::string>& known_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const auto& spec : kKeys) out.emplace_back(spec.name);
    return out;
  }();
  return keys;
}

}  // namespace voiceverify::config
