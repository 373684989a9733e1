// The verification API (docs/api.md) through real nginx, the pool and the simulator: a whole
// verification, the client binding (another client is told 404), authentication, the body's
// rules, and each problem type a client can be shown, with its status and Retry-After. Every
// answer is written down and checked at the end of each case against docs/openapi.json
// (tests/api/openapi_check.py, python3-jsonschema); the document itself is checked too.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "api_client.hpp"

using namespace voiceverify::testing;
using namespace voiceverify::api_testing;

BOOST_AUTO_TEST_SUITE(api_integration_tests)

BOOST_AUTO_TEST_CASE(the_document_is_valid_openapi_and_served) {
  const std::string out = checker("document " + openapi_document());
  BOOST_TEST(contains(out, "ok\n"), out);
  ApiTestSite api;
  httplib::Client http(api.site->host(), api.site->port());
  const auto served = http.Get("/api/v1/openapi.json");
  BOOST_REQUIRE(served);
  BOOST_TEST(served->status == 200);
  std::ifstream file(openapi_document());
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  BOOST_TEST(served->body == text);
}

BOOST_AUTO_TEST_CASE(a_whole_verification) {
  ApiTestSite api(ApiTestSite::Env{{"MAX_ATTEMPTS", "3"}});
  ApiClient a = api.client_a();
  const Answer started = a.start(kNumber, ",\"locale\":\"de\",\"end_user_ip\":\"203.0.113.7\"");
  BOOST_TEST_REQUIRE(started.status == 201, started.body);
  const std::string id = started.json["id"].asString();
  BOOST_TEST(started.json["status"].asString() == "pending");
  BOOST_TEST(started.json["attempts_left"].asInt() == 3);
  BOOST_TEST(contains(started.json["masked_number"].asString(), "78"));
  BOOST_TEST(!contains(started.body, "612345678"), started.body);
  BOOST_TEST(started.header("Location") == "/api/v1/verifications/" + id);
  // The locale chose the call's language over the number's region's.
  BOOST_TEST(api.site->last_create(kDigits).language.value_or("") == "de-de");

  const std::string code = api.site->last_code(kDigits);
  BOOST_TEST_REQUIRE(!code.empty());
  const Answer wrong = a.check(id, wrong_code_for(code));
  BOOST_TEST(wrong.status == 200, wrong.body);
  BOOST_TEST(wrong.json["status"].asString() == "pending");
  BOOST_TEST(wrong.json["attempts_left"].asInt() == 2);
  BOOST_TEST(a.show(id).json["attempts_left"].asInt() == 2);

  const Answer verified = a.check(id, code);
  BOOST_TEST(verified.status == 200, verified.body);
  BOOST_TEST(verified.json["status"].asString() == "verified");
  BOOST_TEST(!verified.json["verified_at"].asString().empty());
  BOOST_TEST(verified.json["phone_number"].asString() == kNumber);

  const Answer shown = a.show(id);
  BOOST_TEST(shown.status == 200);
  BOOST_TEST(shown.json["status"].asString() == "verified");
  BOOST_TEST(!shown.json.isMember("phone_number"));  // never kept
  // A verification that has ended takes no more codes.
  const Answer again = a.check(id, code);
  BOOST_TEST(again.status == 410);
  BOOST_TEST(again.type() == kProblem + "verification-ended");
}

BOOST_AUTO_TEST_CASE(another_client_is_told_it_does_not_exist) {
  ApiTestSite api;
  ApiClient a = api.client_a();
  ApiClient b = api.client_b();
  const Answer started = a.start(kNumber);
  BOOST_TEST_REQUIRE(started.status == 201, started.body);
  const std::string id = started.json["id"].asString();
  const std::string code = api.site->last_code(kDigits);
  for (const Answer& answer : {b.show(id), b.check(id, code), b.resend(id), b.cancel(id)}) {
    BOOST_TEST(answer.status == 404, answer.body);
    BOOST_TEST(answer.type() == kProblem + "not-found");
  }
  // Nothing B did touched A's verification.
  BOOST_TEST(a.check(id, code).json["status"].asString() == "verified");
  BOOST_TEST(a.show(std::string(32, 'a')).status == 404);
}

