// The in-process store's size: computed from the limits so that a full day of calls at the
// site-wide limit fits, and, when full, expired entries make room before anything is refused.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>

#include "guard/limits.hpp"
#include "shipped_settings.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
namespace vg = voiceverify::guard;
using namespace std::chrono_literals;

namespace {

struct ManualClock {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
  vs::MemoryClock function() {
    return [this] { return now; };
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(memory_capacity_tests)

BOOST_AUTO_TEST_CASE(memory_capacity_follows_the_site_wide_limit) {
  vg::LimitSettings settings = voiceverify::testing::shipped_limit_settings();
  settings.sizes[vg::LimitWindow::GlobalHour] = 1000;
  BOOST_TEST(vg::memory_store_capacity(settings) == std::size_t{18 + 2 * 90} * 24 * 1000 + 1024);
  settings.sizes[vg::LimitWindow::GlobalHour] = 1;
  BOOST_TEST(vg::memory_store_capacity(settings) == std::size_t{18 + 2 * 90} * 24 + 1024);
  settings.sizes[vg::LimitWindow::GlobalHour] =
      1'000'000'000;  // the largest LIMIT_GLOBAL_HOUR accepted
  BOOST_TEST(vg::memory_store_capacity(settings) ==
             std::size_t{18 + 2 * 90} * 24 * 1'000'000'000 + 1024);
}

// A whole day at LIMIT_GLOBAL_HOUR=5000, every call to a new number from a new address, each with
// its code checked: 120,000 numbers are in their daily window at the end, more than a fixed cap of
// 100,000 keys held, which then refused every new number for the rest of the day.
BOOST_AUTO_TEST_CASE(memory_store_sized_from_the_limits_holds_a_full_day) {
  vg::LimitSettings settings = voiceverify::testing::shipped_limit_settings();
  settings.sizes[vg::LimitWindow::Resend] = 60;
  settings.sizes[vg::LimitWindow::Number10Min] = 3;
  settings.sizes[vg::LimitWindow::NumberDay] = 10;
  settings.sizes[vg::LimitWindow::ClientHour] = 10;
  settings.sizes[vg::LimitWindow::NetHour] = 5000;  // 256 addresses of each /24 call in turn
  settings.sizes[vg::LimitWindow::GlobalHour] = 5000;
  settings.sizes[vg::LimitWindow::StrangerHour] = 0;  // every caller here is a stranger
  settings.key_secret = "capacity-tests-key-secret";
  ManualClock clock;
  auto store = vs::make_memory_store(vg::memory_store_capacity(settings), clock.function());
  vg::Limiter limiter(*store, settings);

  int refused = 0;  // counted, not asserted per call: 120k assertions would take seconds
  int call = 0;
  for (int hour = 0; hour < 24; ++hour) {
    for (int i = 0; i < 5000; ++i, ++call) {
      const std::string number = "3161" + std::to_string(1'000'000 + call);
      const std::string ip = "10." + std::to_string(call / 65536) + "." +
                             std::to_string(call / 256 % 256) + "." + std::to_string(call % 256);
      if (limiter.before_call(number, ip).verdict != vg::LimitVerdict::Allowed) ++refused;
      const std::string serial = std::to_string(call);
      const std::string id = "v" + std::string(31 - serial.size(), '0') + serial;  // 32 of [0-9a-z]
      int left = 0;
      if (limiter.before_check(id, 300s, left).verdict != vg::LimitVerdict::Allowed) ++refused;
      if (limiter.finish(id, 300s) != vs::StoreError::None) ++refused;
      // Four bursts an hour: the store's periodic sweep runs between them, not after each call.
      if (i % 1250 == 1249) clock.now += 15min;
    }
  }
  BOOST_TEST(refused == 0);
}

BOOST_AUTO_TEST_CASE(a_full_memory_store_sweeps_expired_entries_before_refusing) {
  ManualClock clock;
  auto store = vs::make_memory_store(4, clock.function());
  for (int i = 0; i < 4; ++i) {
    BOOST_TEST((store->put("short" + std::to_string(i), "x", 1s) == vs::StoreError::None));
  }
  // Full of live entries: new keys fail closed, existing ones keep working.
  BOOST_TEST((store->put("new", "x", 60s) == vs::StoreError::Unavailable));
  BOOST_TEST((store->increment("counter", 60s).error == vs::StoreError::Unavailable));
  BOOST_TEST((store->put("short0", "y", 1s) == vs::StoreError::None));

  // Once they expired, the full store makes room at once (no waiting for the periodic sweep).
  clock.now += 2s;
  for (int i = 0; i < 4; ++i) {
    BOOST_TEST(store->increment("live" + std::to_string(i), 60s).value == 1);
  }
  // Full of live entries again: refused, and the counters already there still count.
  BOOST_TEST((store->put("new", "x", 60s) == vs::StoreError::Unavailable));
  BOOST_TEST(store->increment("live0", 60s).value == 2);
}

BOOST_AUTO_TEST_SUITE_END()
