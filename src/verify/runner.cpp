#include "verify/runner.hpp"

#include <exception>
#include <string>
#include <utility>

#include "log/log.hpp"
#include "util/metrics.hpp"

namespace voiceverify::verify {
struct Runner::Chain {
  Step step;
  Ticket ticket;
  std::function<void(Outcome)> done;
  std::function<void(const char*)> failed;
  std::chrono::steady_clock::time_point deadline;
};

namespace {

// Resumes `chain` with `answer` on an answer thread. An exception there is our bug (a store
// that throws, a page that cannot render): logged at error level and handed to `failed`, which
// answers the error page; it must never reach the task queue's thread and end the process.
template <typename Chain, typename Advance>
void resume_guarded(Chain& chain, const messagebird::VerifyResult& answer, Advance advance) {
  std::string what = "unknown";
  try {
    chain->step = chain->step.resume(answer);
    advance();
    return;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  log::error("continuation_exception", {{"what", what}});
  chain->ticket.reset();
  if (!chain->failed) return;
  try {
    chain->failed(what.c_str());
  } catch (...) {
    log::error("continuation_exception", {{"what", "the error answer failed too"}});
  }
}

}  // namespace

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

void Runner::run(Step step, Ticket ticket, std::function<void(Outcome)> done,
                 std::function<void(const char*)> failed) {
  auto chain = std::make_shared<Chain>(Chain{std::move(step), std::move(ticket), std::move(done),
                                             std::move(failed),
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
                      resume_guarded(chain, answer, [this, &chain] { advance(chain); });
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
