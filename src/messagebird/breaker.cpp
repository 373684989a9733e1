#include "messagebird/breaker.hpp"

#include <array>
#include <string>

#include "log/log.hpp"
#include "util/name_table.hpp"

namespace voiceverify::messagebird {

namespace {

constexpr auto kBreakerStateNames = std::to_array<util::NameRow<BreakerState>>({
    {BreakerState::Closed, "closed"},
    {BreakerState::Open, "open"},
    {BreakerState::Probing, "probing"},
});

}  // namespace

const char* breaker_state_name(BreakerState state) {
  return util::name_of(kBreakerStateNames, state, "probing");
}

bool is_upstream_failure(const VerifyResult& result) {
  return result.error == VerifyError::Unavailable;
}

Breaker::Breaker(BreakerSettings settings, Clock clock)
    : settings_(settings), clock_(std::move(clock)) {}

void Breaker::open_locked(std::chrono::steady_clock::time_point now) {
  state_ = BreakerState::Open;
  opened_at_ = now;
  log::warning("upstream_breaker", {{"state", "open"},
                                    {"failures", std::to_string(failures_in_row_)},
                                    {"cooldown_s", std::to_string(settings_.cooldown.count())}});
}

bool Breaker::allow() {
  const std::lock_guard lock(mutex_);
  switch (state_) {
    case BreakerState::Closed:
      return true;
    case BreakerState::Probing:
      return false;
    case BreakerState::Open:
      break;
  }
  if (clock_() - opened_at_ < settings_.cooldown) return false;
  state_ = BreakerState::Probing;
  log::info("upstream_breaker", {{"state", "probing"}});
  return true;
}

void Breaker::record(bool failed) {
  const std::lock_guard lock(mutex_);
  if (!failed) {
    if (state_ != BreakerState::Closed) log::info("upstream_breaker", {{"state", "closed"}});
    state_ = BreakerState::Closed;
    failures_in_row_ = 0;
    return;
  }
  ++failures_in_row_;
  // A failed probe opens it again; so does the last of `failures` in a row. Calls that were
  // already on their way when it opened change nothing.
  if (state_ == BreakerState::Probing ||
      (state_ == BreakerState::Closed && failures_in_row_ >= settings_.failures)) {
    open_locked(clock_());
  }
}

bool Breaker::refusing() const {
  const std::lock_guard lock(mutex_);
  return state_ == BreakerState::Probing ||
         (state_ == BreakerState::Open && clock_() - opened_at_ < settings_.cooldown);
}

BreakerState Breaker::state() const {
  const std::lock_guard lock(mutex_);
  return state_;
}

}  // namespace voiceverify::messagebird
