// The key table. Text keys each have a check of their own; integer and duration keys are rows of
// (name, min, max, field), checked by one function; a limit window's key is its row in
// guard/limit_windows.hpp (name, default, range), checked by apply_window (abuse_keys.cpp).
#include "config/keys.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <type_traits>
#include <variant>

#include "config/abuse_keys.hpp"
#include "config/values.hpp"
#include "forms/phone.hpp"
#include "guard/fraud_guard.hpp"
#include "guard/limit_windows.hpp"
#include "http/address_allow.hpp"
#include "oidc/discovery.hpp"
#include "store/redis_url.hpp"
#include "util/tts_languages.hpp"

namespace voiceverify::config {
namespace {

using Reason = std::string;  // empty when the value was accepted
using Apply = Reason (*)(const std::string& value, Config& config);

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

Reason apply_access_key(const std::string& v, Config& c) {
  if (v.empty()) return "must not be empty";
  if (v.size() > 128) return "must be at most 128 characters";
  // It goes into an HTTP header ("Authorization: AccessKey ..."): printable ASCII, no spaces.
  const bool clean = std::all_of(v.begin(), v.end(), [](char ch) {
    const auto b = static_cast<unsigned char>(ch);
    return b > 0x20 && b < 0x7f;
  });
  if (!clean) return "must not contain spaces, control or non-ASCII characters";
  c.messagebird_access_key = v;
  return {};
}

Reason apply_endpoint(const std::string& v, Config& c) {
  switch (normalise_endpoint(v, c.messagebird_endpoint)) {
    case EndpointCheck::Ok:
      return {};
    case EndpointCheck::PlainHttpBeyondLoopback:
      return "http:// is allowed only to 127.0.0.1, [::1] or localhost; use https://";
    case EndpointCheck::BadShape:
      break;
  }
  return "must be https://host[:port] (or http:// to 127.0.0.1, [::1] or localhost), with no "
         "path, query or user info";
}

// SIGNING_KEY and SIGNING_KEY_FILE: empty means unset; config.cpp requires exactly one of them
// and reads the file.
Reason apply_signing_key(const std::string& v, Config& c) {
  if (v.empty()) return {};
  if (v.size() < 32) return "must be at least 32 characters (e.g. openssl rand -hex 32)";
  c.signing_key = v;
  return {};
}

Reason apply_signing_key_file(const std::string& v, Config& c) {
  if (has_control(v)) return "must not contain control characters";
  if (v.size() > 4096) return "must be at most 4096 characters";
  c.signing_key_file = v;
  return {};
}

// SIGNING_KEY_PREVIOUS: the key before the last change, accepted when verifying cookies only. Empty
// means none (the rotation is over); whether it differs from SIGNING_KEY is checked in config.cpp.
Reason apply_signing_key_previous(const std::string& v, Config& c) {
  if (!v.empty() && v.size() < 32) {
    return "must be empty or at least 32 characters: the SIGNING_KEY it replaced";
  }
  c.signing_key_previous = v;
  return {};
}

Reason apply_verify_template(const std::string& v, Config& c) {
  // Empty: each call speaks the sentence of its own language (docs/operations.md, "The call's
  // language").
  if (v.empty()) {
    c.verify_template.clear();
    return {};
  }
  if (v.find("%token") == std::string::npos) return "must contain %token";
  if (has_control(v)) return "must not contain control characters";
  const long length = utf8_length(v);
  if (length < 0) return "must be valid UTF-8 text";
  if (length > 160) return "must be at most 160 characters";
  c.verify_template = v;
  return {};
}

Reason apply_voice(const std::string& v, Config& c) {
  if (v != "male" && v != "female") return "must be male or female";
  c.voice = v;
  return {};
}

Reason apply_language(const std::string& v, Config& c) {
  if (!util::is_tts_language(v)) {
    std::string list;
    for (const auto lang : util::kTtsLanguages) {
      if (!list.empty()) list += ", ";
      list += lang;
    }
    return "must be one of MessageBird's TTS languages: " + list;
  }
  c.language = v;
  return {};
}

Reason apply_originator(const std::string& v, Config& c) {
  // MessageBird: a number (digits, at most 16) or an alphanumeric sender id of at most 11.
  const bool number = is_digits(v) && v.size() <= 16;
  const bool alnum = !v.empty() && v.size() <= 11 &&
                     std::all_of(v.begin(), v.end(), [](char ch) { return is_alnum(ch); });
  if (!v.empty() && !number && !alnum) {
    return "must be empty, a number of at most 16 digits, or at most 11 letters and digits";
  }
  c.originator = v;
  return {};
}

Reason apply_default_region(const std::string& v, Config& c) {
  const std::string region = upper(v);
  if (!forms::is_known_region(region)) {
    return "must be a region code libphonenumber knows, e.g. NL or GB";
  }
  c.default_region = region;
  return {};
}

Reason apply_listen(const std::string& v, Config& c) {
  if (!valid_listen(v)) {
    return "must be ipv4:port (e.g. 127.0.0.1:9000, 0.0.0.0:9000, localhost:9000), "
           "unix:/absolute/path, stdin, or systemd";
  }
  c.listen = v;
  return {};
}

// FASTCGI_ALLOWED_PEERS: exact IPv4 addresses (the pool compares the peer's address as is; no
// names, masks or IPv6). Empty: any peer that can reach the socket.
Reason apply_fastcgi_allowed_peers(const std::string& v, Config& c) {
  if (!parse_ipv4_list(v, c.fastcgi_allowed_peers)) {
    return "must be comma-separated IPv4 addresses, e.g. 192.0.2.7,192.0.2.8";
  }
  return {};
}

Reason apply_templates_dir(const std::string& v, Config& c) {
  if (v.empty()) return "must not be empty";
  if (has_control(v)) return "must not contain control characters";
  c.templates_dir = v;
  return {};
}

Reason apply_allowed_number_types(const std::string& v, Config& c) {
  Reason reason =
      "must be a comma-separated, non-empty list of: mobile, fixed-line, fixed-line-or-mobile, "
      "toll-free, premium-rate, shared-cost, voip, personal, pager, uan, voicemail, unknown";
  std::vector<std::string> items;
  if (!split_list(v, items) || items.empty()) return reason;
  std::set<forms::NumberType> types;
  for (const auto& item : items) {
    forms::NumberType type{};
    if (!forms::parse_number_type(item, type)) return reason;
    types.insert(type);
  }
  c.allowed_number_types = std::move(types);
  return {};
}

// Every call costs money, and satellite and other non-geographic numbers (+881 Iridium, +870
// Inmarsat, libphonenumber's region "001") are both the dearest and the classic toll-fraud
// destinations: "*" means every country, never those; "001" must be named. An empty value is
// an error: it once meant "any country", and an old config file must not quietly take a new
// meaning either way.
Reason apply_allowed_countries(const std::string& v, Config& c) {
  if (trim(v).empty()) {
    return "must not be empty: leave it out for DEFAULT_REGION alone, or list region codes, or * "
           "for every country";
  }
  Reason reason =
      "must be * (every country) or a comma-separated list of region codes libphonenumber "
      "knows, e.g. NL,BE, with 001 for non-geographic numbers such as satellite phones";
  std::vector<std::string> items;
  if (!split_list(v, items)) return reason;
  bool any_geographic = false;
  std::vector<std::string> regions;
  for (auto& item : items) {
    item = upper(item);
    if (item == "*") {
      any_geographic = true;
    } else if (item == forms::kNonGeographicRegion || forms::is_known_region(item)) {
      regions.push_back(item);
    } else {
      return reason;
    }
  }
  c.allowed_countries = std::move(regions);
  c.any_geographic_region = any_geographic;
  return {};
}

// Parsed here once, by the parser the store's own URL entry point uses: the store is handed the
// parsed address.
Reason apply_redis_url(const std::string& v, Config& c) {
  if (v.empty()) {
    c.redis_url.reset();
    return {};
  }
  std::string error;
  auto parsed = store::parse_redis_url(v, error);
  if (!parsed) {
    return "must be empty (in-memory store) or redis://host:port[/db] (IPv6 as [addr]); no user "
           "info, TLS or query: " +
           error;
  }
  c.redis_url = std::move(parsed);
  return {};
}

Reason apply_redis_prefix(const std::string& v, Config& c) {
  const bool ok = v.size() <= 64 && std::all_of(v.begin(), v.end(), [](char ch) {
                    return is_alnum(ch) || ch == ':' || ch == '_' || ch == '-';
                  });
  if (!ok) return "must be at most 64 characters of A-Z a-z 0-9 : _ -";
  c.redis_prefix = v;
  return {};
}

// METRICS_ALLOW: addresses or CIDRs, IPv4 or IPv6; loopback needs no entry.
Reason apply_metrics_allow(const std::string& v, Config& c) {
  std::string error;
  auto parsed = http::AddressAllowList::parse(v, error);
  if (!parsed) {
    return "must be comma-separated IPv4 or IPv6 addresses or networks, e.g. "
           "192.0.2.7,2001:db8::/64: " +
           error;
  }
  c.metrics_allow = std::move(*parsed);
  return {};
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
    window(guard::LimitWindow::Resend),
    window(guard::LimitWindow::Number10Min),
    window(guard::LimitWindow::NumberDay),
    window(guard::LimitWindow::NumberClientDay),
    window(guard::LimitWindow::ClientHour),
    number("LIMIT_IPV6_PREFIX", &Config::limit_ipv6_prefix, 32, 128),
    window(guard::LimitWindow::GlobalHour),
    window(guard::LimitWindow::CountryHour),
    text("COUNTRY_LIMITS", apply_country_limits),
    text("FRAUD_GUARD", apply_fraud_guard),
    text("FRAUD_COUNTRY_MODE", apply_fraud_country_mode),
    number("FRAUD_WINDOW", &Config::fraud_window, 60, 86400),
    number("FRAUD_RANGE_MIN_CALLS", &Config::fraud_range_min_calls, 1, kMaxLimit),
    number("FRAUD_COUNTRY_MIN_CALLS", &Config::fraud_country_min_calls, 1, kMaxLimit),
    text("FRAUD_MIN_RATIO", apply_fraud_min_ratio),
    number("FRAUD_QUARANTINE", &Config::fraud_quarantine, 1, 30L * 86400),
    text("FRAUD_SAFE_RANGES", apply_fraud_safe_ranges),
    text("REDIS_URL", apply_redis_url),
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
