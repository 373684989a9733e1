// The code page's flow (verify/call_again.cpp and the double-submission guard of start_call),
// driven step by step as flow_tests does: "call me again" waits for RESEND_INTERVAL and then
// calls the same number through every limit, replacing the verification; "use a different
// number" cancels upstream; the same browser submitting a number twice places one call.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "flow_fixture.hpp"
#include "guard/call_records.hpp"
#include "verify/flow.hpp"

using namespace voiceverify;
using messagebird::Call;
using messagebird::VerifyError;
using verify::OutcomeKind;

namespace {

const std::string kId = "4e213b01155d1e35a9d9571v00162985";
const std::string kNewId = "0123456789abcdefghijklmnopqrstuv";
const std::string kBrowser = "0123456789abcdef0123456789abcdef";
const std::string kOtherBrowser = "fedcba9876543210fedcba9876543210";

using voiceverify::testing::answered;

// The flow fixture with RESEND_INTERVAL=60 and the code page's records.
struct Fixture : voiceverify::testing::FlowFixture {
  guard::LimitSettings resend_limits = [this] {
    guard::LimitSettings s = limits;
    s.sizes[guard::LimitWindow::Resend] = 60;
    return s;
  }();
  guard::Limiter resend_limiter{*store, resend_limits};
  guard::CallRecords records{*store, "flow-fixture-key-secret"};
  verify::FlowDeps code_deps{
      policy,     resend_limiter, fraud_guard, {std::chrono::seconds(300), 6},
      call_voice, records,        admission};

