// What the flow needs to run in a unit test: an in-memory store, the shipped limits with the
// resend interval off (tests start calls back to back), three code tries, a per-IP window wide
// enough for a suite's starts, and the shipped phone policy; the code page's records, a call voice
// with no languages (the client's LANGUAGE and VERIFY_TEMPLATE), and an admission that always
// gives a place (the runner's bound and breaker are runner_tests'). Suites derive from it and add
// what they drive the flow with.
#pragma once

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "guard/call_records.hpp"
#include "guard/fraud_guard.hpp"
#include "guard/limits.hpp"
#include "messagebird/verify_response.hpp"
#include "shipped_settings.hpp"
#include "store/store.hpp"
#include "verify/flow.hpp"

namespace voiceverify::testing {

// Always a place upstream, MessageBird never known down.
struct OpenAdmission : verify::Admission {
  std::optional<Ticket> admit() override { return Ticket(); }
  bool upstream_down() const override { return false; }
};

struct FlowFixture {
  std::unique_ptr<store::Store> store = store::make_memory_store();
  guard::LimitSettings limits = [] {
    guard::LimitSettings s = shipped_limit_settings();
    s.sizes[guard::LimitWindow::Resend] = 0;
    s.sizes[guard::LimitWindow::Attempts] = 3;
    s.sizes[guard::LimitWindow::ClientHour] = 1000;
    s.sizes[guard::LimitWindow::NetHour] = 1000;
    s.key_secret = "flow-fixture-key-secret";
    return s;
  }();
  guard::Limiter limiter{*store, limits};
  forms::PhonePolicy policy = shipped_phone_policy();
  guard::FraudGuard fraud_guard{*store, shipped_fraud_settings("flow-fixture-key-secret")};
  guard::CallRecords call_records{*store, "flow-fixture-key-secret"};
  verify::CallVoice call_voice;
  OpenAdmission admission;
  verify::FlowDeps deps{policy,     limiter,      fraud_guard, {std::chrono::seconds(300), 6},
                        call_voice, call_records, admission};
  verify::Caller caller{"0123456789abcdef", "192.0.2.7", ""};
};

// MessageBird's answer to a step's upstream call: `error`, and the verification's id if any.
inline messagebird::VerifyResult answered(messagebird::VerifyError error, std::string id = {}) {
  messagebird::VerifyResult result;
  result.error = error;
  result.id = std::move(id);
  return result;
}

// Drives a step that must first create a verification for +31 6 12345678 that MessageBird
// names `created`, then, the call placed, cancel the verification `cancelled` upstream; returns
// the finished step.
inline verify::Step create_then_cancel(verify::Step step, const std::string& cancelled,
                                       const std::string& created) {
  using messagebird::Call;
  using messagebird::VerifyError;
  BOOST_TEST_REQUIRE(!step.finished());
  BOOST_TEST((step.upstream().op == Call::Create));
  BOOST_TEST(step.upstream().recipient == "31612345678");
  step = step.resume(answered(VerifyError::None, created));
  BOOST_TEST_REQUIRE(!step.finished());
  BOOST_TEST((step.upstream().op == Call::Cancel));
  BOOST_TEST(step.upstream().verify_id == cancelled);
  step = step.resume(answered(VerifyError::None));
  BOOST_TEST_REQUIRE(step.finished());
  BOOST_TEST((step.outcome().kind == verify::OutcomeKind::CallPlaced));
  BOOST_TEST(step.outcome().verify_id == created);
  BOOST_TEST(step.outcome().masked_number == "+31 * ******78");
  return step;
}

}  // namespace voiceverify::testing
