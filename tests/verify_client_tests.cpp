// The Verify client's requests over a fake transport, through its asynchronous calls as production
// makes them: what goes on the wire for each call, and what the client refuses locally (bad ids,
// codes, recipients, settings) so it never does.
#include <json/json.h>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "messagebird/verify_client.hpp"
#include "verify_fixtures.hpp"

namespace mb = voiceverify::messagebird;
namespace bdata = boost::unit_test::data;
using mb::VerifyError;
using voiceverify::testing::verify::answer;
using voiceverify::testing::verify::cancel;
using voiceverify::testing::verify::check_code;
using voiceverify::testing::verify::create_call;
using voiceverify::testing::verify::fixture;
using voiceverify::testing::verify::kId;
using voiceverify::testing::verify::look_up;
using voiceverify::testing::verify::test_settings;

namespace {

// Records every request and replays one prepared answer, inline.
class FakeTransport final : public mb::Transport {
 public:
  mb::HttpResponse next = answer(500, "");
  std::vector<mb::HttpRequest> requests;
  void submit(mb::HttpRequest request, mb::ResponseHandler done) override {
    requests.push_back(std::move(request));
    done(next);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(verify_client_tests)

// ---------------------------------------------------------------- what goes on the wire

namespace {

Json::Value create_body(const mb::VerifySettings& settings, const mb::Speech& speech) {
  FakeTransport transport;
  transport.next = answer(201, fixture("create_201.json"));
  mb::VerifyClient client(settings, transport);
  create_call(client, "31612345678", speech);
  Json::Value json;
  if (transport.requests.size() != 1u) return json;
  std::istringstream in(transport.requests.front().body);
  Json::parseFromStream(Json::CharReaderBuilder(), in, &json, nullptr);
  return json;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_calls_own_language_and_sentence_replace_the_settings) {
  mb::VerifySettings settings = test_settings();
  settings.language = "en-gb";
  settings.template_text.clear();
  const Json::Value json =
      create_body(settings, {"de-de", "Ihr Sicherheitscode lautet %token. Noch einmal: %token."});
  BOOST_TEST(json["language"].asString() == "de-de");
  BOOST_TEST(json["template"].asString() ==
             "Ihr Sicherheitscode lautet %token. Noch einmal: %token.");
}

BOOST_AUTO_TEST_CASE(no_template_anywhere_sends_none) {
  mb::VerifySettings settings = test_settings();
  settings.template_text.clear();
  const Json::Value json = create_body(settings, {"ja-jp", ""});
  BOOST_TEST(json["language"].asString() == "ja-jp");
  BOOST_TEST(json.isMember("recipient"));
  BOOST_TEST(!json.isMember("template"));
}

BOOST_AUTO_TEST_CASE(without_speech_the_settings_are_sent) {
  mb::VerifySettings settings = test_settings();
  settings.language = "fr-fr";
  settings.template_text = "Code %token.";
  const Json::Value json = create_body(settings, {});
  BOOST_TEST(json["language"].asString() == "fr-fr");
  BOOST_TEST(json["template"].asString() == "Code %token.");
}

BOOST_AUTO_TEST_CASE(create_sends_the_documented_request) {
  const mb::VerifySettings settings = test_settings();
  FakeTransport transport;
  transport.next = answer(201, fixture("create_201.json"));
  mb::VerifyClient client(settings, transport);

  const auto result = create_call(client, "31612345678");
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
  create_call(client, "4915112345678");

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
    create_call(client, "31612345678");
    BOOST_REQUIRE(transport.requests.size() == 1u);
    BOOST_TEST(transport.requests.front().body.find("maxAttempts") == std::string::npos);
  }
  settings.max_attempts = 2;
  FakeTransport transport;
  transport.next = answer(201, fixture("create_201.json"));
  mb::VerifyClient client(settings, transport);
  create_call(client, "31612345678");
  BOOST_TEST(transport.requests.front().body.find(R"("maxAttempts":2)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(check_sends_a_get_with_the_token) {
  const mb::VerifySettings settings = test_settings();
  FakeTransport transport;
  transport.next = answer(200, fixture("verified_200.json"));
  mb::VerifyClient client(settings, transport);

  const auto result = check_code(client, kId, "123456");
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
  BOOST_TEST(check_code(client, kId, "123456").error == VerifyError::Unavailable);
}

BOOST_AUTO_TEST_CASE(cancel_sends_a_delete) {
  const mb::VerifySettings settings = test_settings();
  FakeTransport transport;
  transport.next = answer(204, "");
  mb::VerifyClient client(settings, transport);

  BOOST_TEST(cancel(client, kId).error == VerifyError::None);
  BOOST_REQUIRE(transport.requests.size() == 1u);
  const mb::HttpRequest& request = transport.requests.front();
  BOOST_TEST(request.method == "DELETE");
  BOOST_TEST(request.url == "https://rest.example.test/verify/" + kId);
  BOOST_TEST(request.body.empty());
  BOOST_TEST(request.headers.size() == 3u);
}

BOOST_AUTO_TEST_CASE(look_up_sends_a_get_without_a_token) {
  const mb::VerifySettings settings = test_settings();
  FakeTransport transport;
  transport.next = answer(404, fixture("not_found_404.json"));
  mb::VerifyClient client(settings, transport);

  BOOST_TEST(look_up(client, kId).error == VerifyError::NotFound);
  BOOST_REQUIRE(transport.requests.size() == 1u);
  const mb::HttpRequest& request = transport.requests.front();
  BOOST_TEST(request.method == "GET");
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
  BOOST_TEST(check_code(client, id, "123456").error == VerifyError::Rejected);
  BOOST_TEST(cancel(client, id).error == VerifyError::Rejected);
  BOOST_TEST(look_up(client, id).error == VerifyError::Rejected);
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
  BOOST_TEST(check_code(client, kId, code).error == VerifyError::Rejected);
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
      BOOST_TEST(create_call(client, recipient).error == VerifyError::InvalidRecipient);
    }
  }
  BOOST_TEST(transport.requests.empty());
  BOOST_TEST(create_call(client, "316123456781234").error == VerifyError::None);  // 15 digits
  BOOST_TEST(transport.requests.size() == 1u);
}

BOOST_AUTO_TEST_CASE(access_key_appears_only_in_the_authorization_header) {
  const mb::VerifySettings settings = test_settings();
  const std::string& key = settings.access_key;
  FakeTransport transport;
  mb::VerifyClient client(settings, transport);
  transport.next = answer(401, fixture("error_401.json"));
  const std::vector<mb::VerifyResult> results = {
      create_call(client, "31612345678"), check_code(client, kId, "123456"), cancel(client, kId)};
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
  BOOST_TEST(create_call(client, "31612345678").error == VerifyError::Unavailable);
  BOOST_TEST(check_code(client, kId, "123456").error == VerifyError::Unavailable);
  BOOST_TEST(cancel(client, kId).error == VerifyError::Unavailable);
  BOOST_TEST(look_up(client, kId).error == VerifyError::Unavailable);
  settings.access_key = "live_key";
  settings.user_agent = "agent\nX-Injected: 1";
  BOOST_TEST(create_call(client, "31612345678").error == VerifyError::Unavailable);
  BOOST_TEST(transport.requests.empty());
}
BOOST_AUTO_TEST_SUITE_END()
