// `voiceverify --check-key` against the simulator: a key it accepts, a key it refuses, and no
// MessageBird at all; what the operator reads and the exit status a script would test.
#include <boost/test/unit_test.hpp>

#include <string>

#include "harness.hpp"

using namespace voiceverify::testing;

namespace {

const std::string kSimKey = "test_check_key_0123456789";

// Runs the pool binary with --check-key against `endpoint`; its output and "status=N".
std::string check_key(const std::string& endpoint, const std::string& key) {
  return run_command("env -i MESSAGEBIRD_ENDPOINT=" + endpoint + " MESSAGEBIRD_ACCESS_KEY=" + key +
                     " SIGNING_KEY=" + std::string(48, 's') + " CONNECT_TIMEOUT_MS=500" +
                     " TOTAL_TIMEOUT_MS=1000 " + VV_POOL_BIN + " --check-key 2>&1; echo status=$?");
}

struct Simulator {
  int port = free_port();
  std::string endpoint = "http://127.0.0.1:" + std::to_string(port);
  Process process{{VV_SIM_BIN, "--listen", "127.0.0.1:" + std::to_string(port), "--threads", "4"},
                  {{"SIM_ACCESS_KEY", kSimKey}},
                  "/dev/null"};
  Simulator() { BOOST_REQUIRE(wait_for_port(port, 10000)); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(check_key_tests)

BOOST_AUTO_TEST_CASE(a_key_messagebird_accepts_exits_zero_and_places_no_call) {
  Simulator sim;
  const std::string out = check_key(sim.endpoint, kSimKey);
  BOOST_TEST(contains(out, "the key works"), out);
  BOOST_TEST(contains(out, "status=0"), out);
  httplib::Client control("127.0.0.1", sim.port);
  const auto stats = control.Get("/_sim/stats");
  BOOST_REQUIRE(stats);
  BOOST_TEST(contains(stats->body, "\"creates\":0"), stats->body);
}

BOOST_AUTO_TEST_CASE(a_refused_key_exits_one_and_is_never_printed) {
  Simulator sim;
  const std::string wrong = "live_wrong_key_never_printed";
  const std::string out = check_key(sim.endpoint, wrong);
  BOOST_TEST(contains(out, "the key is refused"), out);
  BOOST_TEST(contains(out, "status=1"), out);
  BOOST_TEST(!contains(out, wrong), out);
}

BOOST_AUTO_TEST_CASE(no_messagebird_to_ask_exits_one) {
  const std::string out = check_key("http://127.0.0.1:" + std::to_string(free_port()), kSimKey);
  BOOST_TEST(contains(out, "cannot tell"), out);
  BOOST_TEST(contains(out, "status=1"), out);
}

BOOST_AUTO_TEST_SUITE_END()
