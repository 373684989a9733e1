// A Store that writes through to a real backend and remembers what it was asked to write: every
// key (`keys`), and every key, value and timeline member in order (`written`). What a backend
// holds can only come from these, so a test can look for what must never be stored.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace voiceverify::testing {

class RecordingStore final : public store::Store {
 public:
  explicit RecordingStore(store::Store& inner) : inner_(inner) {}

  std::set<std::string> keys;
  std::vector<std::string> written;

  store::Counter increment(const std::string& key, std::chrono::seconds window, long by) override {
    note(key);
    return inner_.increment(key, window, by);
  }
  store::Counter take_back(const std::string& key) override { return inner_.take_back(key); }
  store::Counter peek(const std::string& key) override { return inner_.peek(key); }
  store::StoreError put(const std::string& key, const std::string& value,
                        std::chrono::seconds ttl) override {
    note(key, value);
    return inner_.put(key, value, ttl);
  }
  store::Fetched get(const std::string& key) override { return inner_.get(key); }
  store::StoreError remove(const std::string& key) override { return inner_.remove(key); }
  store::StoreError add_to_timeline(const std::string& key, const std::string& member, long at,
                                    std::chrono::seconds ttl) override {
    note(key, member);
    return inner_.add_to_timeline(key, member, at, ttl);
  }
  store::StoreError remove_from_timeline(const std::string& key,
                                         const std::string& member) override {
    return inner_.remove_from_timeline(key, member);
  }
  store::Counts count_in_timelines(const std::vector<store::TimelineQuery>& queries) override {
    return inner_.count_in_timelines(queries);
  }
  store::Created put_if_absent(const std::string& key, const std::string& value,
                               std::chrono::seconds ttl) override {
    note(key, value);
    return inner_.put_if_absent(key, value, ttl);
  }
  store::Listed keys_with_prefix(const std::string& prefix, std::size_t max) override {
    return inner_.keys_with_prefix(prefix, max);
  }

 private:
  void note(const std::string& key, const std::string& value = {}) {
    keys.insert(key);
    written.push_back(key);
    if (!value.empty()) written.push_back(value);
  }
  store::Store& inner_;
};

}  // namespace voiceverify::testing
