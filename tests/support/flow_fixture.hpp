// What the flow needs to run in a unit test: an in-memory store, the shipped limits with the
// resend interval off (tests start calls back to back), three code tries, a per-IP window wide
// enough for a suite's starts, and the shipped phone policy; the code page's records, a call voice
// with no languages (the client's LANGUAGE and VERIFY_TEMPLATE), and an admission that always
// gives a place (the runner's bound and breaker are runner_tests'). Suites derive from it and add
// what they drive the flow with.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "guard/call_records.hpp"
#include "guard/fraud_guard.hpp"
#include "guard/limits.hpp"
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

}  // namespace voiceverify::testing
