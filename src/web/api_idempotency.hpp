// Idempotency-Key on the verification API's POSTs (docs/api.md, "Retrying safely"; Stripe's
// idempotent requests and draft-ietf-httpapi-idempotency-key-header): the first answer to a key
// is kept for a day and given again, unchanged, to every retry of the same request, so a retry
// after a timeout never places a second call. A key belongs to the client that sent it (another
// client's same key is another record) and to one request: the method, the path and the body,
// kept as a keyed fingerprint. While the first request still runs, a retry is told to wait.
//
// What the store holds, under "api-idem:" and a keyed hash of the client and the key (never the
// key itself): a version, the state ("run" while the first request runs, "done" after), the
// request's fingerprint, and for "done" the answer sealed (util/seal.hpp) under the store key:
// a check's answer holds the verified number in E.164, so nothing of an answer is in clear.
// Thread-safe (the Store is).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "store/store.hpp"
#include "web/pages.hpp"

namespace voiceverify::web {

inline constexpr std::size_t kMaxIdempotencyKeyBytes = 255;

// 1 to kMaxIdempotencyKeyBytes printable ASCII characters (0x20 to 0x7e).
bool idempotency_key_valid(std::string_view key);

// What a request with a key is to do.
enum class IdempotencyVerdict {
  Run,       // the key is new: run the request, then `finish` with its answer
  Replay,    // the key answered this request before: give `answer` again
  InFlight,  // the first request with this key still runs: 409, retry later
  Reused,    // the key answered another request (method, path or body): 422
  StoreDown  // the store cannot say: 503, nothing is run
};

struct IdempotencyClaim {
  std::string tag;          // the store key
  std::string fingerprint;  // of the request
};

struct IdempotencyBegun {
  IdempotencyVerdict verdict = IdempotencyVerdict::StoreDown;
  IdempotencyClaim claim;                // Run: what `finish` needs
  std::optional<http::Response> answer;  // Replay
};

// Whether an answer is kept for its key: one that asks to be retried (a 5xx, or any with
// Retry-After) is not, and frees the key for the retry.
bool answer_is_final(const http::Response& response);

// An answer as kept before sealing, and back (nullopt for anything else): for the tests.
std::string encode_answer(const http::Response& response);
std::optional<http::Response> decode_answer(std::string_view text);

class ApiIdempotency {
 public:
  // `key_secret`: the store secret (app::store_secret: STORE_KEY); throws
  // std::invalid_argument when empty. A kept answer lives `lifetime`; a request still running
  // holds its key at most `in_flight` (longer than any request can wait for MessageBird).
  ApiIdempotency(store::Store& store, std::string_view key_secret, std::chrono::seconds lifetime,
                 std::chrono::seconds in_flight);

  // Looks the key up and, when it is new, claims it for this request (atomically, across pools).
  IdempotencyBegun begin(std::string_view client_id, std::string_view key, std::string_view method,
                         std::string_view path, std::string_view body) const;

  // Keeps `response` for the claim's key when it is final, else frees the key. A store that
  // fails is logged; the answer is given anyway.
  void finish(const IdempotencyClaim& claim, const http::Response& response) const;

 private:
  store::Store& store_;
  std::string hash_key_;
  std::string seal_key_;
  std::chrono::seconds lifetime_;
  std::chrono::seconds in_flight_;
};

// Runs `work` (the rest of an admitted POST of `client_id`) under the request's Idempotency-Key:
// without one, just runs it; with one, replays the kept answer (marked Idempotent-Replayed:
// true), refuses (400 for a key that is no key, 409 while the first request runs, 422 for a key
// reused on another request, 503 when the store fails), or runs `work` and keeps its answer,
// also one that comes later through a Pending.
Reply run_idempotent(Context& ctx, const ApiIdempotency& idempotency, std::string_view client_id,
                     const std::function<Reply(Context&)>& work);

}  // namespace voiceverify::web
