// The Redis Store (hiredis 0.14), so that several pools on several hosts share one set of limits.
//
// Why these choices:
// - A redisContext must not be used by two threads (docs/platform.md, "hiredis"). Connections
//   live in a small mutex-guarded pool and each operation checks one out for its duration. A
//   thread_local map keyed by store address was the other option, but it outlives the store and a
//   new store at a reused address would inherit a connection to the wrong server.
// - A connection that saw any I/O or protocol error (including a timeout, which may leave a late
//   reply in its buffer) is freed, never returned to the pool: the next operation reconnects.
// - Every failure is StoreError::Unavailable, never an exception: the limiter then fails closed.
// - Commands go through redisCommandArgv, so keys and values are binary-safe and never parsed as
//   a format string.
// - hiredis writes with write(2): a server that went away can raise SIGPIPE, whose default action
//   kills the whole pool. The signal is blocked on this thread for the operation and any SIGPIPE
//   it raised is consumed (SigpipeGuard, redis_wire.hpp).
// - Where the primary is comes from a PrimaryFinder (redis_sentinel.hpp): the URL's address, or
//   what Redis Sentinel says. Each connection carries the finder's generation; a failure, a ROLE
//   that is not "master" or a READONLY reply tells the finder, and the pool drops every
//   connection of an older generation (docs/redis.md).
// - Every command and script touches keys of one Redis Cluster hash slot (docs/redis.md,
//   "Cluster-ready keys"): count_in_timelines, the one operation given many keys, sends one
//   script per slot, pipelined on one connection, so it still costs one round trip.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log/log.hpp"
#include "store/redis_scripts.hpp"
#include "store/redis_sentinel.hpp"
#include "store/redis_slot.hpp"
#include "store/redis_url.hpp"
#include "store/redis_wire.hpp"
#include "store/store.hpp"

namespace voiceverify::store {
namespace {

using Reply = RedisReplyPtr;
using Context = RedisContextPtr;

class RedisStore final : public Store {
 public:
  RedisStore(RedisUrl address, std::string key_prefix, std::chrono::milliseconds timeout,
             RedisCommandTap tap)
      : address_(std::move(address)),
        prefix_(std::move(key_prefix)),
        timeout_(redis_timeval(timeout)),
        finder_(address_, timeout_),
        tap_(std::move(tap)) {}

  Counter increment(const std::string& key, std::chrono::seconds window, long by) override {
    const auto full = prefix_ + key;
    const auto by_text = std::to_string(by);
    const auto window_ms = std::to_string(at_least_one_second(window).count() * 1000);
    return counter_from(run({"EVAL", kIncrementScript, "1", full, by_text, window_ms}).get());
  }

  Counter take_back(const std::string& key) override {
    return counter_from(run({"EVAL", kTakeBackScript, "1", prefix_ + key}).get());
  }

  Counter peek(const std::string& key) override {
    auto reply = run({"EVAL", kPeekScript, "1", prefix_ + key});
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
        reply->element[1]->type != REDIS_REPLY_INTEGER) {
      return Counter{StoreError::Unavailable, 0, {}};
    }
    const redisReply* value = reply->element[0];
    if (value->type == REDIS_REPLY_NIL) return Counter{};
    if (value->type != REDIS_REPLY_STRING) return Counter{StoreError::Unavailable, 0, {}};
    const auto number = parse_long(value->str, value->len);
    if (!number) return Counter{StoreError::Unavailable, 0, {}};
    return Counter{StoreError::None, *number, seconds_from_pttl(reply->element[1]->integer)};
  }

  StoreError put(const std::string& key, const std::string& value,
                 std::chrono::seconds ttl) override {
    auto reply =
        run({"SET", prefix_ + key, value, "EX", std::to_string(at_least_one_second(ttl).count())});
    if (!reply || reply->type != REDIS_REPLY_STATUS) return StoreError::Unavailable;
    return StoreError::None;
  }

  Fetched get(const std::string& key) override {
    auto reply = run({"GET", prefix_ + key});
    if (!reply) return Fetched{StoreError::Unavailable, std::nullopt};
    if (reply->type == REDIS_REPLY_NIL) return Fetched{};
    if (reply->type != REDIS_REPLY_STRING) return Fetched{StoreError::Unavailable, std::nullopt};
    return Fetched{StoreError::None, std::string(reply->str, reply->len)};
  }

