// What the MessageBird client's test files share: the recorded answers in tests/fixtures, a
// canned HttpResponse, the settings the client is tested with, and printing of the client's
// enums in Boost.Test failure messages.
#pragma once

#include "shipped_settings.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

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

}  // namespace voiceverify::testing::verify
