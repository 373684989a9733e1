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
  return vg::FraudSettings{range_mode,
                           country_mode,
                           3600s,
                           3600s,
                           300s,
                           10,
                           50,
                           0.2,
                           {},
                           "fraud-guard-tests-secret",
                           3,
                           20,
                           std::chrono::days(90),
                           "NL",
                           24,
                           48};
}

// Three source networks, one IPv4 /24 and two IPv6 /48s: enough for the guard to judge.
const std::vector<std::string> kThreeNetworks = {"198.51.100.7", "2001:db8:1:2::3",
                                                 "2001:db8:2:3::4"};

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
  std::vector<std::string> sources = kThreeNetworks;  // calls() takes them in turn
  std::string region = "NL";

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
      BOOST_REQUIRE(guard->before_call(number, region).verdict == vg::GuardVerdict::Allowed);
      const std::string id = id_of(++next_id);
      const std::string& source = sources[static_cast<std::size_t>(next_id) % sources.size()];
      BOOST_REQUIRE(guard->call_started(id, number, region, source) == vs::StoreError::None);
      if (settle) settle(id);
    }
  }
  void verified(const std::string& range, int n) {
    calls(range, n, [this](const std::string& id) {
      BOOST_REQUIRE(guard->call_settled(id, vg::Settlement::Verified) == vs::StoreError::None);
    });
  }
  vg::GuardVerdict next(const std::string& range) {
    return guard->before_call(range + "9999", region).verdict;
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
    g.region = "BE";  // not DEFAULT_REGION
    // Ten ranges in ten five-digit blocks: no range of any width has its minimum.
    for (int range = 0; range < 10; ++range) g.calls(std::to_string(3247120 + range * 10), 5, {});
    g.clock.offset += 301s;
    // No range has ten settled calls; the country has fifty.
    const auto expected =
        mode == vg::GuardMode::Enforce ? vg::GuardVerdict::Refused : vg::GuardVerdict::Allowed;
    const auto result = g.guard->before_call("32499999999", "BE");
    BOOST_TEST((result.verdict == expected), vg::guard_mode_name(mode));
    if (mode == vg::GuardMode::Enforce) BOOST_TEST((result.scope == vg::GuardScope::Country));
    BOOST_TEST((g.guard->before_call("31612345678", "NL").verdict == vg::GuardVerdict::Allowed));
  }
}

// DEFAULT_REGION's country is only watched, whatever FRAUD_COUNTRY_MODE says: one quarantine of
// it would refuse nearly every visitor. Its ranges are judged as anywhere.
BOOST_AUTO_TEST_CASE(the_home_country_is_monitored_even_when_countries_are_enforced) {
  Guarded g(false, settings(vg::GuardMode::Enforce, vg::GuardMode::Enforce));
  for (int range = 0; range < 10; ++range) g.calls(std::to_string(3161200 + range * 10), 5, {});
  g.clock.offset += 301s;
  const auto log = capture_stderr([&] {
    BOOST_TEST((g.guard->before_call("31699999999", "NL").verdict == vg::GuardVerdict::Allowed));
  });
  BOOST_TEST(log.find("scope=\"country\" label=\"NL\" mode=\"monitor\"") != std::string::npos, log);
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
  for (const auto& key : listed.keys) {
    BOOST_TEST(key.find("3161234") == std::string::npos, key);
    BOOST_TEST(key.find("2001") == std::string::npos, key);
  }
  // Nor any client address in what it holds.
  for (const auto& key : listed.keys) {
    const auto value = g.store->get(key);
    if (value.value) BOOST_TEST(value.value->find("198.51") == std::string::npos, key);
  }
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

// Ten unanswered calls from one network, however many addresses in it, are one source: a range
// is judged only once FRAUD_MIN_SOURCES networks have called it.
BOOST_AUTO_TEST_CASE(a_range_poisoned_from_one_network_is_never_judged) {
  for (const bool redis : kBackends) {
    for (const std::vector<std::string>& one_network :
         {std::vector<std::string>{"198.51.100.1", "198.51.100.2", "198.51.100.200"},
          std::vector<std::string>{"2001:db8:5:1::1", "2001:db8:5:2::1", "2001:db8:5:ffff::9"}}) {
      Guarded g(redis, settings());
      g.sources = one_network;
      g.calls("3161234", 15, {});
      g.clock.offset += 301s;
      BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Allowed), name(redis) << one_network[0]);
      // People of the range verifying, each from a network of their own, are no evidence.
      g.sources = {"192.0.2.1", "2001:db8:77::1", "203.0.113.200", "100.64.1.1"};
      g.verified("3161234", 4);
      g.clock.offset += 301s;
      BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Allowed), name(redis));
      // Two networks are still too few; a third makes the range judged.
      g.sources = {"203.0.113.5"};
      g.calls("3161234", 1, {});
      g.clock.offset += 301s;
      BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Allowed), name(redis));
      g.sources = {"2001:db8:9::1"};
      g.calls("3161234", 1, {});
      g.clock.offset += 301s;
      BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Refused), name(redis));
    }
  }
}

