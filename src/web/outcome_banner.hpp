// Which banner each flow outcome shows: one table for every page.
#pragma once

#include <optional>

#include "verify/outcome.hpp"
#include "view/templates.hpp"

namespace voiceverify::web {

// The banner for `outcome` (an error; TooSoon's is information), or nullopt for the outcomes that
// show none (CallPlaced, Verified, NotOwner, Cancelled). `token_length` is the number a code-format
// banner needs.
std::optional<view::Banner> banner_for(const verify::Outcome& outcome, int token_length);

}  // namespace voiceverify::web
