// See redis_slot.hpp. CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, no reflection,
// the variant the Redis Cluster specification names; its check value for "123456789" is 0x31C3.
#include "store/redis_slot.hpp"

#include <cstdint>

namespace voiceverify::store {

std::string_view redis_hashed_part(std::string_view key) {
  const auto open = key.find('{');
  if (open == std::string_view::npos) return key;
  const auto close = key.find('}', open + 1);
  // No '}' after it, or "{}" with nothing inside: the whole key is hashed.
  if (close == std::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

unsigned redis_hash_slot(std::string_view key) {
  std::uint16_t crc = 0;
  for (const char c : redis_hashed_part(key)) {
    crc = static_cast<std::uint16_t>(crc ^ (static_cast<unsigned char>(c) << 8));
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) != 0 ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                                : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc % kRedisClusterSlots;
}

}  // namespace voiceverify::store