// A number verified within KNOWN_DAYS is a person: a quarantine does not refuse them, though
// their look still begins it for everyone else.
BOOST_AUTO_TEST_CASE(a_known_number_passes_a_quarantine) {
  for (const bool redis : kBackends) {
    Guarded g(redis, settings(vg::GuardMode::Enforce, vg::GuardMode::Enforce));
    g.region = "BE";
    for (int range = 0; range < 6; ++range) g.calls(std::to_string(3247120 + range), 10, {});
    g.clock.offset += 301s;
    BOOST_TEST(
        (g.guard->before_call("32471239999", "BE", true).verdict == vg::GuardVerdict::Allowed),
        name(redis));
    BOOST_TEST((g.next("3247123") == vg::GuardVerdict::Refused), name(redis));
    // Both quarantines now hold (range and country); the known number passes both.
    BOOST_TEST(
        (g.guard->before_call("32471239998", "BE", true).verdict == vg::GuardVerdict::Allowed),
        name(redis));
    BOOST_TEST((g.guard->before_call("32499999999", "BE").verdict == vg::GuardVerdict::Refused));
  }
}

// A quarantine of a range someone verified in within KNOWN_DAYS is logged as an error: people
// use it, so either it is a mistake or a real range is being pumped, and an operator should look.
BOOST_AUTO_TEST_CASE(a_quarantine_of_a_range_verified_lately_is_an_error) {
  Guarded g(false, settings());
  g.verified("3161234", 1);
  g.clock.offset += 86400s * 30;
  g.calls("3161234", 10, {});
  g.clock.offset += 301s;
  auto log = capture_stderr([&] { BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Refused)); });
  BOOST_TEST(log.find("level=error event=fraud_quarantine state=\"begins\" scope=\"range\" "
                      "label=\"+3161234\"") != std::string::npos,
             log);
  BOOST_TEST(log.find("verified_lately=\"yes\"") != std::string::npos, log);

  // Past KNOWN_DAYS the mark is gone: a warning, as for a range nobody uses.
  Guarded old(false, settings());
  old.verified("3161234", 1);
  old.clock.offset += 86400s * 91;
  old.calls("3161234", 10, {});
  old.clock.offset += 301s;
  log = capture_stderr([&] { BOOST_TEST((old.next("3161234") == vg::GuardVerdict::Refused)); });
  BOOST_TEST(log.find("level=warning event=fraud_quarantine state=\"begins\"") != std::string::npos,
             log);
}

// An operator's block is many four-digit ranges: calls spread thinly over it, never enough in
// one range, are caught by the wider widths (FRAUD_RANGE_MIN_CALLS times 3 and 10).
BOOST_AUTO_TEST_CASE(calls_spread_thinly_over_an_operators_block_are_caught) {
  for (const bool redis : kBackends) {
    // Three calls in each of the ten four-digit ranges of one five-digit block: 30.
    Guarded five(redis, settings());
    for (int range = 0; range < 10; ++range) five.calls(std::to_string(3161230 + range), 3, {});
    five.clock.offset += 301s;
    const auto result = five.guard->before_call("31612399999", "NL");
    BOOST_TEST((result.verdict == vg::GuardVerdict::Refused), name(redis));
    BOOST_TEST((result.scope == vg::GuardScope::Range));
    std::vector<vg::Block> blocks;
    BOOST_TEST((five.guard->blocks(blocks) == vs::StoreError::None));
    BOOST_TEST_REQUIRE(blocks.size() == 1u);
    BOOST_TEST(blocks[0].label == "+316123");
    // The neighbouring block goes on.
    BOOST_TEST((five.next("3161240") == vg::GuardVerdict::Allowed));

    // One call in each of a hundred four-digit ranges of one six-digit block: ten per
    // five-digit block, a hundred in all.
    Guarded six(redis, settings());
    for (int range = 0; range < 100; ++range) six.calls(std::to_string(3161200 + range), 1, {});
    six.clock.offset += 301s;
    BOOST_TEST((six.next("3161299") == vg::GuardVerdict::Refused), name(redis));
    blocks.clear();
    BOOST_TEST((six.guard->blocks(blocks) == vs::StoreError::None));
    BOOST_TEST_REQUIRE(blocks.size() == 1u);
    BOOST_TEST(blocks[0].label == "+31612");
    BOOST_TEST((six.next("3161300") == vg::GuardVerdict::Allowed));
    // --unblock takes it as it is listed.
    vs::StoreError error{};
    BOOST_TEST(six.guard->lift("+31612", error));
    BOOST_TEST((six.next("3161299") == vg::GuardVerdict::Allowed));

    // Ninety-nine calls so spread are not enough.
    Guarded under(redis, settings());
    for (int range = 0; range < 99; ++range) under.calls(std::to_string(3161200 + range), 1, {});
    under.clock.offset += 301s;
    BOOST_TEST((under.next("3161299") == vg::GuardVerdict::Allowed), name(redis));
  }
}

