// The pool's way to MessageBird at exit (app/upstream.hpp): a call still out when the pool stops
// is answered ("transport stopped") while the breaker, the runner and the answer threads its
// answer needs are all there, and its continuation runs to its end before anything is freed.
#include "app/upstream.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "harness.hpp"
#include "shipped_settings.hpp"

using namespace voiceverify;
using namespace std::chrono_literals;

namespace {

// A loopback port that takes connections into its backlog and never answers: MessageBird hung.
struct SilentServer {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int port = testing::free_port();
  SilentServer() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0)
      throw std::runtime_error("cannot listen");
  }
  ~SilentServer() { ::close(fd); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(upstream_tests)

BOOST_AUTO_TEST_CASE(a_call_out_at_exit_is_answered_before_the_runner_and_breaker_go) {
  const messagebird::CurlGlobal curl_global;
  SilentServer silent;
  const app::UpstreamSettings settings{
      2, messagebird::CurlOptions{1000ms, 20000ms},
      testing::test_verify_settings("http://127.0.0.1:" + std::to_string(silent.port), "key"),
      messagebird::BreakerSettings{5, std::chrono::seconds(30)},
      verify::RunnerSettings{4, 20000ms}};
  std::atomic<int> resumed{0};
  std::atomic<int> done{0};
  std::optional<messagebird::VerifyError> seen;
  const auto started = std::chrono::steady_clock::now();
  {
    app::Upstream upstream(settings);
    verify::UpstreamCall call;
    call.op = messagebird::Call::Create;
    call.recipient = "31612345678";
    auto step = verify::Step::call(call, [&](const messagebird::VerifyResult& answer) {
      seen = answer.error;
      ++resumed;
      verify::Outcome failed;
      failed.kind = verify::OutcomeKind::CallFailed;
      return verify::Step::done(failed);
    });
    auto ticket = upstream.runner().admit();
    BOOST_REQUIRE(ticket);
    upstream.runner().run(std::move(step), *ticket, [&](const verify::Outcome&) { ++done; });
    // The request is out and MessageBird says nothing.
    std::this_thread::sleep_for(200ms);
    BOOST_TEST(resumed.load() == 0);
  }  // the pool has ended: the Upstream goes
  BOOST_TEST(resumed.load() == 1);
  BOOST_TEST(done.load() == 1);
  BOOST_TEST((seen == messagebird::VerifyError::Unavailable));
  // Without waiting for the 20 s the call could still take.
  BOOST_TEST((std::chrono::steady_clock::now() - started < 10s));
}

BOOST_AUTO_TEST_SUITE_END()
