// A place among the requests waiting for MessageBird. The flow asks for one after the refusals
// that cost nothing (not the owner, too soon) and before it spends anything (a claim, a limit
// window, a code attempt), so a busy site or a MessageBird known to be down refuses a request
// before anything is counted (docs/architecture.md, "Upstream calls"). The runner (runner.hpp)
// gives the places; a test may give its own.
#pragma once

#include <memory>
#include <optional>

namespace voiceverify::verify {

class Admission {
 public:
  // A place; given back when the last copy goes.
  using Ticket = std::shared_ptr<void>;

  virtual ~Admission() = default;
  // A ticket, or nothing when the requests that may wait at once are already waiting.
  virtual std::optional<Ticket> admit() = 0;
  // MessageBird is known to be down (the circuit breaker is open): refuse before spending.
  virtual bool upstream_down() const = 0;
};

}  // namespace voiceverify::verify