  // GET and DEL in one script rather than GETDEL, which needs Redis 6.2: a script is atomic on
  // every version a distribution still ships.
  Fetched take(const std::string& key) override {
    auto reply = run({"EVAL", kTakeScript, "1", prefix_ + key});
    if (!reply) return Fetched{StoreError::Unavailable, std::nullopt};
    if (reply->type == REDIS_REPLY_NIL) return Fetched{};
    if (reply->type != REDIS_REPLY_STRING) return Fetched{StoreError::Unavailable, std::nullopt};
    return Fetched{StoreError::None, std::string(reply->str, reply->len)};
  }

  StoreError remove(const std::string& key) override {
    auto reply = run({"DEL", prefix_ + key});
    if (!reply || reply->type != REDIS_REPLY_INTEGER) return StoreError::Unavailable;
    return StoreError::None;
  }

  StoreError add_to_timeline(const std::string& key, const std::string& member, long at,
                             std::chrono::seconds ttl) override {
    const auto seconds = at_least_one_second(ttl).count();
    auto reply = run({"EVAL", kTimelineAddScript, "1", prefix_ + key, member, std::to_string(at),
                      std::to_string(at - seconds), std::to_string(seconds)});
    if (!reply || reply->type != REDIS_REPLY_INTEGER) return StoreError::Unavailable;
    return StoreError::None;
  }

  StoreError remove_from_timeline(const std::string& key, const std::string& member) override {
    auto reply = run({"ZREM", prefix_ + key, member});
    if (!reply || reply->type != REDIS_REPLY_INTEGER) return StoreError::Unavailable;
    return StoreError::None;
  }

