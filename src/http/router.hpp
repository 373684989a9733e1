// The shape of a MessageBird verify id, which the route table (web/routes.hpp) lets into a path,
// the session cookie may hold, and the client puts into an upstream URL.
#pragma once

#include <string_view>

namespace voiceverify::http {

// True for MessageBird verify ids as docs/messagebird-verify.md ("Verify ids") describes them:
// exactly 32 of [0-9a-z].
bool is_verify_id(std::string_view id);

}  // namespace voiceverify::http
