// Idempotency-Key on the verification API (docs/api.md, "Retrying safely") through real nginx,
// the pool and the simulator: a retried POST is given its first answer again and places no
// second call upstream; the key is of one request and one client; a key whose first request
// still runs is refused with Retry-After; an answer that asks for a retry frees the key. Every
// answer is checked against docs/openapi.json (api_client.hpp).
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>

#include "api_client.hpp"

using namespace voiceverify::testing;
using namespace voiceverify::api_testing;

namespace {

const std::string kKey = "8e0b7c1e-3f5a-4d7e-9f0b-2c1d4e5f6a7b";

}  // namespace

BOOST_AUTO_TEST_SUITE(api_idempotency_integration_tests)

BOOST_AUTO_TEST_CASE(a_retried_start_and_check_are_answered_again_without_a_second_call) {
  ApiTestSite api;
  ApiClient a = api.client_a();
  a.idempotency_key = kKey;
  const long creates = api.site->sim_stats()["creates"];
  const Answer first = a.start(kNumber);
  BOOST_TEST_REQUIRE(first.status == 201, first.body);
  BOOST_TEST(first.header("Idempotent-Replayed").empty());
  const Answer retry = a.start(kNumber);
  BOOST_TEST(retry.status == 201, retry.body);
  BOOST_TEST(retry.body == first.body);
  BOOST_TEST(retry.header("Location") == first.header("Location"));
  BOOST_TEST(retry.header("Idempotent-Replayed") == "true");
  BOOST_TEST(api.site->sim_stats()["creates"] == creates + 1);

  // The check that verified, retried: the same answer, the number with it, no second check.
  const std::string id = first.json["id"].asString();
  a.idempotency_key = kKey + "-check";
  const Answer verified = a.check(id, api.site->last_code(kDigits));
  BOOST_TEST_REQUIRE(verified.json["status"].asString() == "verified", verified.body);
  const long checks = api.site->sim_stats()["checks"];
  const Answer again = a.check(id, api.site->last_code(kDigits));
  BOOST_TEST(again.status == 200, again.body);
  BOOST_TEST(again.body == verified.body);
  BOOST_TEST(again.json["phone_number"].asString() == kNumber);
  BOOST_TEST(api.site->sim_stats()["checks"] == checks);
  // Without the key, the verification is over.
  a.idempotency_key.clear();
  BOOST_TEST(a.check(id, api.site->last_code(kDigits)).status == 410);
  // The key never reaches the log.
  BOOST_TEST(!contains(api.site->pool_log(), kKey));
}

BOOST_AUTO_TEST_CASE(a_key_is_of_one_request_and_one_client) {
  ApiTestSite api;
  ApiClient a = api.client_a();
  a.idempotency_key = kKey;
  BOOST_TEST_REQUIRE(a.start(kNumber).status == 201);
  const long creates = api.site->sim_stats()["creates"];
  const Answer reused = a.start("+31612345679");
  BOOST_TEST(reused.status == 422, reused.body);
  BOOST_TEST(reused.type() == kProblem + "idempotency-key-reused");
  BOOST_TEST(api.site->sim_stats()["creates"] == creates);
  // Another client's same key is another record.
  ApiClient b = api.client_b();
  b.idempotency_key = kKey;
  const Answer other = b.start("+31612345679");
  BOOST_TEST(other.status == 201, other.body);
  BOOST_TEST(other.header("Idempotent-Replayed").empty());
  BOOST_TEST(api.site->sim_stats()["creates"] == creates + 1);
}

BOOST_AUTO_TEST_CASE(a_key_whose_first_request_still_runs_is_409) {
  ApiTestSite api;
  api.site->sim_faults({{"latency_ms", "1500"}});
  ApiClient first_client = api.client_a();
  ApiClient second_client = api.client_a();
  first_client.idempotency_key = second_client.idempotency_key = kKey;
  Answer first;
  // The thread only sends: Boost.Test's checks belong to the test's own thread.
  std::thread runner([&] {
    first = first_client.send("POST", "/verifications",
                              std::string("{\"phone_number\":\"") + kNumber + "\"}");
  });
  ::usleep(500 * 1000);
  const Answer second = second_client.start(kNumber);
  runner.join();
  first = first_client.checked("POST", "/verifications", first);
  BOOST_TEST(first.status == 201, first.body);
  BOOST_TEST(second.status == 409, second.body);
  BOOST_TEST(second.type() == kProblem + "idempotency-key-in-flight");
  BOOST_TEST(!second.header("Retry-After").empty());
  BOOST_TEST(api.site->sim_stats()["creates"] == 1);
}

BOOST_AUTO_TEST_CASE(an_answer_that_asks_for_a_retry_frees_the_key) {
  ApiTestSite api;
  ApiClient a = api.client_a();
  a.idempotency_key = kKey;
  api.site->sim_faults({{"fail_percent", "100"}});
  const Answer down = a.start(kNumber);
  BOOST_TEST(down.status == 503, down.body);
  api.site->sim_faults({{"fail_percent", "0"}});
  const Answer retry = a.start(kNumber);
  BOOST_TEST(retry.status == 201, retry.body);
  BOOST_TEST(retry.header("Idempotent-Replayed").empty());
}

BOOST_AUTO_TEST_CASE(a_key_over_255_characters_is_400) {
  ApiTestSite api;
  ApiClient a = api.client_a();
  a.idempotency_key = std::string(256, 'k');
  const Answer answer = a.start(kNumber);
  BOOST_TEST(answer.status == 400, answer.body);
  BOOST_TEST(answer.type() == kProblem + "bad-request");
  BOOST_TEST(api.site->sim_stats()["creates"] == 0);
  a.idempotency_key = std::string(255, 'k');
  BOOST_TEST(a.start(kNumber).status == 201);
}

BOOST_AUTO_TEST_SUITE_END()