  Counts count_in_timelines(const std::vector<TimelineQuery>& queries) override {
    if (queries.empty()) return Counts{};
    // One script per slot, its queries in their order (see top).
    std::vector<unsigned> slots;
    std::vector<std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < queries.size(); ++i) {
      const unsigned slot = redis_hash_slot(prefix_ + queries[i].key);
      const auto at = std::find(slots.begin(), slots.end(), slot);
      if (at == slots.end()) {
        slots.push_back(slot);
        groups.push_back({i});
      } else {
        groups[static_cast<std::size_t>(at - slots.begin())].push_back(i);
      }
    }
    std::vector<std::vector<std::string>> commands;
    for (const auto& group : groups) {
      std::vector<std::string> args{"EVAL", kTimelineCountScript, std::to_string(group.size())};
      for (const std::size_t i : group) args.push_back(prefix_ + queries[i].key);
      for (const std::size_t i : group) {
        args.push_back(std::to_string(queries[i].from));
        args.push_back(std::to_string(queries[i].to));
        args.emplace_back(queries[i].distinct_prefixes ? "1" : "0");
      }
      commands.push_back(std::move(args));
    }
    const auto replies = run_all(commands);
    if (replies.size() != groups.size()) return Counts{StoreError::Unavailable, {}};
    Counts counts;
    counts.values.assign(queries.size(), 0);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const redisReply* reply = replies[g].get();
      if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != groups[g].size()) {
        return Counts{StoreError::Unavailable, {}};
      }
      for (std::size_t j = 0; j < reply->elements; ++j) {
        if (reply->element[j]->type != REDIS_REPLY_INTEGER)
          return Counts{StoreError::Unavailable, {}};
        counts.values[groups[g][j]] = static_cast<long>(reply->element[j]->integer);
      }
    }
    return counts;
  }

  Created put_if_absent(const std::string& key, const std::string& value,
                        std::chrono::seconds ttl) override {
    auto reply = run({"SET", prefix_ + key, value, "NX", "EX",
                      std::to_string(at_least_one_second(ttl).count())});
    if (!reply) return Created{StoreError::Unavailable, false};
    if (reply->type == REDIS_REPLY_NIL) return Created{StoreError::None, false};
    if (reply->type != REDIS_REPLY_STATUS) return Created{StoreError::Unavailable, false};
    return Created{StoreError::None, true};
  }

  std::string trouble() override {
    if (auto why = finder_.why_none(); !why.empty()) return "redis: " + why;
    std::lock_guard lock(mutex_);
    return trouble_.empty() ? std::string{} : "redis: " + trouble_;
  }

  // SCAN, not KEYS: a large Redis answers in steps instead of blocking every other client. Our
  // prefixes hold no glob characters (REDIS_PREFIX: letters, digits, ':', '_', '-'; keys: ours).
  Listed keys_with_prefix(const std::string& prefix, std::size_t max) override {
    Listed listed;
    std::string cursor = "0";
    do {
      auto reply = run({"SCAN", cursor, "MATCH", prefix_ + prefix + "*", "COUNT", "1000"});
      if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
          reply->element[0]->type != REDIS_REPLY_STRING ||
          reply->element[1]->type != REDIS_REPLY_ARRAY) {
        return Listed{StoreError::Unavailable, {}};
      }
      cursor.assign(reply->element[0]->str, reply->element[0]->len);
      const redisReply* keys = reply->element[1];
      for (std::size_t i = 0; i < keys->elements && listed.keys.size() < max; ++i) {
        if (keys->element[i]->type != REDIS_REPLY_STRING) continue;
        listed.keys.emplace_back(keys->element[i]->str + prefix_.size(),
                                 keys->element[i]->len - prefix_.size());
      }
    } while (cursor != "0" && listed.keys.size() < max);
    std::sort(listed.keys.begin(), listed.keys.end());
    return listed;
  }

 private:
  // Enough for every worker thread of a pool; beyond it, spare connections are closed.
  static constexpr std::size_t kMaxIdle = 64;

  // A connection and the finder's generation it was made in.
  struct Pooled {
    Context context;
    std::uint64_t generation = 0;
  };

  // One command on a checked-out connection. nullptr for any failure, including an error reply.
  Reply run(const std::vector<std::string>& args) {
    auto replies = run_all({args});
    return replies.empty() ? nullptr : std::move(replies.front());
  }

  // Commands pipelined on one checked-out connection: every reply, in order, or none at all when
  // the connection failed. An error reply is a nullptr in its place.
  std::vector<Reply> run_all(const std::vector<std::vector<std::string>>& commands) {
    SigpipeGuard guard;
    if (tap_) {
      for (const auto& args : commands) tap_(args);
    }
    Pooled pooled = check_out();
    if (!pooled.context) return {};
    redisContext* context = pooled.context.get();
    std::vector<Reply> replies;
    bool sent = true;
    for (const auto& args : commands) {
      std::vector<const char*> argv;
      std::vector<std::size_t> lengths;
      for (const auto& arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
      }
      sent = sent && redisAppendCommandArgv(context, static_cast<int>(argv.size()), argv.data(),
                                            lengths.data()) == REDIS_OK;
    }
    bool not_primary = false;
    for (std::size_t i = 0; sent && i < commands.size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(context, &raw) != REDIS_OK) break;
      Reply reply(static_cast<redisReply*>(raw));
      if (reply && reply->type == REDIS_REPLY_ERROR) {
        not_primary = not_primary ||
                      PrimaryFinder::says_not_primary(std::string_view(reply->str, reply->len));
        reply.reset();
      }
      replies.push_back(std::move(reply));
    }
    // Fewer replies than commands means the connection is broken or timed out: drop it
    // (reconnect next time).
    if (replies.size() != commands.size() || context->err != 0) {
      note_trouble("the connection to the primary broke or timed out");
      finder_.lost(pooled.generation, PrimaryLoss::ConnectionFailed);
      return {};
    }
    if (not_primary) {
      finder_.lost(pooled.generation, PrimaryLoss::NotPrimary);
      return {};
    }
    check_in(std::move(pooled));
    return replies;
  }

  Pooled check_out() {
    const auto target = finder_.target();
    if (!target) return {};  // no primary known: fail closed
    {
      std::lock_guard lock(mutex_);
      // Generations only grow: an older target was given up while this thread fetched it.
      if (target->generation < idle_generation_) return {};
      if (target->generation > idle_generation_) {
        idle_.clear();  // connections to a primary given up: never reused
        idle_generation_ = target->generation;
      }
      if (!idle_.empty()) {
        Context context = std::move(idle_.back());
        idle_.pop_back();
        return Pooled{std::move(context), target->generation};
      }
    }
    // Outside the lock: a slow connect must not stall the other threads.
    return Pooled{connect(*target), target->generation};
  }

  void check_in(Pooled pooled) {
    std::lock_guard lock(mutex_);
    if (pooled.generation == idle_generation_ && idle_.size() < kMaxIdle) {
      idle_.push_back(std::move(pooled.context));
    }
  }

  Context connect(const PrimaryFinder::Target& target) {
    Context context = open(target.address);
    if (!context) {
      finder_.lost(target.generation, PrimaryLoss::ConnectionFailed);
      return nullptr;
    }
    if (finder_.uses_sentinel()) {
      // Step 3 of the Sentinel client spec: only a server that says it is the primary is used.
      if (!PrimaryFinder::is_primary(context.get())) {
        finder_.lost(target.generation, PrimaryLoss::NotPrimary);
        return nullptr;
      }
      finder_.confirmed(target.generation);
    }
    return context;
  }

  Context open(const RedisEndpoint& address) {
    Context context(redisConnectWithTimeout(address.host.c_str(), address.port, timeout_));
    if (!context || context->err != 0 || redisSetTimeout(context.get(), timeout_) != REDIS_OK) {
      note_trouble(describe(address) + " does not answer");
      return nullptr;
    }
    if (!address_.password.empty() && !authenticate(context.get())) {
      note_trouble(describe(address) + " refused the password");
      return nullptr;
    }
    if (address_.db != 0) {
      const auto reply = redis_command(context.get(), {"SELECT", std::to_string(address_.db)});
      if (!reply || reply->type != REDIS_REPLY_STATUS) {
        note_trouble(describe(address) + " refused SELECT " + std::to_string(address_.db));
        return nullptr;
      }
    }
    return context;
  }

  // What trouble() says; only on a failure's path, so the lock costs a working store nothing.
  void note_trouble(std::string what) {
    std::lock_guard lock(mutex_);
    trouble_ = std::move(what);
  }

  // AUTH password, or AUTH user password for an ACL user (Redis 6). A refusal fails closed like
  // any unreachable store, and says so in the log, at most every ten seconds, without the password.
  bool authenticate(redisContext* context) {
    std::vector<const char*> argv{"AUTH"};
    std::vector<std::size_t> lengths{4};
    if (!address_.user.empty()) {
      argv.push_back(address_.user.c_str());
      lengths.push_back(address_.user.size());
    }
    argv.push_back(address_.password.c_str());
    lengths.push_back(address_.password.size());
    Reply reply(static_cast<redisReply*>(
        redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
    if (reply && reply->type == REDIS_REPLY_STATUS) return true;
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count();
    std::int64_t last = last_auth_report_.load();
    if (now - last >= 10 && last_auth_report_.compare_exchange_strong(last, now)) {
      log::error("redis_auth_failed",
                 {{"user", address_.user.empty() ? "default" : "acl-user"},
                  {"reply", reply && reply->type == REDIS_REPLY_ERROR ? "refused" : "none"}});
    }
    return false;
  }

  RedisUrl address_;
  std::atomic<std::int64_t> last_auth_report_{-100};
  std::string prefix_;
  timeval timeout_{};
  PrimaryFinder finder_;
  std::mutex mutex_;  // guards what follows
  std::vector<Context> idle_;
  std::uint64_t idle_generation_ = 0;
  std::string trouble_;
  RedisCommandTap tap_;
};

}  // namespace

std::unique_ptr<Store> make_redis_store(const std::string& url, const std::string& key_prefix,
                                        std::chrono::milliseconds timeout, std::string& error) {
  const auto address = parse_redis_url(url, error);
  if (!address) return nullptr;
  return make_redis_store(*address, key_prefix, timeout, error);
}

std::unique_ptr<Store> make_redis_store(const RedisUrl& address, const std::string& key_prefix,
                                        std::chrono::milliseconds timeout, std::string& error,
                                        RedisCommandTap tap) {
  if (timeout <= std::chrono::milliseconds{0}) {
    // hiredis treats a zero timeout as "wait forever": a hung Redis would hang every worker.
    error = "Redis timeout must be positive";
    return nullptr;
  }
  return std::make_unique<RedisStore>(address, key_prefix, timeout, std::move(tap));
}

}  // namespace voiceverify::store
