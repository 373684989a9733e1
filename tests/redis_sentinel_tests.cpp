// Discovery through Redis Sentinel (store/redis_sentinel.hpp) against scripted sentinels: tiny
// fake servers on loopback that answer SENTINEL get-master-addr-by-name with a fixed RESP reply,
// in front of real redis-server processes as the primary and its replica. An unreachable
// sentinel, one that does not know the name, one that answers an error, one that names a replica
// and one that tells the truth; a primary that changes; and no primary at all.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "capture_stderr.hpp"
#include "harness.hpp"
#include "redis_server.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
using namespace voiceverify::testing;
using namespace std::chrono_literals;

namespace {

// A sentinel that answers every SENTINEL command with `answer` (raw RESP) and AUTH with +OK when
// it carries `password` (any password when that is empty), one connection at a time, on
// 127.0.0.1. Without a password it asks for none; with one, SENTINEL before AUTH is refused.
class FakeSentinel {
 public:
  explicit FakeSentinel(std::string answer, std::string password = {})
      : answer_(std::move(answer)), password_(std::move(password)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    BOOST_REQUIRE(::listen(listener_, 16) == 0);
    socklen_t length = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeSentinel() {
    stopping_ = true;
    thread_.join();
    ::close(listener_);
  }
  FakeSentinel(const FakeSentinel&) = delete;
  FakeSentinel& operator=(const FakeSentinel&) = delete;

  int port() const { return port_; }
  int asked() const { return asked_; }
  int refused_auth() const { return refused_auth_; }
  void answer(std::string resp) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(resp);
  }

