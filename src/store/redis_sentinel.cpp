// See redis_sentinel.hpp. It follows Redis's "Sentinel client spec" (docs/redis.md):
// - Step 1: each sentinel is tried in turn with the store's short timeout; one that cannot be
//   reached, answers an error or does not know the name is passed over.
// - Step 2: SENTINEL get-master-addr-by-name NAME; the first sentinel that names an address moves
//   to the front of the list, so the next discovery asks it first.
// - Step 3: the store connects and checks ROLE. A sentinel whose address proved not to be the
//   primary (ROLE, READONLY) moves to the back instead: a sentinel with a stale view must not be
//   asked first forever while the others know better.
// - "Handle reconnections" and "Connection pools": any failure forgets the primary, and the
//   generation changes so the store drops every pooled connection to it.
// The back-off between discoveries starts at kFirstBackOff and doubles up to kMostBackOff: while
// the sentinels still agree on a dead primary (their down-after time) each ask costs one connect,
// a few times a second at most, whatever the request rate.
#include "store/redis_sentinel.hpp"

#include <algorithm>
#include <charconv>

#include "log/log.hpp"
#include "util/metrics.hpp"

namespace voiceverify::store {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kFirstBackOff{100};
constexpr std::chrono::milliseconds kMostBackOff{1000};

std::string_view loss_name(PrimaryLoss why) {
  return why == PrimaryLoss::NotPrimary ? "not_primary" : "connection_failed";
}

bool is_string(const redisReply* reply) {
  return reply != nullptr &&
         (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS);
}

}  // namespace