// A short number has no wider ranges that would span its whole country code.
BOOST_AUTO_TEST_CASE(a_wider_range_never_spans_a_country_code) {
  auto s = settings(vg::GuardMode::Monitor);
  s.range_min_calls = 1;  // every width that exists trips on ten calls
  Guarded g(false, s);
  g.region = "LU";
  // Eight digits, "3521" and four: without five or six digits only "352" or "35" would remain.
  g.calls("3521", 10, [&g](const std::string& id) {
    BOOST_REQUIRE(g.guard->call_settled(id, vg::Settlement::TriesSpent) == vs::StoreError::None);
  });
  BOOST_TEST((g.next("3521") == vg::GuardVerdict::Allowed));
  std::vector<vg::Block> blocks;
  BOOST_TEST((g.guard->blocks(blocks) == vs::StoreError::None));
  BOOST_TEST_REQUIRE(blocks.size() == 1u);
  BOOST_TEST(blocks[0].label == "+3521");
}

// At most FRAUD_RANGE_MAX_OPEN calls open at once in one four-digit range: before any code has
// expired there is nothing to judge, so without it any number of calls would pass.
BOOST_AUTO_TEST_CASE(at_most_twenty_calls_are_open_in_one_range) {
  for (const bool redis : kBackends) {
    Guarded g(redis, settings());
    g.calls("3161234", 20, {});
    const auto result = g.guard->before_call("31612349999", "NL");
    BOOST_TEST((result.verdict == vg::GuardVerdict::Refused), name(redis));
    BOOST_TEST((result.scope == vg::GuardScope::Range));
    BOOST_TEST(result.retry_after.count() == 300);
    // Not a quarantine; the next range goes on; a known number passes.
    std::vector<vg::Block> blocks;
    BOOST_TEST((g.guard->blocks(blocks) == vs::StoreError::None));
    BOOST_TEST(blocks.empty());
    BOOST_TEST((g.next("3161235") == vg::GuardVerdict::Allowed));
    BOOST_TEST(
        (g.guard->before_call("31612349999", "NL", true).verdict == vg::GuardVerdict::Allowed));
    // A call settled (verified, or its tries spent) is no longer open.
    Guarded settled(redis, settings());
    settled.calls("3161234", 15, {});
    settled.verified("3161234", 10);
    BOOST_TEST((settled.next("3161234") == vg::GuardVerdict::Allowed), name(redis));
    // Nor is one whose code has expired (a ratio of 0 keeps this range out of quarantine).
    auto never_trips = settings();
    never_trips.min_ratio = 0.0;
    Guarded later(redis, never_trips);
    later.calls("3161234", 20, {});
    BOOST_TEST((later.next("3161234") == vg::GuardVerdict::Refused));
    later.clock.offset += 301s;
    BOOST_TEST((later.next("3161234") == vg::GuardVerdict::Allowed), name(redis));
  }
}

BOOST_AUTO_TEST_CASE(monitor_mode_lets_the_twenty_first_open_call_through_and_says_so) {
  Guarded g(false, settings(vg::GuardMode::Monitor));
  g.calls("3161234", 20, {});
  const auto log =
      capture_stderr([&] { BOOST_TEST((g.next("3161234") == vg::GuardVerdict::Allowed)); });
  BOOST_TEST(log.find("event=fraud_guard_would_refuse scope=\"range\" label=\"+3161234\" "
                      "reason=\"open\"") != std::string::npos,
             log);
}

BOOST_AUTO_TEST_SUITE_END()
