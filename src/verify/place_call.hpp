// What start_call (flow.cpp) and call_again (call_again.cpp) share: placing a call to a number
// already checked, through the fraud guard and every limit, replacing the browser's verification.
// Internal to verify/; it uses flow_parts.hpp and nothing else of the flow.
#pragma once

#include <string>

#include "forms/phone.hpp"
#include "verify/flow.hpp"

namespace voiceverify::verify {

// The records that keep a double submission to one call (guard/call_records.hpp): `claim` is
// taken before anything is paid and joined by a second submission; `submission` (the browser's
// submission of this number) is pointed at the new call as well. Empty: no record.
struct ClaimKeys {
  std::string claim;
  std::string submission;
};

Step place_call(const FlowDeps& deps, const Caller& caller, const forms::PhoneCheck& phone,
                const Current& current, ClaimKeys keys);

}  // namespace voiceverify::verify
