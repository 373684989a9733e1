// Taking an increment back (Store::take_back) on both backends, and the Limiter's undo of a call
// refused in a race, when the window being undone expired between the increment and the undo.
// Undoing with a plain "add -1" would then create a fresh window at -1, worth one extra call.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "guard/limits.hpp"
#include "redis_server.hpp"
#include "shipped_settings.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
namespace vg = voiceverify::guard;
using namespace std::chrono_literals;
using std::chrono::seconds;
using voiceverify::testing::shared_redis;
using voiceverify::testing::unique_redis_prefix;

namespace {

// Verify ids of MessageBird's shape: the limiter refuses any other.
const std::string kId = "4e213b01155d1e35a9d9571v00162985";
const std::string kNeverId = "00000000000000000000000000000000";

// A steady clock the test moves by hand.
struct ManualClock {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
  vs::MemoryClock function() {
    return [this] { return now; };
  }
};

std::unique_ptr<vs::Store> make_redis() {
  std::string error;
  auto store = vs::make_redis_store(shared_redis().url(), unique_redis_prefix(), 2000ms, error);
  BOOST_REQUIRE_MESSAGE(store, "make_redis_store: " << error);
  return store;
}

// `pass_time` must make at least one second go by for `store`.
void check_take_back(vs::Store& store, const std::function<void()>& pass_time) {
  // A live counter goes down by one per take-back, keeps its expiry and stops at zero.
  BOOST_TEST(store.increment("live", 60s, 2).value == 2);
  vs::Counter counter = store.take_back("live");
  BOOST_TEST((counter.error == vs::StoreError::None));
  BOOST_TEST(counter.value == 1);
  BOOST_TEST(counter.ttl_left.count() >= 59);
  BOOST_TEST(store.take_back("live").value == 0);
  BOOST_TEST(store.take_back("live").value == 0);
  BOOST_TEST(store.peek("live").value == 0);
  BOOST_TEST(store.peek("live").ttl_left.count() >= 59);

  // A missing key stays missing.
  counter = store.take_back("never");
  BOOST_TEST((counter.error == vs::StoreError::None));
  BOOST_TEST(counter.value == 0);
  BOOST_TEST(!store.get("never").value.has_value());

  // A window that expires between the increment and the take-back is not brought back at -1.
  BOOST_TEST(store.increment("short", 1s).value == 1);
  pass_time();
  BOOST_TEST(store.take_back("short").value == 0);
  BOOST_TEST(!store.get("short").value.has_value());
  BOOST_TEST(store.increment("short", 60s).value == 1);  // a new window starts at one

  // Not a number: an error, as for increment.
  BOOST_TEST((store.put("text", "hello", 30s) == vs::StoreError::None));
  BOOST_TEST((store.take_back("text").error == vs::StoreError::Unavailable));
}

// Another worker fills the site-wide window while this call is between its peeks and its
// increments, and time passes (`pass_time`) before this call counts there: it goes over the
// limit, is refused and takes its earlier increments back, after its resend window expired.
class RacingStore final : public vs::Store {
 public:
  RacingStore(vs::Store& inner, long global_limit, std::function<void()> pass_time)
      : inner_(inner), global_limit_(global_limit), pass_time_(std::move(pass_time)) {}
  vs::Counter increment(const std::string& key, seconds window, long by) override {
    if (armed_ && key == "global") {
      armed_ = false;
      inner_.increment(key, window, global_limit_);
      pass_time_();
    }
    return inner_.increment(key, window, by);
  }
  vs::Counter take_back(const std::string& key) override { return inner_.take_back(key); }
  vs::Counter peek(const std::string& key) override { return inner_.peek(key); }
  vs::StoreError put(const std::string& key, const std::string& value, seconds ttl) override {
    return inner_.put(key, value, ttl);
  }
  vs::Fetched get(const std::string& key) override { return inner_.get(key); }
  vs::StoreError remove(const std::string& key) override { return inner_.remove(key); }

