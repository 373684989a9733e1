// Where the Redis primary is, for the Redis store (redis_store.cpp). With a redis:// URL that is
// the URL's address, always. With redis+sentinel:// it is what Redis Sentinel says, found the way
// Redis's Sentinel client spec describes (docs/redis.md): ask the sentinels in turn for the
// primary's address, connect, confirm with ROLE that it is the primary; when a connection to it
// fails or it turns out not to be the primary, forget it and ask again, no sooner than a short,
// growing back-off (never a busy loop). Until a primary is known, target() answers nullopt and
// the store fails closed (StoreError::Unavailable).
//
// Each address found gets a new generation number: the store tags its connections with it and
// drops every connection of an older generation, so none keeps pointing at an old primary.
// Thread-safe. Secrets (the passwords) are never logged.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/redis_url.hpp"

namespace voiceverify::store {

struct RedisReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using RedisReplyPtr = std::unique_ptr<redisReply, RedisReplyDeleter>;

struct RedisContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
using RedisContextPtr = std::unique_ptr<redisContext, RedisContextDeleter>;

// "host:port", or "[v6]:port": for log lines and operators.
std::string describe(const RedisEndpoint& endpoint);

// hiredis's form of a timeout.
timeval redis_timeval(std::chrono::milliseconds timeout);

// One command, binary-safe (redisCommandArgv): nullptr when no reply came.
RedisReplyPtr redis_command(redisContext* context, const std::vector<std::string>& args);

// Why a primary was given up.
enum class PrimaryLoss { ConnectionFailed, NotPrimary };

class PrimaryFinder {
 public:
  PrimaryFinder(const RedisUrl& url, timeval timeout);

  struct Target {
    RedisEndpoint address;
    std::uint64_t generation = 0;
  };

  bool uses_sentinel() const { return !sentinels_.empty(); }
  // The primary to connect to: the one known, or one found now (at most one thread asks the
  // sentinels at a time; the others get nullopt meanwhile). nullopt: none known (fail closed).
  std::optional<Target> target();
  // A connection to `generation`'s primary failed, or found it is no primary (ROLE, READONLY):
  // forget it, so that the next target() asks the sentinels again. Later reports of the same
  // generation change nothing. A no-op without Sentinel (a plain URL has only one address).
  void lost(std::uint64_t generation, PrimaryLoss why);
  // A new connection to `generation`'s primary was confirmed: the back-off starts small again.
  void confirmed(std::uint64_t generation);

  // Why no primary is known, for an operator: "no primary for NAME (asked 3 sentinels; they
  // named HOST:PORT, which does not answer)". Empty while one is known, and without Sentinel.
  std::string why_none();

  // Whether the server on `context` says ROLE master (Redis's Sentinel client spec, step 3).
  static bool is_primary(redisContext* context);
  // Whether an error reply says the server is not (or no longer) the primary.
  static bool says_not_primary(std::string_view error);

 private:
  // Steps 1 and 2 of the spec: the first sentinel that names an address moves to the front.
  std::optional<RedisEndpoint> ask_sentinels();
  std::optional<RedisEndpoint> ask_sentinel(const RedisEndpoint& sentinel);

  const std::string primary_name_;
  const std::string sentinel_password_;
  const timeval timeout_;

  std::mutex mutex_;  // guards what follows
  std::vector<RedisEndpoint> sentinels_;
  std::optional<RedisEndpoint> current_;
  std::optional<RedisEndpoint> last_known_;  // for the log line of a change
  std::uint64_t generation_ = 1;
  bool asking_ = false;  // a thread is asking the sentinels
  std::chrono::steady_clock::time_point next_ask_{};
  std::chrono::milliseconds back_off_;
  std::optional<std::chrono::steady_clock::time_point> lost_since_;  // no primary since then
  std::optional<RedisEndpoint> last_lost_;  // the last primary given up, until a new one is named
  PrimaryLoss last_loss_ = PrimaryLoss::ConnectionFailed;
};

}  // namespace voiceverify::store
