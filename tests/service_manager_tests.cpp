// The pool under systemd's eyes (Type=notify with a watchdog), as systemd would see it: the test
// owns the NOTIFY_SOCKET and reads READY=1 once the pool serves, WATCHDOG=1 while it serves, and
// STOPPING=1 after SIGTERM.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace voiceverify::testing;

namespace {

// A unix datagram socket bound to a fresh path, as systemd's notification socket.
class NotifySocket {
 public:
  NotifySocket()
      : path_("/tmp/vv-notify-" + std::to_string(::getpid()) + "-" + std::to_string(free_port())) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    BOOST_REQUIRE(fd_ >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path_.data(), path_.size());
    ::unlink(path_.c_str());
    BOOST_REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~NotifySocket() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::string& path() const { return path_; }

  // Messages received until one contains `wanted` (true) or `seconds` pass (false).
  bool wait_for(const std::string& wanted, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      const timeval slice{0, 200'000};
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &slice, sizeof slice);
      char buffer[512];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer - 1, 0);
      if (n <= 0) continue;
      received.emplace_back(buffer, static_cast<std::size_t>(n));
      if (received.back().find(wanted) != std::string::npos) return true;
    }
    return false;
  }

  std::vector<std::string> received;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(service_manager_tests)

BOOST_AUTO_TEST_CASE(systemd_hears_ready_then_watchdog_pets_then_stopping) {
  NotifySocket notify;
  Site site({.env = {{"NOTIFY_SOCKET", notify.path()}, {"WATCHDOG_USEC", "600000"}}});
  BOOST_TEST(notify.wait_for("READY=1", 20));
  // Serving: the watchdog is petted (every 200 ms here), and pages answer.
  BOOST_TEST(notify.wait_for("WATCHDOG=1", 10));
  BOOST_TEST(notify.wait_for("WATCHDOG=1", 10));
  Browser browser(site);
  BOOST_TEST(browser.get("/").status == 200);

  BOOST_TEST(site.stop_pool() == 0);
  BOOST_TEST(notify.wait_for("STOPPING=1", 10));
  BOOST_TEST(!notify.received.empty());
  BOOST_TEST(notify.received.front() == "READY=1");
}

// Its one thread stuck reading a request that never completes (a peer that stalls mid-record:
// libfcgi blocks until the 10 s read limit), the pool can serve nobody: no more WATCHDOG=1.
BOOST_AUTO_TEST_CASE(a_pool_whose_threads_are_all_stuck_stops_petting_the_watchdog) {
  NotifySocket notify;
  Site site(
      {.env = {{"THREADS", "1"}, {"NOTIFY_SOCKET", notify.path()}, {"WATCHDOG_USEC", "600000"}}});
  BOOST_REQUIRE(notify.wait_for("WATCHDOG=1", 20));

  const int stalled = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in pool{};
  pool.sin_family = AF_INET;
  pool.sin_port = htons(static_cast<std::uint16_t>(site.pool_port()));
  pool.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(::connect(stalled, reinterpret_cast<sockaddr*>(&pool), sizeof pool) == 0);
  BOOST_REQUIRE(::send(stalled, "\x01\x01\x00", 3, MSG_NOSIGNAL) == 3);  // a third of a header

  BOOST_TEST(!notify.wait_for("never", 1));  // drains what was already sent
  notify.received.clear();
  BOOST_TEST(!notify.wait_for("WATCHDOG=1", 2));
  BOOST_TEST(contains(site.pool_log(), "level=error event=watchdog_missed"));
  ::close(stalled);
  BOOST_TEST(notify.wait_for("WATCHDOG=1", 15));  // free again once the read gives up
}

BOOST_AUTO_TEST_CASE(outside_systemd_the_pool_serves_as_before) {
  Site site;
  Browser browser(site);
  BOOST_TEST(browser.get("/").status == 200);
  BOOST_TEST(!contains(site.pool_log(), "event=watchdog"));
}

BOOST_AUTO_TEST_SUITE_END()
