// Configuration: a KEY=VALUE file in the seed guide's format ('#' comments, blank lines), every
// key overridable from the environment. Every value is validated at start-up; a bad one is an
// error naming the key, never a default silently taken.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "forms/phone.hpp"
#include "guard/fraud_guard.hpp"
#include "guard/limit_windows.hpp"
#include "http/address_allow.hpp"
#include "oidc/clients.hpp"
#include "oidc/jose.hpp"
#include "store/redis_url.hpp"

namespace voiceverify::config {

// How long nginx waits for an answer (fastcgi_read_timeout in
// nginx/snippets/voiceverify-locations.conf) and systemd for a stop (TimeoutStopSec in
// systemd/voiceverify.service), as shipped; a test reads both files. A request waits for
// MessageBird at most TOTAL_TIMEOUT_MS, and so does a stop with requests parked: it must fit,
// with a margin for the page and the store.
inline constexpr std::chrono::seconds kShippedWaitLimit{30};
inline constexpr std::chrono::milliseconds kMaxRequestWait{25000};

// The largest value any limit key accepts (calls per window, calls before the fraud guard
// judges): beyond any real site's need, and far from overflowing a counter.
inline constexpr long kMaxLimit = guard::kMaxCalls;

// One entry of TEST_NUMBERS (docs/operations.md, "Test numbers").
struct TestNumber {
  std::string number;  // as written by the key's check; E.164 digits once load() has read it
  std::string code;    // digits
};

struct Config {
  std::string messagebird_access_key;  // MESSAGEBIRD_ACCESS_KEY, required
  std::string messagebird_endpoint = "https://rest.messagebird.com";  // http:// only to loopback
  std::string signing_key;  // SIGNING_KEY, >= 32 characters
  // SIGNING_KEY_FILE: where SIGNING_KEY is read from instead (one of the two is required); a
  // relative path is relative to the config file's folder. load() reads it into signing_key.
  std::string signing_key_file;
  std::string signing_key_previous;  // SIGNING_KEY_PREVIOUS or ""
  // STORE_KEY (>= 32 characters), or read from STORE_KEY_FILE (relative to the config file's
  // folder): the secret of the store's keyed tags and sealed records. "": derived from SIGNING_KEY
  // (guard::store_key_secret), as before the key existed.
  std::string store_key;
  std::string store_key_file;
  // VERIFY_TEMPLATE: empty (the default) = the sentence of the call's language; else must
  // contain %token, and every call speaks it.
  std::string verify_template;
  int token_length = 6;                    // 6..10
  std::chrono::seconds code_timeout{300};  // CODE_TIMEOUT
  std::string voice = "female";            // VOICE: male | female
  std::string language = "en-gb";          // LANGUAGE: docs/messagebird-verify.md, "TTS languages"
  std::string originator;                  // ORIGINATOR: empty = API default
  std::string default_region = "NL";       // DEFAULT_REGION: ISO 3166 alpha-2
  // LISTEN: unix:/path, ipv4:port, "stdin", "systemd". A unix socket by default: over TCP any
  // local process could speak FastCGI to the pool and claim any client address.
  std::string listen = "unix:/run/voiceverify/voiceverify.sock";
  std::vector<std::uint32_t> fastcgi_allowed_peers;  // FASTCGI_ALLOWED_PEERS (network order)
  int threads = 16;                                  // THREADS, 1..256
  std::chrono::milliseconds connect_timeout{3000};   // CONNECT_TIMEOUT_MS
  std::chrono::milliseconds total_timeout{10000};    // TOTAL_TIMEOUT_MS: a request's upstream calls
  std::size_t upstream_max_inflight = 1024;          // UPSTREAM_MAX_INFLIGHT
  int breaker_failures = 5;                          // BREAKER_FAILURES: in a row, to open
  std::chrono::seconds breaker_cooldown{30};         // BREAKER_COOLDOWN
  std::string templates_dir = "templates";           // TEMPLATES_DIR
  std::size_t max_body_bytes = 4096;                 // MAX_BODY_BYTES
  // Abuse resistance.
  // ALLOWED_NUMBER_TYPES, comma-separated names (forms::parse_number_type), parsed once here.
  std::set<forms::NumberType> allowed_number_types{forms::NumberType::Mobile,
                                                   forms::NumberType::FixedLine,
                                                   forms::NumberType::FixedLineOrMobile};
  // ALLOWED_COUNTRIES, e.g. "NL,BE": the regions we call. Unset means DEFAULT_REGION alone; "*"
  // sets any_geographic_region; "001" (non-geographic numbers, satellite phones among them) is
  // in the list only when named, "*" or not. An empty value is an error.
  std::vector<std::string> allowed_countries{"NL"};
  bool any_geographic_region = false;
  // TEST_NUMBERS: numbers never called, each accepting its one code. load() reads each number as
  // the form does (DEFAULT_REGION, ALLOWED_COUNTRIES, ALLOWED_NUMBER_TYPES) and wants each code
  // TOKEN_LENGTH digits long, the only length the code form takes.
  std::vector<TestNumber> test_numbers;
  // Every limit window's setting (RESEND_INTERVAL, LIMIT_NUMBER_10MIN, ..., MAX_ATTEMPTS), by
  // window: the keys, defaults and ranges are the rows of guard/limit_windows.hpp.
  // LIMIT_COUNTRY_HOUR's 0 (unset) means a tenth of LIMIT_GLOBAL_HOUR.
  guard::WindowSizes window_sizes = guard::WindowSizes::defaults();
  int limit_ipv6_prefix = 64;                  // LIMIT_IPV6_PREFIX: bits of an IPv6 client's window
  int limit_ipv4_net_prefix = 24;              // LIMIT_IPV4_NET_PREFIX: bits of an IPv4 network's
  int limit_ipv6_net_prefix = 48;              // LIMIT_IPV6_NET_PREFIX: and an IPv6 one's
  std::map<std::string, long> country_limits;  // COUNTRY_LIMITS: "BE:300,DE:100", parsed
  // KNOWN_DAYS: a verification makes its number and browser known this long (LIMIT_GLOBAL_RESERVED
  // is theirs; a browser that verified a number is spared that number's own windows; a number
  // verified passes a quarantine, and a quarantine of a range verified in is logged as an error).
  int known_days = 90;
  // The fraud guard (docs/fraud-guard.md).
  guard::GuardMode fraud_range_mode = guard::GuardMode::Enforce;    // FRAUD_GUARD
  guard::GuardMode fraud_country_mode = guard::GuardMode::Enforce;  // FRAUD_COUNTRY_MODE
  std::chrono::seconds fraud_window{3600};                          // FRAUD_WINDOW
  long fraud_range_min_calls = 10;                                  // FRAUD_RANGE_MIN_CALLS
  long fraud_country_min_calls = 50;                                // FRAUD_COUNTRY_MIN_CALLS
  double fraud_min_ratio = 0.2;                                     // FRAUD_MIN_RATIO
  std::chrono::seconds fraud_quarantine{3600};                      // FRAUD_QUARANTINE
  std::vector<std::string> fraud_safe_ranges;  // FRAUD_SAFE_RANGES: digit prefixes, no '+'
  long fraud_min_sources = 3;                  // FRAUD_MIN_SOURCES: source networks to judge
  long fraud_range_max_open = 20;              // FRAUD_RANGE_MAX_OPEN: per four-digit range
  // REDIS_URL: redis://host:port[/db] or redis+sentinel://..., parsed once here
  // (store::parse_redis_url); unset or empty means the in-process store.
  std::optional<store::RedisUrl> redis_url;
  std::string redis_sentinel_password;  // REDIS_SENTINEL_PASSWORD: a secret, never logged
  std::string redis_prefix = "vv:";     // REDIS_PREFIX: key prefix in Redis
  // METRICS_ALLOW: who may read /healthz, /readyz and /metrics; unset: loopback.
  http::AddressAllowList metrics_allow = http::AddressAllowList::loopback();
  // OpenID Connect (docs/oidc.md). OIDC_ISSUER empty: off, and the other OIDC_ keys must be
  // unset. load() resolves the paths (relative: to the config file's folder), reads the keys
  // and the subject secret, and checks the client file.
  std::string oidc_issuer;                     // OIDC_ISSUER, checked by oidc::issuer_problem
  std::string oidc_clients;                    // OIDC_CLIENTS: the client file's path
  std::string oidc_signing_key_file;           // OIDC_SIGNING_KEY_FILE: EC P-256 + RSA PEM, 0600
  std::string oidc_signing_key_previous_file;  // OIDC_SIGNING_KEY_PREVIOUS_FILE or ""
  std::string oidc_subject_key_file;           // OIDC_SUBJECT_KEY_FILE: never rotates
  std::shared_ptr<const oidc::SigningKey> oidc_signing_key;           // read from its file
  std::shared_ptr<const oidc::SigningKey> oidc_signing_key_previous;  // or null
  std::string oidc_subject_secret;            // read from OIDC_SUBJECT_KEY_FILE, >= 32 characters
  oidc::ClientRegistry oidc_client_registry;  // read from OIDC_CLIENTS
};

struct LoadResult {
  std::optional<Config> config;  // set when every key is valid
  std::string error;             // otherwise: one line naming the key, never its value
};

// Reads `file_path` (if non-empty; a missing file is an error), then overrides from `env`
// (pass the process environment, or a map in tests). Unknown keys in the file are an error.
LoadResult load(const std::string& file_path, const std::map<std::string, std::string>& env);

// The process environment as a map.
std::map<std::string, std::string> environment();

// The keys this program knows, in the order docs/operations.md documents them.
const std::vector<std::string>& known_keys();

}  // namespace voiceverify::config
