// Placing a call (verify/place_call.cpp) when MessageBird does not place it: nothing is spent and
// nothing ended. A create that fails for want of MessageBird (a timeout, a 5xx, the breaker open,
// the request's budget spent) or of our account gives back every limit window it took, and the
// browser's verification in progress ends only once the new call is placed.
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "flow_fixture.hpp"
#include "messagebird/verify_response.hpp"
#include "verify/flow.hpp"

using namespace voiceverify;
using messagebird::Call;
using messagebird::VerifyError;
using messagebird::VerifyResult;
using verify::OutcomeKind;

namespace {

const std::string kId = "4e213b01155d1e35a9d9571v00162985";
const std::string kOldId = "0123456789abcdefghijklmnopqrstuv";

using Fixture = voiceverify::testing::FlowFixture;
using voiceverify::testing::answered;

// The answers the runner and the client give a create that placed no call.
std::vector<VerifyResult> never_placed() {
  return {
      messagebird::failed_result(VerifyError::Unavailable, 0, "timed out after 5000 ms"),
      messagebird::failed_result(VerifyError::Unavailable, 503, "Service Unavailable"),
      messagebird::failed_result(VerifyError::Unavailable, 0, "circuit breaker open"),
      messagebird::failed_result(VerifyError::Unavailable, 0, "request budget spent"),
      messagebird::failed_result(VerifyError::NoBalance, 422, "No balance"),
  };
}

// Limits that let one call through in `window` alone (the resend interval: one call a minute; the
// strangers' share: one of two), every other window roomy; the home region NL has a budget of its
// own for the country window.
guard::LimitSettings one_call_in(guard::LimitWindow window) {
  guard::LimitSettings s = voiceverify::testing::roomy_limit_settings("place-call-key-secret");
  const auto& row = guard::limit_window(window);
  s.sizes[window] = row.sizing == guard::Sizing::Interval ? 60 : 1;
  // The strangers' share: half of an hour of two.
  if (row.sizing == guard::Sizing::Reserve) {
    s.sizes[guard::LimitWindow::GlobalHour] = 2;
    s.sizes[window] = 5000;
  }
  s.home_region = "NL";
  if (window == guard::LimitWindow::CountryHour) s.country_calls_per_hour = {{"NL", 1}};
  return s;
}

// Everything a start needs, with `limits` over a store of its own.
struct OneWindow : Fixture {
  explicit OneWindow(const guard::LimitSettings& limits)
      : own_store(store::make_memory_store()),
        own_limiter(*own_store, limits),
        own_records(*own_store, "place-call-key-secret"),
        own_deps{policy,     own_limiter, fraud_guard, {std::chrono::seconds(300), 6},
                 call_voice, own_records, admission} {}
  std::unique_ptr<store::Store> own_store;
  guard::Limiter own_limiter;
  guard::CallRecords own_records;
  verify::FlowDeps own_deps;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(place_call_tests, Fixture)

BOOST_AUTO_TEST_CASE(a_create_that_never_placed_a_call_gives_back_every_window) {
  for (const auto& row : guard::kLimitWindows) {
    if (row.sizing == guard::Sizing::Tries) continue;  // code checks, not calls
    for (const VerifyResult& failure : never_placed()) {
      BOOST_TEST_CONTEXT("window " << row.name << ", answer " << failure.detail) {
        OneWindow one(one_call_in(row.window));
        // The API client's window counts only a call an API client starts.
        verify::Caller who = caller;
        if (row.counts == guard::CountsPer::AppClient) who.app_client = "client-a-0001";
        verify::Step step = verify::start_call(one.own_deps, who, "06 12345678", {});
        BOOST_TEST_REQUIRE(!step.finished());
        step = step.resume(failure);
        BOOST_TEST_REQUIRE(step.finished());
        BOOST_TEST((step.outcome().kind != OutcomeKind::CallPlaced));
        // The window is free again: the retry reaches MessageBird, and is placed.
        step = verify::start_call(one.own_deps, who, "06 12345678", {});
        BOOST_TEST_REQUIRE(!step.finished());
        BOOST_TEST((step.upstream().op == Call::Create));
        step = step.resume(answered(VerifyError::None, kId));
        BOOST_TEST((step.outcome().kind == OutcomeKind::CallPlaced));
        // And that call counted: the window holds the next (from another browser, which joins
        // no submission of this one).
        const verify::Step next =
            verify::start_call(one.own_deps, who, "06 12345678", {"", false, "another"});
        BOOST_TEST_REQUIRE(next.finished());
        BOOST_TEST((next.outcome().kind == OutcomeKind::Limited));
        BOOST_TEST((next.outcome().window == row.window));
      }
    }
  }
}

// A number MessageBird judged and refused stays counted, like a call: a run of such numbers is
// bounded by the windows as any other.
BOOST_AUTO_TEST_CASE(a_number_messagebird_refused_stays_counted) {
  OneWindow one(one_call_in(guard::LimitWindow::Number10Min));
  verify::Step step = verify::start_call(one.own_deps, caller, "06 12345678", {});
  step = step.resume(messagebird::failed_result(VerifyError::InvalidRecipient, 422, "recipient"));
  BOOST_TEST((step.outcome().kind == OutcomeKind::RecipientRefused));
  const verify::Step next = verify::start_call(one.own_deps, caller, "06 12345678", {});
  BOOST_TEST_REQUIRE(next.finished());
  BOOST_TEST((next.outcome().window == guard::LimitWindow::Number10Min));
}

BOOST_AUTO_TEST_CASE(a_failed_create_leaves_the_verification_in_progress_usable) {
  char last = 'a';
  for (const VerifyResult& failure : never_placed()) {
    // A verification of its own each time (each check below spends one of its tries).
    const std::string old_id = std::string(31, '0') + last++;
    BOOST_TEST_CONTEXT("answer " << failure.detail) {
      // The create comes first; nothing is cancelled before it.
      verify::Step step = verify::start_call(deps, caller, "06 12345678", {old_id, false});
      BOOST_TEST_REQUIRE(!step.finished());
      BOOST_TEST((step.upstream().op == Call::Create));
      step = step.resume(failure);
      BOOST_TEST_REQUIRE(step.finished());  // and no cancel after it
      BOOST_TEST(!step.outcome().forget_current);
      bool over = true;
      BOOST_TEST((limiter.finished(old_id, over) == store::StoreError::None));
      BOOST_TEST(!over);
      // Its code can still be checked: the check reaches MessageBird.
      const verify::Step check =
          verify::check_code(deps, caller, old_id, "123456", {old_id, false});
      BOOST_TEST(!check.finished());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_placed_call_ends_the_verification_it_replaces) {
  const verify::Step step = voiceverify::testing::create_then_cancel(
      verify::start_call(deps, caller, "06 12345678", {kOldId, false}), kOldId, kId);
  BOOST_TEST(step.outcome().forget_current);
  bool over = false;
  BOOST_TEST((limiter.finished(kOldId, over) == store::StoreError::None));
  BOOST_TEST(over);
  // The cancel's own failure changes nothing: the new call is placed.
  verify::Step again = verify::start_call(deps, caller, "06 12345678", {kId, false});
  again = again.resume(answered(VerifyError::None, kOldId));
  BOOST_TEST_REQUIRE(!again.finished());
  again = again.resume(answered(VerifyError::Unavailable));
  BOOST_TEST_REQUIRE(again.finished());
  BOOST_TEST((again.outcome().kind == OutcomeKind::CallPlaced));
}

BOOST_AUTO_TEST_SUITE_END()
