// The Store contract and the Limiter, run once against the memory store and once against a real
// redis-server (redis_server.hpp).
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <functional>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "guard/limits.hpp"
#include "harness.hpp"
#include "redis_server.hpp"
#include "shipped_settings.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
namespace vg = voiceverify::guard;
using namespace std::chrono_literals;
using std::chrono::seconds;
using voiceverify::testing::free_port;
using voiceverify::testing::RedisServer;
using voiceverify::testing::shared_redis;
using voiceverify::testing::unique_redis_prefix;

namespace {

std::unique_ptr<vs::Store> make_redis(const std::string& url, const std::string& prefix) {
  std::string error;
  auto store = vs::make_redis_store(url, prefix, 2000ms, error);
  BOOST_REQUIRE_MESSAGE(store, "make_redis_store: " << error);
  BOOST_TEST(error.empty());
  return store;
}

std::unique_ptr<vs::Store> make_redis() {
  return make_redis(shared_redis().url(), unique_redis_prefix());
}

// ---- the Store contract, for any backend ----

void check_fixed_window(vs::Store& store) {
  for (long expected = 1; expected <= 3; ++expected) {
    const auto counter = store.increment("w", 10s);
    BOOST_TEST((counter.error == vs::StoreError::None));
    BOOST_TEST(counter.value == expected);
    BOOST_TEST(counter.ttl_left.count() <= 10);
    BOOST_TEST(counter.ttl_left.count() >= 9);
  }
  // A later, longer window does not move the first expiry.
  const auto later = store.increment("w", 1000s, 5);
  BOOST_TEST(later.value == 8);
  BOOST_TEST(later.ttl_left.count() <= 10);
  // A window below one second is clamped to one, in every backend.
  const auto tiny = store.increment("tiny", 0s);
  BOOST_TEST(tiny.value == 1);
  BOOST_TEST(tiny.ttl_left.count() == 1);
}

void check_peek(vs::Store& store) {
  const auto missing = store.peek("p");
  BOOST_TEST((missing.error == vs::StoreError::None));
  BOOST_TEST(missing.value == 0);
  BOOST_TEST(missing.ttl_left.count() == 0);
  BOOST_TEST(!store.get("p").value.has_value());  // peeking created nothing
  store.increment("p", 30s, 2);
  for (int i = 0; i < 2; ++i) {  // peeking changes nothing
    const auto seen = store.peek("p");
    BOOST_TEST(seen.value == 2);
    BOOST_TEST(seen.ttl_left.count() <= 30);
    BOOST_TEST(seen.ttl_left.count() >= 29);
  }
  // A fact that is not a number cannot be counted: an error, as Redis answers it.
  BOOST_TEST((store.put("text", "hello", 30s) == vs::StoreError::None));
  BOOST_TEST((store.peek("text").error == vs::StoreError::Unavailable));
  BOOST_TEST((store.increment("text", 30s).error == vs::StoreError::Unavailable));
}

void check_put_get_remove(vs::Store& store) {
  BOOST_TEST(!store.get("k").value.has_value());
  BOOST_TEST((store.put("k", "one", 30s) == vs::StoreError::None));
  BOOST_TEST(store.get("k").value.value_or("") == "one");
  BOOST_TEST((store.put("k", "two", 30s) == vs::StoreError::None));
  BOOST_TEST(store.get("k").value.value_or("") == "two");
  const std::string binary("a\0b \r\n", 6);  // values are opaque bytes
  BOOST_TEST((store.put("b", binary, 30s) == vs::StoreError::None));
  BOOST_TEST(store.get("b").value.value_or("") == binary);
  BOOST_TEST((store.remove("k") == vs::StoreError::None));
  BOOST_TEST(!store.get("k").value.has_value());
  BOOST_TEST((store.remove("k") == vs::StoreError::None));  // removing nothing is fine
  store.increment("c", 30s);
  BOOST_TEST((store.remove("c") == vs::StoreError::None));
  BOOST_TEST(store.increment("c", 30s).value == 1);  // a removed counter starts again
}

void check_expiry(vs::Store& store) {
  store.increment("e", 1s, 4);
  store.put("f", "x", 1s);
  BOOST_TEST(store.peek("e").value == 4);
  BOOST_TEST(store.get("f").value.has_value());
  std::this_thread::sleep_for(1100ms);
  BOOST_TEST(store.peek("e").value == 0);
  BOOST_TEST(store.peek("e").ttl_left.count() == 0);
  BOOST_TEST(!store.get("f").value.has_value());
  const auto fresh = store.increment("e", 10s);  // a new window, with the new length
  BOOST_TEST(fresh.value == 1);
  BOOST_TEST(fresh.ttl_left.count() >= 9);
}

void check_concurrent_increments(vs::Store& store, int threads, int per_thread) {
  std::latch start(threads);
  std::atomic<int> errors{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < per_thread; ++i) {
        if (store.increment("many", 60s).error != vs::StoreError::None) ++errors;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  BOOST_TEST(errors.load() == 0);
  BOOST_TEST(store.peek("many").value == static_cast<long>(threads) * per_thread);
}

// A single-use value: the first take gets it and removes it, later ones find nothing; of several
// threads racing for one key, exactly one wins.
void check_take(vs::Store& store, int threads) {
  BOOST_TEST(!store.take("once").value.has_value());
  BOOST_REQUIRE((store.put("once", "value", 60s) == vs::StoreError::None));
  const auto first = store.take("once");
  BOOST_TEST((first.error == vs::StoreError::None));
  BOOST_TEST(first.value.value_or("") == "value");
  BOOST_TEST(!store.take("once").value.has_value());
  BOOST_TEST(!store.get("once").value.has_value());

  BOOST_REQUIRE((store.put("raced", "prize", 60s) == vs::StoreError::None));
  std::latch start(threads);
  std::atomic<int> winners{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      start.arrive_and_wait();
      if (store.take("raced").value == "prize") ++winners;
    });
  }
  for (auto& worker : workers) worker.join();
  BOOST_TEST(winners.load() == 1);
}

