// A small key-value store for counters and short-lived facts, shared by all worker threads (and,
// with Redis, by several pools on several hosts). Every value expires by TTL. Operations that
// must be atomic (increment with expiry, take-if-equal) are atomic in every backend.
// A backend that cannot be reached answers StoreError::Unavailable: callers fail closed.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/redis_url.hpp"

namespace voiceverify::store {

enum class StoreError { None, Unavailable };

struct Counter {
  StoreError error = StoreError::None;
  long value = 0;                    // after the operation
  std::chrono::seconds ttl_left{0};  // time until the key expires (0 if it does not exist)
};

struct Fetched {
  StoreError error = StoreError::None;
  std::optional<std::string> value;  // nullopt: no such key (or expired)
};

// A timeline's count of members whose time lies in [from, to] (seconds since the epoch); with
// `distinct_prefixes`, of the distinct parts before the first '|' of those members instead
// ("net1|call1", "net1|call2", "net2|call3": 2).
struct TimelineQuery {
  std::string key;
  long from = 0;
  long to = 0;
  bool distinct_prefixes = false;
};

struct Counts {
  StoreError error = StoreError::None;
  std::vector<long> values;  // one per query, in order
};

struct Created {
  StoreError error = StoreError::None;
  bool created = false;  // false: the key existed, and was left as it was
};

struct Listed {
  StoreError error = StoreError::None;
  std::vector<std::string> keys;  // without the backend's own prefix
};

class Store {
 public:
  virtual ~Store() = default;

  // Adds `by` to the counter at `key`; a new key starts at 0 and expires after `window`
  // (fixed window: later increments keep the first expiry).
  virtual Counter increment(const std::string& key, std::chrono::seconds window, long by = 1) = 0;
  // Takes back one earlier increment: decrements the counter at `key` by one, atomically, but
  // only while the key exists and holds more than zero. A key that expired in the meantime stays
  // missing: decrementing it would create a fresh window at -1 that lets one call too many
  // through. The result holds the value after the operation (0 for a missing key).
  virtual Counter take_back(const std::string& key) = 0;
  // The counter's value without changing it (0 when missing).
  virtual Counter peek(const std::string& key) = 0;
  // Sets `key` to `value`, expiring after `ttl`, replacing any old value.
  virtual StoreError put(const std::string& key, const std::string& value,
                         std::chrono::seconds ttl) = 0;
  virtual Fetched get(const std::string& key) = 0;
  virtual StoreError remove(const std::string& key) = 0;
  // Gets and removes `key` in one atomic step (Redis GETDEL): of several callers racing for the
  // same key, across pools, exactly one receives the value. What makes a single-use value
  // (an OpenID Connect authorization code, docs/oidc.md) single-use. A backend (or a test's
  // wrapper) without it answers Unavailable.
  virtual Fetched take(const std::string& key);

  // The rest serves the fraud guard (fraud_guard.hpp) and the operators' listings. A backend
  // (or a test's wrapper) without them answers Unavailable, so whatever relies on them fails
  // closed.

  // A timeline is a set of members, each with a time (seconds since the epoch, wall clock, so
  // that pools on several hosts agree): a Redis sorted set. Adds `member` at `at` (an existing
  // member moves there), drops the members older than `at - ttl`, and makes the whole timeline
  // expire `ttl` after this add.
  virtual StoreError add_to_timeline(const std::string& key, const std::string& member, long at,
                                     std::chrono::seconds ttl);
  // Removes `member` from the timeline at `key` (a missing one is no error).
  virtual StoreError remove_from_timeline(const std::string& key, const std::string& member);
  // Counts members in several timelines at once (one round trip); a missing timeline counts 0.
  // The counts of timelines whose keys share a Redis Cluster hash tag are read together.
  virtual Counts count_in_timelines(const std::vector<TimelineQuery>& queries);
  // Sets `key` only when it does not exist (SET NX): what decides which of several pools logs an
  // event that begins once.
  virtual Created put_if_absent(const std::string& key, const std::string& value,
                                std::chrono::seconds ttl);
  // Up to `max` live keys that start with `prefix` (for operators: not on a request's path).
  virtual Listed keys_with_prefix(const std::string& prefix, std::size_t max);

  // Why the last operation that failed failed, in plain words for an operator (`/readyz`):
  // "redis: no primary for mymaster (asked 3 sentinels; ...)". Never a password. Empty when the
  // backend cannot say.
  virtual std::string trouble();
};

// The embedded backend: in the pool's memory, one mutex, expired keys swept lazily. At most
// `max_entries` keys live at once; creating one more fails closed (Unavailable) once a sweep of
// the expired ones frees no room. `clock` replaces steady_clock::now for tests.
using MemoryClock = std::function<std::chrono::steady_clock::time_point()>;
std::unique_ptr<Store> make_memory_store(std::size_t max_entries = 100'000, MemoryClock clock = {});

// The Redis backend (hiredis 0.14): each operation checks a connection out of a small pool. `url`
// is as parse_redis_url (redis_url.hpp) accepts: redis://host:port[/db], IPv6 as [addr]; every key
// gets `key_prefix` in front. nullptr + error on a bad URL.
std::unique_ptr<Store> make_redis_store(const std::string& url, const std::string& key_prefix,
                                        std::chrono::milliseconds timeout, std::string& error);

// Sees every command the Redis store sends, its arguments as sent, just before it is sent: the
// test that proves each command's keys fall in one Redis Cluster slot (docs/redis.md).
using RedisCommandTap = std::function<void(const std::vector<std::string>& args)>;

// The same, for an address already parsed (the config parses REDIS_URL once, at load).
std::unique_ptr<Store> make_redis_store(const RedisUrl& address, const std::string& key_prefix,
                                        std::chrono::milliseconds timeout, std::string& error,
                                        RedisCommandTap tap = {});

}  // namespace voiceverify::store