  // Starts a call for `browser` and returns what its session then holds.
  verify::Current placed(const std::string& browser, const std::string& id = kId) {
    verify::Step step = verify::start_call(code_deps, caller, "06 12345678", {"", false, browser});
    BOOST_TEST_REQUIRE(!step.finished());
    step = step.resume(answered(VerifyError::None, id));
    BOOST_TEST_REQUIRE((step.outcome().kind == OutcomeKind::CallPlaced));
    return {step.outcome().verify_id, false, browser, step.outcome().called_at};
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(call_again_tests, Fixture)

BOOST_AUTO_TEST_CASE(call_again_before_the_resend_interval_says_when_and_spends_nothing) {
  const verify::Current current = placed(kBrowser);
  BOOST_TEST(current.called_at > 0);
  const auto global = store->peek("global").value;
  const verify::Step step = verify::call_again(code_deps, caller, kId, current);
  BOOST_TEST_REQUIRE(step.finished());
  BOOST_TEST((step.outcome().kind == OutcomeKind::TooSoon));
  BOOST_TEST(step.outcome().retry_after.count() > 55);
  BOOST_TEST(step.outcome().retry_after.count() <= 60);
  BOOST_TEST(store->peek("global").value == global);
  const long now = verify::epoch_seconds();
  BOOST_TEST(verify::call_again_in(code_deps, current, now).count() > 55);
  BOOST_TEST(verify::code_time_left(code_deps, current, now).count() > 295);
  BOOST_TEST(verify::code_time_left(code_deps, current, now + 400).count() == 0);
}

BOOST_AUTO_TEST_CASE(call_again_after_the_interval_calls_the_same_number_then_cancels) {
  verify::Current current = placed(kBrowser);
  // The interval has passed (for this test's clock: the call was placed 61 s ago; the limiter's
  // own resend window is lifted as an operator would).
  current.called_at -= 61;
  store->remove("last-call:" + guard::number_tag("flow-fixture-key-secret", "31612345678"));
  voiceverify::testing::create_then_cancel(verify::call_again(code_deps, caller, kId, current), kId,
                                           kNewId);
  // The new call's number is kept too: it can be called again in its turn.
  BOOST_TEST(records.number_of(kNewId, kBrowser).digits.value_or("") == "31612345678");
  // Another browser cannot call this verification's number again.
  verify::Current stranger = current;
  stranger.browser_id = kOtherBrowser;
  stranger.verify_id = kNewId;
  stranger.called_at = 1;
  const verify::Step refused = verify::call_again(code_deps, caller, kNewId, stranger);
  BOOST_TEST_REQUIRE(refused.finished());
  BOOST_TEST((refused.outcome().kind == OutcomeKind::UnknownVerification));
}

BOOST_AUTO_TEST_CASE(call_again_counts_in_every_limit_and_a_refusal_keeps_the_verification) {
  limits.sizes[guard::LimitWindow::Number10Min] = 1;
  guard::Limiter one_call{*store, limits};  // resend interval off, one call per number
  const verify::FlowDeps deps_one{policy,     one_call, fraud_guard, {std::chrono::seconds(300), 6},
                                  call_voice, records,  admission};
  verify::Step step = verify::start_call(deps_one, caller, "06 12345678", {"", false, kBrowser});
  step = step.resume(answered(VerifyError::None, kId));
  BOOST_TEST_REQUIRE((step.outcome().kind == OutcomeKind::CallPlaced));
  const verify::Current current{kId, false, kBrowser, step.outcome().called_at};
  const verify::Step again = verify::call_again(deps_one, caller, kId, current);
  BOOST_TEST_REQUIRE(again.finished());
  BOOST_TEST((again.outcome().kind == OutcomeKind::Limited));
  BOOST_TEST((again.outcome().window == guard::LimitWindow::Number10Min));
  BOOST_TEST(!again.outcome().forget_current);
  // The verification is still usable: a check reaches MessageBird.
  const verify::Step check = verify::check_code(deps_one, caller, kId, "123456", current);
  BOOST_TEST(!check.finished());
}

BOOST_AUTO_TEST_CASE(the_same_browser_submitting_a_number_twice_places_one_call) {
  verify::Step first = verify::start_call(code_deps, caller, "06 12345678", {"", false, kBrowser});
  BOOST_TEST_REQUIRE(!first.finished());
  // The second arrives while the first waits for MessageBird: it waits (a second), then gets
  // today's resend banner, and spends nothing.
  const verify::Step early =
      verify::start_call(code_deps, caller, "06 12345678", {"", false, kBrowser});
  BOOST_TEST_REQUIRE(early.finished());
  BOOST_TEST((early.outcome().kind == OutcomeKind::Limited));
  first = first.resume(answered(VerifyError::None, kId));
  BOOST_TEST_REQUIRE((first.outcome().kind == OutcomeKind::CallPlaced));
  // Once the first has its id, the same submission joins it: no upstream call.
  const verify::Step joined =
      verify::start_call(code_deps, caller, "+31 6 1234 5678", {"", false, kBrowser});
  BOOST_TEST_REQUIRE(joined.finished());
  BOOST_TEST((joined.outcome().kind == OutcomeKind::CallPlaced));
  BOOST_TEST(joined.outcome().verify_id == kId);
  BOOST_TEST(joined.outcome().called_at == first.outcome().called_at);
  BOOST_TEST(joined.outcome().masked_number == "+31 * ******78");
  // Another browser asking for the number is held by the resend interval.
  const verify::Step other =
      verify::start_call(code_deps, caller, "06 12345678", {"", false, kOtherBrowser});
  BOOST_TEST_REQUIRE(other.finished());
  BOOST_TEST((other.outcome().kind == OutcomeKind::Limited));
  BOOST_TEST((other.outcome().window == guard::LimitWindow::Resend));
}

BOOST_AUTO_TEST_CASE(a_submission_never_joins_a_verification_that_is_over) {
  const verify::Current first = placed(kBrowser);
  // The browser moves on to another number: the first verification is cancelled for it.
  verify::Step other = verify::start_call(code_deps, caller, "06 23456789", first);
  BOOST_TEST_REQUIRE((!other.finished() && other.upstream().op == Call::Create));
  other = other.resume(answered(VerifyError::None, kNewId));
  BOOST_TEST_REQUIRE((!other.finished() && other.upstream().op == Call::Cancel));
  other = other.resume(answered(VerifyError::None));
  BOOST_TEST_REQUIRE((other.outcome().kind == OutcomeKind::CallPlaced));
  // The first number again, within its interval: not the cancelled verification joined, but a
  // new call the resend interval holds back.
  const verify::Current now_on{kNewId, false, kBrowser, other.outcome().called_at};
  const verify::Step back = verify::start_call(code_deps, caller, "06 12345678", now_on);
  BOOST_TEST_REQUIRE(back.finished());
  BOOST_TEST((back.outcome().kind == OutcomeKind::Limited));
  BOOST_TEST((back.outcome().window == guard::LimitWindow::Resend));
}

BOOST_AUTO_TEST_CASE(a_different_number_cancels_upstream_and_forgets_the_verification) {
  const verify::Current current = placed(kBrowser);
  verify::Step step = verify::other_number(code_deps, caller, kId, current);
  BOOST_TEST_REQUIRE(!step.finished());
  BOOST_TEST((step.upstream().op == Call::Cancel));
  BOOST_TEST(step.upstream().verify_id == kId);
  // A failed cancel still ends in the number form.
  step = step.resume(answered(VerifyError::Unavailable));
  BOOST_TEST_REQUIRE(step.finished());
  BOOST_TEST((step.outcome().kind == OutcomeKind::Cancelled));
  BOOST_TEST(step.outcome().forget_current);
  // The code is dead here, and the number is forgotten.
  const verify::Step check = verify::check_code(code_deps, caller, kId, "123456", current);
  BOOST_TEST_REQUIRE(check.finished());
  BOOST_TEST((check.outcome().kind == OutcomeKind::NoTriesLeft));
  BOOST_TEST(!records.number_of(kId, kBrowser).digits.has_value());
  // The same number typed again is a new submission, not the cancelled one joined: the resend
  // interval judges it.
  const verify::Step again =
      verify::start_call(code_deps, caller, "06 12345678", {"", false, kBrowser});
  BOOST_TEST_REQUIRE(again.finished());
  BOOST_TEST((again.outcome().kind == OutcomeKind::Limited));
  // Only the browser holding a verification may give it up.
  const verify::Step foreign = verify::other_number(code_deps, caller, kId, {kNewId, false});
  BOOST_TEST((foreign.finished() && foreign.outcome().kind == OutcomeKind::NotOwner));
}

BOOST_AUTO_TEST_SUITE_END()
