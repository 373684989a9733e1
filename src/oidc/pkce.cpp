// See pkce.hpp.
#include "oidc/pkce.hpp"

#include <algorithm>

#include "oidc/crypto.hpp"
#include "util/ascii.hpp"

namespace voiceverify::oidc {
namespace {

constexpr std::size_t kMinVerifier = 43;
constexpr std::size_t kMaxVerifier = 128;
constexpr std::size_t kS256ChallengeLength = 43;  // 32 bytes in base64url without padding

// RFC 3986 section 2.3's unreserved characters, which RFC 7636 section 4.1 allows.
constexpr bool is_unreserved(char c) {
  return util::is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

bool is_valid_code_verifier(std::string_view verifier) {
  return verifier.size() >= kMinVerifier && verifier.size() <= kMaxVerifier &&
         std::all_of(verifier.begin(), verifier.end(), is_unreserved);
}

bool is_valid_s256_challenge(std::string_view challenge) {
  return challenge.size() == kS256ChallengeLength && base64url_decode(challenge).has_value();
}

std::string s256_challenge(std::string_view verifier) {
  return base64url(sha256(verifier));
}

bool verifier_matches(std::string_view verifier, std::string_view challenge) {
  return is_valid_code_verifier(verifier) &&
         constant_time_equal(s256_challenge(verifier), challenge);
}

}  // namespace voiceverify::oidc
