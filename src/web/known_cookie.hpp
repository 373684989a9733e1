// The browser's known mark (docs/fraud-guard.md, "Known people"): a third signed cookie,
// "vv_known" ("__Host-vv_known" over https, HttpOnly, SameSite=Lax like the others), purpose
// "known", set when a number is verified from the browser and living KNOWN_DAYS from then. It
// holds nothing but a random id and when the browser last verified: never a number. Which numbers
// the browser verified is in the store, under a keyed tag of (id, number) (guard/known_marks.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "guard/known_marks.hpp"
#include "http/signed_cookie.hpp"

namespace voiceverify::web {

inline constexpr const char* kKnownCookie = "vv_known";

struct KnownBrowser {
  std::string id;        // 32 hex characters from RAND_bytes
  long verified_at = 0;  // when the browser last verified a number, seconds since the epoch
};

// Payload form "k1|<id>|<verified_at>"; decode is strict and returns nullopt otherwise.
std::string encode_known(const KnownBrowser& known);
std::optional<KnownBrowser> decode_known(std::string_view payload);

// The mark of the request's cookie when we signed it and it verified within `lifetime` of `now`
// (seconds since the epoch); else a fresh random id, not verified, for a verification to mark.
guard::BrowserMark read_known_mark(const http::CookieSigner& signer, std::string_view cookie_header,
                                   bool https, std::chrono::seconds lifetime, long now,
                                   std::size_t max_cookie_bytes);

// The Set-Cookie header's value marking `mark` as verified at `now`, for `lifetime`.
std::string known_mark_cookie(const http::CookieSigner& signer, const guard::BrowserMark& mark,
                              bool https, std::chrono::seconds lifetime, long now);

}  // namespace voiceverify::web
