// See known_marks.hpp. Why the marks look as they do:
// - A number's mark is its tag (the HMAC the limits already key numbers by): a dump of the store
//   tells nothing of which numbers were verified, and the tag cannot be searched exhaustively
//   without the secret.
// - The browser's mark ties a browser to the numbers it verified in the store, not in its
//   cookie: the cookie then carries nothing but a random id and when it verified, so a copied
//   cookie says nothing of any number, and a browser may verify any number of them. The key is
//   one more HMAC of (id, number tag), so the store holds no browser id beside a number either.
// - put, not increment: a second verification renews a mark's lifetime from its own day.
#include "guard/known_marks.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "util/ascii.hpp"
#include "util/hmac.hpp"

namespace voiceverify::guard {
namespace {

constexpr const char* kNumberPrefix = "known-number:";
constexpr const char* kBrowserPrefix = "known-browser:";

// A number tag as number_tag makes it: 32 lower-case hex characters.
bool valid_tag(std::string_view tag) {
  return tag.size() == 32 && std::all_of(tag.begin(), tag.end(), util::is_hex);
}

}  // namespace

bool valid_mark_id(std::string_view id) {
  return valid_tag(id);
}

KnownMarks::KnownMarks(store::Store& store, std::string secret, std::chrono::seconds lifetime)
    : store_(store), secret_(std::move(secret)), lifetime_(lifetime) {
  if (secret_.empty()) throw std::invalid_argument("KnownMarks: secret is empty");
  if (lifetime_ <= std::chrono::seconds{0}) throw std::invalid_argument("KnownMarks: lifetime");
}

std::string KnownMarks::browser_key(const std::string& browser_id,
                                    const std::string& number_tag) const {
  // The label keeps these tags apart from numbers' and addresses' under the same secret.
  return kBrowserPrefix +
         util::hmac_sha256_hex(secret_, "browser " + browser_id + " " + number_tag).substr(0, 32);
}

store::StoreError KnownMarks::mark(const std::string& number_tag, const std::string& browser_id) {
  if (!valid_tag(number_tag)) return store::StoreError::Unavailable;
  store::StoreError error = store_.put(kNumberPrefix + number_tag, "1", lifetime_);
  if (valid_mark_id(browser_id)) {
    const store::StoreError browser =
        store_.put(browser_key(browser_id, number_tag), "1", lifetime_);
    if (error == store::StoreError::None) error = browser;
  }
  return error;
}

store::StoreError KnownMarks::number_known(const std::string& number_tag, bool& known) {
  known = false;
  if (!valid_tag(number_tag)) return store::StoreError::Unavailable;
  const store::Fetched mark = store_.get(kNumberPrefix + number_tag);
  known = mark.value.has_value();
  return mark.error;
}

store::StoreError KnownMarks::browser_knows(const std::string& browser_id,
                                            const std::string& number_tag, bool& known) {
  known = false;
  if (!valid_mark_id(browser_id) || !valid_tag(number_tag)) return store::StoreError::None;
  const store::Fetched mark = store_.get(browser_key(browser_id, number_tag));
  known = mark.value.has_value();
  return mark.error;
}

}  // namespace voiceverify::guard
