// See verified_secrets.hpp. Every entry lives the same `lifetime` from the verification that made
// it (never extended: a secret that stops matching is asked of PBKDF2 again within `lifetime`),
// so the order of expiry is the order of insertion, kept in by_expiry_ for the sweep and for
// forgetting the oldest.
#include "oidc/verified_secrets.hpp"

#include <utility>

#include "oidc/crypto.hpp"

namespace voiceverify::oidc {

VerifiedSecrets::VerifiedSecrets(std::size_t max_entries, std::chrono::seconds lifetime,
                                 Clock clock, Check check)
    : max_entries_(max_entries),
      lifetime_(lifetime),
      clock_(std::move(clock)),
      check_(std::move(check)),
      key_(random_bytes(32)) {
  if (!check_) {
    check_ = [](const Client& client, std::string_view presented) {
      return client.secret_matches(presented);
    };
  }
}

std::chrono::steady_clock::time_point VerifiedSecrets::now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

// The id and the stored hash cannot hold a newline (clients.hpp refuses one in the file); the
// presented secret comes last, so no two triples give the same input.
std::string VerifiedSecrets::tag_of(const Client& client, std::string_view presented) const {
  std::string input = client.id;
  input += '\n';
  input += client.secret_hash;
  input += '\n';
  input += presented;
  return hmac_sha256(key_, input);
}

bool VerifiedSecrets::secret_matches(const Client& client, std::string_view presented) {
  if (client.is_public() || presented.empty() || max_entries_ == 0) {
    return check_(client, presented);
  }
  const std::string tag = tag_of(client, presented);
  const auto at = now();
  const auto sweep = [&] {
    while (!by_expiry_.empty() && by_expiry_.begin()->first <= at) {
      expiry_.erase(by_expiry_.begin()->second);
      by_expiry_.erase(by_expiry_.begin());
    }
  };
  {
    const std::lock_guard lock(mutex_);
    sweep();
    if (expiry_.count(tag) != 0) return true;
  }
  // PBKDF2 outside the lock: other requests go on meanwhile.
  if (!check_(client, presented)) return false;
  const std::lock_guard lock(mutex_);
  sweep();
  if (expiry_.count(tag) != 0) return true;  // another request remembered it meanwhile
  if (expiry_.size() >= max_entries_) {
    expiry_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  const auto expires = at + lifetime_;
  expiry_.emplace(tag, expires);
  by_expiry_.emplace(expires, tag);
  return true;
}

void VerifiedSecrets::clear() {
  const std::lock_guard lock(mutex_);
  expiry_.clear();
  by_expiry_.clear();
}

std::size_t VerifiedSecrets::size() const {
  const std::lock_guard lock(mutex_);
  return expiry_.size();
}

}  // namespace voiceverify::oidc
