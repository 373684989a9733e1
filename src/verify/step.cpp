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

}  // namespace voiceverify::verify
