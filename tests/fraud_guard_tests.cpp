// The conversion guard (src/guard/fraud_guard.cpp) on a clock the test moves: what an attacker
// pumping one number range meets, what ten colleagues verifying at once never meet, and the
// edges of the ratio, the minimum and the quarantine, on the in-process store and on Redis.
#include "guard/fraud_guard.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "capture_stderr.hpp"
#include "redis_server.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
namespace vg = voiceverify::guard;
using namespace std::chrono_literals;
using voiceverify::testing::capture_stderr;

namespace {

// Both clocks the guard and the memory store read, moved together by the test.
struct TestClock {
  std::chrono::seconds offset{0};
  std::chrono::system_clock::time_point wall_start = std::chrono::system_clock::now();
  std::chrono::steady_clock::time_point steady_start = std::chrono::steady_clock::now();
  vg::WallClock wall() {
    return [this] { return wall_start + offset; };
  }
  vs::MemoryClock steady() {
    return [this] { return steady_start + offset; };
  }
};

vg::FraudSettings settings(vg::GuardMode range_mode = vg::GuardMode::Enforce,
                           vg::GuardMode country_mode = vg::GuardMode::Monitor) {
  return vg::FraudSettings{range_mode, country_mode, 3600s, 3600s, 300s,
                           10,         50,           0.2,   {},    "fraud-guard-tests-secret"};
}

std::string id_of(int n) {
  char id[33];
  std::snprintf(id, sizeof id, "%032d", n);
  return id;
}

struct Guarded {
  TestClock clock;
  std::unique_ptr<vs::Store> store;
  std::unique_ptr<vg::FraudGuard> guard;
  int next_id = 0;

  Guarded(bool redis, vg::FraudSettings s) {
    if (redis) {
      std::string error;
      store = vs::make_redis_store(voiceverify::testing::shared_redis().url(),
                                   voiceverify::testing::unique_redis_prefix(), 2000ms, error);
      BOOST_REQUIRE_MESSAGE(store, error);
    } else {
      store = vs::make_memory_store(100'000, clock.steady());
    }
    guard = std::make_unique<vg::FraudGuard>(*store, std::move(s), clock.wall());
  }

  // `n` calls to numbers of one range ("31612340000" + i), each allowed, started, then settled
  // as `how` says (nothing: left open).
  void calls(const std::string& range, int n, std::function<void(const std::string&)> settle) {
    for (int i = 0; i < n; ++i) {
      const std::string number = range + std::to_string(1000 + i);
      BOOST_REQUIRE(guard->before_call(number, "NL").verdict == vg::GuardVerdict::Allowed);
      const std::string id = id_of(++next_id);
      BOOST_REQUIRE(guard->call_started(id, number, "NL") == vs::StoreError::None);
      if (settle) settle(id);
    }
  }
  void verified(const std::string& range, int n) {
    calls(range, n, [this](const std::string& id) {
      BOOST_REQUIRE(guard->call_settled(id, vg::Settlement::Verified) == vs::StoreError::None);
    });
  }
  vg::GuardVerdict next(const std::string& range) {
    return guard->before_call(range + "9999", "NL").verdict;
  }
};

constexpr bool kBackends[] = {false, true};
const char* name(bool redis) {
  return redis ? "redis" : "memory";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fraud_guard_tests)

BOOST_AUTO_TEST_CASE(a_pumped_range_is_refused_once_its_codes_have_expired) {
  for (const bool redis : kBackends) {
    Guarded g(redis, settings());
    g.calls("3161234", 15, {});  // never verified
    // Open calls count on neither side: the range works while the codes could still be used.
    BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Allowed), name(redis));
    g.clock.offset += 301s;  // every code has expired now
    const auto log = capture_stderr([&] {
      const auto result = g.guard->before_call("31612349999", "NL");
      BOOST_TEST((result.verdict == vg::GuardVerdict::Refused), name(redis));
      BOOST_TEST((result.scope == vg::GuardScope::Range));
      BOOST_TEST(result.retry_after.count() == 3600);
      BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Refused));
    });
    // One warning when it begins, naming the range, not a number.
    BOOST_TEST(log.find("level=warning event=fraud_quarantine state=\"begins\" scope=\"range\" "
                        "label=\"+3161234\" mode=\"enforce\"") != std::string::npos,
               log);
    BOOST_TEST(log.find("begins") == log.rfind("begins"), log);
    // Other ranges, and this one's neighbours, are untouched.
    BOOST_TEST((g.next("3161235") == vg::GuardVerdict::Allowed));
    g.verified("3162000", 3);
  }
}

