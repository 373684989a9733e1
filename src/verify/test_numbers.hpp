// Test numbers (docs/operations.md, "Test numbers"): numbers the operator lists in TEST_NUMBERS,
// each with the one code it accepts, for app-store reviewers and applications' automated tests.
// They are never called. The runner (runner.hpp) asks answer() before each upstream call; for the
// create of a test number, or a check or cancel of a verification one made, this answers in
// MessageBird's place, as MessageBird would (a code of the wrong value is WrongCode, after
// CODE_TIMEOUT Expired, once verified AlreadyProcessed, once cancelled NotFound), and no request
// leaves the pool. The flow above sees an ordinary answer, so every limit, state and page, the
// API and OpenID Connect treat a test number like any other. Every other call goes to MessageBird.
//
// A test verification is a record in the Store, `test-call:<verify id>`: the number and its state,
// sealed (util/seal.hpp), never in clear. Its id has MessageBird's shape (util/verify_id.hpp): 20
// random hex digits and 12 of a keyed tag of them, so a check of a real verification is told
// apart without asking the store. Each answer is counted (util::Metrics::test_number_use) and
// logged with the number masked. Thread-safe (the Store is).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "messagebird/verify_response.hpp"
#include "store/store.hpp"
#include "verify/step.hpp"

namespace voiceverify::verify {

// No defaults here: app::test_number_settings (src/app/settings.cpp) fills them.
struct TestNumberSettings {
  std::map<std::string, std::string, std::less<>> codes;  // E.164 digits -> its code; may be empty
  std::chrono::seconds code_timeout;                      // CODE_TIMEOUT: then Expired
  std::string key_secret;                                 // app::store_secret: STORE_KEY
};

class TestNumbers {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  // Keeps a reference to `store`. Throws std::invalid_argument for an empty key_secret while
  // codes are set (a wiring bug). `clock` replaces system_clock::now for tests.
  TestNumbers(store::Store& store, TestNumberSettings settings, WallClock clock = {});

  bool empty() const { return settings_.codes.empty(); }
  // True when `digits` (E.164, no '+') is a test number.
  bool holds(std::string_view digits) const;
  // The test numbers, masked as the log masks numbers, comma-separated: for the warnings.
  std::string masked_list() const;

  // MessageBird's answer to `call` when a test number's verification is its subject; nullopt
  // when the call is for MessageBird. A store that fails is Unavailable (the flow fails closed).
  std::optional<messagebird::VerifyResult> answer(const UpstreamCall& call);

 private:
  struct Record;
  bool made_here(std::string_view verify_id) const;
  messagebird::VerifyResult create(const std::string& digits);
  messagebird::VerifyResult check(const std::string& verify_id, const std::string& code);
  messagebird::VerifyResult cancel(const std::string& verify_id);
  std::optional<Record> read(const std::string& key, messagebird::VerifyResult& failed);
  store::StoreError write(const std::string& key, const Record& record);
  long now() const;

  store::Store& store_;
  TestNumberSettings settings_;
  WallClock clock_;
  std::string id_key_;    // the ids' tag key
  std::string seal_key_;  // the records' sealing key
};

}  // namespace voiceverify::verify