BOOST_AUTO_TEST_CASE(only_api_clients_with_their_secret_get_in) {
  ApiTestSite api;
  for (const auto& [id, secret] :
       std::vector<std::pair<std::string, std::string>>{{"client-a-0001", kSecretB},
                                                        {"client-c-0001", kSecretA},
                                                        {"web-client-01", kSecretWeb}}) {
    const Answer answer = api.as(id, secret).start(kNumber);
    BOOST_TEST(answer.status == 401, answer.body);
    BOOST_TEST(answer.type() == kProblem + "unauthenticated");
    BOOST_TEST(answer.header("WWW-Authenticate") == "Basic realm=\"voiceverify\"");
  }
  const Answer none =
      api.client_a().call("POST", "/verifications", "/verifications",
                          "{\"phone_number\":\"" + kNumber + "\"}", "application/json", false);
  BOOST_TEST(none.status == 401);
  BOOST_TEST(api.site->sim_stats()["creates"] == 0);
}

BOOST_AUTO_TEST_CASE(the_body_must_be_a_json_object_of_the_fields) {
  ApiTestSite api;
  ApiClient a = api.client_a();
  const std::string body = "{\"phone_number\":\"" + kNumber + "\"}";
  for (const char* type : {"application/x-www-form-urlencoded", "text/plain", ""}) {
    const Answer answer = a.call("POST", "/verifications", "/verifications", body, type);
    BOOST_TEST(answer.status == 415, type);
    BOOST_TEST(answer.type() == kProblem + "unsupported-media-type");
  }
  for (const std::string& bad :
       std::vector<std::string>{"not json", "[1]", "{}", "{\"phone_number\":31612345678}",
                                "{\"phone_number\":\"" + kNumber + "\",\"end_user_ip\":\"x\"}"}) {
    const Answer answer = a.call("POST", "/verifications", "/verifications", bad);
    BOOST_TEST(answer.status == 400, bad);
    BOOST_TEST(answer.type() == kProblem + "bad-request");
  }
  BOOST_TEST(
      a.call("POST", "/verifications", "/verifications", body, "application/json; charset=utf-8")
          .status == 201);
}

BOOST_AUTO_TEST_CASE(refusals_of_the_number_and_the_code) {
  ApiTestSite api(ApiTestSite::Env{{"ALLOWED_COUNTRIES", "NL"}});
  ApiClient a = api.client_a();
  const Answer invalid = a.start("12");
  BOOST_TEST(invalid.status == 422);
  BOOST_TEST(invalid.type() == kProblem + "invalid-phone-number");
  const Answer country = a.start("+4915112345678");
  BOOST_TEST(country.status == 422);
  BOOST_TEST(country.type() == kProblem + "country-not-allowed");
  const Answer started = a.start(kNumber);
  BOOST_TEST_REQUIRE(started.status == 201, started.body);
  const Answer code = a.check(started.json["id"].asString(), "12");
  BOOST_TEST(code.status == 422);
  BOOST_TEST(code.type() == kProblem + "invalid-code");
  api.site->sim_faults({{"refuse_recipient", "1"}});
  const Answer refused = a.start("+31612345670");
  BOOST_TEST(refused.status == 422, refused.body);
  BOOST_TEST(refused.type() == kProblem + "number-not-callable");
}

BOOST_AUTO_TEST_CASE(limits_are_429_with_retry_after_and_count_the_end_user) {
  ApiTestSite api(ApiTestSite::Env{{"LIMIT_NUMBER_10MIN", "1"}, {"LIMIT_IP_HOUR", "2"}});
  ApiClient a = api.client_a();
  // The number's window counts per end user's network: twice from one /24.
  BOOST_TEST(a.start(kNumber, ",\"end_user_ip\":\"198.51.100.9\"").status == 201);
  const Answer number = a.start(kNumber, ",\"end_user_ip\":\"198.51.100.1\"");
  BOOST_TEST(number.status == 429, number.body);
  BOOST_TEST(number.type() == kProblem + "limit-number-10min");
  BOOST_TEST(std::stol("0" + number.header("Retry-After")) > 0);
  // The per-address window counts end_user_ip, not the server's own address.
  const std::string person = ",\"end_user_ip\":\"198.51.100.2\"";
  BOOST_TEST(a.start("+31612345671", person).status == 201);
  BOOST_TEST(a.start("+31612345672", person).status == 201);
  const Answer address = a.start("+31612345673", person);
  BOOST_TEST(address.status == 429, address.body);
  BOOST_TEST(address.type() == kProblem + "limit-ip-hour");
  BOOST_TEST(a.start("+31612345673", ",\"end_user_ip\":\"2001:db8::1\"").status == 201);
}

