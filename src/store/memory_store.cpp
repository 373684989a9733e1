// The embedded Store: one map behind one mutex, for a single pool on a single host.
//
// Why these choices:
// - steady_clock, not system_clock: a wall-clock step (NTP, DST, an operator) must neither free
//   every window at once nor freeze them.
// - Expired keys are swept lazily (on access, and in full when the map is full or a minute has
//   passed) so no background thread is needed and a quiet pool does no work.
// - The map is capped: an attacker who makes us create keys (one per number, one per IP) must not
//   grow the pool's memory without bound. The pool sizes the cap from its limits so that a full
//   day at the site-wide limit fits (memory_store_capacity in limits.hpp). When the cap is
//   reached, expired keys are swept first (at most once a second); only when that frees nothing
//   does creating a key fail closed as Unavailable (existing keys keep working).
// - Values are strings, as in Redis, so a counter and a fact behave the same in both backends
//   (incrementing a non-number is an error there, so it is one here too).
#include <algorithm>
#include <charconv>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "store/store.hpp"

namespace voiceverify::store {
namespace {

using Clock = std::chrono::steady_clock;
using ClockFunction = MemoryClock;

constexpr std::chrono::seconds kSweepInterval{60};
// A full store sweeps before refusing, but not more often than this: a sweep walks the whole
// map under the one mutex, and a store full of live keys would otherwise do that for every
// refused key, stalling every worker thread.
constexpr std::chrono::seconds kFullSweepInterval{1};

// A TTL below one second would make a key that expires before it can be read (Redis refuses
// EX 0 outright); both backends clamp the same way so they agree.
std::chrono::seconds at_least_one_second(std::chrono::seconds ttl) {
  return ttl < std::chrono::seconds{1} ? std::chrono::seconds{1} : ttl;
}

std::optional<long> parse_long(const std::string& text) {
  long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.empty()) return std::nullopt;
  return value;
}

class MemoryStore final : public Store {
 public:
  MemoryStore(ClockFunction clock, std::size_t max_entries)
      : clock_(std::move(clock)), max_entries_(max_entries), last_sweep_(clock_()) {}

  Counter increment(const std::string& key, std::chrono::seconds window, long by) override {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    Entry* entry = find_live(key, now);
    if (entry == nullptr) {
      entry = create(key, std::string(1, '0'), now + at_least_one_second(window), now);
      if (entry == nullptr) return Counter{StoreError::Unavailable, 0, {}};
    }
    const auto current = parse_long(entry->value);
    long next = 0;
    // Redis answers an error for a non-integer value or an overflow; so do we.
    if (!current || __builtin_add_overflow(*current, by, &next)) {
      return Counter{StoreError::Unavailable, 0, {}};
    }
    entry->value = std::to_string(next);
    return Counter{StoreError::None, next, ttl_left(*entry, now)};
  }

  Counter take_back(const std::string& key) override {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    Entry* entry = find_live(key, now);
    if (entry == nullptr) return Counter{};
    const auto value = parse_long(entry->value);
    if (!value) return Counter{StoreError::Unavailable, 0, {}};
    if (*value > 0) entry->value = std::to_string(*value - 1);
    return Counter{StoreError::None, *value > 0 ? *value - 1 : *value, ttl_left(*entry, now)};
  }

  Counter peek(const std::string& key) override {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    const Entry* entry = find_live(key, now);
    if (entry == nullptr) return Counter{};
    const auto value = parse_long(entry->value);
    if (!value) return Counter{StoreError::Unavailable, 0, {}};
    return Counter{StoreError::None, *value, ttl_left(*entry, now)};
  }

  StoreError put(const std::string& key, const std::string& value,
                 std::chrono::seconds ttl) override {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    const auto expires = now + at_least_one_second(ttl);
    Entry* entry = find_live(key, now);
    if (entry == nullptr) entry = create(key, value, expires, now);
    if (entry == nullptr) return StoreError::Unavailable;
    entry->value = value;
    entry->expires = expires;
    return StoreError::None;
  }

  Fetched get(const std::string& key) override {
    std::lock_guard lock(mutex_);
    const Entry* entry = find_live(key, clock_());
    if (entry == nullptr) return Fetched{};
    return Fetched{StoreError::None, entry->value};
  }

  Fetched take(const std::string& key) override {
    std::lock_guard lock(mutex_);
    Entry* entry = find_live(key, clock_());
    if (entry == nullptr) return Fetched{};
    Fetched fetched{StoreError::None, std::move(entry->value)};
    entries_.erase(key);
    return fetched;
  }

  StoreError remove(const std::string& key) override {
    std::lock_guard lock(mutex_);
    entries_.erase(key);
    timelines_.erase(key);
    return StoreError::None;
  }

  StoreError add_to_timeline(const std::string& key, const std::string& member, long at,
                             std::chrono::seconds ttl) override {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    ttl = at_least_one_second(ttl);
    Timeline* timeline = find_live_timeline(key, now);
    if (timeline == nullptr) {
      if (!room_for_one_more(now)) return StoreError::Unavailable;
      timeline = &timelines_[key];
    }
    const long oldest = at - static_cast<long>(ttl.count());
    std::erase_if(timeline->members, [oldest](const auto& item) { return item.second < oldest; });
    if (timeline->members.size() >= kMaxTimelineMembers && !timeline->members.contains(member)) {
      return StoreError::Unavailable;  // far beyond any limit's worth of calls: fail closed
    }
    timeline->members[member] = at;
    timeline->expires = now + ttl;
    return StoreError::None;
  }

