// What a browser carries between requests, in two signed cookies (http/signed_cookie.hpp), named
// "__Host-vv_session" and "__Host-vv_flash" over https (http::scheme_cookie_name):
// - "vv_session" (purpose "session"): a random browser id (the CSRF secret), and the browser's
//   verification in progress: verify id, masked number, verified or not, when its call was
//   placed. Never the number itself (docs/architecture.md, "The code page"). Lives CODE_TIMEOUT
//   plus a margin. It proves the browser owns /EnterCode/<id>; counts live on the server, so
//   replaying an old cookie gains nothing.
// - "vv_flash" (purpose "flash"): one banner for the next page (post/redirect/get), 60 s.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "http/signed_cookie.hpp"
#include "view/catalogue.hpp"

namespace voiceverify::web {

inline constexpr const char* kSessionCookie = "vv_session";
inline constexpr const char* kFlashCookie = "vv_flash";
inline constexpr std::chrono::seconds kFlashLifetime{60};

struct Session {
  std::string browser_id;     // 32 hex characters from RAND_bytes
  std::string verify_id;      // empty: no verification in progress
  std::string masked_number;  // as shown on the code page
  bool verified = false;
  long called_at = 0;  // when verify_id's call was placed, seconds since the epoch; 0: unknown

  void forget_verification() {
    verify_id.clear();
    masked_number.clear();
    called_at = 0;
  }
};

// Payload form "v2|browser|verify|masked|0or1|called_at"; the older "v1|browser|verify|masked|
// 0or1" (before called_at) still reads, with called_at 0. Parse is strict and returns nullopt
// otherwise.
std::string encode_session(const Session& session);
std::optional<Session> decode_session(std::string_view payload);

// Payload form "kind|message-key|n" ("error|limit.resend|240"): the banner's message id and its
// number, never rendered text, so the words come from the catalogue of the page that shows it.
std::string encode_flash(const view::Banner& banner);
std::optional<view::Banner> decode_flash(std::string_view payload);

// The CSRF token for a browser: HMAC of its browser id under the signing key.
std::string csrf_token(const http::CookieSigner& signer, const Session& session);
// Whether a posted token is this browser's, under the signing key or the previous one (a form
// rendered before a key change); constant-time.
bool csrf_token_matches(const http::CookieSigner& signer, const Session& session,
                        std::string_view token);

}  // namespace voiceverify::web
