// Known people (docs/fraud-guard.md, "Known people") in the limiter, on the memory store with a
// moving clock and on a real Redis: strangers spend only what LIMIT_GLOBAL_RESERVED leaves of the
// site-wide hour while known requesters still get calls; the number's own windows count per
// source network, a browser that verified the number is spared them, and LIMIT_NUMBER_DAY_ALL
// stops the number whoever asks; operators list and lift the number-wide window.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config_helpers.hpp"
#include "guard/limits.hpp"
#include "recording_store.hpp"
#include "redis_server.hpp"
#include "shipped_settings.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
namespace vg = voiceverify::guard;
using namespace std::chrono_literals;
using vg::LimitWindow;

namespace {

const std::string kSecret = "known-windows-key-secret";
const std::string kBrowser = "0123456789abcdef0123456789abcdef";

bool allowed(const vg::LimitResult& result) {
  return result.verdict == vg::LimitVerdict::Allowed;
}

bool refused_by(const vg::LimitResult& result, LimitWindow window) {
  return result.verdict == vg::LimitVerdict::Limited && result.window == window;
}

std::string verify_id(int n) {
  const std::string serial = std::to_string(n);
  return "k" + std::string(31 - serial.size(), '0') + serial;
}

// `number` verified from `browser` (empty: through the API), as the flow records it.
void verify(vg::Limiter& limiter, const std::string& number, const std::string& browser, int n) {
  BOOST_TEST((limiter.note_call(verify_id(n), number, 300s) == vs::StoreError::None));
  BOOST_TEST((limiter.mark_known(verify_id(n), browser) == vs::StoreError::None));
}

// A site-wide hour of 10, half of it reserved: five strangers, then known people only.
vg::LimitSettings reserved_half_of_ten() {
  vg::LimitSettings s = voiceverify::testing::roomy_limit_settings(kSecret);
  s.sizes[LimitWindow::GlobalHour] = 10;
  s.sizes[LimitWindow::StrangerHour] = 5000;
  return s;
}

std::string stranger_address(int i) {
  return "2001:db8:" + std::to_string(100 + i) + "::1";
}

void check_shares(vs::Store& store) {
  vg::Limiter limiter(store, reserved_half_of_ten());
  // A number verified through the API, and a browser that verified another number.
  verify(limiter, "31611110000", "", 1);
  verify(limiter, "31611110001", kBrowser, 2);
  for (int i = 0; i < 5; ++i) {
    const vg::LimitResult stranger =
        limiter.before_call("3162222000" + std::to_string(i), stranger_address(i));
    BOOST_TEST(allowed(stranger), i);
    BOOST_TEST(!stranger.known);
  }
  const vg::LimitResult busy = limiter.before_call("31622220009", stranger_address(9));
  BOOST_TEST(refused_by(busy, LimitWindow::StrangerHour));
  BOOST_TEST((busy.retry_after > 3500s && busy.retry_after <= 3600s));
  BOOST_TEST(store.peek("strangers").value == 5);
  // The known browser, for a number it never verified, and anyone for the known number.
  const vg::LimitResult browser =
      limiter.before_call("31633330000", "198.51.100.1", {}, {}, {kBrowser, true});
  BOOST_TEST(allowed(browser));
  BOOST_TEST(browser.known);
  BOOST_TEST(allowed(limiter.before_call("31611110000", "198.51.100.2")));
  // An id the browser cannot prove (a cookie we did not sign) makes nobody known.
  BOOST_TEST(
      refused_by(limiter.before_call("31633330001", "198.51.100.3", {}, {}, {kBrowser, false}),
                 LimitWindow::StrangerHour));
  // Known people have the rest of the hour, and no more.
  for (int i = 1; i < 4; ++i) {
    BOOST_TEST(allowed(limiter.before_call("3163333000" + std::to_string(i), "198.51.100.9", {}, {},
                                           {kBrowser, true})));
  }
  BOOST_TEST(
      refused_by(limiter.before_call("31633330009", "198.51.100.9", {}, {}, {kBrowser, true}),
                 LimitWindow::GlobalHour));
  BOOST_TEST(store.peek("strangers").value == 5);
  BOOST_TEST(store.peek("global").value == 10);
}

// LIMIT_NUMBER_10MIN 3 per network, LIMIT_NUMBER_DAY_ALL 8 for the number.
vg::LimitSettings three_per_network_eight_in_all() {
  vg::LimitSettings s = voiceverify::testing::roomy_limit_settings(kSecret);
  s.sizes[LimitWindow::Number10Min] = 3;
  s.sizes[LimitWindow::NumberDayAll] = 8;
  return s;
}

const std::string kVictim = "31644440000";

void check_networks(vs::Store& store) {
  vg::Limiter limiter(store, three_per_network_eight_in_all());
  verify(limiter, kVictim, kBrowser, 3);  // the owner's browser, days ago
  // Two networks ring the victim three times each, from three addresses of each; the fourth
  // call from each is refused by the network's own window.
  for (const std::string net : {"198.51.100.", "2001:db8:7:"}) {
    for (int i = 1; i <= 3; ++i) {
      const std::string address =
          net == "198.51.100." ? net + std::to_string(i) : net + std::to_string(i) + "::1";
      BOOST_TEST(allowed(limiter.before_call(kVictim, address)), address);
    }
    const std::string fourth = net == "198.51.100." ? net + "4" : net + "4::1";
    BOOST_TEST(refused_by(limiter.before_call(kVictim, fourth), LimitWindow::Number10Min), fourth);
  }
  // Another network still gets a call, and so does the owner's browser from a full network.
  BOOST_TEST(allowed(limiter.before_call(kVictim, "203.0.113.5")));
  BOOST_TEST(allowed(limiter.before_call(kVictim, "198.51.100.5", {}, {}, {kBrowser, true})));
  // Eight in all: the number-wide ceiling stops everyone, the owner's browser too.
  BOOST_TEST(refused_by(limiter.before_call(kVictim, "192.0.2.1"), LimitWindow::NumberDayAll));
  BOOST_TEST(refused_by(limiter.before_call(kVictim, "192.0.2.2", {}, {}, {kBrowser, true}),
                        LimitWindow::NumberDayAll));
  // Operators see the number (masked) and lift every window of it, each network's too.
  std::vector<vg::HeldNumber> held;
  BOOST_TEST((limiter.list_held(held) == vs::StoreError::None));
  BOOST_TEST_REQUIRE(held.size() == 1u);
  BOOST_TEST(held[0].masked.find("4444") == std::string::npos);
  vs::StoreError error = vs::StoreError::None;
  BOOST_TEST(limiter.release(kVictim, error));
  BOOST_TEST((error == vs::StoreError::None));
  BOOST_TEST(allowed(limiter.before_call(kVictim, "198.51.100.6")));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(known_windows_tests)

BOOST_AUTO_TEST_CASE(strangers_spend_only_their_share_on_the_memory_store) {
  auto now = std::chrono::steady_clock::now();
  auto store = vs::make_memory_store(100'000, [&now] { return now; });
  check_shares(*store);
  // An hour later strangers have their share again.
  now += 3601s;
  vg::Limiter limiter(*store, reserved_half_of_ten());
  BOOST_TEST(allowed(limiter.before_call("31622220008", stranger_address(8))));
}

BOOST_AUTO_TEST_CASE(strangers_spend_only_their_share_on_redis) {
  std::string error;
  auto store = vs::make_redis_store(voiceverify::testing::shared_redis().url(),
                                    voiceverify::testing::unique_redis_prefix(), 2000ms, error);
  BOOST_REQUIRE_MESSAGE(store, error);
  check_shares(*store);
}

BOOST_AUTO_TEST_CASE(number_windows_count_per_network_on_the_memory_store) {
  auto now = std::chrono::steady_clock::now();
  auto store = vs::make_memory_store(100'000, [&now] { return now; });
  check_networks(*store);
  // Lifted, one call since: ten minutes on, the network's window is free; the day's is not.
  vg::Limiter limiter(*store, three_per_network_eight_in_all());
  for (int i = 0; i < 2; ++i) BOOST_TEST(allowed(limiter.before_call(kVictim, "198.51.100.7")));
  BOOST_TEST(refused_by(limiter.before_call(kVictim, "198.51.100.7"), LimitWindow::Number10Min));
  now += 601s;
  for (int i = 0; i < 3; ++i) BOOST_TEST(allowed(limiter.before_call(kVictim, "198.51.100.7")));
  for (int i = 0; i < 2; ++i) BOOST_TEST(allowed(limiter.before_call(kVictim, "192.0.2.9")));
  BOOST_TEST(refused_by(limiter.before_call(kVictim, "192.0.2.9"), LimitWindow::NumberDayAll));
}

BOOST_AUTO_TEST_CASE(number_windows_count_per_network_on_redis) {
  std::string error;
  auto store = vs::make_redis_store(voiceverify::testing::shared_redis().url(),
                                    voiceverify::testing::unique_redis_prefix(), 2000ms, error);
  BOOST_REQUIRE_MESSAGE(store, error);
  check_networks(*store);
}

// The marks are keyed tags: the store holds no number and no browser id.
BOOST_AUTO_TEST_CASE(known_marks_hold_tags_not_numbers_or_browsers) {
  auto inner = vs::make_memory_store();
  voiceverify::testing::RecordingStore store(*inner);
  vg::Limiter limiter(store, reserved_half_of_ten());
  verify(limiter, kVictim, kBrowser, 4);
  bool known = false;
  BOOST_TEST((limiter.number_known(kVictim, known) == vs::StoreError::None));
  BOOST_TEST(known);
  BOOST_TEST((limiter.number_known("31644440001", known) == vs::StoreError::None));
  BOOST_TEST(!known);
  BOOST_TEST(store.keys.contains("known-number:" + vg::number_tag(kSecret, kVictim)));
  for (const auto& key : store.keys) {
    BOOST_TEST(key.find("4444") == std::string::npos, key);
    BOOST_TEST(key.find(kBrowser) == std::string::npos, key);
  }
}

BOOST_AUTO_TEST_CASE(the_reserve_is_a_decimal_from_zero_to_one) {
  for (const auto& [text, share] :
       {std::pair{"0.5", 5000L}, std::pair{"0", 0L}, std::pair{"1", 10'000L},
        std::pair{"0.25", 2500L}, std::pair{"0.0001", 1L}}) {
    auto env = voiceverify::testing::base_env();
    env["LIMIT_GLOBAL_RESERVED"] = text;
    const auto loaded = voiceverify::config::load("", env);
    BOOST_TEST_REQUIRE(loaded.config.has_value(), text << ": " << loaded.error);
    BOOST_TEST(loaded.config->window_sizes[LimitWindow::StrangerHour] == share, text);
  }
  for (const char* bad : {"1.5", ".5", "0.", "0.12345", "-0.1", "50%", "2"}) {
    auto env = voiceverify::testing::base_env();
    env["LIMIT_GLOBAL_RESERVED"] = bad;
    BOOST_TEST(!voiceverify::config::load("", env).config.has_value(), bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()
