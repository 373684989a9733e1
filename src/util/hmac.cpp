// See hmac.hpp.
#include "util/hmac.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace voiceverify::util {

HmacSha256 hmac_sha256(std::string_view key, std::string_view data) {
  HmacSha256 mac{};
  unsigned int mac_len = 0;
  const unsigned char* ok =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &mac_len);
  // HMAC() fails only when the library itself is broken (no SHA-256, out of memory).
  if (ok == nullptr || mac_len != kHmacSha256Bytes) throw std::runtime_error("HMAC-SHA256 failed");
  return mac;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  const HmacSha256 mac = hmac_sha256(key, data);
  return hex_encode(mac.data(), mac.size());
}

std::string hex_encode(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

}  // namespace voiceverify::util
