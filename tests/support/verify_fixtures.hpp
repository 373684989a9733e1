// What the MessageBird client's test files share: the recorded answers in tests/fixtures, a
// canned HttpResponse, the settings the client is tested with, the client's and the transport's
// asynchronous calls waited for on the test's thread, and printing of the client's enums in
// Boost.Test failure messages.
#pragma once

#include "shipped_settings.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>

#include "messagebird/transport.hpp"
#include "messagebird/verify_client.hpp"
#include "messagebird/verify_response.hpp"

namespace voiceverify::messagebird {
// Lets Boost print the enums in failure messages.
inline std::ostream& operator<<(std::ostream& out, VerifyError error) {
  return out << verify_error_name(error);
}
inline std::ostream& operator<<(std::ostream& out, TransportError error) {
  return out << static_cast<int>(error);
}
}  // namespace voiceverify::messagebird

namespace voiceverify::testing::verify {

// The id the recorded create answers carry (tests/fixtures/create_201.json).
inline const std::string kId = "4e213b01155d1e35a9d9571v00162985";

// The recorded body tests/fixtures/<name>; "" for an empty body.
inline std::string fixture(const std::string& name) {
  if (name.empty()) return {};
  const std::string path = std::string(VV_SOURCE_DIR) + "/tests/fixtures/" + name;
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in.good(), "missing fixture " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline messagebird::HttpResponse answer(long status, const std::string& body) {
  messagebird::HttpResponse response;
  response.status = status;
  response.body = body;
  return response;
}

// The settings these tests were written against (the shipped defaults, maxAttempts not sent).
inline messagebird::VerifySettings test_settings() {
  messagebird::VerifySettings settings = voiceverify::testing::test_verify_settings(
      "https://rest.example.test", "live_Secret0Key1ForTests");
  settings.user_agent = "voiceverify/0.1 MessageBird/ApiClient/Cpp";
  return settings;
}

// Starts an asynchronous call, `start(done)`, and waits on this thread for the one answer it
// gives `done` (from the transport's thread, or at once). Never from a transport's event thread.
template <typename Answer, typename Start>
Answer awaited(Start start) {
  // Shared with the handler: the promise outlives set_value even once get() has returned.
  auto promised = std::make_shared<std::promise<Answer>>();
  std::future<Answer> answer = promised->get_future();
  start([promised](Answer given) { promised->set_value(std::move(given)); });
  return answer.get();
}

// One request through Transport::submit, the transport's only way in.
inline messagebird::HttpResponse exchange(messagebird::Transport& transport,
                                          messagebird::HttpRequest request) {
  return awaited<messagebird::HttpResponse>(
      [&](messagebird::ResponseHandler done) { transport.submit(std::move(request), done); });
}

// The client's requests as production makes them, through VerifyClient::start (within the
// transport's total timeout), and its look-up.
inline messagebird::VerifyResult call(messagebird::VerifyClient& client, messagebird::Call which,
                                      const std::string& subject, const std::string& code = "",
                                      const messagebird::Speech& speech = {}) {
  return awaited<messagebird::VerifyResult>([&](messagebird::VerifyClient::Done done) {
    client.start(which, subject, code, speech, std::chrono::milliseconds(0), std::move(done));
  });
}
inline messagebird::VerifyResult create_call(messagebird::VerifyClient& client,
                                             const std::string& recipient,
                                             const messagebird::Speech& speech = {}) {
  return call(client, messagebird::Call::Create, recipient, "", speech);
}
inline messagebird::VerifyResult check_code(messagebird::VerifyClient& client,
                                            const std::string& id, const std::string& code) {
  return call(client, messagebird::Call::Check, id, code);
}
inline messagebird::VerifyResult cancel(messagebird::VerifyClient& client, const std::string& id) {
  return call(client, messagebird::Call::Cancel, id);
}
inline messagebird::VerifyResult look_up(messagebird::VerifyClient& client, const std::string& id) {
  return awaited<messagebird::VerifyResult>(
      [&](messagebird::VerifyClient::Done done) { client.look_up(id, std::move(done)); });
}

}  // namespace voiceverify::testing::verify
