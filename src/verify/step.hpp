// A verification step: either finished (an Outcome), or waiting for one MessageBird call and
// holding what to do with its answer. The flow (flow.hpp) only ever returns steps; whoever runs
// them decides how the upstream call is made: the runner (runner.hpp) parks the request, makes the
// call without holding a worker thread, and resumes the continuation on any thread, so a
// continuation holds copies of what it needs, never references to the request.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "messagebird/verify_client.hpp"
#include "messagebird/verify_response.hpp"
#include "verify/outcome.hpp"

namespace voiceverify::verify {

struct UpstreamCall {
  messagebird::Call op = messagebird::Call::Create;
  std::string recipient;       // Create: E.164 digits
  std::string verify_id;       // Check, Cancel
  std::string code;            // Check: digits only
  messagebird::Speech speech;  // Create: the call's language and sentence (call_language.hpp)
};

class Step {
 public:
  using Continuation = std::function<Step(const messagebird::VerifyResult&)>;

  static Step done(Outcome outcome);
  static Step call(UpstreamCall call, Continuation then);

  bool finished() const { return outcome_.has_value(); }
  const Outcome& outcome() const { return *outcome_; }        // when finished()
  const UpstreamCall& upstream() const { return upstream_; }  // when !finished()
  // The next step, given the answer to upstream().
  Step resume(const messagebird::VerifyResult& answer) const { return then_(answer); }

  // The place upstream (admission.hpp) the flow took for this step's calls: the page hands it to
  // the runner with the step; a finished step gives it back when it goes.
  Step holding(std::shared_ptr<void> place) && {
    place_ = std::move(place);
    return std::move(*this);
  }
  std::shared_ptr<void> take_place() { return std::move(place_); }

 private:
  std::shared_ptr<void> place_;
  std::optional<Outcome> outcome_;
  UpstreamCall upstream_;
  Continuation then_;
};

}  // namespace voiceverify::verify
