// See store.hpp: the defaults of the operations a backend may lack, all failing closed.
#include "store/store.hpp"

namespace voiceverify::store {

Fetched Store::take(const std::string&) {
  return Fetched{StoreError::Unavailable, std::nullopt};
}

StoreError Store::add_to_timeline(const std::string&, const std::string&, long,
                                  std::chrono::seconds) {
  return StoreError::Unavailable;
}

StoreError Store::remove_from_timeline(const std::string&, const std::string&) {
  return StoreError::Unavailable;
}

Counts Store::count_in_timelines(const std::vector<TimelineQuery>&) {
  return Counts{StoreError::Unavailable, {}};
}

Created Store::put_if_absent(const std::string&, const std::string&, std::chrono::seconds) {
  return Created{StoreError::Unavailable, false};
}

Listed Store::keys_with_prefix(const std::string&, std::size_t) {
  return Listed{StoreError::Unavailable, {}};
}

std::string Store::trouble() {
  return {};
}

}  // namespace voiceverify::store
