// The verify id's shape lives in util/verify_id.hpp, below every layer that checks it; these
// names stay for the messagebird and web code that spells them so.
#pragma once

#include "util/verify_id.hpp"

namespace voiceverify::messagebird {

using util::is_verify_id;
using util::kVerifyIdLength;

}  // namespace voiceverify::messagebird