BOOST_AUTO_TEST_CASE(colleagues_verifying_in_one_range_at_once_are_never_refused) {
  for (const bool redis : kBackends) {
    Guarded g(redis, settings());
    g.verified("3161234", 10);
    g.clock.offset += 400s;
    g.verified("3161234", 10);
    BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Allowed), name(redis));
  }
}

BOOST_AUTO_TEST_CASE(the_ratio_and_the_minimum_at_their_edges) {
  for (const bool redis : kBackends) {
    // 2 verified of 10 settled is 0.2: not below FRAUD_MIN_RATIO.
    Guarded at_ratio(redis, settings());
    at_ratio.verified("3161234", 2);
    at_ratio.calls("3161234", 8, {});
    at_ratio.clock.offset += 301s;
    BOOST_TEST((at_ratio.next("3161234") == vg::GuardVerdict::Allowed), name(redis));

    // 1 of 10 is below it.
    Guarded below(redis, settings());
    below.verified("3161234", 1);
    below.calls("3161234", 9, {});
    below.clock.offset += 301s;
    BOOST_TEST((below.next("3161234") == vg::GuardVerdict::Refused), name(redis));

    // 9 settled calls are too few to judge, whatever their ratio.
    Guarded few(redis, settings());
    few.calls("3161234", 9, {});
    few.clock.offset += 301s;
    BOOST_TEST((few.next("3161234") == vg::GuardVerdict::Allowed), name(redis));
  }
}

BOOST_AUTO_TEST_CASE(spent_tries_settle_a_call_before_its_code_expires) {
  for (const bool redis : kBackends) {
    Guarded g(redis, settings());
    g.calls("3161234", 10, [&g](const std::string& id) {
      BOOST_REQUIRE(g.guard->call_settled(id, vg::Settlement::TriesSpent) == vs::StoreError::None);
    });
    BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Refused), name(redis));
  }
}

BOOST_AUTO_TEST_CASE(calls_older_than_the_window_no_longer_count) {
  Guarded g(false, settings());
  g.calls("3161234", 9, {});
  g.clock.offset += 3601s;
  g.calls("3161234", 1, {});
  g.clock.offset += 301s;
  BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Allowed));
}

BOOST_AUTO_TEST_CASE(the_quarantine_ends_and_counting_starts_afresh) {
  Guarded g(false, settings());
  g.calls("3161234", 10, {});
  g.clock.offset += 301s;
  BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Refused));
  g.clock.offset += 3599s;
  BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Refused));
  g.clock.offset += 2s;
  // The calls that tripped it are still in the window, but no longer count.
  BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Allowed));
  const auto log = capture_stderr([&] {
    g.guard->report_ended();
    g.guard->report_ended();  // once
  });
  BOOST_TEST(log.find("event=fraud_quarantine state=\"ends\" scope=\"range\" label=\"+3161234\"") !=
                 std::string::npos,
             log);
  BOOST_TEST(log.find("ends") == log.rfind("ends"), log);
}

BOOST_AUTO_TEST_CASE(monitor_mode_refuses_nothing_and_says_what_it_would_have) {
  for (const bool redis : kBackends) {
    Guarded g(redis, settings(vg::GuardMode::Monitor));
    g.calls("3161234", 10, {});
    g.clock.offset += 301s;
    const auto log = capture_stderr([&] {
      BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Allowed), name(redis));
      BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Allowed), name(redis));
    });
    BOOST_TEST(log.find("state=\"begins\" scope=\"range\" label=\"+3161234\" mode=\"monitor\"") !=
                   std::string::npos,
               log);
    BOOST_TEST(log.find("event=fraud_guard_would_refuse scope=\"range\"") != std::string::npos,
               log);
  }
}

BOOST_AUTO_TEST_CASE(off_counts_nothing_and_safe_ranges_are_never_quarantined) {
  Guarded off(false, settings(vg::GuardMode::Off, vg::GuardMode::Off));
  off.calls("3161234", 20, {});
  off.clock.offset += 301s;
  BOOST_TEST((off.next("3161234") == vg::GuardVerdict::Allowed));

  auto s = settings();
  s.safe_ranges = {"316123"};
  Guarded safe(false, s);
  safe.calls("3161234", 20, {});
  safe.clock.offset += 301s;
  BOOST_TEST((safe.next("3161234") == vg::GuardVerdict::Allowed));
}