// Each client has its own hourly budget on top of every other limit; another client's is its own.
BOOST_AUTO_TEST_CASE(each_client_has_its_own_hourly_budget) {
  ApiTestSite api(ApiTestSite::Env{{"CLIENT_LIMIT_HOUR", "2"}});
  ApiClient a = api.client_a();
  BOOST_TEST(a.start("+31612345671").status == 201);
  BOOST_TEST(a.start("+31612345672").status == 201);
  const Answer spent = a.start("+31612345673");
  BOOST_TEST(spent.status == 429, spent.body);
  BOOST_TEST(spent.type() == kProblem + "limit-app-client-hour");
  BOOST_TEST(std::stol("0" + spent.header("Retry-After")) > 0);
  BOOST_TEST(api.client_b().start("+31612345673").status == 201);
  // The pages have no client: the budget is not theirs.
  Browser browser(*api.site);
  browser.get("/");
  const Page page = browser.post("/", {{"number", "+31612345674"}});
  BOOST_TEST(page.status == 303);
  BOOST_TEST(contains(page.location, "/EnterCode/"), page.location);
}

BOOST_AUTO_TEST_CASE(resend_too_soon_then_a_new_verification) {
  ApiTestSite api(ApiTestSite::Env{{"RESEND_INTERVAL", "1"}});
  ApiClient a = api.client_a();
  const Answer started = a.start(kNumber);
  BOOST_TEST_REQUIRE(started.status == 201, started.body);
  const std::string id = started.json["id"].asString();
  const Answer soon = a.resend(id);
  if (soon.status == 409) {  // within the second: the same second may have passed already
    BOOST_TEST(soon.type() == kProblem + "too-soon");
    BOOST_TEST(!soon.header("Retry-After").empty());
  }
  Answer again;
  for (int i = 0; i < 40 && again.status != 201; ++i) {
    ::usleep(100 * 1000);
    again = a.resend(id);
  }
  BOOST_TEST_REQUIRE(again.status == 201, again.body);
  const std::string new_id = again.json["id"].asString();
  BOOST_TEST(new_id != id);
  BOOST_TEST(a.show(id).json["status"].asString() == "cancelled");
  BOOST_TEST(a.check(id, "123456").status == 410);
  BOOST_TEST(a.check(new_id, api.site->last_code(kDigits)).json["status"].asString() == "verified");
}

// A cancelled verification is over here and upstream: its code is refused from then on.
BOOST_AUTO_TEST_CASE(cancel_ends_the_verification_upstream) {
  ApiTestSite api;
  ApiClient a = api.client_a();
  const Answer started = a.start(kNumber);
  BOOST_TEST_REQUIRE(started.status == 201, started.body);
  const std::string id = started.json["id"].asString();
  const long cancels = api.site->sim_stats()["deletes"];
  const Answer cancelled = a.cancel(id);
  BOOST_TEST(cancelled.status == 200, cancelled.body);
  BOOST_TEST(cancelled.json["status"].asString() == "cancelled");
  BOOST_TEST(api.site->sim_stats()["deletes"] == cancels + 1);
  const Answer check = a.check(id, api.site->last_code(kDigits));
  BOOST_TEST(check.status == 410);
  BOOST_TEST(check.type() == kProblem + "verification-ended");
  BOOST_TEST(a.cancel(id).status == 410);
}

BOOST_AUTO_TEST_CASE(upstream_trouble_is_503_and_an_expired_code_410) {
  ApiTestSite api;
  ApiClient a = api.client_a();
  const Answer started = a.start(kNumber);
  BOOST_TEST_REQUIRE(started.status == 201, started.body);
  api.site->sim_faults({{"fail_percent", "100"}});
  const Answer down = a.start("+31612345679");
  BOOST_TEST(down.status == 503, down.body);
  BOOST_TEST(down.type() == kProblem + "upstream-unavailable");
  BOOST_TEST(!down.header("Retry-After").empty());
  api.site->sim_faults({{"fail_percent", "0"}});
  api.site->sim_expire_all();
  const Answer expired = a.check(started.json["id"].asString(), api.site->last_code(kDigits));
  BOOST_TEST(expired.status == 410, expired.body);
  BOOST_TEST(expired.type() == kProblem + "verification-expired");
  BOOST_TEST(a.show(started.json["id"].asString()).json["status"].asString() == "expired");
}

BOOST_AUTO_TEST_SUITE_END()
