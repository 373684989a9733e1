// web/api_idempotency.cpp: an Idempotency-Key's first answer is given again to the same request
// only, of the same client; a key still running is refused; an answer that asks to be retried
// frees the key; the store holds neither the key nor the answer in clear.
#include "web/api_idempotency.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>

#include "recording_store.hpp"
#include "store/store.hpp"

namespace web = voiceverify::web;
namespace store = voiceverify::store;
namespace http = voiceverify::http;
namespace bdata = boost::unit_test::data;
using namespace std::chrono_literals;
using Verdict = web::IdempotencyVerdict;

namespace {

const std::string kPath = "/api/v1/verifications";
const std::string kBody = R"({"phone_number":"+31612345678"})";
const std::string kKey = "retry-key-0001";

http::Response verified_answer() {
  http::Response response;
  response.status = 200;
  response.content_type = "application/json";
  response.add_header("Cache-Control", "no-store");
  response.add_header("Location", "/api/v1/verifications/0123456789abcdef0123456789abcdef");
  response.body = R"({"status":"verified","phone_number":"+31612345678"})";
  return response;
}

struct Fixture {
  std::chrono::steady_clock::time_point now{};
  std::unique_ptr<store::Store> memory = store::make_memory_store(1000, [this] { return now; });
  voiceverify::testing::RecordingStore recording{*memory};
  web::ApiIdempotency idempotency{recording, "key-secret", 24h, 5min};