BOOST_AUTO_TEST_CASE(a_country_is_judged_across_its_ranges_and_enforced_only_when_asked) {
  for (const vg::GuardMode mode : {vg::GuardMode::Monitor, vg::GuardMode::Enforce}) {
    Guarded g(false, settings(vg::GuardMode::Enforce, mode));
    for (int range = 0; range < 10; ++range) g.calls(std::to_string(3161200 + range), 5, {});
    g.clock.offset += 301s;
    // No range has ten settled calls; the country has fifty.
    const auto expected =
        mode == vg::GuardMode::Enforce ? vg::GuardVerdict::Refused : vg::GuardVerdict::Allowed;
    const auto result = g.guard->before_call("31699999999", "NL");
    BOOST_TEST((result.verdict == expected), vg::guard_mode_name(mode));
    if (mode == vg::GuardMode::Enforce) BOOST_TEST((result.scope == vg::GuardScope::Country));
    BOOST_TEST((g.guard->before_call("32470000000", "BE").verdict == vg::GuardVerdict::Allowed));
  }
}

BOOST_AUTO_TEST_CASE(operators_list_and_lift_quarantines) {
  for (const bool redis : kBackends) {
    Guarded g(redis, settings());
    g.calls("3161234", 10, {});
    g.clock.offset += 301s;
    BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Refused));
    std::vector<vg::Block> blocks;
    BOOST_TEST((g.guard->blocks(blocks) == vs::StoreError::None));
    BOOST_TEST_REQUIRE(blocks.size() == 1u, name(redis));
    BOOST_TEST(blocks[0].label == "+3161234");
    BOOST_TEST((blocks[0].scope == vg::GuardScope::Range));
    BOOST_TEST(blocks[0].left.count() > 3500);
    vs::StoreError error{};
    BOOST_TEST(!g.guard->lift("+3169999", error));
    BOOST_TEST(g.guard->lift("+3161234", error));
    BOOST_TEST((error == vs::StoreError::None));
    BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Allowed));
    blocks.clear();
    BOOST_TEST((g.guard->blocks(blocks) == vs::StoreError::None));
    BOOST_TEST(blocks.empty());
  }
}

BOOST_AUTO_TEST_CASE(the_store_holds_no_number_or_range_in_its_keys) {
  Guarded g(false, settings());
  g.calls("3161234", 10, {});
  g.clock.offset += 301s;
  BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Refused));
  const auto listed = g.store->keys_with_prefix("", 1000);
  BOOST_TEST(!listed.keys.empty());
  for (const auto& key : listed.keys) BOOST_TEST(key.find("3161234") == std::string::npos, key);
}

BOOST_AUTO_TEST_CASE(a_store_without_timelines_fails_closed) {
  // A Store that implements only the basic operations: the guard cannot count, so it refuses.
  struct Basic final : vs::Store {
    vs::Counter increment(const std::string&, std::chrono::seconds, long) override { return {}; }
    vs::Counter take_back(const std::string&) override { return {}; }
    vs::Counter peek(const std::string&) override { return {}; }
    vs::StoreError put(const std::string&, const std::string&, std::chrono::seconds) override {
      return {};
    }
    vs::Fetched get(const std::string&) override { return {}; }
    vs::StoreError remove(const std::string&) override { return {}; }
  } basic;
  vg::FraudGuard guard(basic, settings());
  BOOST_TEST((guard.before_call("31612345678", "NL").verdict == vg::GuardVerdict::StoreDown));
  BOOST_TEST((guard.call_started(id_of(1), "31612345678", "NL") != vs::StoreError::None));
  // Malformed input never reaches a key.
  const auto memory = vs::make_memory_store();
  vg::FraudGuard memory_guard(*memory, settings());
  BOOST_TEST((memory_guard.before_call("31-612", "NL").verdict == vg::GuardVerdict::StoreDown));
  BOOST_TEST(
      (memory_guard.before_call("31612345678", "nl|x").verdict == vg::GuardVerdict::StoreDown));
}

BOOST_AUTO_TEST_SUITE_END()
