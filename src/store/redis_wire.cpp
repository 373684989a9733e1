// See redis_wire.hpp.
#include "store/redis_wire.hpp"

#include <pthread.h>

#include <charconv>
#include <ctime>

namespace voiceverify::store {

SigpipeGuard::SigpipeGuard() {
  sigemptyset(&pipe_);
  sigaddset(&pipe_, SIGPIPE);
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
}

SigpipeGuard::~SigpipeGuard() {
  if (!was_pending_) {
    const timespec zero{};
    while (sigtimedwait(&pipe_, nullptr, &zero) == SIGPIPE) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

std::chrono::seconds at_least_one_second(std::chrono::seconds ttl) {
  return ttl < std::chrono::seconds{1} ? std::chrono::seconds{1} : ttl;
}

std::chrono::seconds seconds_from_pttl(long long pttl_ms) {
  if (pttl_ms <= 0) return std::chrono::seconds{0};
  return std::chrono::ceil<std::chrono::seconds>(std::chrono::milliseconds{pttl_ms});
}

Counter counter_from(const redisReply* reply) {
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
      reply->element[0]->type != REDIS_REPLY_INTEGER ||
      reply->element[1]->type != REDIS_REPLY_INTEGER) {
    return Counter{StoreError::Unavailable, 0, {}};
  }
  return Counter{StoreError::None, static_cast<long>(reply->element[0]->integer),
                 seconds_from_pttl(reply->element[1]->integer)};
}

std::optional<long> parse_long(const char* text, std::size_t length) {
  long value = 0;
  auto [ptr, ec] = std::from_chars(text, text + length, value);
  if (ec != std::errc{} || ptr != text + length || length == 0) return std::nullopt;
  return value;
}

}  // namespace voiceverify::store
