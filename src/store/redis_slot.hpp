// Redis Cluster's hash slot of a key, as the cluster specification defines it ("Keys
// distribution model", "Hash tags"): CRC16 (XMODEM) of the key modulo 16384, where a key holding
// a non-empty "{...}" hashes only what is between its first '{' and the next '}'. Keys that
// share a hash tag share a slot, which is what lets a script or a multi-key command touch them
// together on a Cluster (docs/redis.md, "Cluster-ready keys").
#pragma once

#include <string_view>

namespace voiceverify::store {

inline constexpr unsigned kRedisClusterSlots = 16384;

// The part of `key` that Redis Cluster hashes: the hash tag's content, or the whole key.
std::string_view redis_hashed_part(std::string_view key);

// 0 to 16383.
unsigned redis_hash_slot(std::string_view key);

}  // namespace voiceverify::store
