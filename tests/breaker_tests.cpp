// The circuit breaker in front of MessageBird, on an injected clock: when it opens, that it
// refuses while open, lets one probe through after the cool-down, and what the probe decides.
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "capture_stderr.hpp"
#include "messagebird/breaker.hpp"

using namespace voiceverify;
using messagebird::Breaker;
using messagebird::BreakerState;
using std::chrono::seconds;

namespace {

struct Fixture {
  std::chrono::steady_clock::time_point now{};
  Breaker breaker{{3, seconds(30)}, [this] { return now; }};

  void fail(int times) {
    for (int i = 0; i < times; ++i) {
      BOOST_REQUIRE(breaker.allow());
      breaker.record(true);
    }
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(breaker_tests)

BOOST_FIXTURE_TEST_CASE(opens_after_the_configured_failures_in_a_row, Fixture) {
  fail(2);
  BOOST_TEST((breaker.state() == BreakerState::Closed));
  BOOST_TEST(!breaker.refusing());
  const std::string log = voiceverify::testing::capture_stderr([this] { fail(1); });
  BOOST_TEST((breaker.state() == BreakerState::Open));
  BOOST_TEST(breaker.refusing());
  BOOST_TEST(!breaker.allow());
  BOOST_TEST(log.find("level=warning event=upstream_breaker state=\"open\"") != std::string::npos,
             log);
}

BOOST_FIXTURE_TEST_CASE(a_success_between_failures_starts_the_count_again, Fixture) {
  fail(2);
  BOOST_REQUIRE(breaker.allow());
  breaker.record(false);
  fail(2);
  BOOST_TEST((breaker.state() == BreakerState::Closed));
}

BOOST_FIXTURE_TEST_CASE(refuses_until_the_cooldown_then_lets_one_probe_through, Fixture) {
  fail(3);
  now += seconds(29);
  BOOST_TEST(!breaker.allow());
  BOOST_TEST(breaker.refusing());
  now += seconds(1);
  BOOST_TEST(!breaker.refusing());  // a page may try: the call will be the probe
  BOOST_TEST(breaker.allow());
  BOOST_TEST((breaker.state() == BreakerState::Probing));
  BOOST_TEST(!breaker.allow());  // only one probe at a time
  BOOST_TEST(breaker.refusing());
}

BOOST_FIXTURE_TEST_CASE(a_good_probe_closes_it, Fixture) {
  fail(3);
  now += seconds(30);
  BOOST_REQUIRE(breaker.allow());
  const std::string log = voiceverify::testing::capture_stderr([this] { breaker.record(false); });
  BOOST_TEST((breaker.state() == BreakerState::Closed));
  BOOST_TEST(breaker.allow());
  BOOST_TEST(log.find("event=upstream_breaker state=\"closed\"") != std::string::npos, log);
}

BOOST_FIXTURE_TEST_CASE(a_failed_probe_opens_it_for_another_cooldown, Fixture) {
  fail(3);
  now += seconds(30);
  BOOST_REQUIRE(breaker.allow());
  breaker.record(true);
  BOOST_TEST((breaker.state() == BreakerState::Open));
  now += seconds(29);
  BOOST_TEST(!breaker.allow());
  now += seconds(1);
  BOOST_TEST(breaker.allow());
}

BOOST_AUTO_TEST_CASE(only_trouble_on_the_way_counts_as_a_failure) {
  using messagebird::failed_result;
  using messagebird::VerifyError;
  BOOST_TEST(messagebird::is_upstream_failure(failed_result(VerifyError::Unavailable, 503, "")));
  BOOST_TEST(!messagebird::is_upstream_failure(failed_result(VerifyError::WrongCode, 422, "")));
  BOOST_TEST(!messagebird::is_upstream_failure(failed_result(VerifyError::Unauthorized, 401, "")));
  BOOST_TEST(!messagebird::is_upstream_failure(messagebird::VerifyResult{}));
}

BOOST_AUTO_TEST_SUITE_END()
