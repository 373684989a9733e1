// The Verify client against recorded answers (tests/fixtures), one case per documented answer
// (docs/messagebird-verify.md, "Errors" and the sections per call), and the curl transport
// against a real loopback server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>
#include <json/json.h>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "messagebird/curl_transport.hpp"
#include "messagebird/verify_client.hpp"
#include "shipped_settings.hpp"

namespace mb = voiceverify::messagebird;
namespace bdata = boost::unit_test::data;
using mb::Call;
using mb::VerifyError;

namespace voiceverify::messagebird {
// Lets Boost print the enums in failure messages.
std::ostream& operator<<(std::ostream& out, VerifyError error) {
  return out << verify_error_name(error);
}
std::ostream& operator<<(std::ostream& out, TransportError error) {
  return out << static_cast<int>(error);
}
}  // namespace voiceverify::messagebird

namespace {

const std::string kId = "4e213b01155d1e35a9d9571v00162985";

std::string fixture(const std::string& name) {
  if (name.empty()) return {};
  const std::string path = std::string(VV_SOURCE_DIR) + "/tests/fixtures/" + name;
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in.good(), "missing fixture " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

mb::HttpResponse answer(long status, const std::string& body) {
  mb::HttpResponse response;
  response.status = status;
  response.body = body;
  return response;
}

// Records every request and replays one prepared answer.
class FakeTransport final : public mb::Transport {
 public:
  mb::HttpResponse next = answer(500, "");
  std::vector<mb::HttpRequest> requests;
  mb::HttpResponse perform(const mb::HttpRequest& request) override {
    requests.push_back(request);
    return next;
  }
};

mb::VerifySettings test_settings() {
  mb::VerifySettings settings = voiceverify::testing::test_verify_settings(
      "https://rest.example.test", "live_Secret0Key1ForTests");
  settings.user_agent = "voiceverify/0.1 MessageBird/ApiClient/Cpp";
  return settings;
}

// ---------------------------------------------------------- the documented answers, row by row

struct ContractCase {
  const char* name;
  Call call;
  long status;
  const char* fixture;  // file in tests/fixtures; "" for an empty body
  VerifyError expected;
  const char* detail;  // must appear in result.detail; "" to skip
};

std::ostream& operator<<(std::ostream& out, const ContractCase& c) {
  return out << c.name;
}

const std::vector<ContractCase> kContractCases = {
    // POST /verify success: 201, also 200/202 as the other official clients accept.
    {"create 201 sent", Call::Create, 201, "create_201.json", VerifyError::None, ""},
    {"create 200 sent", Call::Create, 200, "create_201.json", VerifyError::None, ""},
    {"create 202 sent", Call::Create, 202, "create_201.json", VerifyError::None, ""},
    {"create newer keys ignored", Call::Create, 201, "create_201_newer.json", VerifyError::None,
     ""},
    {"create 201 status failed", Call::Create, 201, "create_201_failed_status.json",
     VerifyError::Unavailable, "failed"},
    {"create without id", Call::Create, 201, "create_no_id.json", VerifyError::Unavailable, "id"},
    {"create id not of the id shape", Call::Create, 201, "create_bad_id.json",
     VerifyError::Unavailable, "id"},
    {"create id is a number", Call::Create, 201, "create_id_number.json", VerifyError::Unavailable,
     "id"},
    {"create without status", Call::Create, 201, "create_no_status.json", VerifyError::Unavailable,
     "status"},
    {"create 204", Call::Create, 204, "create_201.json", VerifyError::Unavailable, ""},
    {"create empty body", Call::Create, 201, "", VerifyError::Unavailable, ""},
    {"create truncated", Call::Create, 201, "truncated.json", VerifyError::Unavailable, ""},
    {"create trailing garbage", Call::Create, 201, "trailing_garbage.json",
     VerifyError::Unavailable, ""},
    {"create array root", Call::Create, 201, "array_root.json", VerifyError::Unavailable, ""},
    {"create string root", Call::Create, 201, "string_root.json", VerifyError::Unavailable, ""},
    {"create empty object", Call::Create, 201, "empty_object.json", VerifyError::Unavailable, ""},
    // Errors table.
    {"create 401", Call::Create, 401, "error_401.json", VerifyError::Unauthorized,
     "incorrect access_key"},
    {"create 401 html", Call::Create, 401, "html_404.html", VerifyError::Unauthorized, ""},
    {"create recipient invalid", Call::Create, 422, "error_422_recipient.json",
     VerifyError::InvalidRecipient, "recipient is invalid"},
    {"create recipient missing", Call::Create, 422, "error_422_recipient_missing.json",
     VerifyError::InvalidRecipient, "recipient is required"},
    {"create no balance 422", Call::Create, 422, "error_25_balance.json", VerifyError::NoBalance,
     "Not enough balance"},
    {"create no balance 402", Call::Create, 402, "error_25_balance.json", VerifyError::NoBalance,
     ""},
    {"create first known error decides", Call::Create, 422, "multiple_errors.json",
     VerifyError::InvalidRecipient, "recipient is invalid"},
    {"create first of two known decides", Call::Create, 422, "multiple_errors_balance_first.json",
     VerifyError::NoBalance, ""},
    {"create unknown code", Call::Create, 400, "error_21_bad_request.json", VerifyError::Rejected,
     "Bad request"},
    {"create token error is not ours", Call::Create, 422, "token_invalid.json",
     VerifyError::Rejected, ""},
    {"create internal error code", Call::Create, 422, "error_99_internal.json",
     VerifyError::Unavailable, ""},
    {"create 500 html", Call::Create, 500, "html_500.html", VerifyError::Unavailable, "HTTP 500"},
    {"create 503 empty", Call::Create, 503, "", VerifyError::Unavailable, "HTTP 503"},
    {"create 500 json", Call::Create, 500, "error_500_json.json", VerifyError::Unavailable,
     "Internal error"},
    {"create 500 with a 2xx body", Call::Create, 500, "create_201.json", VerifyError::Unavailable,
     ""},
    {"create errors not an array", Call::Create, 422, "wrong_shape.json", VerifyError::Unavailable,
     "shape"},
    {"create code is a string", Call::Create, 422, "wrong_shape_types.json",
     VerifyError::Unavailable, "shape"},
    {"create description is an array", Call::Create, 422, "wrong_shape_description.json",
     VerifyError::Unavailable, "shape"},
    {"create 422 html", Call::Create, 422, "html_500.html", VerifyError::Unavailable, ""},
    {"create 4xx without errors", Call::Create, 422, "empty_object.json", VerifyError::Unavailable,
     ""},
    {"create redirect", Call::Create, 302, "", VerifyError::Unavailable, ""},
    // GET /verify/{id}?token= table.
    {"check verified", Call::Check, 200, "verified_200.json", VerifyError::None, ""},
    {"check still sent", Call::Check, 200, "sent_200.json", VerifyError::WrongCode, "sent"},
    {"check status expired", Call::Check, 200, "expired_200.json", VerifyError::Expired, ""},
    {"check status failed", Call::Check, 200, "failed_200.json", VerifyError::AlreadyProcessed, ""},
    {"check status deleted", Call::Check, 200, "deleted_200.json", VerifyError::NotFound, ""},
    {"check status is a number", Call::Check, 200, "verified_status_number.json",
     VerifyError::Unavailable, "status"},
    {"check id is a number", Call::Check, 200, "create_id_number.json", VerifyError::Unavailable,
     "id"},
    {"check verified with 201", Call::Check, 201, "verified_200.json", VerifyError::Unavailable,
     ""},
    {"check wrong code", Call::Check, 422, "token_invalid.json", VerifyError::WrongCode,
     "The token is invalid."},
    {"check expired", Call::Check, 422, "token_expired.json", VerifyError::Expired,
     "The token has expired."},
    {"check already processed", Call::Check, 422, "token_processed.json",
     VerifyError::AlreadyProcessed, "already been processed"},
    {"check code length", Call::Check, 422, "token_length.json", VerifyError::WrongCode,
     "Token should"},
    {"check unknown token description", Call::Check, 422, "token_unknown.json",
     VerifyError::Rejected, "holiday"},
    {"check recipient error is not ours", Call::Check, 422, "error_422_recipient.json",
     VerifyError::Rejected, ""},
    {"check not found", Call::Check, 404, "not_found_404.json", VerifyError::NotFound,
     "could not be found"},
    {"check 404 html", Call::Check, 404, "html_404.html", VerifyError::Unavailable, ""},
    {"check 401", Call::Check, 401, "error_401.json", VerifyError::Unauthorized, ""},
    {"check 500 html", Call::Check, 500, "html_500.html", VerifyError::Unavailable, ""},
    {"check truncated", Call::Check, 200, "truncated.json", VerifyError::Unavailable, ""},
    {"check errors not an array", Call::Check, 422, "wrong_shape.json", VerifyError::Unavailable,
     ""},
    // DELETE /verify/{id}.
    {"cancel 204", Call::Cancel, 204, "", VerifyError::None, ""},
    {"cancel 204 body ignored", Call::Cancel, 204, "html_500.html", VerifyError::None, ""},
    {"cancel not found", Call::Cancel, 404, "not_found_404.json", VerifyError::NotFound, ""},
    {"cancel 401", Call::Cancel, 401, "error_401.json", VerifyError::Unauthorized, ""},
    {"cancel 500", Call::Cancel, 500, "html_500.html", VerifyError::Unavailable, ""},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(verify_client_tests)

BOOST_DATA_TEST_CASE(interpret_follows_the_contract, bdata::make(kContractCases), c) {
  const mb::VerifyResult result = mb::interpret(c.call, answer(c.status, fixture(c.fixture)));
  BOOST_TEST(result.error == c.expected);
  BOOST_TEST(result.http_status == c.status);
  BOOST_TEST(result.detail.find(c.detail) != std::string::npos,
             "detail '" << result.detail << "' lacks '" << c.detail << "'");
}

BOOST_AUTO_TEST_CASE(create_success_carries_id_and_status) {
  const auto result = mb::interpret(Call::Create, answer(201, fixture("create_201.json")));
  BOOST_TEST(result.error == VerifyError::None);
  BOOST_TEST(result.id == kId);
  BOOST_TEST(result.status == "sent");
}

BOOST_AUTO_TEST_CASE(transport_errors_are_unavailable_whatever_the_body) {
  for (auto error : {mb::TransportError::ConnectFailed, mb::TransportError::Timeout,
                     mb::TransportError::TooLarge, mb::TransportError::Other}) {
    BOOST_TEST_CONTEXT("transport error " << error) {
      mb::HttpResponse response = answer(201, fixture("create_201.json"));
      response.error = error;
      response.detail = "curl says no";
      const auto result = mb::interpret(Call::Create, response);
      BOOST_TEST(result.error == VerifyError::Unavailable);
      BOOST_TEST(result.id.empty());
      BOOST_TEST(result.detail.find("curl says no") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_unavailable_not_a_crash) {
  const std::string deep(100000, '[');
  BOOST_TEST(mb::interpret(Call::Create, answer(201, deep)).error == VerifyError::Unavailable);
  const std::string nested = "{\"errors\":" + std::string(40, '[') + std::string(40, ']') + "}";
  BOOST_TEST(mb::interpret(Call::Check, answer(422, nested)).error == VerifyError::Unavailable);
}

BOOST_AUTO_TEST_CASE(detail_is_one_short_line) {
  const std::string description = "line one\r\nline two" + std::string(1000, 'x');
  Json::Value body;
  body["errors"][0]["code"] = 21;
  body["errors"][0]["description"] = description;
  const auto result = mb::interpret(
      Call::Create, answer(400, Json::writeString(Json::StreamWriterBuilder(), body)));
  BOOST_TEST(result.error == VerifyError::Rejected);
  BOOST_TEST(result.detail.find_first_of("\r\n") == std::string::npos);
  BOOST_TEST(result.detail.size() <= 200u);
}

// Every prefix of every recorded answer, for every call and a few statuses: never a throw, and a
// cut-off JSON object is never taken for success.
BOOST_AUTO_TEST_CASE(every_prefix_of_every_fixture_is_handled) {
  const std::filesystem::path dir = std::filesystem::path(VV_SOURCE_DIR) / "tests" / "fixtures";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string body = fixture(entry.path().filename().string());
    ++files;
    for (std::size_t length = 0; length < body.size(); ++length) {
      const std::string prefix = body.substr(0, length);
      for (Call call : {Call::Create, Call::Check, Call::Cancel}) {
        for (long status : {200L, 201L, 422L}) {
          mb::VerifyResult result;
          BOOST_REQUIRE_NO_THROW(result = mb::interpret(call, answer(status, prefix)));
          const std::size_t last = prefix.find_last_not_of(" \t\r\n");
          if (last == std::string::npos || prefix[last] != '}') {
            BOOST_REQUIRE_MESSAGE(result.error != VerifyError::None, entry.path().filename()
                                                                         << " cut at " << length);
          }
        }
      }
    }
  }
  BOOST_TEST(files >= 20);
}

BOOST_AUTO_TEST_CASE(error_names_are_distinct) {
  const VerifyError all[] = {VerifyError::None,
                             VerifyError::InvalidRecipient,
                             VerifyError::Unauthorized,
                             VerifyError::NoBalance,
                             VerifyError::WrongCode,
                             VerifyError::Expired,
                             VerifyError::AlreadyProcessed,
                             VerifyError::NotFound,
                             VerifyError::Rejected,
                             VerifyError::Unavailable};
  std::vector<std::string> names;
  for (VerifyError error : all) {
    const std::string name = mb::verify_error_name(error);
    BOOST_TEST(!name.empty());
    BOOST_TEST((std::find(names.begin(), names.end(), name) == names.end()));
    names.push_back(name);
  }
}

// ---------------------------------------------------------------- what goes on the wire

BOOST_AUTO_TEST_CASE(create_sends_the_documented_request) {
  const mb::VerifySettings settings = test_settings();
  FakeTransport transport;
  transport.next = answer(201, fixture("create_201.json"));
  mb::VerifyClient client(settings, transport);

  const auto result = client.create_call("31612345678");
  BOOST_TEST(result.error == VerifyError::None);
  BOOST_TEST(result.id == kId);
  BOOST_REQUIRE(transport.requests.size() == 1u);
  const mb::HttpRequest& request = transport.requests.front();
  BOOST_TEST(request.method == "POST");
  BOOST_TEST(request.url == "https://rest.example.test/verify");
  const std::vector<std::string> headers = {
      "Authorization: AccessKey live_Secret0Key1ForTests",
      "Accept: application/json",
      "Content-Type: application/json",
      "User-Agent: voiceverify/0.1 MessageBird/ApiClient/Cpp",
  };
  BOOST_TEST(request.headers == headers, boost::test_tools::per_element());
  // Compact JSON, keys in jsoncpp's order; recipient as a string of digits like the guide.
  BOOST_TEST(request.body ==
             R"({"recipient":"31612345678","template":"Your security code is %token.",)"
             R"("timeout":300,"tokenLength":6,"type":"tts"})");
}

BOOST_AUTO_TEST_CASE(create_sends_optional_fields_only_when_set) {
  mb::VerifySettings settings = test_settings();
  settings.originator = "VoiceVerify";
  settings.voice = "female";
  settings.language = "nl-nl";
  settings.template_text = "Uw code is %token. Dank u, één keer";
  settings.token_length = 8;
  settings.timeout = std::chrono::seconds(600);
  settings.max_attempts = 3;
  FakeTransport transport;
  transport.next = answer(201, fixture("create_201.json"));
  mb::VerifyClient client(settings, transport);
  client.create_call("4915112345678");

  BOOST_REQUIRE(transport.requests.size() == 1u);
  const std::string& body = transport.requests.front().body;
  BOOST_TEST(body.find('\n') == std::string::npos);
  BOOST_TEST(body.find("één") != std::string::npos);  // emitUTF8: raw UTF-8, not \u escapes
  Json::Value json;
  std::istringstream in(body);
  BOOST_REQUIRE(Json::parseFromStream(Json::CharReaderBuilder(), in, &json, nullptr));
  BOOST_TEST(json.size() == 9u);
  BOOST_TEST(json["recipient"].asString() == "4915112345678");
  BOOST_TEST(json["type"].asString() == "tts");
  BOOST_TEST(json["template"].asString() == settings.template_text);
  BOOST_TEST(json["tokenLength"].asInt() == 8);
  BOOST_TEST(json["timeout"].asInt() == 600);
  BOOST_TEST(json["originator"].asString() == "VoiceVerify");
  BOOST_TEST(json["voice"].asString() == "female");
  BOOST_TEST(json["language"].asString() == "nl-nl");
  BOOST_TEST(json["maxAttempts"].isInt());
  BOOST_TEST(json["maxAttempts"].asInt() == 3);
}

BOOST_AUTO_TEST_CASE(max_attempts_of_one_is_not_sent) {
  mb::VerifySettings settings = test_settings();
  for (int attempts : {0, 1}) {
    settings.max_attempts = attempts;
    FakeTransport transport;
    transport.next = answer(201, fixture("create_201.json"));
    mb::VerifyClient client(settings, transport);
    client.create_call("31612345678");
    BOOST_REQUIRE(transport.requests.size() == 1u);
    BOOST_TEST(transport.requests.front().body.find("maxAttempts") == std::string::npos);
  }
  settings.max_attempts = 2;
  FakeTransport transport;
  transport.next = answer(201, fixture("create_201.json"));
  mb::VerifyClient client(settings, transport);
  client.create_call("31612345678");
  BOOST_TEST(transport.requests.front().body.find(R"("maxAttempts":2)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(check_sends_a_get_with_the_token) {
  const mb::VerifySettings settings = test_settings();
  FakeTransport transport;
  transport.next = answer(200, fixture("verified_200.json"));
  mb::VerifyClient client(settings, transport);

  const auto result = client.check_code(kId, "123456");
  BOOST_TEST(result.error == VerifyError::None);
  BOOST_TEST(result.status == "verified");
  BOOST_REQUIRE(transport.requests.size() == 1u);
  const mb::HttpRequest& request = transport.requests.front();
  BOOST_TEST(request.method == "GET");
  BOOST_TEST(request.url == "https://rest.example.test/verify/" + kId + "?token=123456");
  BOOST_TEST(request.body.empty());
  const std::vector<std::string> headers = {
      "Authorization: AccessKey live_Secret0Key1ForTests",
      "Accept: application/json",
      "User-Agent: voiceverify/0.1 MessageBird/ApiClient/Cpp",
  };
  BOOST_TEST(request.headers == headers, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(check_answer_about_another_id_does_not_verify) {
  const mb::VerifySettings settings = test_settings();
  FakeTransport transport;
  transport.next = answer(200, fixture("verified_other_id_200.json"));
  mb::VerifyClient client(settings, transport);
  BOOST_TEST(client.check_code(kId, "123456").error == VerifyError::Unavailable);
}

BOOST_AUTO_TEST_CASE(cancel_sends_a_delete) {
  const mb::VerifySettings settings = test_settings();
  FakeTransport transport;
  transport.next = answer(204, "");
  mb::VerifyClient client(settings, transport);

  BOOST_TEST(client.cancel(kId).error == VerifyError::None);
  BOOST_REQUIRE(transport.requests.size() == 1u);
  const mb::HttpRequest& request = transport.requests.front();
  BOOST_TEST(request.method == "DELETE");
  BOOST_TEST(request.url == "https://rest.example.test/verify/" + kId);
  BOOST_TEST(request.body.empty());
  BOOST_TEST(request.headers.size() == 3u);
}

const std::vector<std::string> kBadIds = {
    "",
    "4e213b01155d1e35a9d9571v0016298",    // 31
    "4e213b01155d1e35a9d9571v001629855",  // 33
    "4E213B01155D1E35A9D9571V00162985",   // upper case
    "../../../../balance?x=1#0000000000",
    "4e213b01155d1e35a9d9571v0016298/",
    "4e213b01155d1e35a9d9571v0016298%",
    "4e213b01155d1e35a9d9571v0016298 ",
    std::string("4e213b01155d1e35a9d9571v0016298\0", 32),
    "4e213b01155d1e35a9d9571v0016298\n",
};

BOOST_DATA_TEST_CASE(bad_ids_never_reach_the_transport, bdata::make(kBadIds), id) {
  const mb::VerifySettings settings = test_settings();
  FakeTransport transport;
  transport.next = answer(200, fixture("verified_200.json"));
  mb::VerifyClient client(settings, transport);
  BOOST_TEST(client.check_code(id, "123456").error == VerifyError::Rejected);
  BOOST_TEST(client.cancel(id).error == VerifyError::Rejected);
  BOOST_TEST(transport.requests.empty());
}

const std::vector<std::string> kBadCodes = {
    "",        "12345a",      "123 456",      "123456&x=1", "123456#", "-123456",
    "+123456", "12345678901", "１２３４５６", "123456\n",   "0x1234",
};

BOOST_DATA_TEST_CASE(bad_codes_never_reach_the_transport, bdata::make(kBadCodes), code) {
  const mb::VerifySettings settings = test_settings();
  FakeTransport transport;
  transport.next = answer(200, fixture("verified_200.json"));
  mb::VerifyClient client(settings, transport);
  BOOST_TEST(client.check_code(kId, code).error == VerifyError::Rejected);
  BOOST_TEST(transport.requests.empty());
}

BOOST_AUTO_TEST_CASE(bad_recipients_never_reach_the_transport) {
  const mb::VerifySettings settings = test_settings();
  FakeTransport transport;
  transport.next = answer(201, fixture("create_201.json"));
  mb::VerifyClient client(settings, transport);
  for (const std::string recipient :
       {"", "+31612345678", "3161234567a", "31 612345678", "3161234567812345", "31612345678\n"}) {
    BOOST_TEST_CONTEXT("recipient '" << recipient << "'") {
      BOOST_TEST(client.create_call(recipient).error == VerifyError::InvalidRecipient);
    }
  }
  BOOST_TEST(transport.requests.empty());
  BOOST_TEST(client.create_call("316123456781234").error == VerifyError::None);  // 15 digits
  BOOST_TEST(transport.requests.size() == 1u);
}

BOOST_AUTO_TEST_CASE(access_key_appears_only_in_the_authorization_header) {
  const mb::VerifySettings settings = test_settings();
  const std::string& key = settings.access_key;
  FakeTransport transport;
  mb::VerifyClient client(settings, transport);
  transport.next = answer(401, fixture("error_401.json"));
  const std::vector<mb::VerifyResult> results = {
      client.create_call("31612345678"), client.check_code(kId, "123456"), client.cancel(kId)};
  for (const auto& result : results) {
    BOOST_TEST(result.error == VerifyError::Unauthorized);
    BOOST_TEST(result.detail.find(key) == std::string::npos);
  }
  BOOST_REQUIRE(transport.requests.size() == 3u);
  for (const mb::HttpRequest& request : transport.requests) {
    BOOST_TEST(request.url.find(key) == std::string::npos);
    BOOST_TEST(request.body.find(key) == std::string::npos);
    int carrying = 0;
    for (const std::string& header : request.headers) {
      if (header.find(key) == std::string::npos) continue;
      ++carrying;
      BOOST_TEST(header == "Authorization: AccessKey " + key);
    }
    BOOST_TEST(carrying == 1);
  }
}

BOOST_AUTO_TEST_CASE(settings_with_line_breaks_never_reach_the_transport) {
  mb::VerifySettings settings = test_settings();
  settings.access_key = "live_key\r\nX-Injected: 1";
  FakeTransport transport;
  transport.next = answer(201, fixture("create_201.json"));
  mb::VerifyClient client(settings, transport);
  BOOST_TEST(client.create_call("31612345678").error == VerifyError::Unavailable);
  BOOST_TEST(client.check_code(kId, "123456").error == VerifyError::Unavailable);
  BOOST_TEST(client.cancel(kId).error == VerifyError::Unavailable);
  settings.access_key = "live_key";
  settings.user_agent = "agent\nX-Injected: 1";
  BOOST_TEST(client.create_call("31612345678").error == VerifyError::Unavailable);
  BOOST_TEST(transport.requests.empty());
}

// ---------------------------------------------------------------- curl against a loopback server

// A cpp-httplib server on 127.0.0.1 and a random port, serving from its own thread.
class LocalServer {
 public:
  explicit LocalServer(
      std::unique_ptr<httplib::Server> server = std::make_unique<httplib::Server>())
      : server_(std::move(server)) {}
  ~LocalServer() { stop(); }
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  httplib::Server& routes() { return *server_; }

  void start() {
    port_ = server_->bind_to_any_port("127.0.0.1");
    BOOST_REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    BOOST_REQUIRE(server_->is_running());
  }

  void stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }

  std::string url(const std::string& scheme, const std::string& path) const {
    return scheme + "://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string url(const std::string& path) const { return url("http", path); }

 private:
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

// What the server saw, written by its thread and read by the test after perform() returned.
struct Seen {
  std::mutex mutex;
  std::vector<std::string> methods;
  std::string body;
  std::string authorization, accept, content_type, user_agent, expect;
  int hits = 0;

  void record(const httplib::Request& request) {
    std::lock_guard lock(mutex);
    ++hits;
    methods.push_back(request.method);
    body = request.body;
    authorization = request.get_header_value("Authorization");
    accept = request.get_header_value("Accept");
    content_type = request.get_header_value("Content-Type");
    user_agent = request.get_header_value("User-Agent");
    expect = request.get_header_value("Expect");
  }
};

mb::CurlOptions fast_options() {
  mb::CurlOptions options{};
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.total_timeout = std::chrono::milliseconds(2000);
  options.max_response_bytes = 1024;
  return options;
}

// A port with nothing listening: bind one, read its number, close it.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  BOOST_REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  BOOST_REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

struct CurlFixture {
  mb::CurlGlobal curl_global;
};

BOOST_FIXTURE_TEST_CASE(curl_round_trips_status_body_and_headers, CurlFixture) {
  Seen seen;
  LocalServer server;
  server.routes().Post("/verify", [&](const httplib::Request& request, httplib::Response& out) {
    seen.record(request);
    out.status = 201;
    out.set_content(R"({"id":"x","status":"sent"})", "application/json");
  });
  server.start();

  mb::CurlTransport transport(fast_options());
  mb::HttpRequest request;
  request.method = "POST";
  request.url = server.url("/verify");
  request.headers = {"Authorization: AccessKey test_key", "Accept: application/json",
                     "Content-Type: application/json", "User-Agent: voiceverify-test/1"};
  // Over 1 KiB, where curl 7.88 would otherwise wait for "100 Continue".
  request.body = R"({"recipient":"31612345678","template":")" + std::string(1500, 'a') + "\"}";
  const mb::HttpResponse response = transport.perform(request);

  BOOST_TEST(response.error == mb::TransportError::None);
  BOOST_TEST(response.status == 201);
  BOOST_TEST(response.body == R"({"id":"x","status":"sent"})");
  BOOST_TEST(response.detail.empty());
  std::lock_guard lock(seen.mutex);
  BOOST_TEST(seen.methods == std::vector<std::string>{"POST"}, boost::test_tools::per_element());
  BOOST_TEST(seen.body == request.body);
  BOOST_TEST(seen.authorization == "AccessKey test_key");
  BOOST_TEST(seen.accept == "application/json");
  BOOST_TEST(seen.content_type == "application/json");
  BOOST_TEST(seen.user_agent == "voiceverify-test/1");
  BOOST_TEST(seen.expect.empty());
}

BOOST_FIXTURE_TEST_CASE(curl_reuses_its_handle_without_leaking_options, CurlFixture) {
  Seen seen;
  LocalServer server;
  const auto handler = [&](const httplib::Request& request, httplib::Response& out) {
    seen.record(request);
    out.status = request.method == "DELETE" ? 204 : 200;
    if (request.method != "DELETE") out.set_content("{}", "application/json");
  };
  server.routes().Get("/verify/abc", handler);
  server.routes().Delete("/verify/abc", handler);
  server.routes().Post("/verify", handler);
  server.start();

  mb::CurlTransport transport(fast_options());
  mb::HttpRequest post{"POST", server.url("/verify"), {"Content-Type: application/json"}, "{}"};
  mb::HttpRequest remove{"DELETE", server.url("/verify/abc"), {}, ""};
  mb::HttpRequest get{"GET", server.url("/verify/abc?token=123456"), {}, ""};
  BOOST_TEST(transport.perform(post).status == 200);
  BOOST_TEST(transport.perform(remove).status == 204);
  const mb::HttpResponse last = transport.perform(get);
  BOOST_TEST(last.status == 200);
  BOOST_TEST(last.body == "{}");
  std::lock_guard lock(seen.mutex);
  const std::vector<std::string> methods = {"POST", "DELETE", "GET"};
  BOOST_TEST(seen.methods == methods, boost::test_tools::per_element());
  BOOST_TEST(seen.body.empty());  // the POST body did not follow the GET
}

BOOST_FIXTURE_TEST_CASE(curl_times_out, CurlFixture) {
  std::atomic<bool> release{false};
  LocalServer server;
  server.routes().Get("/slow", [&](const httplib::Request&, httplib::Response& out) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!release && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    out.set_content("{}", "application/json");
  });
  server.start();

  mb::CurlOptions options = fast_options();
  options.total_timeout = std::chrono::milliseconds(200);
  mb::CurlTransport transport(options);
  const auto started = std::chrono::steady_clock::now();
  const mb::HttpResponse response = transport.perform({"GET", server.url("/slow"), {}, ""});
  const auto took = std::chrono::steady_clock::now() - started;
  release = true;

  BOOST_TEST(response.error == mb::TransportError::Timeout);
  BOOST_TEST(!response.detail.empty());
  BOOST_TEST(response.body.empty());
  BOOST_TEST(took >= std::chrono::milliseconds(150));
  BOOST_TEST(took < std::chrono::milliseconds(1500));
}

BOOST_FIXTURE_TEST_CASE(curl_reports_a_closed_port_as_connect_failed, CurlFixture) {
  mb::CurlTransport transport(fast_options());
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/verify";
  const mb::HttpResponse response = transport.perform({"GET", url, {}, ""});
  BOOST_TEST(response.error == mb::TransportError::ConnectFailed);
  BOOST_TEST(response.status == 0);
  BOOST_TEST(!response.detail.empty());
}

BOOST_FIXTURE_TEST_CASE(curl_caps_the_response_size, CurlFixture) {
  LocalServer server;
  const std::size_t cap = fast_options().max_response_bytes;
  server.routes().Get("/exact", [&](const httplib::Request&, httplib::Response& out) {
    out.set_content(std::string(cap, 'x'), "text/plain");
  });
  server.routes().Get("/big", [&](const httplib::Request&, httplib::Response& out) {
    out.set_content(std::string(cap + 1, 'x'), "text/plain");
  });
  // Chunked: no Content-Length, so only the write callback can stop it.
  server.routes().Get("/chunked", [&](const httplib::Request&, httplib::Response& out) {
    out.set_chunked_content_provider("text/plain", [](std::size_t, httplib::DataSink& sink) {
      const std::string chunk(512, 'y');
      for (int i = 0; i < 8; ++i) sink.write(chunk.data(), chunk.size());
      sink.done();
      return true;
    });
  });
  server.start();

  mb::CurlTransport transport(fast_options());
  const mb::HttpResponse exact = transport.perform({"GET", server.url("/exact"), {}, ""});
  BOOST_TEST(exact.error == mb::TransportError::None);
  BOOST_TEST(exact.body.size() == cap);
  const mb::HttpResponse big = transport.perform({"GET", server.url("/big"), {}, ""});
  BOOST_TEST(big.error == mb::TransportError::TooLarge);
  BOOST_TEST(big.body.empty());
  const mb::HttpResponse chunked = transport.perform({"GET", server.url("/chunked"), {}, ""});
  BOOST_TEST(chunked.error == mb::TransportError::TooLarge);
  BOOST_TEST(chunked.body.empty());
}

BOOST_FIXTURE_TEST_CASE(curl_does_not_follow_redirects, CurlFixture) {
  Seen seen;
  LocalServer server;
  server.routes().Get("/verify", [&](const httplib::Request&, httplib::Response& out) {
    out.set_redirect("/elsewhere", 302);
  });
  server.routes().Get("/elsewhere", [&](const httplib::Request& request, httplib::Response& out) {
    seen.record(request);
    out.set_content("{}", "application/json");
  });
  server.start();

  mb::CurlTransport transport(fast_options());
  const mb::HttpResponse response = transport.perform({"GET", server.url("/verify"), {}, ""});
  BOOST_TEST(response.error == mb::TransportError::None);
  BOOST_TEST(response.status == 302);
  std::lock_guard lock(seen.mutex);
  BOOST_TEST(seen.hits == 0);
}

BOOST_FIXTURE_TEST_CASE(curl_refuses_other_protocols, CurlFixture) {
  mb::CurlTransport transport(fast_options());
  for (const char* url : {"file:///etc/hostname", "ftp://127.0.0.1/", "gopher://127.0.0.1/"}) {
    BOOST_TEST_CONTEXT(url) {
      const mb::HttpResponse response = transport.perform({"GET", url, {}, ""});
      BOOST_TEST(response.error == mb::TransportError::Other);
      BOOST_TEST(response.body.empty());
      BOOST_TEST(!response.detail.empty());
    }
  }
}

// TLS verification stays on: a self-signed certificate (for the right address) is refused.
BOOST_FIXTURE_TEST_CASE(curl_verifies_tls_certificates, CurlFixture) {
  char dir_template[] = "/tmp/vv-mb-tls-XXXXXX";
  const char* dir = ::mkdtemp(dir_template);
  BOOST_REQUIRE(dir != nullptr);
  const std::string cert = std::string(dir) + "/cert.pem";
  const std::string key = std::string(dir) + "/key.pem";
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
      " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  BOOST_REQUIRE(std::system(command.c_str()) == 0);

  Seen seen;
  LocalServer server(std::make_unique<httplib::SSLServer>(cert.c_str(), key.c_str()));
  BOOST_REQUIRE(server.routes().is_valid());
  server.routes().Get("/verify", [&](const httplib::Request& request, httplib::Response& out) {
    seen.record(request);
    out.set_content("{}", "application/json");
  });
  server.start();

  mb::CurlTransport transport(fast_options());
  const mb::HttpResponse response =
      transport.perform({"GET", server.url("https", "/verify"), {}, ""});
  server.stop();
  std::filesystem::remove_all(dir);

  BOOST_TEST(response.error == mb::TransportError::Other);
  BOOST_TEST(response.status == 0);
  BOOST_TEST(response.detail.find("certificate") != std::string::npos, response.detail);
  std::lock_guard lock(seen.mutex);
  BOOST_TEST(seen.hits == 0);
}

// The client over the real transport, end to end on loopback.
BOOST_FIXTURE_TEST_CASE(client_over_curl_creates_and_checks, CurlFixture) {
  Seen seen;
  LocalServer server;
  const std::string created = fixture("create_201.json");
  const std::string invalid = fixture("token_invalid.json");
  server.routes().Post("/verify", [&](const httplib::Request& request, httplib::Response& out) {
    seen.record(request);
    out.status = 201;
    out.set_content(created, "application/json");
  });
  server.routes().Get("/verify/" + kId,
                      [&](const httplib::Request& request, httplib::Response& out) {
                        seen.record(request);
                        out.status = 422;
                        out.set_content(invalid, "application/json");
                      });
  server.start();

  mb::VerifySettings settings = test_settings();
  settings.endpoint = server.url("");
  mb::CurlTransport transport(fast_options());
  mb::VerifyClient client(settings, transport);
  const mb::VerifyResult call = client.create_call("31612345678");
  BOOST_TEST(call.error == VerifyError::None);
  BOOST_TEST(call.id == kId);
  {
    std::lock_guard lock(seen.mutex);
    BOOST_TEST(seen.authorization == "AccessKey " + settings.access_key);
    BOOST_TEST(seen.content_type == "application/json");
    Json::Value body;
    std::istringstream in(seen.body);
    BOOST_REQUIRE(Json::parseFromStream(Json::CharReaderBuilder(), in, &body, nullptr));
    BOOST_TEST(body["recipient"].asString() == "31612345678");
  }
  BOOST_TEST(client.check_code(call.id, "123456").error == VerifyError::WrongCode);
}

BOOST_AUTO_TEST_SUITE_END()
