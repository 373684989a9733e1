// What an operator asks of the store from the command line, against the configured store (the
// pools' shared Redis, or nothing useful for the in-process store, which only the pool holds):
//   voiceverify --list-blocks          the ranges and countries in quarantine, the numbers held
//   voiceverify --unblock <what>       lifts a range's or a country's quarantine, or a number's
//                                      limits ("+3161234", "NL", "+31612345678")
#pragma once

#include <cstdio>
#include <string_view>

#include "guard/fraud_guard.hpp"
#include "guard/limits.hpp"

namespace voiceverify::app {

// Exit status: 0, or 1 when the store cannot be read.
int list_blocks(guard::FraudGuard& guard, guard::Limiter& limiter, std::FILE* out);

// Exit status: 0 when something was lifted, 1 when nothing was held under `what` or the store
// failed, 2 when `what` is not a '+' and digits or a country code.
int unblock(guard::FraudGuard& guard, guard::Limiter& limiter, std::string_view what,
            std::FILE* out);

}  // namespace voiceverify::app
