// The pool's way to MessageBird, built and taken apart in one order (docs/architecture.md,
// "Upstream calls"): the answer threads, the curl transport, the Verify client, the circuit
// breaker and the runner. A transport's answer runs on its event thread and uses the breaker,
// the runner and the answer threads; so at the end the transport stops first (its last answers,
// "transport stopped", still find all three), then the answer threads finish what those answers
// posted, and only then does anything go.
#pragma once

#include "messagebird/breaker.hpp"
#include "messagebird/curl_transport.hpp"
#include "messagebird/verify_client.hpp"
#include "util/task_queue.hpp"
#include "verify/runner.hpp"

namespace voiceverify::app {

struct UpstreamSettings {
  int answer_threads;  // how many threads finish requests once MessageBird has answered
  messagebird::CurlOptions curl;
  messagebird::VerifySettings verify;
  messagebird::BreakerSettings breaker;
  verify::RunnerSettings runner;
};

class Upstream {
 public:
  // curl_global_init must have run (messagebird::CurlGlobal). Throws what CurlTransport throws.
  // `test_numbers`, when given, must outlive this: the runner answers their calls itself.
  explicit Upstream(const UpstreamSettings& settings, verify::TestNumbers* test_numbers = nullptr);
  // stop(), then the parts in reverse order.
  ~Upstream();
  Upstream(const Upstream&) = delete;
  Upstream& operator=(const Upstream&) = delete;

  verify::Runner& runner() { return runner_; }

  // Once the pool has answered every parked request: the transport first, then the answer
  // threads (every task posted, and those they post, runs). Idempotent.
  void stop();

 private:
  // Declared in the order they are built; destroyed in reverse, after stop().
  const UpstreamSettings settings_;  // the client keeps a reference to settings_.verify
  util::TaskQueue answer_threads_;
  messagebird::CurlTransport transport_;
  messagebird::VerifyClient client_;
  messagebird::Breaker breaker_;
  verify::Runner runner_;
};

}  // namespace voiceverify::app
