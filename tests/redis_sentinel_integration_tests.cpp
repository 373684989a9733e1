// A Redis failover under a running site, with real processes: a primary, its replica and three
// sentinels (redis-server --sentinel) on loopback, two pools (each behind its own nginx) pointed at
// them by redis+sentinel://. A verification is begun, the primary is killed with SIGKILL, and the
// test waits (for a condition, with a generous bound) until a new start succeeds through each
// pool. Meanwhile GET / answers,
// no call is placed, /readyz says 503; afterwards the verification begun before finishes, and
// the old primary, back as a replica, is not used (docs/redis.md).
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "redis_server.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// The failover's timing: a primary is down after 1 s without an answer; a failover attempt that
// stalls is retried after 3 s.
constexpr int kDownAfterMs = 1000;
constexpr int kFailoverTimeoutMs = 3000;

std::string cli(int port, const std::string& command) {
  return run_command("redis-cli -p " + std::to_string(port) + " " + command + " 2>&1");
}

// Waits until `ready` holds, polling every 100 ms, for at most `bound`.
template <typename Condition>
bool wait_until(Condition ready, std::chrono::seconds bound) {
  const auto until = Clock::now() + bound;
  while (Clock::now() < until) {
    if (ready()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

// One pool watched through a failover.
struct Watch {
  Site& site;
  int refused = 0;
  int pages = 0;
  int not_ready = 0;
  int said_no_primary = 0;             // of those, the ones that said why: no primary
  std::string not_ready_body;          // the last /readyz that said 503
  std::optional<Clock::duration> gap;  // from the kill to the first start that succeeded
};

// GET / (which must answer) and /readyz; then, until one succeeds, a start, which otherwise
// must fail closed: the "unavailable" banner and no call placed. True once a start succeeded.
bool step(Watch& watch, int n, Clock::time_point killed) {
  Browser home(watch.site);
  BOOST_TEST(home.get("/").status == 200);
  ++watch.pages;
  if (watch.gap) return true;
  if (const Page ready = home.get("/readyz"); ready.status == 503) {
    ++watch.not_ready;
    watch.not_ready_body = ready.body;
    if (contains(ready.body,
                 "not ready: the store does not answer (redis: no primary for "
                 "mymaster (asked 3 sentinels;")) {
      ++watch.said_no_primary;
    }
  }
  const long creates = watch.site.sim_stats()["creates"];
  Browser other(watch.site);
  const Page answer = start(other, nl_number(20 + n % 70));
  if (answer.location.rfind("/EnterCode/", 0) == 0) {
    watch.gap = Clock::now() - killed;
    return true;
  }
  BOOST_TEST(answer.location == "/");
  BOOST_TEST(contains(banner_after(other, answer), "unavailable"));
  BOOST_TEST(watch.site.sim_stats()["creates"] == creates);
  ++watch.refused;
  return false;
}

std::string digits_of(int n) {
  return "316123456" + std::string(n < 10 ? "0" : "") + std::to_string(n);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(redis_sentinel_integration_tests)

BOOST_AUTO_TEST_CASE(a_killed_primary_is_replaced_and_the_site_carries_on) {
  const std::string dir =
      std::string(VV_BINARY_DIR) + "/test-sentinel-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  RedisServer primary;
  RedisServer replica("127.0.0.1", {},
                      {"--replicaof", "127.0.0.1", std::to_string(primary.port())});
  BOOST_REQUIRE(wait_until(
      [&] { return contains(cli(replica.port(), "info replication"), "master_link_status:up"); },
      30s));
  std::vector<std::unique_ptr<RedisSentinel>> sentinels;
  std::string url = "redis+sentinel://";
  for (int i = 0; i < 3; ++i) {
    sentinels.push_back(std::make_unique<RedisSentinel>(dir, "mymaster", primary.port(),
                                                        kDownAfterMs, kFailoverTimeoutMs));
    url += (i ? ",127.0.0.1:" : "127.0.0.1:") + std::to_string(sentinels.back()->port());
  }
  url += "/mymaster";
  // Ready for a failover once every sentinel sees the replica and the other two sentinels.
  BOOST_REQUIRE(wait_until(
      [&] {
        for (const auto& sentinel : sentinels) {
          const std::string master = cli(sentinel->port(), "sentinel master mymaster");
          if (!contains(master, "num-slaves\n1") || !contains(master, "num-other-sentinels\n2")) {
            return false;
          }
        }
        return true;
      },
      60s));

  const std::string prefix = unique_redis_prefix();
  Site site({.env = {{"REDIS_URL", url}, {"REDIS_PREFIX", prefix}}});
  Site second({.env = {{"REDIS_URL", url}, {"REDIS_PREFIX", prefix}}});
  Browser before(site);
  const Page begun = start(before, nl_number(10));
  BOOST_REQUIRE(begun.location.rfind("/EnterCode/", 0) == 0);
  const std::string code = site.last_code(digits_of(10));
  // The replica holds what the primary wrote (WAIT: acknowledged by one replica).
  cli(primary.port(), "wait 1 1000");

  primary.stop();  // SIGKILL
  const auto killed = Clock::now();
  std::vector<Watch> watches{Watch{site, 0, 0, 0, 0, {}, std::nullopt},
                             Watch{second, 0, 0, 0, 0, {}, std::nullopt}};
  for (int n = 20; Clock::now() - killed < 60s; ++n) {
    bool all = true;
    for (auto& watch : watches) all = step(watch, n, killed) && all;
    if (all) break;
    std::this_thread::sleep_for(100ms);
  }
  for (std::size_t i = 0; i < watches.size(); ++i) {
    const Watch& watch = watches[i];
    BOOST_TEST_REQUIRE(watch.gap.has_value(), "pool " << i << ": no start succeeded in 60 s");
    BOOST_TEST_MESSAGE(
        "pool " << i << ": failover gap "
                << std::chrono::duration_cast<std::chrono::milliseconds>(*watch.gap).count()
                << " ms (down-after " << kDownAfterMs << " ms); refused starts " << watch.refused
                << ", pages answered " << watch.pages);
    BOOST_TEST(watch.refused >= 1);
    BOOST_TEST(watch.not_ready >= 1);
    // It says why in plain words: no primary for the name the sentinels watch.
    BOOST_TEST(watch.said_no_primary >= 1, watch.not_ready_body);
    BOOST_TEST(Browser(watch.site).get("/readyz").status == 200);
  }
  const std::string log = site.pool_log();
  BOOST_TEST(contains(log, "event=redis_primary_lost"), log);
  BOOST_TEST(contains(log, "event=redis_primary_changed from=\"127.0.0.1:" +
                               std::to_string(primary.port()) +
                               "\" to=\"127.0.0.1:" + std::to_string(replica.port()) + "\""),
             log);

  const std::string metrics = Browser(site).get("/metrics").body;
  BOOST_TEST(contains(metrics, "voiceverify_redis_primary_changes_total 1\n"), metrics);
  BOOST_TEST(contains(metrics, "voiceverify_redis_without_primary_seconds_total "), metrics);
  BOOST_TEST(!contains(metrics, "voiceverify_redis_without_primary_seconds_total 0\n"), metrics);

  // The verification begun before the kill finishes on the new primary.
  const Page finished = before.post(begun.location, {{"token", code}});
  BOOST_TEST(finished.location == "/success");

  // The old primary comes back, is made a replica by the sentinels, and the pool keeps to the new.
  const int old_port = primary.port();
  primary.start(old_port);
  BOOST_REQUIRE(primary.pid() > 0);
  BOOST_TEST(wait_until([&] { return contains(cli(old_port, "role"), "slave"); }, 60s));
  Browser after(site);
  BOOST_TEST(start(after, nl_number(95)).location.rfind("/EnterCode/", 0) == 0);
  // Its address was chosen once only: at the start, before the kill.
  const std::string to_old = "to=\"127.0.0.1:" + std::to_string(old_port) + "\"";
  const std::string final_log = site.pool_log();
  const auto first = final_log.find(to_old);
  BOOST_TEST((first != std::string::npos && final_log.find(to_old, first + 1) == std::string::npos),
             final_log);
  sentinels.clear();
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
