#include "verify/step.hpp"

#include <utility>

namespace voiceverify::verify {

Step Step::done(Outcome outcome) {
  Step step;
  step.outcome_ = std::move(outcome);
  return step;
}

Step Step::call(UpstreamCall call, Continuation then) {
  Step step;
  step.upstream_ = std::move(call);
  step.then_ = std::move(then);
  return step;
}

messagebird::VerifyResult perform(messagebird::VerifyClient& client, const UpstreamCall& call) {
  switch (call.op) {
    case UpstreamOp::Create:
      return client.create_call(call.recipient, call.speech);
    case UpstreamOp::Check:
      return client.check_code(call.verify_id, call.code);
    case UpstreamOp::Cancel:
      break;
  }
  return client.cancel(call.verify_id);
}

Outcome run(Step step, messagebird::VerifyClient& client) {
  while (!step.finished()) step = step.resume(perform(client, step.upstream()));
  return step.outcome();
}

}  // namespace voiceverify::verify
