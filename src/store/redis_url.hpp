// REDIS_URL, parsed once for everyone: the config check and the Redis store call this same
// function, so a URL the config accepts is one the store can use (and the other way round).
//
// Accepted: redis://[[USER]:PASSWORD@]HOST:PORT[/DB], where HOST is a DNS name or IPv4 address
// (letters, digits, '.', '-') or an IPv6 address in brackets ("[::1]"); PORT 1..65535; DB
// 0..99999. A password alone is Redis's requirepass (AUTH password), a user with it an ACL user
// (Redis 6: AUTH user password); both may be %-encoded (%40 for '@'), and may hold no control
// byte. Refused: a user without a password, a query or fragment, rediss:// (hiredis 0.14 has no
// TLS), a missing port, and numbers with signs or leading zeros (one spelling per address).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace voiceverify::store {

struct RedisUrl {
  std::string host;  // as hiredis wants it: an IPv6 address without its brackets
  int port = 0;
  int db = 0;
  std::string user;      // empty: Redis's default user
  std::string password;  // empty: no AUTH. A secret: never logged, never in an error

  bool operator==(const RedisUrl&) const = default;
};

// The parts of `url`, or nullopt with `error` set to a sentence for the operator (naming
// REDIS_URL, never repeating the URL itself or its password).
std::optional<RedisUrl> parse_redis_url(std::string_view url, std::string& error);

}  // namespace voiceverify::store