// ---- the Limiter, for any backend ----

constexpr const char* kKeySecret = "store-tests-key-secret";

// A verify id of MessageBird's shape (the limiter refuses any other) named by its first characters.
std::string id_of(const std::string& stem) {
  return stem + std::string(32 - stem.size(), '0');
}

// How the limiter names a number in its keys.
std::string tag(const std::string& number) {
  return vg::number_tag(kKeySecret, number);
}

// A number's own window (`prefix` "n10:" or "nday:") as calls from `ip`'s network count in it.
std::string number_key(const std::string& prefix, const std::string& number,
                       const std::string& ip) {
  return prefix + tag(number) + ":" +
         vg::address_tag(kKeySecret, vg::client_network_key(ip, 24, 48));
}

// The per-address window's key of a client, as client_address_key counts it (IPv6: "/64" form).
std::string ip_key(const std::string& client_key) {
  return "ip:" + vg::address_tag(kKeySecret, client_key);
}

vg::LimitSettings roomy() {
  return voiceverify::testing::roomy_limit_settings(kKeySecret);
}

bool allowed(const vg::LimitResult& result) {
  return result.verdict == vg::LimitVerdict::Allowed;
}

void check_refused(const vg::LimitResult& result, const std::string& which, seconds low,
                   seconds high) {
  if (which == "bad-key") {
    BOOST_TEST((result.verdict == vg::LimitVerdict::BadKey));
  } else {
    BOOST_TEST((result.verdict == vg::LimitVerdict::Limited));
    BOOST_TEST(vg::limit_window_name(result.window) == which);
  }
  BOOST_TEST(result.retry_after.count() >= low.count());
  BOOST_TEST(result.retry_after.count() <= high.count());
}

void check_resend(vs::Store& store) {
  auto settings = roomy();
  settings.sizes[vg::LimitWindow::Resend] = 60;
  vg::Limiter limiter(store, settings);
  BOOST_TEST(allowed(limiter.before_call("31612345678", "10.0.0.1")));
  check_refused(limiter.before_call("31612345678", "10.0.0.2"), "resend", 59s, 60s);
  BOOST_TEST(allowed(limiter.before_call("31612345679", "10.0.0.1")));  // another number
}

