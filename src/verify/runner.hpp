// Runs verification steps without holding a thread while MessageBird answers
// (docs/architecture.md, "Upstream calls"): each upstream call goes out through the client's
// transport and returns at once; the answer resumes the step on the task queue, never on the
// transport's event thread. Bounded (a start beyond `max_in_flight` waiting requests is refused
// before anything is spent) and guarded by the circuit breaker. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>

#include "messagebird/breaker.hpp"
#include "messagebird/verify_client.hpp"
#include "util/task_queue.hpp"
#include "verify/admission.hpp"
#include "verify/step.hpp"
#include "verify/test_numbers.hpp"

namespace voiceverify::verify {

// No defaults here: app::runner_settings (src/app/settings.cpp) fills them from
// UPSTREAM_MAX_INFLIGHT and TOTAL_TIMEOUT_MS.
struct RunnerSettings {
  std::size_t max_in_flight;         // requests waiting for MessageBird at once
  std::chrono::milliseconds budget;  // for all the upstream calls of one request together
};

class Runner : public Admission {
 public:
  // Keeps references: all three must outlive the runner and every run it started, and so must
  // `test_numbers` when given: the calls it answers (test_numbers.hpp) never reach the client,
  // the breaker or the budget.
  Runner(RunnerSettings settings, messagebird::VerifyClient& client, messagebird::Breaker& breaker,
         util::TaskQueue& tasks, TestNumbers* test_numbers = nullptr);

  // A ticket, or nothing when max_in_flight requests are already waiting (the site is busy).
  std::optional<Ticket> admit() override;
  // The breaker is open: MessageBird is known to be down, refuse before spending anything.
  bool upstream_down() const override { return breaker_.refusing(); }
  std::size_t in_flight() const { return in_flight_.load(); }
  // For /readyz.
  messagebird::BreakerState breaker_state() const { return breaker_.state(); }

  // Runs `step` to its end. An upstream call goes out without waiting; its answer resumes the
  // step on the task queue. `done` gets the outcome there, or on this thread at once when no
  // call is needed (the breaker refuses it, or test numbers answer every call). The calls of one
  // run share one budget, from now. When a continuation throws on the task queue (our bug), the
  // exception is logged at error level and `failed` gets its message instead of `done` (the page
  // answers 500 with it); no `failed`: the run just ends, and what `done` held is released.
  void run(Step step, Ticket ticket, std::function<void(Outcome)> done,
           std::function<void(const char*)> failed = {});

 private:
  struct Chain;
  void advance(const std::shared_ptr<Chain>& chain);

  const RunnerSettings settings_;
  messagebird::VerifyClient& client_;
  messagebird::Breaker& breaker_;
  util::TaskQueue& tasks_;
  TestNumbers* test_numbers_;
  std::atomic<std::size_t> in_flight_{0};
};

}  // namespace voiceverify::verify
