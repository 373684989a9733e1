// The verification flow on its own, driven step by step: what it asks MessageBird and in which
// order, what it decides from each answer, and what it refuses before paying for anything. The
// answers are fed by hand, as an event-driven runner would feed them.
#include "verify/flow.hpp"

#include <boost/test/unit_test.hpp>

#include "flow_fixture.hpp"

using namespace voiceverify;
using messagebird::Call;
using messagebird::VerifyError;
using verify::OutcomeKind;

namespace {

const std::string kId = "4e213b01155d1e35a9d9571v00162985";
const std::string kOldId = "0123456789abcdefghijklmnopqrstuv";

using Fixture = voiceverify::testing::FlowFixture;

using voiceverify::testing::answered;

}  // namespace

BOOST_FIXTURE_TEST_SUITE(flow_tests, Fixture)

BOOST_AUTO_TEST_CASE(a_number_we_do_not_call_ends_the_flow_before_any_upstream_call) {
  for (const char* number : {"", "12345", "0900 1234567", "+44 7911 123456"}) {
    const verify::Step step = verify::start_call(deps, caller, number, {});
    BOOST_TEST_REQUIRE(step.finished(), number);
    BOOST_TEST((step.outcome().kind == OutcomeKind::NumberRefused), number);
  }
}

BOOST_AUTO_TEST_CASE(a_new_call_creates_first_then_cancels_the_current_verification) {
  const verify::Step step = voiceverify::testing::create_then_cancel(
      verify::start_call(deps, caller, "06 12345678", {kOldId, false}), kOldId, kId);
  BOOST_TEST(step.outcome().forget_current);
}

BOOST_AUTO_TEST_CASE(a_call_messagebird_does_not_place_is_a_failure_not_a_verification) {
  verify::Step step = verify::start_call(deps, caller, "06 12345678", {});
  BOOST_TEST((step.upstream().op == Call::Create));  // nothing to cancel
  step = step.resume(answered(VerifyError::Unavailable));
  BOOST_TEST((step.outcome().kind == OutcomeKind::CallFailed));
  BOOST_TEST(!step.outcome().forget_current);
}

BOOST_AUTO_TEST_CASE(the_fraud_guard_learns_of_calls_and_verifications_and_refuses_first) {
  // Ten calls in one range with their tries spent: each settles at once, unverified; from
  // three networks, as the guard judges only then (docs/fraud-guard.md, "Sources").
  const char* const networks[] = {"198.51.100.7", "203.0.113.7", "2001:db8:7::1"};
  for (int n = 0; n < 10; ++n) {
    caller.client_address = networks[n % 3];
    const std::string id = std::string(30, 'a') + std::to_string(10 + n);
    verify::Step step = verify::start_call(deps, caller, "06 123400" + std::to_string(10 + n), {});
    step = step.resume(answered(VerifyError::None, id));
    BOOST_TEST_REQUIRE((step.outcome().kind == OutcomeKind::CallPlaced));
    for (int attempt = 0; attempt < 3; ++attempt) {
      verify::Step check = verify::check_code(deps, caller, id, "123456", {id, false});
      check = check.resume(answered(VerifyError::WrongCode));
      if (!check.finished()) check = check.resume(answered(VerifyError::None));  // the cancel
    }
  }
  // The eleventh call in that range is refused before any upstream call and any limit.
  const auto global_before = store->peek("global").value;
  const verify::Step refused = verify::start_call(deps, caller, "06 12340099", {});
  BOOST_TEST_REQUIRE(refused.finished());
  BOOST_TEST((refused.outcome().kind == OutcomeKind::NumberBlocked));
  BOOST_TEST(store->peek("global").value == global_before);
  // A verified call in another range is counted as verified: ten of them never trip it.
  for (int n = 0; n < 12; ++n) {
    const std::string id = std::string(30, 'b') + std::to_string(10 + n);
    verify::Step step = verify::start_call(deps, caller, "06 234500" + std::to_string(10 + n), {});
    BOOST_TEST_REQUIRE(!step.finished(), n << " " << verify::outcome_name(step.outcome().kind));
    step = step.resume(answered(VerifyError::None, id));
    verify::Step check = verify::check_code(deps, caller, id, "123456", {id, false});
    check = check.resume(answered(VerifyError::None));
    BOOST_TEST((check.outcome().kind == OutcomeKind::Verified));
  }
}

