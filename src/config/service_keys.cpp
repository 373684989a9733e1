// See key_checks.hpp: the checks of the service's own keys. Messages name what is expected,
// never the value.
#include "config/key_checks.hpp"

#include <algorithm>
#include <utility>

#include "config/values.hpp"
#include "http/address_allow.hpp"
#include "store/redis_url.hpp"

namespace voiceverify::config {

using Reason = std::string;  // empty when the value was accepted

// SIGNING_KEY and SIGNING_KEY_FILE: empty means unset; config.cpp requires exactly one of them
// and reads the file.
Reason apply_signing_key(const std::string& v, Config& c) {
  if (v.empty()) return {};
  if (v.size() < 32) return "must be at least 32 characters (e.g. openssl rand -hex 32)";
  c.signing_key = v;
  return {};
}

namespace {
// A *_KEY_FILE's path, read by config.cpp once every key is known.
Reason key_file_path(const std::string& v, std::string& field) {
  if (has_control(v)) return "must not contain control characters";
  if (v.size() > 4096) return "must be at most 4096 characters";
  field = v;
  return {};
}
}  // namespace

Reason apply_signing_key_file(const std::string& v, Config& c) {
  return key_file_path(v, c.signing_key_file);
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

// STORE_KEY and STORE_KEY_FILE: the store keys' own secret, read like SIGNING_KEY; both empty
// means derived from SIGNING_KEY (config.cpp reads the file and checks it differs).
Reason apply_store_key(const std::string& v, Config& c) {
  if (v.empty()) return {};
  if (v.size() < 32) return "must be empty or at least 32 characters (e.g. openssl rand -hex 32)";
  c.store_key = v;
  return {};
}

Reason apply_store_key_file(const std::string& v, Config& c) {
  return key_file_path(v, c.store_key_file);
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
    return "must be empty (in-memory store), redis://host:port[/db] or "
           "redis+sentinel://host:port[,host:port...]/name[?db=N] (IPv6 as [addr]); no TLS: " +
           error;
  }
  c.redis_url = std::move(parsed);
  return {};
}

// The sentinels' own requirepass (docs/redis.md): it goes into an AUTH command, so no control
// byte; empty means the sentinels ask for none.
Reason apply_redis_sentinel_password(const std::string& v, Config& c) {
  const bool clean = v.size() <= 512 && std::none_of(v.begin(), v.end(), [](char ch) {
                       const auto b = static_cast<unsigned char>(ch);
                       return b < 0x20 || b == 0x7f;
                     });
  if (!clean) return "must be at most 512 characters, none of them a control character";
  c.redis_sentinel_password = v;
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

// METRICS_ALLOW: addresses or CIDRs, IPv4 or IPv6; empty: loopback (the default, which
// scripts/run, the tests and the shipped unit scrape through); "none": nobody.
Reason apply_metrics_allow(const std::string& v, Config& c) {
  if (v == "none") {
    c.metrics_allow = http::AddressAllowList{};
    return {};
  }
  if (v.empty()) {
    c.metrics_allow = http::AddressAllowList::loopback();
    return {};
  }
  std::string error;
  auto parsed = http::AddressAllowList::parse(v, error);
  if (!parsed) {
    return "must be none, or comma-separated IPv4 or IPv6 addresses or networks, e.g. "
           "127.0.0.1,192.0.2.7,2001:db8::/64: " +
           error;
  }
  c.metrics_allow = std::move(*parsed);
  return {};
}

}  // namespace voiceverify::config
