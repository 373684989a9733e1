// Two short-lived records the code page needs (docs/architecture.md, "The code page"), neither
// holding a phone number in clear:
// - the number of a call placed, sealed for the browser that asked, so that "call me again" can
//   call it again: the store holds the number sealed (AES-256-GCM, util/seal.hpp) under a key
//   derived from the store key secret, bound to the browser's id and the verify id; the
//   browser's signed session holds only its id.
//   A dump of the store alone, or the cookie alone, shows nothing of the number;
// - a browser's submission of a number (or its "call me again" of one verification): pending
//   while its call is in flight, then the verify id the call got and when, for RESEND_INTERVAL,
//   so that a double click places one call and both clicks land on the same code page.
// Keys are built from keyed tags and verify ids only. Thread-safe (the Store is).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace voiceverify::guard {

using store::Store;
using store::StoreError;

enum class ClaimVerdict {
  Ours,      // nobody else holds the key: this request places the call, then settles or releases
  Joined,    // an earlier submission placed the call: verify_id and called_at are its
  Pending,   // an earlier submission is still waiting for MessageBird after the wait
  StoreDown  // or a key of the wrong shape (our bug): fail closed
};

struct Claim {
  ClaimVerdict verdict = ClaimVerdict::StoreDown;
  std::string verify_id;  // Joined
  long called_at = 0;     // Joined: seconds since the epoch
};

struct Recalled {
  StoreError error = StoreError::None;
  std::optional<std::string> digits;  // E.164 digits; nullopt: no record (expired, another browser)
};

class CallRecords {
 public:
  // `key_secret` is the store's secret (app::store_secret: STORE_KEY); throws std::invalid_argument
  // when empty (a wiring bug).
  CallRecords(Store& store, std::string key_secret);

  // Keeps the number `digits` that the call `verify_id` went to, for `browser_id` only.
  StoreError keep_number(const std::string& verify_id, const std::string& browser_id,
                         const std::string& digits, std::chrono::seconds lifetime);
  // The number kept for `verify_id`, opened with `browser_id`; another browser's id opens nothing
  // (the record's tag does not verify), nor does a record altered or moved in the store.
  Recalled number_of(const std::string& verify_id, const std::string& browser_id);
  StoreError forget_number(const std::string& verify_id);

  // The key of a browser's submission of a number, and of its "call me again" of a verification;
  // "" when an argument has the wrong shape.
  std::string submission_key(const std::string& browser_id, const std::string& digits) const;
  std::string call_again_key(const std::string& browser_id, const std::string& verify_id) const;

  // Claims `key` for `hold` (put_if_absent). When another request holds it, reads it again every
  // 25 ms for up to `wait` (on this thread: keep it short) until that request settles it.
  Claim claim(const std::string& key, std::chrono::seconds hold, std::chrono::milliseconds wait);
  // The claim's call was placed: `verify_id` at `called_at`, joined by later claims for `ttl`.
  StoreError settle(const std::string& key, const std::string& verify_id, long called_at,
                    std::chrono::seconds ttl);
  // The claim's call was not placed: the next submission tries afresh.
  StoreError release(const std::string& key);

 private:
  Store& store_;
  std::string key_secret_;
  std::string seal_key_;  // util::kSealKeyBytes, derived from key_secret_
};

}  // namespace voiceverify::guard