void check_number_10min(vs::Store& store) {
  auto settings = roomy();
  settings.sizes[vg::LimitWindow::Number10Min] = 2;
  vg::Limiter limiter(store, settings);
  BOOST_TEST(allowed(limiter.before_call("311", "10.0.0.1")));
  BOOST_TEST(allowed(limiter.before_call("311", "10.0.0.1")));
  for (int i = 0; i < 3; ++i) {
    check_refused(limiter.before_call("311", "10.0.0.1"), "number-10min", 599s, 600s);
  }
  // The refused calls counted in no window.
  BOOST_TEST(store.peek(number_key("n10:", "311", "10.0.0.1")).value == 2);
  BOOST_TEST(store.peek(number_key("nday:", "311", "10.0.0.1")).value == 2);
  BOOST_TEST(store.peek("nall:" + tag("311")).value == 2);
  BOOST_TEST(store.peek(ip_key("10.0.0.1")).value == 2);
  BOOST_TEST(store.peek("global").value == 2);
  BOOST_TEST(allowed(limiter.before_call("312", "10.0.0.1")));
}

void check_number_day(vs::Store& store) {
  auto settings = roomy();
  settings.sizes[vg::LimitWindow::NumberDay] = 2;
  vg::Limiter limiter(store, settings);
  BOOST_TEST(allowed(limiter.before_call("311", "10.0.0.1")));
  BOOST_TEST(allowed(limiter.before_call("311", "10.0.0.2")));
  check_refused(limiter.before_call("311", "10.0.0.3"), "number-day", 86399s, 86400s);
  BOOST_TEST(store.peek(ip_key("10.0.0.3")).value == 0);
}

void check_ip_hour(vs::Store& store) {
  auto settings = roomy();
  settings.sizes[vg::LimitWindow::ClientHour] = 2;
  vg::Limiter limiter(store, settings);
  BOOST_TEST(allowed(limiter.before_call("311", "2001:db8::1")));
  BOOST_TEST(allowed(limiter.before_call("312", "2001:db8::1")));
  check_refused(limiter.before_call("313", "2001:db8::1"), "ip-hour", 3599s, 3600s);
  BOOST_TEST(store.peek(number_key("n10:", "313", "2001:db8::1")).value == 0);
  BOOST_TEST(store.peek("nall:" + tag("313")).value == 0);
  BOOST_TEST(allowed(limiter.before_call("313", "2001:db8:0:1::1")));  // another /64
}

// IPv6 clients share a window per prefix (LIMIT_IPV6_PREFIX); IPv4 ones are counted per address,
// whether they come as 1.2.3.4 or IPv4-mapped (::ffff:1.2.3.4).
void check_ip_prefix(vs::Store& store) {
  auto settings = roomy();
  settings.sizes[vg::LimitWindow::ClientHour] = 2;
  vg::Limiter limiter(store, settings);
  // Two addresses of one /64 share a window...
  BOOST_TEST(allowed(limiter.before_call("311", "2001:db8:1:2::1")));
  BOOST_TEST(allowed(limiter.before_call("312", "2001:DB8:1:2:ffff:ffff:ffff:fffe")));
  check_refused(limiter.before_call("313", "2001:db8:1:2:abcd::9"), "ip-hour", 3599s, 3600s);
  BOOST_TEST(store.peek(ip_key("2001:db8:1:2::/64")).value == 2);
  // ...and another /64 of the same /48 has one of its own.
  BOOST_TEST(allowed(limiter.before_call("313", "2001:db8:1:3::1")));
  BOOST_TEST(store.peek(ip_key("2001:db8:1:3::/64")).value == 1);

  // An IPv4-mapped address is the IPv4 address.
  BOOST_TEST(allowed(limiter.before_call("314", "192.0.2.7")));
  BOOST_TEST(allowed(limiter.before_call("315", "::ffff:192.0.2.7")));
  check_refused(limiter.before_call("316", "::FFFF:192.0.2.7"), "ip-hour", 3599s, 3600s);
  BOOST_TEST(store.peek(ip_key("192.0.2.7")).value == 2);
  BOOST_TEST(allowed(limiter.before_call("316", "192.0.2.8")));  // IPv4 stays per address

  // 128 bits: every IPv6 address is a client of its own.
  settings.ipv6_prefix_length = 128;
  vg::Limiter per_address(store, settings);
  for (int i = 0; i < 2; ++i)
    BOOST_TEST(allowed(per_address.before_call("317", "2001:db8:9::" + std::to_string(i + 1))));
  BOOST_TEST(allowed(per_address.before_call("318", "2001:db8:9::3")));
  BOOST_TEST(allowed(per_address.before_call("319", "2001:db8:9::1")));
  check_refused(per_address.before_call("320", "2001:db8:9::1"), "ip-hour", 3599s, 3600s);
  BOOST_TEST(store.peek(ip_key("2001:db8:9::1")).value == 2);
}

