// What the provider remembers between requests (docs/oidc.md, "Codes and access tokens"): the
// authorization code between the verified number and POST /token, and the access token between
// POST /token and GET /userinfo. Both are opaque random values (32 bytes, base64url) held in the
// Store (shared by every pool) under a keyed hash of the value, so a dump of the store holds
// nothing that can be presented, and each record is sealed (AES-256-GCM, util/seal.hpp), so a
// dump holds no phone number either. A record that does not open is unknown. A code is taken out
// atomically (Store::take): used twice, even on two pools at once, only one use succeeds.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace voiceverify::oidc {

// RFC 6749 section 4.1.2 recommends at most ten minutes; a browser redirect takes seconds.
inline constexpr std::chrono::seconds kCodeLifetime{60};
// Long enough for the client's one userinfo request; there are no refresh tokens.
inline constexpr std::chrono::seconds kAccessTokenLifetime{300};

// Everything the code stands for: what the authorization request asked and what was verified.
struct CodeGrant {
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;  // S256, or empty when the (confidential) client sent none
  std::string nonce;
  std::string phone_number;  // E.164, verified
  bool phone_scope = false;
  long auth_time = 0;  // seconds since the epoch: when the code was entered
};

// What an access token lets /userinfo answer.
struct AccessGrant {
  std::string client_id;
  std::string subject;
  std::string phone_number;
  bool phone_scope = false;
};

// A value handed out, or why not (the store is down: fail closed).
struct Issued {
  store::StoreError error = store::StoreError::None;
  std::string value;
};

template <typename Grant>
struct Redeemed {
  store::StoreError error = store::StoreError::None;
  std::optional<Grant> grant;  // nullopt: unknown, used, expired (or the store is down)
};

class Grants {
 public:
  // `secret` is the service's secret that never rotates (docs/oidc.md, "Codes and access
  // tokens"): the key of the hash the values are stored under and the key that seals the
  // records are derived from it, each under a label of its own. `store` outlives this object.
  Grants(store::Store& store, std::string_view secret);

  Issued issue_code(const CodeGrant& grant);
  // Takes the code out of the store: the second redemption of one code finds nothing.
  Redeemed<CodeGrant> redeem_code(std::string_view code);

  Issued issue_access_token(const AccessGrant& grant);
  // Looks the token up without using it up: a client may ask userinfo more than once.
  Redeemed<AccessGrant> find_access_token(std::string_view token);

 private:
  std::string key_for(std::string_view kind, std::string_view value) const;
  std::string sealed(const std::string& key, const std::string& record) const;
  std::optional<std::string> opened(const std::string& key, const std::string& stored) const;
  template <typename Grant>
  Redeemed<Grant> redeemed_from(const std::string& key, const store::Fetched& fetched,
                                std::optional<Grant> (*decode)(const std::string&)) const;
  store::Store& store_;
  std::string hash_key_;
  std::string seal_key_;
};

}  // namespace voiceverify::oidc