 private:
  void serve() {
    while (!stopping_) {
      pollfd wait{listener_, POLLIN, 0};
      if (::poll(&wait, 1, 20) <= 0) continue;
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      char buffer[4096];
      bool authenticated = password_.empty();
      while (!stopping_) {
        pollfd readable{fd, POLLIN, 0};
        if (::poll(&readable, 1, 20) <= 0) continue;
        const auto got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) break;
        const std::string command(buffer, static_cast<std::size_t>(got));
        std::string reply = "+OK\r\n";
        if (command.find("AUTH") != std::string::npos) {
          authenticated =
              password_.empty() || command.find("\r\n" + password_ + "\r\n") != std::string::npos;
          if (!authenticated) {
            ++refused_auth_;
            reply = "-WRONGPASS invalid username-password pair\r\n";
          }
        } else if (command.find("SENTINEL") != std::string::npos) {
          ++asked_;
          std::lock_guard lock(mutex_);
          reply = authenticated ? answer_ : "-NOAUTH Authentication required.\r\n";
        }
        ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
      }
      ::close(fd);
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::mutex mutex_;
  std::string answer_;
  const std::string password_;
  std::atomic<int> asked_{0};
  std::atomic<int> refused_auth_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

std::string names(int port) {
  const std::string text = std::to_string(port);
  return "*2\r\n$9\r\n127.0.0.1\r\n$" + std::to_string(text.size()) + "\r\n" + text + "\r\n";
}

std::string sentinel_url(const std::vector<int>& ports) {
  std::string url = "redis+sentinel://";
  for (std::size_t i = 0; i < ports.size(); ++i) {
    url += (i ? ",127.0.0.1:" : "127.0.0.1:") + std::to_string(ports[i]);
  }
  return url + "/mymaster";
}

std::unique_ptr<vs::Store> store_at(const std::string& url, const std::string& prefix) {
  std::string error;
  auto store = vs::make_redis_store(url, prefix, 500ms, error);
  BOOST_REQUIRE_MESSAGE(store, error);
  return store;
}

// Increments until one succeeds, for at most `bound`: whether one did.
bool increment_within(vs::Store& store, std::chrono::milliseconds bound) {
  const auto until = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < until) {
    if (store.increment("k", 60s).error == vs::StoreError::None) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

std::string clients_of(int port) {
  return run_command("redis-cli -p " + std::to_string(port) + " info clients");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(redis_sentinel_tests)

BOOST_AUTO_TEST_CASE(discovery_passes_over_dead_unknowing_erring_and_lying_sentinels) {
  RedisServer primary;
  RedisServer replica("127.0.0.1", {},
                      {"--replicaof", "127.0.0.1", std::to_string(primary.port())});
  const int dead = free_port();
  FakeSentinel unknowing("*-1\r\n");
  FakeSentinel erring("-ERR No such master with that name\r\n");
  FakeSentinel lying(names(replica.port()));
  FakeSentinel truthful(names(primary.port()));
  const auto prefix = unique_redis_prefix();
  auto store = store_at(
      sentinel_url({dead, unknowing.port(), erring.port(), lying.port(), truthful.port()}), prefix);
  bool reached = false;
  const std::string log = capture_stderr([&] { reached = increment_within(*store, 5s); });
  BOOST_TEST_REQUIRE(reached, log);
  // The liar was asked, its replica refused by ROLE, and the truthful sentinel's primary used.
  BOOST_TEST(lying.asked() >= 1);
  BOOST_TEST(truthful.asked() >= 1);
  BOOST_TEST(log.find("event=redis_primary_lost") != std::string::npos, log);
  BOOST_TEST(log.find("reason=\"not_primary\"") != std::string::npos, log);
  BOOST_TEST(
      log.find("to=\"127.0.0.1:" + std::to_string(primary.port()) + "\"") != std::string::npos,
      log);
  auto direct = store_at(primary.url(), prefix);
  BOOST_TEST(direct->peek("k").value == 1);

  // Once found, the primary costs no sentinel a question per operation.
  const int asked = unknowing.asked() + erring.asked() + lying.asked() + truthful.asked();
  for (int i = 0; i < 50; ++i)
    BOOST_TEST((store->increment("k", 60s).error == vs::StoreError::None));
  BOOST_TEST(unknowing.asked() + erring.asked() + lying.asked() + truthful.asked() == asked);
  BOOST_TEST(direct->peek("k").value == 51);
}

BOOST_AUTO_TEST_CASE(the_sentinels_get_their_own_password_and_the_primary_the_urls) {
  RedisServer primary("127.0.0.1", "primary-pw");
  FakeSentinel wrong_password(names(primary.port()), "not-what-the-pool-has");
  FakeSentinel sentinel(names(primary.port()), "sentinel-pw");
  std::string error;
  auto url =
      vs::parse_redis_url("redis+sentinel://:primary-pw@" +
                              sentinel_url({wrong_password.port(), sentinel.port()}).substr(17),
                          error);
  BOOST_TEST_REQUIRE(url.has_value(), error);
  url->sentinel_password = "sentinel-pw";
  auto store = vs::make_redis_store(*url, unique_redis_prefix(), 500ms, error);
  BOOST_TEST_REQUIRE(static_cast<bool>(store), error);
  bool reached = false;
  const std::string log = capture_stderr([&] { reached = increment_within(*store, 5s); });
  BOOST_TEST_REQUIRE(reached, log);
  BOOST_TEST(wrong_password.refused_auth() >= 1);
  BOOST_TEST(sentinel.refused_auth() == 0);
  BOOST_TEST(log.find("event=redis_sentinel_auth_failed") != std::string::npos, log);
  BOOST_TEST(log.find("sentinel-pw") == std::string::npos, log);
  BOOST_TEST(log.find("primary-pw") == std::string::npos, log);
}

BOOST_AUTO_TEST_CASE(with_no_primary_known_every_operation_fails_closed_without_a_busy_loop) {
  FakeSentinel unknowing("*-1\r\n");
  auto store = store_at(sentinel_url({free_port(), unknowing.port()}), unique_redis_prefix());
  std::atomic<int> refused{0};
  std::atomic<int> total{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  const auto until = std::chrono::steady_clock::now() + 1500ms;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (std::chrono::steady_clock::now() < until) {
        ++total;
        if (store->increment("k", 60s).error == vs::StoreError::Unavailable) ++refused;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(refused.load() == total.load());
  BOOST_TEST(total.load() > 100);
  // The back-off (100 ms doubling to 1 s) allows about six questions in 1.5 s, whatever the load.
  BOOST_TEST(unknowing.asked() >= 2);
  BOOST_TEST(unknowing.asked() <= 8);
  // What /readyz says meanwhile.
  BOOST_TEST(store->trouble() ==
             "redis: no primary for mymaster (asked 2 sentinels; none named one)");
}

// /readyz's reason during a failover: the sentinels still name the dead primary, and no password
// (the primary's or the sentinels') appears in it.
BOOST_AUTO_TEST_CASE(the_reason_names_the_primary_that_does_not_answer_and_no_password) {
  const int dead = free_port();
  FakeSentinel stale(names(dead), "sentinel-pw");
  std::string error;
  auto url = vs::parse_redis_url(
      "redis+sentinel://:primary-pw@" + sentinel_url({stale.port()}).substr(17), error);
  BOOST_TEST_REQUIRE(url.has_value(), error);
  url->sentinel_password = "sentinel-pw";
  auto store = vs::make_redis_store(*url, unique_redis_prefix(), 500ms, error);
  BOOST_TEST_REQUIRE(static_cast<bool>(store), error);
  BOOST_TEST((store->increment("k", 60s).error == vs::StoreError::Unavailable));
  const std::string why = store->trouble();
  BOOST_TEST(why == "redis: no primary for mymaster (asked 1 sentinel; they named 127.0.0.1:" +
                        std::to_string(dead) + ", which does not answer)");
  BOOST_TEST(why.find("-pw") == std::string::npos, why);

  // Without Sentinel: the address that does not answer.
  auto plain = store_at("redis://:primary-pw@127.0.0.1:" + std::to_string(dead), "p:");
  BOOST_TEST((plain->peek("k").error == vs::StoreError::Unavailable));
  BOOST_TEST(plain->trouble() == "redis: 127.0.0.1:" + std::to_string(dead) + " does not answer");
}

BOOST_AUTO_TEST_CASE(a_new_primary_is_followed_and_no_connection_stays_with_the_old) {
  RedisServer first;
  RedisServer second;
  FakeSentinel sentinel(names(first.port()));
  const auto prefix = unique_redis_prefix();
  auto store = store_at(sentinel_url({sentinel.port()}), prefix);
  // Several threads at once, so the pool holds several connections to the first primary.
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) store->increment("k", 60s);
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST_REQUIRE(increment_within(*store, 2s));

  // The failover, as Sentinel does it: the sentinel names the second, the first becomes its
  // replica and refuses writes with READONLY.
  sentinel.answer(names(second.port()));
  run_command("redis-cli -p " + std::to_string(first.port()) + " replicaof 127.0.0.1 " +
              std::to_string(second.port()));
  bool reached = false;
  const std::string log = capture_stderr([&] { reached = increment_within(*store, 5s); });
  BOOST_TEST_REQUIRE(reached, log);
  BOOST_TEST(log.find("event=redis_primary_changed") != std::string::npos, log);
  BOOST_TEST(store_at(second.url(), prefix)->peek("k").value >= 1);
  // The pool's connections to the first are closed: its only client is the one asking.
  bool alone = false;
  for (int i = 0; i < 100 && !alone; ++i) {
    alone = clients_of(first.port()).find("connected_clients:1\r") != std::string::npos;
    if (!alone) std::this_thread::sleep_for(20ms);
  }
  BOOST_TEST(alone, clients_of(first.port()));
}

BOOST_AUTO_TEST_SUITE_END()
