// web/api_records.cpp: what the API keeps of a verification binds it to its client, holds no
// number in clear and no id in the store's keys, and reads back exactly.
#include "web/api_records.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "store/store.hpp"

namespace web = voiceverify::web;
namespace store = voiceverify::store;

namespace {

const std::string kId = "0123456789abcdef0123456789abcdef";

web::ApiRecord sample() {
  return web::ApiRecord{
      "client-a-0001", 1'700'000'000, "+31 * ******78", web::ApiStatus::Pending, 3, 0};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_records_tests)

BOOST_AUTO_TEST_CASE(a_record_reads_back_and_its_key_is_not_the_id) {
  auto memory = store::make_memory_store();
  const web::ApiRecords records(*memory, "key-secret", std::chrono::hours{24});
  web::ApiRecord record = sample();
  BOOST_TEST(records.find(kId).record.has_value() == false);
  BOOST_TEST((records.keep(kId, record) == store::StoreError::None));
  const auto found = records.find(kId);
  BOOST_TEST_REQUIRE(found.record.has_value());
  BOOST_TEST(found.record->client_id == "client-a-0001");
  BOOST_TEST(found.record->masked_number == "+31 * ******78");
  BOOST_TEST(found.record->attempts_left == 3);
  BOOST_TEST((found.record->status == web::ApiStatus::Pending));
  const auto keys = memory->keys_with_prefix("", 10);
  BOOST_TEST_REQUIRE(keys.keys.size() == 1u);
  BOOST_TEST(keys.keys[0].find(kId) == std::string::npos);
  BOOST_TEST(keys.keys[0].rfind("api:", 0) == 0u);
  // Another secret (another SIGNING_KEY) finds nothing.
  const web::ApiRecords other(*memory, "other-secret", std::chrono::hours{24});
  BOOST_TEST(!other.find(kId).record.has_value());
}

BOOST_AUTO_TEST_CASE(the_caller_id_is_keyed_and_of_a_browsers_shape) {
  auto memory = store::make_memory_store();
  const web::ApiRecords records(*memory, "key-secret", std::chrono::hours{24});
  const std::string a = records.caller_id("client-a-0001");
  BOOST_TEST(a.size() == 32u);
  BOOST_TEST(a == records.caller_id("client-a-0001"));
  BOOST_TEST(a != records.caller_id("client-b-0001"));
}

BOOST_AUTO_TEST_CASE(encoding_round_trips_and_refuses_garbage) {
  web::ApiRecord record = sample();
  record.status = web::ApiStatus::Verified;
  record.verified_at = 1'700'000'100;
  const std::string text = web::encode_record(record);
  const auto back = web::decode_record(text);
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(web::encode_record(*back) == text);
  for (const char* bad : {"", "2|c|1|m|pending|3|0", "1|c|x|m|pending|3|0", "1|c|1|m|gone|3|0",
                          "1||1|m|pending|3|0", "1|c|1|m|pending|3"}) {
    BOOST_TEST(!web::decode_record(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()
