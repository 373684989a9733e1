// Who is known (docs/fraud-guard.md, "Known people"): a number verified within KNOWN_DAYS, and a
// browser that verified one. Two marks in the store, each a keyed tag under the store key secret
// and never a number or a browser id in clear:
// - "known-number:<number tag>": the number was verified (by a page, the API or an OpenID
//   Connect client: they all go through the same flow);
// - "known-browser:<tag of (browser mark id, number tag)>": the browser whose known mark (its
//   signed cookie, web/known_cookie.hpp) carries that id verified that number.
// Both live KNOWN_DAYS from the latest verification. Thread-safe as the Store is.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace voiceverify::guard {

// What a browser's known mark says of it (web/known_cookie.hpp). The API has none.
struct BrowserMark {
  std::string id;         // 32 hex characters, random; empty: no browser (the API)
  bool verified = false;  // the mark is one we signed: a number was verified from this browser
                          // within KNOWN_DAYS (else the id is fresh, for the mark to come)
};

// Whether a browser mark's id is of the shape we make (32 lower-case hex characters).
bool valid_mark_id(std::string_view id);

class KnownMarks {
 public:
  // `secret`: the store key secret (limits.hpp), non-empty; `lifetime`: KNOWN_DAYS.
  KnownMarks(store::Store& store, std::string secret, std::chrono::seconds lifetime);

  // The number with tag `number_tag` (limits.hpp's number_tag) was verified, and from the
  // browser `browser_id` when not empty: both marks (re)written for the lifetime.
  store::StoreError mark(const std::string& number_tag, const std::string& browser_id);

  // Whether the number with this tag was verified within the lifetime.
  store::StoreError number_known(const std::string& number_tag, bool& known);
  // Whether the browser `browser_id` verified the number with this tag within the lifetime;
  // false for an empty or malformed id.
  store::StoreError browser_knows(const std::string& browser_id, const std::string& number_tag,
                                  bool& known);

  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  std::string browser_key(const std::string& browser_id, const std::string& number_tag) const;
  store::Store& store_;
  std::string secret_;
  std::chrono::seconds lifetime_;
};

}  // namespace voiceverify::guard
