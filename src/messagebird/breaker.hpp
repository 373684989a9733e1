// The circuit breaker in front of MessageBird (docs/messagebird-verify.md, "When MessageBird is
// down"): after `failures` upstream failures in a row it opens, and for `cooldown` every call is
// refused at once instead of waiting out a timeout; then one probe call is let through, and its
// answer closes the breaker or opens it again. State changes are logged. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

#include "messagebird/verify_response.hpp"

namespace voiceverify::messagebird {

enum class BreakerState { Closed, Open, Probing };

// "closed", "open", "probing": for the log and /readyz.
const char* breaker_state_name(BreakerState state);

// An answer that says MessageBird (or the way to it) is in trouble: a timeout, a refused
// connection, a 5xx, garbage. A refusal MessageBird gave (a wrong code, our key) is an answer.
bool is_upstream_failure(const VerifyResult& result);

struct BreakerSettings {
  int failures;                   // BREAKER_FAILURES
  std::chrono::seconds cooldown;  // BREAKER_COOLDOWN
};

class Breaker {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit Breaker(BreakerSettings settings, Clock clock = &std::chrono::steady_clock::now);

  // May a call go upstream now? Closed: yes. Open: no, until the cool-down has passed; then the
  // first caller is the probe (yes) and the breaker is Probing. Probing: no, until the probe's
  // answer is recorded. A caller told yes must record() the answer.
  bool allow();
  // The answer of a call allow() let through.
  void record(bool failed);

  // Open and still cooling down: a page can refuse before spending any limit. Never takes the
  // probe.
  bool refusing() const;
  BreakerState state() const;

 private:
  void open_locked(std::chrono::steady_clock::time_point now);

  const BreakerSettings settings_;
  const Clock clock_;
  mutable std::mutex mutex_;
  BreakerState state_ = BreakerState::Closed;
  int failures_in_row_ = 0;
  std::chrono::steady_clock::time_point opened_at_{};
};

}  // namespace voiceverify::messagebird
