// Restarting the pool on a socket it inherited, as `systemctl restart voiceverify` does with the
// socket unit (fd 3, LISTEN_FDS=1) and spawn-fcgi does on fd 0: the socket belongs to the test
// here, as it belongs to systemd there. A stop must finish the request in flight, leave the
// socket accepting (connections queue in the kernel while no pool runs), and the next pool must
// serve what queued and everything after.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

using voiceverify::testing::Browser;
using voiceverify::testing::contains;
using voiceverify::testing::fastcgi_get;
using voiceverify::testing::Page;
using voiceverify::testing::Site;
using voiceverify::testing::SiteOptions;

namespace {

using namespace std::chrono_literals;

// A listening TCP socket on loopback, owned by the test (close-on-exec: only the pool gets it).
struct TestListener {
  int fd = -1;
  int port = 0;
  TestListener() {
    port = voiceverify::testing::free_port();
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 128) != 0)
      throw std::runtime_error("cannot listen for the pool");
  }
  ~TestListener() { ::close(fd); }
  TestListener(const TestListener&) = delete;
  TestListener& operator=(const TestListener&) = delete;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(pool_lifecycle_tests)

// 3: socket activation (LISTEN=systemd); 0: a socket on stdin (LISTEN=stdin, spawn-fcgi).
BOOST_DATA_TEST_CASE(a_restart_on_an_inherited_socket_loses_nothing,
                     boost::unit_test::data::make({3, 0}), target_fd) {
  TestListener listener;
  SiteOptions options;
  options.listener_fd = listener.fd;
  options.listener_target_fd = target_fd;
  options.listener_port = listener.port;
  options.env["TOTAL_TIMEOUT_MS"] = "5000";
  Site site(options);

  // A call start in flight when SIGTERM comes: MessageBird answers only after 1.5 s.
  Browser caller(site);
  BOOST_REQUIRE(caller.get("/").status == 200);
  site.sim_faults({{"latency_ms", "1500"}});
  auto in_flight = std::async(std::launch::async, [&caller] {
    return caller.post("/", {{"number", "06 12345678"}});
  });
  // SIGTERM once the start waits for MessageBird: a fixed sleep could end before the request
  // even reached the pool on a slow machine. The wait is bounded only so a failure cannot hang.
  for (int waited = 0; waited < 60000 && site.sim_stats()["in_flight"] < 1; waited += 20)
    std::this_thread::sleep_for(20ms);
  BOOST_TEST(site.stop_pool() == 0);
  const Page started = in_flight.get();
  BOOST_TEST(started.status == 303);
  BOOST_TEST(started.location.rfind("/EnterCode/", 0) == 0, started.location);
  site.sim_faults({{"latency_ms", "0"}});

  // No pool runs: the socket still takes connections, and a visitor's request waits in it.
  BOOST_TEST(voiceverify::testing::wait_for_port(listener.port, 100));  // queued, not refused
  Browser waiting(site);
  auto queued = std::async(std::launch::async, [&waiting] { return waiting.get("/"); });
  BOOST_TEST((queued.wait_for(300ms) == std::future_status::timeout));

  site.start_pool();
  const Page served = queued.get();
  BOOST_TEST(served.status == 200);
  BOOST_TEST(contains(served.body, "name=\"number\""));
  // ... and so is everything after, the verification begun before the restart included.
  const Page code_page = caller.follow(started);
  BOOST_TEST(code_page.status == 200);
  for (int i = 0; i < 5; ++i) BOOST_TEST(Browser(site).get("/").status == 200);
  BOOST_TEST(!contains(site.pool_log(), "accept_failed"));
}