void check_global_hour(vs::Store& store) {
  auto settings = roomy();
  settings.sizes[vg::LimitWindow::GlobalHour] = 2;
  vg::Limiter limiter(store, settings);
  BOOST_TEST(allowed(limiter.before_call("311", "10.0.0.1")));
  BOOST_TEST(allowed(limiter.before_call("312", "10.0.0.2")));
  check_refused(limiter.before_call("313", "10.0.0.3"), "global-hour", 3599s, 3600s);
  BOOST_TEST(store.peek("global").value == 2);
}

void check_latest_window_named(vs::Store& store) {
  // Resend (60 s) and the 10-minute window both refuse: the answer is the one that frees last.
  auto settings = roomy();
  settings.sizes[vg::LimitWindow::Resend] = 60;
  settings.sizes[vg::LimitWindow::Number10Min] = 1;
  vg::Limiter limiter(store, settings);
  BOOST_TEST(allowed(limiter.before_call("311", "10.0.0.1")));
  check_refused(limiter.before_call("311", "10.0.0.1"), "number-10min", 599s, 600s);

  settings.sizes[vg::LimitWindow::NumberDay] = 1;  // now the day window frees last
  vg::Limiter stricter(store, settings);
  check_refused(stricter.before_call("311", "10.0.0.1"), "number-day", 86399s, 86400s);
}

