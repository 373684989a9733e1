#include "verify/runner.hpp"

#include <utility>

#include "util/metrics.hpp"

namespace voiceverify::verify {
struct Runner::Chain {
  Step step;
  Ticket ticket;
  std::function<void(Outcome)> done;
  std::chrono::steady_clock::time_point deadline;
};

Runner::Runner(RunnerSettings settings, messagebird::VerifyClient& client,
               messagebird::Breaker& breaker, util::TaskQueue& tasks, TestNumbers* test_numbers)
    : settings_(settings),
      client_(client),
      breaker_(breaker),
      tasks_(tasks),
      test_numbers_(test_numbers) {}

std::optional<Runner::Ticket> Runner::admit() {
  std::size_t now = in_flight_.load();
  do {
    if (now >= settings_.max_in_flight) return std::nullopt;
  } while (!in_flight_.compare_exchange_weak(now, now + 1));
  util::metrics().add(util::Gauge::UpstreamInFlight, 1);
  // Holds nothing; its deleter gives the place back.
  return Ticket(static_cast<void*>(this), [](void* runner) {
    static_cast<Runner*>(runner)->in_flight_.fetch_sub(1);
    util::metrics().add(util::Gauge::UpstreamInFlight, -1);
  });
}

void Runner::run(Step step, Ticket ticket, std::function<void(Outcome)> done) {
  auto chain = std::make_shared<Chain>(Chain{std::move(step), std::move(ticket), std::move(done),
                                             std::chrono::steady_clock::now() + settings_.budget});
  advance(chain);
}

void Runner::advance(const std::shared_ptr<Chain>& chain) {
  while (!chain->step.finished()) {
    const UpstreamCall& call = chain->step.upstream();
    // A test number's call is answered here, on this thread: the store, nothing upstream.
    if (test_numbers_ != nullptr) {
      if (auto answer = test_numbers_->answer(call)) {
        chain->step = chain->step.resume(*answer);
        continue;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        chain->deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      chain->step = chain->step.resume(messagebird::failed_result(
          messagebird::VerifyError::Unavailable, 0, "request budget spent"));
      continue;
    }
    if (!breaker_.allow()) {
      chain->step = chain->step.resume(messagebird::failed_result(
          messagebird::VerifyError::Unavailable, 0, "circuit breaker open"));
      continue;
    }
    const bool check = call.op == messagebird::Call::Check;
    const std::string& subject =
        call.op == messagebird::Call::Create ? call.recipient : call.verify_id;
    client_.start(call.op, subject, check ? call.code : std::string(), call.speech, left,
                  [this, chain](messagebird::VerifyResult answer) {
                    breaker_.record(messagebird::is_upstream_failure(answer));
                    // Off the transport's thread: the continuation talks to the store and
                    // renders a page.
                    tasks_.post([this, chain, answer = std::move(answer)] {
                      chain->step = chain->step.resume(answer);
                      advance(chain);
                    });
                  });
    return;
  }
  // The place is given back before the answer goes out: whoever learns of the answer (the
  // browser, a test) may be admitted at once.
  chain->ticket.reset();
  chain->done(chain->step.outcome());
}

}  // namespace voiceverify::verify