// nginx keeps FastCGI connections to the pool open (fastcgi_keep_conn, keepalive) and sends the
// next request on whichever is idle. While a stopping pool waits for a parked request, a request
// nginx sends on one of them must be served, not left unread until the pool exits (a 502).
BOOST_AUTO_TEST_CASE(a_post_on_a_kept_alive_connection_while_the_pool_drains_is_answered) {
  Site site({.env = {{"TOTAL_TIMEOUT_MS", "8000"}}});
  // Idle kept-alive connections in both nginx workers: posts that each hold one for a while.
  site.sim_faults({{"latency_ms", "300"}});
  std::vector<std::unique_ptr<Browser>> warm;
  std::vector<std::future<Page>> warming;
  for (int i = 0; i < 8; ++i) {
    warm.push_back(std::make_unique<Browser>(site));
    BOOST_REQUIRE(warm.back()->get("/").status == 200);
  }
  for (int i = 0; i < 8; ++i) {
    warming.push_back(std::async(std::launch::async, [browser = warm[i].get(), i] {
      return browser->post("/", {{"number", "06 123456" + std::to_string(20 + i)}});
    }));
  }
  for (auto& posted : warming) BOOST_REQUIRE(posted.get().status == 303);

  // A call start parked for MessageBird when SIGTERM comes.
  site.sim_faults({{"latency_ms", "2500"}});
  Browser caller(site);
  BOOST_REQUIRE(caller.get("/").status == 200);
  Browser late(site);
  BOOST_REQUIRE(late.get("/").status == 200);
  auto in_flight = std::async(std::launch::async, [&caller] {
    return caller.post("/", {{"number", "06 12345678"}});
  });
  for (int waited = 0; waited < 60000 && site.sim_stats()["in_flight"] < 1; waited += 20)
    std::this_thread::sleep_for(20ms);
  BOOST_REQUIRE(::kill(site.pool_pid(), SIGTERM) == 0);
  std::this_thread::sleep_for(300ms);  // the pool is draining now

  // Sent on a connection nginx kept: the pool answers it (its call too, before it exits).
  site.sim_faults({{"latency_ms", "0"}});
  const Page late_post = late.post("/", {{"number", "06 12345699"}});
  BOOST_TEST(late_post.status == 303, late_post.status << " " << late_post.body);
  BOOST_TEST(in_flight.get().status == 303);
  BOOST_TEST(site.wait_pool_exit(60000) == 0);
  BOOST_TEST(!contains(site.nginx_logs(), "prematurely closed"), site.nginx_logs());
}

// libfcgi's own SIGUSR1 handler would make every later accept fail; an operator's HUP must not
// stop the site either. Each cgi-fcgi request is a new connection, so each needs an accept.
BOOST_AUTO_TEST_CASE(usr1_usr2_and_hup_leave_the_pool_serving_new_connections) {
  Site site;
  const std::string address = "127.0.0.1:" + std::to_string(site.pool_port());
  for (const int signal_number : {SIGUSR1, SIGUSR2, SIGHUP}) {
    BOOST_REQUIRE(::kill(site.pool_pid(), signal_number) == 0);
    std::this_thread::sleep_for(100ms);
    for (int i = 0; i < 5; ++i)
      BOOST_TEST(contains(fastcgi_get(address, 1), "Status: 200"), "signal " << signal_number);
  }
  const std::string log = site.pool_log();
  BOOST_TEST(contains(log, "event=signal_ignored signal=\"USR1\""), log);
  BOOST_TEST(contains(log, "event=signal_ignored signal=\"HUP\""), log);
  BOOST_TEST(site.stop_pool() == 0);
}

// A listener that breaks for good (here: shut down under the pool's feet) must end the pool with
// an error the service manager sees, not leave threads retrying for ever.
BOOST_AUTO_TEST_CASE(a_listener_that_breaks_ends_the_pool_with_an_error) {
  TestListener listener;
  SiteOptions options;
  options.listener_fd = listener.fd;
  options.listener_port = listener.port;
  Site site(options);
  BOOST_REQUIRE(Browser(site).get("/").status == 200);
  ::shutdown(listener.fd, SHUT_RDWR);
  BOOST_TEST(site.wait_pool_exit(60000) == 1);  // at once; bounded only so a failure ends
  BOOST_TEST(contains(site.pool_log(), "event=accept_failed"), site.pool_log());
}

// FASTCGI_ALLOWED_PEERS: a TCP peer not listed is dropped before anything it sent is read, and
// the refusal is logged; a listed one is served.
BOOST_AUTO_TEST_CASE(tcp_peers_outside_fastcgi_allowed_peers_are_refused_and_logged) {
  SiteOptions refusing;
  refusing.env["FASTCGI_ALLOWED_PEERS"] = "127.0.0.2";
  Site site(refusing);
  const std::string address = "127.0.0.1:" + std::to_string(site.pool_port());
  BOOST_TEST(!contains(fastcgi_get(address, 3), "Status: "));
  BOOST_TEST(contains(site.pool_log(), "event=fastcgi_peer_refused peer=\"127.0.0.1\""),
             site.pool_log());

  SiteOptions listed;
  listed.env["FASTCGI_ALLOWED_PEERS"] = "127.0.0.2,127.0.0.1";
  Site allowed(listed);
  BOOST_TEST(
      contains(fastcgi_get("127.0.0.1:" + std::to_string(allowed.pool_port()), 3), "Status: 200"));
  BOOST_TEST(Browser(allowed).get("/").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
