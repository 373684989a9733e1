// Test numbers (verify/test_numbers.cpp) under the real flow, each step answered by them as the
// runner would: a start makes a verification of MessageBird's id shape that accepts only its
// code, counts attempts, expires, is cancelled, is called again; nothing else is theirs; the
// store holds the number sealed; the fraud guard does not count them.
#include "verify/test_numbers.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "flow_fixture.hpp"
#include "util/verify_id.hpp"
#include "verify/flow.hpp"

using namespace voiceverify;
using messagebird::Call;
using messagebird::VerifyError;
using verify::OutcomeKind;

namespace {

const std::string kBrowser = "0123456789abcdef0123456789abcdef";
const std::string kTestDigits = "31612345678";
const std::string kCode = "123456";
// MessageBird's own example id: of the shape, not made by test numbers.
const std::string kRealId = "4e213b01155d1e35a9d9571v00162985";

struct Fixture : voiceverify::testing::FlowFixture {
  std::shared_ptr<std::chrono::system_clock::time_point> now =
      std::make_shared<std::chrono::system_clock::time_point>(std::chrono::system_clock::now());
  verify::TestNumbers numbers{*store,
                              {{{kTestDigits, kCode}, {"31687654321", "654321"}},
                               std::chrono::seconds(300),
                               "flow-fixture-key-secret"},
                              [now = now] { return *now; }};
  Fixture() { deps.test_numbers = &numbers; }

