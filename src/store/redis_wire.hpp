// What the Redis store (redis_store.cpp) needs between hiredis and its own answers: a guard
// against SIGPIPE while hiredis writes, and the readings of the replies its scripts give.
#pragma once

#include <hiredis/hiredis.h>
#include <signal.h>

#include <chrono>
#include <cstddef>
#include <optional>

#include "store/store.hpp"

namespace voiceverify::store {

// Blocks SIGPIPE on this thread while alive and swallows one raised meanwhile: hiredis writes with
// write(2), and a server that went away would otherwise kill the whole pool.
class SigpipeGuard {
 public:
  SigpipeGuard();
  ~SigpipeGuard();
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

// Redis takes no expiry under a second.
std::chrono::seconds at_least_one_second(std::chrono::seconds ttl);
// Rounded up, as in the memory store: 300 ms left still blocks.
std::chrono::seconds seconds_from_pttl(long long pttl_ms);
// The {count, PTTL} pair the increment and take-back scripts answer; Unavailable for anything else.
Counter counter_from(const redisReply* reply);
// A whole decimal number, nothing else; nullopt otherwise.
std::optional<long> parse_long(const char* text, std::size_t length);

}  // namespace voiceverify::store
