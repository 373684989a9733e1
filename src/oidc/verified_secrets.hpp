// A small in-process memory of client secrets that verified lately, so that a client calling the
// API (or /token) many times a second costs one PBKDF2 (clients.hpp) per `lifetime`, not one per
// request (docs/api.md, "What every answer does"). An entry is a keyed hash, under a random key
// made at construction and never stored, of the client's id, its stored secret hash and the
// secret presented: never the secret itself, and a client whose hash changes (a new client file)
// matches none of its old entries. Only a verification that succeeded is remembered, so a wrong
// secret always costs its PBKDF2. At most `max_entries` live at once: a full memory forgets the
// oldest. Thread-safe (one mutex, held for a map lookup).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "oidc/clients.hpp"

namespace voiceverify::oidc {

class VerifiedSecrets {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Check = std::function<bool(const Client&, std::string_view presented)>;

  // `clock` replaces steady_clock::now and `check` Client::secret_matches, for tests.
  VerifiedSecrets(std::size_t max_entries, std::chrono::seconds lifetime, Clock clock = {},
                  Check check = {});

  // Whether `presented` is `client`'s secret: from memory when it verified within `lifetime`,
  // else by Client::secret_matches, remembered when it matches.
  bool secret_matches(const Client& client, std::string_view presented);

  // Forgets everything (the client file was read again).
  void clear();
  std::size_t size() const;

 private:
  std::string tag_of(const Client& client, std::string_view presented) const;
  std::chrono::steady_clock::time_point now() const;

  std::size_t max_entries_;
  std::chrono::seconds lifetime_;
  Clock clock_;
  Check check_;
  std::string key_;  // random, this process's only
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> expiry_;  // tag ->
  std::multimap<std::chrono::steady_clock::time_point, std::string> by_expiry_;
};

}  // namespace voiceverify::oidc