// Concurrent calls racing past a limit: exactly `limit` are allowed, and the counters hold
// exactly the allowed calls (the losers took their increments back).
void check_race(vs::Store& store, bool resend) {
  auto settings = roomy();
  settings.sizes[vg::LimitWindow::Number10Min] = 3;
  if (resend) settings.sizes[vg::LimitWindow::Resend] = 60;
  const long expected = resend ? 1 : 3;
  vg::Limiter limiter(store, settings);
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::atomic<int> allowed_calls{0};
  std::atomic<int> other{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      start.arrive_and_wait();
      const auto result = limiter.before_call("3199", "10.1.0." + std::to_string(t));
      if (allowed(result)) {
        ++allowed_calls;
      } else if (result.verdict != vg::LimitVerdict::Limited) {
        ++other;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  BOOST_TEST(other.load() == 0);
  BOOST_TEST(allowed_calls.load() == expected);
  BOOST_TEST(store.peek(number_key("n10:", "3199", "10.1.0.1")).value == expected);
  BOOST_TEST(store.peek("global").value == expected);
}

void check_attempts_and_finish(vs::Store& store) {
  vg::Limiter limiter(store, roomy());
  int left = -1;
  for (int expected_left = 2; expected_left >= 0; --expected_left) {
    BOOST_TEST(allowed(limiter.before_check(id_of("abc123"), 900s, left)));
    BOOST_TEST(left == expected_left);
  }
  left = -1;
  check_refused(limiter.before_check(id_of("abc123"), 900s, left), "attempts", 0s, 0s);
  BOOST_TEST(left == 0);

  // A finished verification is refused from its first check on; others are untouched.
  BOOST_TEST(allowed(limiter.before_check(id_of("def456"), 900s, left)));
  BOOST_TEST((limiter.finish(id_of("def456"), 900s) == vs::StoreError::None));
  check_refused(limiter.before_check(id_of("def456"), 900s, left), "attempts", 0s, 0s);
  BOOST_TEST((limiter.finish(id_of("neverchecked"), 900s) == vs::StoreError::None));
  check_refused(limiter.before_check(id_of("neverchecked"), 900s, left), "attempts", 0s, 0s);
  BOOST_TEST(allowed(limiter.before_check(id_of("ghi789"), 900s, left)));
  BOOST_TEST(left == 2);
}

void check_bad_keys(vs::Store& store) {
  vg::Limiter limiter(store, roomy());
  const std::vector<std::pair<std::string, std::string>> bad_calls = {
      {"31 6", "10.0.0.1"},
      {"316\n", "10.0.0.1"},
      {"", "10.0.0.1"},
      {"3161234567890123", "10.0.0.1"},
      {"31a", "10.0.0.1"},
      {"316", ""},
      {"316", "10.0.0.1 x"},
      {"316", "10.0.0.1\r\n"},
      {"316", "a:b:*"},
      {"316", std::string(46, '1')},
      {"316", "unknown"},
      {"316", "10.0.0.1:80"},
      {"316", "fe80::1%lo"},
      {"316", std::string("10.0.0.1\0x", 10)},
      {std::string("31\0", 3), "10.0.0.1"}};
  for (const auto& [number, ip] : bad_calls) {
    check_refused(limiter.before_call(number, ip), "bad-key", 0s, 0s);
  }
  BOOST_TEST(store.peek("global").value == 0);  // nothing counted
  BOOST_TEST(allowed(limiter.before_call("+31612345678", "::ffff:10.0.0.1")));

  int left = -1;
  const std::vector<std::string> bad_ids = {"",
                                            "a b",
                                            "a\nb",
                                            "a:b",
                                            "a/b",
                                            std::string(65, 'a'),
                                            std::string(31, 'a'),
                                            std::string(32, 'A'),
                                            id_of("abc").replace(3, 1, "-")};
  for (const auto& id : bad_ids) {
    check_refused(limiter.before_check(id, 900s, left), "bad-key", 0s, 0s);
    BOOST_TEST(left == 0);
    BOOST_TEST((limiter.finish(id, 900s) == vs::StoreError::Unavailable));
  }
}

// A store whose n-th operation fails (a blip), or every one from the n-th on (an outage).
class FailingStore final : public vs::Store {
 public:
  FailingStore(vs::Store& inner, int fail_at, bool stays_down)
      : inner_(inner), fail_at_(fail_at), stays_down_(stays_down) {}
  vs::Counter increment(const std::string& key, seconds window, long by) override {
    if (failing()) return vs::Counter{vs::StoreError::Unavailable, 0, {}};
    return inner_.increment(key, window, by);
  }
  vs::Counter take_back(const std::string& key) override {
    if (failing()) return vs::Counter{vs::StoreError::Unavailable, 0, {}};
    return inner_.take_back(key);
  }
  vs::Counter peek(const std::string& key) override {
    if (failing()) return vs::Counter{vs::StoreError::Unavailable, 0, {}};
    return inner_.peek(key);
  }
  vs::StoreError put(const std::string& key, const std::string& value, seconds ttl) override {
    return failing() ? vs::StoreError::Unavailable : inner_.put(key, value, ttl);
  }
  vs::Fetched get(const std::string& key) override {
    if (failing()) return vs::Fetched{vs::StoreError::Unavailable, std::nullopt};
    return inner_.get(key);
  }
  vs::StoreError remove(const std::string& key) override {
    return failing() ? vs::StoreError::Unavailable : inner_.remove(key);
  }

 private:
  bool failing() {
    ++calls_;
    return stays_down_ ? calls_ >= fail_at_ : calls_ == fail_at_;
  }
  vs::Store& inner_;
  int fail_at_;
  bool stays_down_;
  int calls_ = 0;
};

void check_store_down(vs::Store& store) {
  vg::Limiter limiter(store, roomy());
  const auto call = limiter.before_call("311", "10.0.0.1");
  BOOST_TEST((call.verdict == vg::LimitVerdict::StoreDown));
  int left = -1;
  BOOST_TEST(
      (limiter.before_check(id_of("abc"), 900s, left).verdict == vg::LimitVerdict::StoreDown));
  BOOST_TEST(left == 0);
  BOOST_TEST((limiter.finish(id_of("abc"), 900s) == vs::StoreError::Unavailable));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store_tests)

// ---- memory store ----

BOOST_AUTO_TEST_CASE(memory_fixed_window) {
  check_fixed_window(*vs::make_memory_store());
}
BOOST_AUTO_TEST_CASE(memory_peek) {
  check_peek(*vs::make_memory_store());
}
BOOST_AUTO_TEST_CASE(memory_put_get_remove) {
  check_put_get_remove(*vs::make_memory_store());
}
BOOST_AUTO_TEST_CASE(memory_expiry) {
  check_expiry(*vs::make_memory_store());
}
BOOST_AUTO_TEST_CASE(memory_concurrent_increments) {
  check_concurrent_increments(*vs::make_memory_store(), 8, 2000);
}

BOOST_AUTO_TEST_CASE(memory_take_is_single_use) {
  check_take(*vs::make_memory_store(), 8);
}

BOOST_AUTO_TEST_CASE(memory_full_store_fails_closed_then_sweeps) {
  auto store = vs::make_memory_store();
  constexpr int kCap = 100'000;
  // All but one key live for a minute; the last one, made just before the checks, for a second.
  int failed = 0;  // counted, not asserted per key: 100k assertions would take seconds
  for (int i = 0; i < kCap - 1; ++i) {
    if (store->increment("fill:" + std::to_string(i), 60s).error != vs::StoreError::None) ++failed;
  }
  BOOST_REQUIRE(failed == 0);
  BOOST_REQUIRE((store->put("short", "x", 1s) == vs::StoreError::None));

  // Full of live keys: new keys are refused, existing ones still count and can be replaced.
  BOOST_TEST((store->increment("new", 60s).error == vs::StoreError::Unavailable));
  BOOST_TEST((store->put("new", "x", 60s) == vs::StoreError::Unavailable));
  BOOST_TEST(store->increment("fill:7", 60s).value == 2);
  BOOST_TEST((store->put("fill:8", "x", 60s) == vs::StoreError::None));

  // Once "short" expired, a sweep frees exactly its place.
  std::this_thread::sleep_for(1100ms);
  BOOST_TEST(store->increment("new", 60s).value == 1);
  BOOST_TEST((store->put("other", "x", 60s) == vs::StoreError::Unavailable));
}

// ---- redis store ----

BOOST_AUTO_TEST_CASE(redis_fixed_window) {
  check_fixed_window(*make_redis());
}
BOOST_AUTO_TEST_CASE(redis_peek) {
  check_peek(*make_redis());
}
BOOST_AUTO_TEST_CASE(redis_put_get_remove) {
  check_put_get_remove(*make_redis());
}
BOOST_AUTO_TEST_CASE(redis_expiry) {
  check_expiry(*make_redis());
}
BOOST_AUTO_TEST_CASE(redis_concurrent_increments) {
  check_concurrent_increments(*make_redis(), 8, 100);
}

BOOST_AUTO_TEST_CASE(redis_take_is_single_use) {
  check_take(*make_redis(), 8);
}

BOOST_AUTO_TEST_CASE(redis_key_prefix_and_database) {
  const auto prefix = unique_redis_prefix();
  auto store = make_redis(shared_redis().url(0), prefix);
  auto other_prefix = make_redis(shared_redis().url(0), unique_redis_prefix());
  auto bare = make_redis(shared_redis().url(0), "");
  auto other_db = make_redis(shared_redis().url(1), prefix);
  BOOST_TEST((store->put("k", "v", 30s) == vs::StoreError::None));
  BOOST_TEST(!other_prefix->get("k").value.has_value());
  BOOST_TEST(bare->get(prefix + "k").value.value_or("") == "v");  // stored under the prefix
  BOOST_TEST(!other_db->get("k").value.has_value());              // SELECT took effect
  BOOST_TEST((other_db->put("k", "db1", 30s) == vs::StoreError::None));
  BOOST_TEST(store->get("k").value.value_or("") == "v");
}

BOOST_AUTO_TEST_CASE(redis_bad_urls_are_refused) {
  // make_redis_store refuses what parse_redis_url refuses (every form is in redis_url_tests):
  // one of each kind here, no scheme, a bad port, a broken escape, a control byte.
  const std::vector<std::string> bad = {
      "",
      "localhost:6379",
      "redis://127.0.0.1:65536",
      "redis://:secret%zz@127.0.0.1:6379",
      "redis://127.0.0.1:6379\n",
  };
  for (const auto& url : bad) {
    std::string error;
    BOOST_TEST(!vs::make_redis_store(url, "p:", 1000ms, error), url);
    BOOST_TEST(!error.empty(), url);
  }
  std::string error;
  BOOST_TEST(!vs::make_redis_store("redis://127.0.0.1:6379", "p:", 0ms, error));
  BOOST_TEST(!error.empty());
  for (const std::string good : {"redis://127.0.0.1:6379", "redis://redis.internal:16379/15"}) {
    error.clear();
    BOOST_TEST(static_cast<bool>(vs::make_redis_store(good, "p:", 1000ms, error)), good);
    BOOST_TEST(error.empty());
  }
}

BOOST_AUTO_TEST_CASE(redis_stopped_fails_closed_and_reconnects) {
  RedisServer server;
  auto store = make_redis(server.url(), unique_redis_prefix());
  vg::Limiter limiter(*store, roomy());
  BOOST_TEST(allowed(limiter.before_call("311", "10.0.0.1")));  // pooled connections exist now

  server.stop();
  // First, on the pooled connection to the dead server: a write too big for one send() gets
  // EPIPE, whose SIGPIPE would kill the whole process if the store let it through.
  BOOST_TEST((store->put("big", std::string(8 << 20, 'x'), 60s) == vs::StoreError::Unavailable));
  BOOST_TEST((store->increment("k", 60s).error == vs::StoreError::Unavailable));
  BOOST_TEST((store->peek("k").error == vs::StoreError::Unavailable));
  BOOST_TEST((store->put("k", "v", 60s) == vs::StoreError::Unavailable));
  BOOST_TEST((store->get("k").error == vs::StoreError::Unavailable));
  BOOST_TEST((store->remove("k") == vs::StoreError::Unavailable));
  check_store_down(*store);

  // A server back on the same address is used again without restarting the pool.
  server.start(server.port());
  BOOST_REQUIRE(server.pid() > 0);
  BOOST_TEST((store->put("k", "v", 60s) == vs::StoreError::None));
  BOOST_TEST(store->get("k").value.value_or("") == "v");
}

BOOST_AUTO_TEST_CASE(redis_nobody_listening_fails_closed) {
  auto store =
      make_redis("redis://127.0.0.1:" + std::to_string(free_port()), unique_redis_prefix());
  BOOST_TEST((store->increment("k", 60s).error == vs::StoreError::Unavailable));
  check_store_down(*store);
}

// ---- limiter, on both backends ----

BOOST_AUTO_TEST_CASE(limiter_resend) {
  check_resend(*vs::make_memory_store());
  check_resend(*make_redis());
}
BOOST_AUTO_TEST_CASE(limiter_number_10min_refused_counts_in_none) {
  check_number_10min(*vs::make_memory_store());
  check_number_10min(*make_redis());
}
BOOST_AUTO_TEST_CASE(limiter_number_day) {
  check_number_day(*vs::make_memory_store());
  check_number_day(*make_redis());
}
BOOST_AUTO_TEST_CASE(limiter_ip_hour) {
  check_ip_hour(*vs::make_memory_store());
  check_ip_hour(*make_redis());
}
BOOST_AUTO_TEST_CASE(limiter_counts_ipv6_per_prefix_and_mapped_ipv4_as_ipv4) {
  check_ip_prefix(*vs::make_memory_store());
  check_ip_prefix(*make_redis());
}
BOOST_AUTO_TEST_CASE(client_address_key_forms) {
  BOOST_TEST(vg::client_address_key("10.0.0.1", 64) == "10.0.0.1");
  BOOST_TEST(vg::client_address_key("::ffff:10.0.0.1", 64) == "10.0.0.1");
  BOOST_TEST(vg::client_address_key("2001:0db8:0001:0002:0003:0004:0005:0006", 64) ==
             "2001:db8:1:2::/64");
  BOOST_TEST(vg::client_address_key("2001:db8:1:2:3:4:5:6", 48) == "2001:db8:1::/48");
  BOOST_TEST(vg::client_address_key("2001:db8:1:2:3:4:5:6", 56) == "2001:db8:1::/56");
  BOOST_TEST(vg::client_address_key("2001:db8:1:2ff:3:4:5:6", 56) == "2001:db8:1:200::/56");
  BOOST_TEST(vg::client_address_key("2001:DB8::1", 128) == "2001:db8::1");
  BOOST_TEST(vg::client_address_key("::1", 64) == "::/64");
  // Not addresses, or no prefix length to use: no key.
  for (const char* bad : {"", "localhost", "10.0.0", "10.0.0.1/8", "fe80::1%eth0", "1.2.3.4 ",
                          "2001:db8::1:2:3:4:5:6:7"})
    BOOST_TEST(vg::client_address_key(bad, 64).empty(), bad);
  BOOST_TEST(vg::client_address_key("2001:db8::1", 0).empty());
  BOOST_TEST(vg::client_address_key("2001:db8::1", 129).empty());
}
BOOST_AUTO_TEST_CASE(limiter_refuses_a_prefix_length_outside_1_to_128) {
  auto store = vs::make_memory_store();
  auto settings = roomy();
  settings.ipv6_prefix_length = 0;
  BOOST_CHECK_THROW(vg::Limiter(*store, settings), std::invalid_argument);
  settings.ipv6_prefix_length = 129;
  BOOST_CHECK_THROW(vg::Limiter(*store, settings), std::invalid_argument);
}
BOOST_AUTO_TEST_CASE(limiter_global_hour) {
  check_global_hour(*vs::make_memory_store());
  check_global_hour(*make_redis());
}
BOOST_AUTO_TEST_CASE(limiter_names_the_window_that_frees_last) {
  check_latest_window_named(*vs::make_memory_store());
  check_latest_window_named(*make_redis());
}
BOOST_AUTO_TEST_CASE(limiter_race_never_exceeds_a_limit) {
  for (const bool resend : {false, true}) {
    check_race(*vs::make_memory_store(), resend);
    check_race(*make_redis(), resend);
  }
}
BOOST_AUTO_TEST_CASE(limiter_attempts_and_finish) {
  check_attempts_and_finish(*vs::make_memory_store());
  check_attempts_and_finish(*make_redis());
}
BOOST_AUTO_TEST_CASE(limiter_bad_keys) {
  check_bad_keys(*vs::make_memory_store());
  check_bad_keys(*make_redis());
}

BOOST_AUTO_TEST_CASE(limiter_store_failing_part_way_fails_closed_and_counts_nothing) {
  auto memory = vs::make_memory_store();
  auto settings = roomy();
  settings.sizes[vg::LimitWindow::Resend] = 60;
  // With resend on, a call is 5 peeks then 5 increments: fail each one in turn.
  for (int fail_at = 1; fail_at <= 10; ++fail_at) {
    FailingStore failing(*memory, fail_at, false);
    vg::Limiter limiter(failing, settings);
    const auto result = limiter.before_call("311", "10.0.0.1");
    BOOST_TEST((result.verdict == vg::LimitVerdict::StoreDown), "fail_at=" << fail_at);
    // Every increment that succeeded before the failure was taken back.
    BOOST_TEST(memory->peek("last-call:" + tag("311")).value == 0);
    BOOST_TEST(memory->peek(number_key("n10:", "311", "10.0.0.1")).value == 0);
    BOOST_TEST(memory->peek(number_key("nday:", "311", "10.0.0.1")).value == 0);
    BOOST_TEST(memory->peek("nall:" + tag("311")).value == 0);
    BOOST_TEST(memory->peek(ip_key("10.0.0.1")).value == 0);
    BOOST_TEST(memory->peek("global").value == 0);
  }
  vg::Limiter limiter(*memory, settings);
  BOOST_TEST(allowed(limiter.before_call("311", "10.0.0.1")));  // the blips left no trace
  FailingStore down(*memory, 1, true);
  check_store_down(down);
}

BOOST_AUTO_TEST_SUITE_END()