// The verified number reaches the outcome (for an application the person was sent by) from
// MessageBird's answer, and only from a verified one.
BOOST_AUTO_TEST_CASE(a_verified_outcome_carries_the_number_messagebird_called) {
  const std::string id = std::string(30, 'c') + "42";
  verify::Step step = verify::start_call(deps, caller, "06 34560042", {});
  step = step.resume(answered(VerifyError::None, id));
  BOOST_TEST_REQUIRE((step.outcome().kind == OutcomeKind::CallPlaced));
  BOOST_TEST(step.outcome().phone_number.empty());
  verify::Step wrong = verify::check_code(deps, caller, id, "123456", {id, false});
  wrong = wrong.resume(answered(VerifyError::WrongCode));
  BOOST_TEST(wrong.outcome().phone_number.empty());
  messagebird::VerifyResult right = answered(VerifyError::None);
  right.recipient = "+31634560042";
  verify::Step check = verify::check_code(deps, caller, id, "123456", {id, false});
  check = check.resume(right);
  BOOST_TEST_REQUIRE((check.outcome().kind == OutcomeKind::Verified));
  BOOST_TEST(check.outcome().phone_number == "+31634560042");
}

BOOST_AUTO_TEST_CASE(only_the_browser_holding_the_verification_may_check_it) {
  const verify::Step step = verify::check_code(deps, caller, kId, "123456", {kOldId, false});
  BOOST_TEST_REQUIRE(step.finished());
  BOOST_TEST((step.outcome().kind == OutcomeKind::NotOwner));
}

BOOST_AUTO_TEST_CASE(wrong_codes_count_down_and_the_last_one_cancels_upstream) {
  const verify::Current current{kId, false};
  for (int left : {2, 1}) {
    verify::Step step = verify::check_code(deps, caller, kId, "123 456", current);
    BOOST_TEST((step.upstream().op == Call::Check));
    BOOST_TEST(step.upstream().code == "123456");
    step = step.resume(answered(VerifyError::WrongCode));
    BOOST_TEST((step.outcome().kind == OutcomeKind::WrongCode));
    BOOST_TEST(step.outcome().tries_left == left);
  }
  verify::Step last = verify::check_code(deps, caller, kId, "123456", current);
  last = last.resume(answered(VerifyError::WrongCode));
  BOOST_TEST_REQUIRE(!last.finished());
  BOOST_TEST((last.upstream().op == Call::Cancel));
  last = last.resume(answered(VerifyError::None));
  BOOST_TEST((last.outcome().kind == OutcomeKind::NoTriesLeft));
  BOOST_TEST(last.outcome().forget_current);
  // Spent: a fourth try never reaches MessageBird.
  const verify::Step again = verify::check_code(deps, caller, kId, "123456", current);
  BOOST_TEST_REQUIRE(again.finished());
  BOOST_TEST((again.outcome().kind == OutcomeKind::NoTriesLeft));
}

BOOST_AUTO_TEST_CASE(a_check_whose_answer_never_came_costs_no_try) {
  const verify::Current current{kId, false};
  verify::Step failed = verify::check_code(deps, caller, kId, "123456", current);
  failed = failed.resume(answered(VerifyError::Unavailable));
  BOOST_TEST((failed.outcome().kind == OutcomeKind::CheckFailed));
  verify::Step wrong = verify::check_code(deps, caller, kId, "123456", current);
  wrong = wrong.resume(answered(VerifyError::WrongCode));
  BOOST_TEST(wrong.outcome().tries_left == 2);
}

BOOST_AUTO_TEST_CASE(a_malformed_code_never_reaches_messagebird_nor_costs_a_try) {
  const verify::Current current{kId, false};
  for (const char* code : {"", "12345", "12345a", "1234567"}) {
    const verify::Step step = verify::check_code(deps, caller, kId, code, current);
    BOOST_TEST_REQUIRE(step.finished(), code);
    BOOST_TEST((step.outcome().kind == OutcomeKind::CodeRefused), code);
  }
  verify::Step wrong = verify::check_code(deps, caller, kId, "123456", current);
  wrong = wrong.resume(answered(VerifyError::WrongCode));
  BOOST_TEST(wrong.outcome().tries_left == 2);
}

BOOST_AUTO_TEST_SUITE_END()
