// See upstream.hpp. The answer threads log what escapes a task: a continuation the runner could
// not guard (verify/runner.cpp catches its own), our bug, never the end of the process.
#include "app/upstream.hpp"

#include <exception>
#include <utility>

#include "log/log.hpp"

namespace voiceverify::app {
namespace {

void log_escaped(std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    log::error("task_exception", {{"what", e.what()}});
  } catch (...) {
    log::error("task_exception", {{"what", "unknown"}});
  }
}

}  // namespace

Upstream::Upstream(const UpstreamSettings& settings, verify::TestNumbers* test_numbers)
    : settings_(settings),
      answer_threads_(settings_.answer_threads, log_escaped),
      transport_(settings_.curl),
      client_(settings_.verify, transport_),
      breaker_(settings_.breaker),
      runner_(settings_.runner, client_, breaker_, answer_threads_, test_numbers) {}

Upstream::~Upstream() {
  stop();
}

void Upstream::stop() {
  transport_.stop();
  answer_threads_.stop();
}

}  // namespace voiceverify::app
