// The Lua scripts the Redis Store runs (EVAL): each makes one Store operation atomic on the
// server, so two pools never interleave the steps of one operation. A script touches only the
// keys it is given (KEYS), never a name it builds, and every call gives it keys of one Redis
// Cluster hash slot (docs/redis.md, "Cluster-ready keys"; redis_slots_tests checks both). Every
// script but the timeline count touches one key (KEYS[1]).
#pragma once

namespace voiceverify::store {

// INCRBY and the expiry in one atomic step. The expiry is set whenever the key has none, which
// after INCRBY means it was just created (a fixed window keeps its first expiry); this also
// heals a key someone left without a TTL, so no counter lives forever.
inline constexpr const char* kIncrementScript =
    "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) "
    "local t = redis.call('PTTL', KEYS[1]) "
    "if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) t = tonumber(ARGV[2]) end "
    "return {v, t}";

// Take-back: DECR only an existing key above zero, in one atomic step, so an undo that arrives
// after the window expired creates nothing (DECR on a missing key would make a fresh window at
// -1). DECR keeps the key's expiry. A value that is not an integer is an error, as for INCRBY.
inline constexpr const char* kTakeBackScript =
    "local v = redis.call('GET', KEYS[1]) "
    "if not v then return {0, 0} end "
    "local n = tonumber(v) "
    "if n == nil then return redis.error_reply('ERR value is not an integer') end "
    "if n > 0 then n = redis.call('DECR', KEYS[1]) end "
    "return {n, redis.call('PTTL', KEYS[1])}";

// GET then DEL, atomically: the value (a Lua false, answered as nil, when missing).
inline constexpr const char* kTakeScript =
    "local v = redis.call('GET', KEYS[1]) "
    "if v then redis.call('DEL', KEYS[1]) end "
    "return v";

// GET and PTTL read together, so the value and its time left belong to the same key version.
inline constexpr const char* kPeekScript =
    "return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}";

// A timeline is a sorted set scored by time: the add, the trim of members older than the
// window, and the expiry in one atomic step. ARGV: member, time, oldest time kept, ttl (seconds).
inline constexpr const char* kTimelineAddScript =
    "redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) "
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3]) "
    "redis.call('EXPIRE', KEYS[1], ARGV[4]) "
    "return 1";

// For each key with its ARGV triple (from, to, distinct): ZCOUNT, or with distinct "1" the
// number of distinct parts before the first '|' of the members in [from, to]; one array.
inline constexpr const char* kTimelineCountScript =
    "local r = {} "
    "for i, k in ipairs(KEYS) do "
    "  local from, to = ARGV[3*i-2], ARGV[3*i-1] "
    "  if ARGV[3*i] == '1' then "
    "    local seen, n = {}, 0 "
    "    for _, m in ipairs(redis.call('ZRANGEBYSCORE', k, from, to)) do "
    "      local p = string.match(m, '^[^|]*') "
    "      if not seen[p] then seen[p] = true n = n + 1 end "
    "    end "
    "    r[i] = n "
    "  else r[i] = redis.call('ZCOUNT', k, from, to) end "
    "end "
    "return r";

// Every script above, for the test that reads what each touches.
struct RedisScript {
  const char* name;
  const char* text;
};
inline constexpr RedisScript kRedisScripts[] = {
    {"increment", kIncrementScript},
    {"take_back", kTakeBackScript},
    {"take", kTakeScript},
    {"peek", kPeekScript},
    {"timeline_add", kTimelineAddScript},
    {"timeline_count", kTimelineCountScript},
};

}  // namespace voiceverify::store