 private:
  vs::Store& inner_;
  long global_limit_;
  std::function<void()> pass_time_;
  bool armed_ = true;
};

void check_undo_after_expiry(vs::Store& inner, const std::function<void()>& pass_time) {
  vg::LimitSettings settings = voiceverify::testing::shipped_limit_settings();
  settings.key_secret = "store-undo-tests-key-secret";
  settings.sizes[vg::LimitWindow::Resend] = 1;
  settings.sizes[vg::LimitWindow::Number10Min] = 100;
  settings.sizes[vg::LimitWindow::NumberDay] = 100;
  settings.sizes[vg::LimitWindow::ClientHour] = 100;
  settings.sizes[vg::LimitWindow::GlobalHour] = 2;
  settings.sizes[vg::LimitWindow::StrangerHour] = 0;  // the whole hour for everyone
  RacingStore racing(inner, settings.sizes[vg::LimitWindow::GlobalHour], pass_time);
  vg::Limiter limiter(racing, settings);

  const auto raced = limiter.before_call("31611111111", "10.0.0.1");
  BOOST_TEST((raced.verdict == vg::LimitVerdict::Limited));
  BOOST_TEST((raced.window == vg::LimitWindow::GlobalHour));

  // The other worker's calls leave the site-wide window; the number's own limits must still
  // hold: one call now, and the next one refused until the resend interval is over.
  BOOST_REQUIRE((inner.remove("global") == vs::StoreError::None));
  BOOST_TEST((limiter.before_call("31611111111", "10.0.0.1").verdict == vg::LimitVerdict::Allowed));
  const auto again = limiter.before_call("31611111111", "10.0.0.1");
  BOOST_TEST((again.verdict == vg::LimitVerdict::Limited));
  BOOST_TEST((again.window == vg::LimitWindow::Resend));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store_undo_tests)

BOOST_AUTO_TEST_CASE(memory_take_back_never_creates_or_goes_below_zero) {
  ManualClock clock;
  auto store = vs::make_memory_store(1000, clock.function());
  check_take_back(*store, [&clock] { clock.now += 2s; });
}

BOOST_AUTO_TEST_CASE(redis_take_back_never_creates_or_goes_below_zero) {
  auto store = make_redis();
  check_take_back(*store, [] { std::this_thread::sleep_for(1100ms); });
}

BOOST_AUTO_TEST_CASE(limiter_undo_after_the_window_expired_gives_no_extra_call) {
  ManualClock clock;
  auto memory = vs::make_memory_store(1000, clock.function());
  check_undo_after_expiry(*memory, [&clock] { clock.now += 2s; });
  auto redis = make_redis();
  check_undo_after_expiry(*redis, [] { std::this_thread::sleep_for(1100ms); });
}

BOOST_AUTO_TEST_CASE(limiter_refund_attempt_gives_one_back_and_creates_nothing) {
  auto store = vs::make_memory_store();
  vg::LimitSettings settings = voiceverify::testing::shipped_limit_settings();
  settings.sizes[vg::LimitWindow::Attempts] = 2;
  settings.key_secret = "store-undo-tests-key-secret";
  vg::Limiter limiter(*store, settings);
  int left = 0;
  BOOST_TEST((limiter.before_check(kId, 900s, left).verdict == vg::LimitVerdict::Allowed));
  BOOST_TEST(left == 1);
  BOOST_TEST((limiter.refund_attempt(kId) == vs::StoreError::None));
  BOOST_TEST((limiter.before_check(kId, 900s, left).verdict == vg::LimitVerdict::Allowed));
  BOOST_TEST(left == 1);  // the refunded attempt did not count
  BOOST_TEST((limiter.before_check(kId, 900s, left).verdict == vg::LimitVerdict::Allowed));
  BOOST_TEST(left == 0);
  BOOST_TEST((limiter.before_check(kId, 900s, left).verdict == vg::LimitVerdict::Limited));

  // Refunding what was never counted (or has expired) creates nothing and goes below nothing.
  BOOST_TEST((limiter.refund_attempt(kNeverId) == vs::StoreError::None));
  BOOST_TEST(!store->get("attempts:" + kNeverId).value.has_value());
  BOOST_TEST((limiter.refund_attempt("../bad") == vs::StoreError::Unavailable));
}

BOOST_AUTO_TEST_SUITE_END()
