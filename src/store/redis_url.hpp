// REDIS_URL, parsed once for everyone: the config check and the Redis store call this same
// function, so a URL the config accepts is one the store can use (and the other way round).
//
// Accepted: redis://[[USER]:PASSWORD@]HOST:PORT[/DB], where HOST is a DNS name or IPv4 address
// (letters, digits, '.', '-') or an IPv6 address in brackets ("[::1]"); PORT 1..65535; DB
// 0..99999. A password alone is Redis's requirepass (AUTH password), a user with it an ACL user
// (Redis 6: AUTH user password); both may be %-encoded (%40 for '@'), and may hold no control
// byte. Refused: a user without a password, a query or fragment, rediss:// (hiredis 0.14 has no
// TLS), a missing port, and numbers with signs or leading zeros (one spelling per address).
//
// Also accepted, for a primary found through Redis Sentinel (docs/redis.md):
//   redis+sentinel://[[USER]:PASSWORD@]HOST:PORT[,HOST:PORT...]/NAME[?db=DB]
// HOST:PORT are the sentinels (1..kMaxSentinels, each as above, no two alike), NAME the primary's
// name in their configuration (1..kMaxPrimaryName of letters, digits, '.', '_', '-'); the user
// and password are the primary's, the sentinels' own password is REDIS_SENTINEL_PASSWORD. A
// whole URL is at most kMaxUrlLength bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voiceverify::store {

inline constexpr std::size_t kMaxSentinels = 16;
inline constexpr std::size_t kMaxPrimaryName = 64;
inline constexpr std::size_t kMaxUrlLength = 4096;

// A server's address, as hiredis wants it: an IPv6 address without its brackets.
struct RedisEndpoint {
  std::string host;
  int port = 0;

  bool operator==(const RedisEndpoint&) const = default;
};

struct RedisUrl {
  std::string host;  // as hiredis wants it: an IPv6 address without its brackets
  int port = 0;
  int db = 0;
  std::string user;      // empty: Redis's default user
  std::string password;  // empty: no AUTH. A secret: never logged, never in an error
  // redis+sentinel:// only (host and port then stay empty): the sentinels to ask, in the URL's
  // order, and the name of the primary they watch.
  std::vector<RedisEndpoint> sentinels;
  std::string primary_name;
  // REDIS_SENTINEL_PASSWORD (not part of the URL): AUTH to each sentinel when not empty.
  std::string sentinel_password;

  bool uses_sentinel() const { return !sentinels.empty(); }

  bool operator==(const RedisUrl&) const = default;
};

// The parts of `url`, or nullopt with `error` set to a sentence for the operator (naming
// REDIS_URL, never repeating the URL itself or its password).
std::optional<RedisUrl> parse_redis_url(std::string_view url, std::string& error);

}  // namespace voiceverify::store