  StoreError remove_from_timeline(const std::string& key, const std::string& member) override {
    std::lock_guard lock(mutex_);
    if (Timeline* timeline = find_live_timeline(key, clock_()); timeline != nullptr) {
      timeline->members.erase(member);
    }
    return StoreError::None;
  }

  Counts count_in_timelines(const std::vector<TimelineQuery>& queries) override {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    Counts counts;
    for (const auto& query : queries) {
      const Timeline* timeline = find_live_timeline(query.key, now);
      std::set<std::string_view> prefixes;
      long n = 0;
      if (timeline != nullptr) {
        for (const auto& [member, at] : timeline->members) {
          if (at < query.from || at > query.to) continue;
          const bool counted =
              !query.distinct_prefixes ||
              prefixes.insert(std::string_view(member).substr(0, member.find('|'))).second;
          if (counted) ++n;
        }
      }
      counts.values.push_back(n);
    }
    return counts;
  }

  Created put_if_absent(const std::string& key, const std::string& value,
                        std::chrono::seconds ttl) override {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    if (find_live(key, now) != nullptr) return Created{StoreError::None, false};
    if (create(key, value, now + at_least_one_second(ttl), now) == nullptr) {
      return Created{StoreError::Unavailable, false};
    }
    return Created{StoreError::None, true};
  }

  Listed keys_with_prefix(const std::string& prefix, std::size_t max) override {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    Listed listed;
    for (const auto& [key, entry] : entries_) {
      if (listed.keys.size() >= max) break;
      if (entry.expires > now && key.starts_with(prefix)) listed.keys.push_back(key);
    }
    for (const auto& [key, timeline] : timelines_) {
      if (listed.keys.size() >= max) break;
      if (timeline.expires > now && key.starts_with(prefix)) listed.keys.push_back(key);
    }
    std::sort(listed.keys.begin(), listed.keys.end());
    return listed;
  }

 private:
  struct Entry {
    std::string value;
    Clock::time_point expires;
  };

  // The value at key in map (entries_ or timelines_) if it exists and has not expired; an
  // expired one is dropped on the way.
  template <typename Map>
  static typename Map::mapped_type* find_live_in(Map& map, const std::string& key,
                                                 Clock::time_point now) {
    auto it = map.find(key);
    if (it == map.end()) return nullptr;
    if (it->second.expires <= now) {
      map.erase(it);
      return nullptr;
    }
    return &it->second;
  }

  Entry* find_live(const std::string& key, Clock::time_point now) {
    return find_live_in(entries_, key, now);
  }

  // A timeline: its members' times by member, and when the whole of it expires.
  struct Timeline {
    std::unordered_map<std::string, long> members;
    Clock::time_point expires;
  };
  // A timeline holds one range's or one country's calls of one window: the site-wide hourly
  // limit keeps that far below this.
  static constexpr std::size_t kMaxTimelineMembers = 100'000;

  Timeline* find_live_timeline(const std::string& key, Clock::time_point now) {
    return find_live_in(timelines_, key, now);
  }

  // Whether one more key fits under the cap (entries and timelines count alike), sweeping first
  // when it is time to.
  bool room_for_one_more(Clock::time_point now) {
    const bool full = entries_.size() + timelines_.size() >= max_entries_;
    if ((full && now - last_sweep_ >= kFullSweepInterval) || now - last_sweep_ >= kSweepInterval) {
      sweep(now);
    }
    return entries_.size() + timelines_.size() < max_entries_;
  }

  // A new entry, or nullptr when the cap is reached even after sweeping (fail closed).
  Entry* create(const std::string& key, const std::string& value, Clock::time_point expires,
                Clock::time_point now) {
    if (!room_for_one_more(now)) return nullptr;
    return &entries_.emplace(key, Entry{value, expires}).first->second;
  }

  void sweep(Clock::time_point now) {
    std::erase_if(entries_, [now](const auto& item) { return item.second.expires <= now; });
    std::erase_if(timelines_, [now](const auto& item) { return item.second.expires <= now; });
    last_sweep_ = now;
  }

  // Rounded up: a key with 300 ms left still blocks, so "retry after 0 s" would be a lie.
  static std::chrono::seconds ttl_left(const Entry& entry, Clock::time_point now) {
    return std::chrono::ceil<std::chrono::seconds>(entry.expires - now);
  }

  std::mutex mutex_;
  ClockFunction clock_;
  std::size_t max_entries_;
  Clock::time_point last_sweep_;
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<std::string, Timeline> timelines_;
};

}  // namespace

std::unique_ptr<Store> make_memory_store(std::size_t max_entries, MemoryClock clock) {
  if (!clock) clock = [] { return Clock::now(); };
  return std::make_unique<MemoryStore>(std::move(clock), max_entries);
}

}  // namespace voiceverify::store
