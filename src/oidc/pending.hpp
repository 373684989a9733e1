// An authorization request while the person goes through the pages (docs/oidc.md, "The request
// travels with the browser"): written into a signed cookie bound to the browser, read back on
// each page. These functions only make the payload unambiguous (compact JSON, every field checked
// for type and size on the way back); the signature makes it trustworthy.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "oidc/authorize.hpp"

namespace voiceverify::oidc {

struct PendingAuthorization {
  AuthorizationRequest request;  // client_name is not carried: the registry names the client
  std::string browser_id;        // the browser it was begun in: no other may finish it
  long began_at = 0;             // seconds since the epoch: a call placed before it never counts
};

std::string encode_pending(const PendingAuthorization& pending);
// nullopt for anything encode_pending did not write.
std::optional<PendingAuthorization> decode_pending(std::string_view payload);

}  // namespace voiceverify::oidc