  // Runs `step` to its end with every upstream call answered by the test numbers, as the runner
  // does; each call must be theirs.
  verify::Step run(verify::Step step) {
    while (!step.finished()) {
      const auto answer = numbers.answer(step.upstream());
      BOOST_TEST_REQUIRE(answer.has_value());
      step = step.resume(*answer);
    }
    return step;
  }
  // A started test verification, as the session then holds it.
  verify::Current started(const std::string& number = "+31 6 12345678") {
    const verify::Step step = run(verify::start_call(deps, caller, number, {"", false, kBrowser}));
    BOOST_TEST_REQUIRE((step.outcome().kind == OutcomeKind::CallPlaced));
    return {step.outcome().verify_id, false, kBrowser, step.outcome().called_at};
  }
  verify::Outcome check(const verify::Current& current, const std::string& code) {
    return run(verify::check_code(deps, caller, current.verify_id, code, current)).outcome();
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(test_numbers_tests, Fixture)

BOOST_AUTO_TEST_CASE(a_test_number_verifies_with_its_code_and_no_other) {
  const verify::Current current = started();
  BOOST_TEST(util::is_verify_id(current.verify_id));
  const verify::Outcome wrong = check(current, "654321");  // another test number's code
  BOOST_TEST((wrong.kind == OutcomeKind::WrongCode));
  BOOST_TEST(wrong.tries_left == 2);
  const verify::Outcome right = check(current, kCode);
  BOOST_TEST((right.kind == OutcomeKind::Verified));
  BOOST_TEST(right.phone_number == "+" + kTestDigits);
  // Once verified, the code is spent (the flow's own mark refuses first).
  BOOST_TEST((check(current, kCode).kind == OutcomeKind::NoTriesLeft));
  const auto again = numbers.answer({Call::Check, {}, current.verify_id, kCode, {}});
  BOOST_TEST_REQUIRE(again.has_value());
  BOOST_TEST((again->error == VerifyError::AlreadyProcessed));
}

BOOST_AUTO_TEST_CASE(wrong_codes_spend_the_attempts_and_end_the_verification) {
  const verify::Current current = started();
  BOOST_TEST(check(current, "000000").tries_left == 2);
  BOOST_TEST(check(current, "000000").tries_left == 1);
  // The last try: the flow cancels the verification, which test numbers answer too.
  BOOST_TEST((check(current, "000000").kind == OutcomeKind::NoTriesLeft));
  BOOST_TEST((check(current, kCode).kind == OutcomeKind::NoTriesLeft));
  BOOST_TEST(!store->get("test-call:" + current.verify_id).value.has_value());
}

BOOST_AUTO_TEST_CASE(after_code_timeout_the_code_has_expired) {
  const verify::Current current = started();
  *now += std::chrono::seconds(301);
  BOOST_TEST((check(current, kCode).kind == OutcomeKind::Expired));
}

BOOST_AUTO_TEST_CASE(a_cancelled_verification_is_not_found) {
  const verify::Current current = started();
  BOOST_TEST((run(verify::other_number(deps, caller, current.verify_id, current)).outcome().kind ==
              OutcomeKind::Cancelled));
  const auto checked = numbers.answer({Call::Check, {}, current.verify_id, kCode, {}});
  BOOST_TEST_REQUIRE(checked.has_value());
  BOOST_TEST((checked->error == VerifyError::NotFound));
}

BOOST_AUTO_TEST_CASE(call_again_makes_a_new_verification_and_cancels_the_old) {
  verify::Current current = started();
  current.called_at -= 61;
  const verify::Step again = run(verify::call_again(deps, caller, current.verify_id, current));
  BOOST_TEST_REQUIRE((again.outcome().kind == OutcomeKind::CallPlaced));
  BOOST_TEST(again.outcome().verify_id != current.verify_id);
  BOOST_TEST(!store->get("test-call:" + current.verify_id).value.has_value());
  const verify::Current renewed{again.outcome().verify_id, false, kBrowser, 0};
  BOOST_TEST((check(renewed, kCode).kind == OutcomeKind::Verified));
}

BOOST_AUTO_TEST_CASE(every_other_call_is_for_messagebird) {
  BOOST_TEST(!numbers.answer({Call::Create, "31612345679", {}, {}, {}}).has_value());
  BOOST_TEST(!numbers.answer({Call::Check, {}, kRealId, kCode, {}}).has_value());
  BOOST_TEST(!numbers.answer({Call::Cancel, {}, kRealId, {}, {}}).has_value());
  BOOST_TEST(!numbers.answer({Call::Check, {}, "not an id", kCode, {}}).has_value());
  // No test numbers: nothing is theirs, whatever is asked.
  verify::TestNumbers none{*store, {{}, std::chrono::seconds(300), ""}};
  BOOST_TEST(none.empty());
  BOOST_TEST(!none.answer({Call::Create, kTestDigits, {}, {}, {}}).has_value());
  // An id made under another key secret is not theirs either.
  verify::TestNumbers other{*store, {{{kTestDigits, kCode}}, std::chrono::seconds(300), "other"}};
  const verify::Current current = started();
  BOOST_TEST(!other.answer({Call::Check, {}, current.verify_id, kCode, {}}).has_value());
}

BOOST_AUTO_TEST_CASE(the_store_holds_the_number_sealed_and_the_fraud_guard_counts_nothing) {
  const verify::Current current = started();
  const auto kept = store->get("test-call:" + current.verify_id);
  BOOST_TEST_REQUIRE(kept.value.has_value());
  BOOST_TEST(kept.value->find("612345678") == std::string::npos);
  BOOST_TEST(!store->get("fraud:call:" + current.verify_id).value.has_value());
  BOOST_TEST(numbers.masked_list() == "+31*******78,+31*******21");
  // The record opens under its own key only: copied to another verification, it is not found.
  const verify::Current forged = started();
  store->put("test-call:" + forged.verify_id, *kept.value, std::chrono::seconds(60));
  const auto opened = numbers.answer({Call::Check, {}, forged.verify_id, kCode, {}});
  BOOST_TEST_REQUIRE(opened.has_value());
  BOOST_TEST((opened->error == VerifyError::NotFound));
}

BOOST_AUTO_TEST_CASE(a_store_that_fails_is_unavailable) {
  auto broken = store::make_memory_store(0);
  verify::TestNumbers failing{
      *broken, {{{kTestDigits, kCode}}, std::chrono::seconds(300), "flow-fixture-key-secret"}};
  const auto created = failing.answer({Call::Create, kTestDigits, {}, {}, {}});
  BOOST_TEST_REQUIRE(created.has_value());
  BOOST_TEST((created->error == VerifyError::Unavailable));
}

BOOST_AUTO_TEST_SUITE_END()