std::string describe(const RedisEndpoint& endpoint) {
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  return (v6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + std::to_string(endpoint.port);
}

timeval redis_timeval(std::chrono::milliseconds timeout) {
  timeval value{};
  value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  return value;
}

RedisReplyPtr redis_command(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return RedisReplyPtr(static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

PrimaryFinder::PrimaryFinder(const RedisUrl& url, timeval timeout)
    : primary_name_(url.primary_name),
      sentinel_password_(url.sentinel_password),
      timeout_(timeout),
      sentinels_(url.sentinels),
      back_off_(kFirstBackOff) {
  if (!uses_sentinel()) current_ = RedisEndpoint{url.host, url.port};
}

std::optional<PrimaryFinder::Target> PrimaryFinder::target() {
  {
    std::lock_guard lock(mutex_);
    if (current_) return Target{*current_, generation_};
    if (asking_ || Clock::now() < next_ask_) return std::nullopt;
    asking_ = true;
  }
  // Outside the lock: a sentinel that times out must not stall the threads that fail closed.
  const auto found = ask_sentinels();
  std::lock_guard lock(mutex_);
  asking_ = false;
  if (!found) {
    last_lost_.reset();  // no sentinel names one now
    next_ask_ = Clock::now() + back_off_;
    back_off_ = std::min(back_off_ * 2, kMostBackOff);
    return std::nullopt;
  }
  current_ = found;
  ++generation_;
  if (found != last_known_) {
    const std::string from = last_known_ ? describe(*last_known_) : "none";
    const std::string to = describe(*found);
    log::warning("redis_primary_changed", {{"from", from}, {"to", to}, {"name", primary_name_}});
    if (last_known_) util::metrics().redis_primary_changed();
    last_known_ = found;
  }
  return Target{*current_, generation_};
}

void PrimaryFinder::lost(std::uint64_t generation, PrimaryLoss why) {
  if (!uses_sentinel()) return;
  std::lock_guard lock(mutex_);
  if (generation != generation_ || !current_) return;
  // One line per loss: while the sentinels still name the dead primary, trying it again is quiet.
  if (!lost_since_) {
    log::warning(
        "redis_primary_lost",
        {{"primary", describe(*current_)}, {"reason", loss_name(why)}, {"name", primary_name_}});
  }
  if (why == PrimaryLoss::NotPrimary) {
    // The sentinel that named it is at the front (ask_sentinels): it goes to the back.
    std::rotate(sentinels_.begin(), sentinels_.begin() + 1, sentinels_.end());
  }
  last_lost_ = current_;
  last_loss_ = why;
  current_.reset();
  ++generation_;
  next_ask_ = Clock::now() + back_off_;
  back_off_ = std::min(back_off_ * 2, kMostBackOff);
  if (!lost_since_) lost_since_ = Clock::now();
}

void PrimaryFinder::confirmed(std::uint64_t generation) {
  if (!uses_sentinel()) return;
  std::lock_guard lock(mutex_);
  if (generation != generation_) return;
  back_off_ = kFirstBackOff;
  if (lost_since_) {
    const auto gap =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - *lost_since_);
    log::info("redis_primary_confirmed", {{"primary", describe(*current_)},
                                          {"without_primary_ms", std::to_string(gap.count())}});
    util::metrics().redis_without_primary(gap);
    lost_since_.reset();
  }
}

std::string PrimaryFinder::why_none() {
  std::lock_guard lock(mutex_);
  if (!uses_sentinel() || current_) return {};
  std::string why = "no primary for " + primary_name_ + " (asked " +
                    std::to_string(sentinels_.size()) +
                    (sentinels_.size() == 1 ? " sentinel; " : " sentinels; ");
  if (!last_lost_) return why + "none named one)";
  return why + "they named " + describe(*last_lost_) + ", which " +
         (last_loss_ == PrimaryLoss::NotPrimary ? "is not the primary)" : "does not answer)");
}

bool PrimaryFinder::is_primary(redisContext* context) {
  const auto reply = redis_command(context, {"ROLE"});
  return reply && reply->type == REDIS_REPLY_ARRAY && reply->elements >= 1 &&
         is_string(reply->element[0]) &&
         std::string_view(reply->element[0]->str, reply->element[0]->len) == "master";
}

bool PrimaryFinder::says_not_primary(std::string_view error) {
  // READONLY: a replica refused a write (also inside a script's error); MASTERDOWN: a replica
  // that lost its primary refuses reads too; the rest are the -ERR texts of a demoted server.
  for (const std::string_view sign :
       {"READONLY", "MASTERDOWN", "not the master", "not master", "not the primary", "LOADING"}) {
    if (error.find(sign) != std::string_view::npos) return true;
  }
  return false;
}

std::optional<RedisEndpoint> PrimaryFinder::ask_sentinels() {
  std::vector<RedisEndpoint> order;
  {
    std::lock_guard lock(mutex_);
    order = sentinels_;
  }
  for (const auto& sentinel : order) {
    auto found = ask_sentinel(sentinel);
    if (!found) continue;
    std::lock_guard lock(mutex_);
    const auto at = std::find(sentinels_.begin(), sentinels_.end(), sentinel);
    if (at != sentinels_.end()) std::rotate(sentinels_.begin(), at, at + 1);
    return found;
  }
  return std::nullopt;
}

std::optional<RedisEndpoint> PrimaryFinder::ask_sentinel(const RedisEndpoint& sentinel) {
  RedisContextPtr context(redisConnectWithTimeout(sentinel.host.c_str(), sentinel.port, timeout_));
  if (!context || context->err != 0) return std::nullopt;
  if (redisSetTimeout(context.get(), timeout_) != REDIS_OK) return std::nullopt;
  if (!sentinel_password_.empty()) {
    const auto auth = redis_command(context.get(), {"AUTH", sentinel_password_});
    if (!auth || auth->type != REDIS_REPLY_STATUS) {
      log::warning("redis_sentinel_auth_failed", {{"sentinel", describe(sentinel)}});
      return std::nullopt;
    }
  }
  const auto reply =
      redis_command(context.get(), {"SENTINEL", "get-master-addr-by-name", primary_name_});
  // An array of host and port; nil when this sentinel does not know the name.
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
      !is_string(reply->element[0]) || !is_string(reply->element[1])) {
    return std::nullopt;
  }
  RedisEndpoint found{std::string(reply->element[0]->str, reply->element[0]->len), 0};
  const std::string_view port(reply->element[1]->str, reply->element[1]->len);
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), found.port);
  if (ec != std::errc{} || ptr != port.data() + port.size() || found.port <= 0 ||
      found.port > 65535 || found.host.empty()) {
    return std::nullopt;
  }
  return found;
}

}  // namespace voiceverify::store