  web::IdempotencyBegun begin(const std::string& client = "client-a-0001",
                              const std::string& key = kKey, const std::string& path = kPath,
                              const std::string& body = kBody) {
    return idempotency.begin(client, key, "POST", path, body);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(api_idempotency_tests)

BOOST_DATA_TEST_CASE(keys_are_1_to_255_printable_ascii,
                     bdata::make({std::string("a"), std::string(255, 'k'),
                                  std::string("8e0b7c1e-3f5a-4d7e-9f0b-2c1d4e5f6a7b"),
                                  std::string("with space and ~!")}),
                     key) {
  BOOST_TEST(web::idempotency_key_valid(key));
}

BOOST_DATA_TEST_CASE(other_keys_are_refused,
                     bdata::make({std::string(), std::string(256, 'k'), std::string("tab\there"),
                                  std::string("line\nbreak"), std::string("caf\xc3\xa9"),
                                  std::string("nul\0x", 5), std::string("del\x7f")}),
                     key) {
  BOOST_TEST(!web::idempotency_key_valid(key));
}

BOOST_AUTO_TEST_CASE(an_answer_reads_back_exactly_and_garbage_does_not) {
  http::Response answer = verified_answer();
  answer.body += "\nwith a line break\tand a tab";
  const auto back = web::decode_answer(web::encode_answer(answer));
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(back->status == 200);
  BOOST_TEST(back->content_type == "application/json");
  BOOST_TEST(back->body == answer.body);
  BOOST_TEST_REQUIRE(back->headers.size() == 2u);
  BOOST_TEST(back->headers[1].first == "Location");
  BOOST_TEST(back->headers[1].second == answer.headers[1].second);
  for (const std::string garbage : {"", "200", "200\njson\n", "x\njson\n0\n",
                                    "200\njson\n1\nno-tab\n", "99\njson\n0\n", "200\njson\n-1\n"}) {
    BOOST_TEST(!web::decode_answer(garbage).has_value(), garbage);
  }
}

BOOST_AUTO_TEST_CASE(answers_that_ask_for_a_retry_are_not_final) {
  http::Response answer = verified_answer();
  BOOST_TEST(web::answer_is_final(answer));
  answer.status = 422;
  BOOST_TEST(web::answer_is_final(answer));
  answer.status = 503;
  BOOST_TEST(!web::answer_is_final(answer));
  answer.status = 409;
  answer.add_header("Retry-After", "30");
  BOOST_TEST(!web::answer_is_final(answer));
}

BOOST_FIXTURE_TEST_CASE(the_first_answer_is_replayed_to_the_same_request, Fixture) {
  const auto first = begin();
  BOOST_TEST_REQUIRE((first.verdict == Verdict::Run));
  // While it runs, a retry waits.
  BOOST_TEST((begin().verdict == Verdict::InFlight));
  idempotency.finish(first.claim, verified_answer());
  const auto again = begin();
  BOOST_TEST_REQUIRE((again.verdict == Verdict::Replay));
  BOOST_TEST_REQUIRE(again.answer.has_value());
  BOOST_TEST(again.answer->status == 200);
  BOOST_TEST(again.answer->body == verified_answer().body);
  BOOST_TEST(again.answer->headers == verified_answer().headers);
  // Still a day later, less a second; not after.
  now += 24h - 1s;
  BOOST_TEST((begin().verdict == Verdict::Replay));
  now += 2s;
  BOOST_TEST((begin().verdict == Verdict::Run));
}

BOOST_FIXTURE_TEST_CASE(a_key_is_of_one_request_and_one_client, Fixture) {
  const auto first = begin();
  idempotency.finish(first.claim, verified_answer());
  BOOST_TEST((begin("client-a-0001", kKey, kPath, R"({"phone_number":"+31600000000"})").verdict ==
              Verdict::Reused));
  BOOST_TEST((begin("client-a-0001", kKey, kPath + "/x").verdict == Verdict::Reused));
  BOOST_TEST((idempotency.begin("client-a-0001", kKey, "DELETE", kPath, kBody).verdict ==
              Verdict::Reused));
  // Another client's same key is its own.
  BOOST_TEST((begin("client-b-0001").verdict == Verdict::Run));
  BOOST_TEST((begin("client-a-0001", kKey + "2").verdict == Verdict::Run));
}

BOOST_FIXTURE_TEST_CASE(an_answer_that_asks_for_a_retry_frees_the_key, Fixture) {
  const auto first = begin();
  http::Response busy;
  busy.status = 503;
  busy.add_header("Retry-After", "2");
  idempotency.finish(first.claim, busy);
  BOOST_TEST((begin().verdict == Verdict::Run));
}

BOOST_FIXTURE_TEST_CASE(a_claim_whose_request_never_finished_lapses, Fixture) {
  BOOST_TEST((begin().verdict == Verdict::Run));
  now += 5min - 1s;
  BOOST_TEST((begin().verdict == Verdict::InFlight));
  now += 2s;
  BOOST_TEST((begin().verdict == Verdict::Run));
}

BOOST_FIXTURE_TEST_CASE(the_store_holds_no_key_and_no_answer_in_clear, Fixture) {
  const auto first = begin();
  idempotency.finish(first.claim, verified_answer());
  BOOST_TEST_REQUIRE(!recording.written.empty());
  for (const std::string& key : recording.keys) {
    BOOST_TEST(key.find(kKey) == std::string::npos, key);
    BOOST_TEST(key.find("client-a") == std::string::npos, key);
  }
  for (const std::string& value : recording.written) {
    BOOST_TEST(value.find("612345678") == std::string::npos, value);
    BOOST_TEST(value.find("verified") == std::string::npos, value);
    BOOST_TEST(value.find(kKey) == std::string::npos, value);
  }
  // A sealed answer moved under another key does not open: never replayed.
  const std::string tag = first.claim.tag;
  const auto other = begin("client-b-0001");
  const auto value = memory->get(tag);
  BOOST_TEST_REQUIRE(value.value.has_value());
  // (The fingerprint is of the request alone, so only the key differs.)
  BOOST_TEST((memory->put(other.claim.tag, *value.value, 1h) == store::StoreError::None));
  BOOST_TEST((begin("client-b-0001").verdict == Verdict::StoreDown));
}

BOOST_AUTO_TEST_SUITE_END()
