// oidc/grants.cpp: codes are single-use, expire after 60 s, and are stored under a keyed hash so
// that the store holds nothing that can be presented; access tokens can be read again until they
// expire.
#include "oidc/grants.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "store/store.hpp"

namespace vo = voiceverify::oidc;
namespace vs = voiceverify::store;
using namespace std::chrono_literals;

namespace {

vo::CodeGrant sample_code() {
  vo::CodeGrant grant;
  grant.client_id = "shop-0001";
  grant.redirect_uri = "https://shop.example/cb";
  grant.code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  grant.nonce = "n-1";
  grant.phone_number = "+31612345678";
  grant.phone_scope = true;
  grant.auth_time = 1'800'000'000;
  return grant;
}

struct ManualClock {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
};

}  // namespace

BOOST_AUTO_TEST_SUITE(oidc_grants_tests)

BOOST_AUTO_TEST_CASE(a_code_round_trips_once) {
  auto store = vs::make_memory_store();
  vo::Grants grants(*store, "hash-key");
  const auto issued = grants.issue_code(sample_code());
  BOOST_REQUIRE((issued.error == vs::StoreError::None));
  BOOST_TEST(issued.value.size() == 43u);
  const auto first = grants.redeem_code(issued.value);
  BOOST_REQUIRE(first.grant.has_value());
  BOOST_TEST(first.grant->client_id == "shop-0001");
  BOOST_TEST(first.grant->redirect_uri == "https://shop.example/cb");
  BOOST_TEST(first.grant->code_challenge == sample_code().code_challenge);
  BOOST_TEST(first.grant->nonce == "n-1");
  BOOST_TEST(first.grant->phone_number == "+31612345678");
  BOOST_TEST(first.grant->phone_scope);
  BOOST_TEST(first.grant->auth_time == 1'800'000'000);
  const auto second = grants.redeem_code(issued.value);
  BOOST_TEST((second.error == vs::StoreError::None));
  BOOST_TEST(!second.grant.has_value());
}

BOOST_AUTO_TEST_CASE(the_store_holds_no_presentable_value) {
  auto store = vs::make_memory_store();
  vo::Grants grants(*store, "hash-key");
  const auto code = grants.issue_code(sample_code()).value;
  const auto keys = store->keys_with_prefix("oidc:", 10).keys;
  BOOST_REQUIRE(keys.size() == 1u);
  BOOST_TEST(keys[0].find(code) == std::string::npos);
  BOOST_TEST(store->get(keys[0]).value->find(code) == std::string::npos);
  BOOST_TEST(store->get(keys[0]).value->find("31612345678") == std::string::npos);
  BOOST_TEST(store->get(keys[0]).value->find("shop") == std::string::npos);
  // Another hash key (another deployment) cannot redeem it.
  vo::Grants other(*store, "other-key");
  BOOST_TEST(!other.redeem_code(code).grant.has_value());
  BOOST_TEST(grants.redeem_code(code).grant.has_value());
}

// A record that does not open (altered, or moved under another key) is unknown: fail closed.
BOOST_AUTO_TEST_CASE(a_record_that_does_not_open_is_unknown) {
  auto store = vs::make_memory_store();
  vo::Grants grants(*store, "hash-key");
  const auto code = grants.issue_code(sample_code()).value;
  const auto token =
      grants.issue_access_token(vo::AccessGrant{"shop-0001", "sub-1", "+31612345678", true}).value;
  const auto code_key = store->keys_with_prefix("oidc:code:", 10).keys.at(0);
  const auto token_key = store->keys_with_prefix("oidc:access:", 10).keys.at(0);
  const std::string token_record = *store->get(token_key).value;
  // The access token's record under the code's key: sealed for another key, it does not open.
  BOOST_TEST((store->put(code_key, token_record, 60s) == vs::StoreError::None));
  BOOST_TEST(!grants.redeem_code(code).grant.has_value());
  std::string altered = token_record;
  altered[10] = altered[10] == 'A' ? 'B' : 'A';
  BOOST_TEST((store->put(token_key, altered, 60s) == vs::StoreError::None));
  BOOST_TEST(!grants.find_access_token(token).grant.has_value());
  BOOST_TEST((store->put(token_key, R"({"client_id":"shop-0001","sub":"s","phone_scope":true})",
                         60s) == vs::StoreError::None));
  BOOST_TEST(!grants.find_access_token(token).grant.has_value());
}

BOOST_AUTO_TEST_CASE(codes_expire_after_sixty_seconds) {
  ManualClock clock;
  auto store = vs::make_memory_store(100, [&clock] { return clock.now; });
  vo::Grants grants(*store, "hash-key");
  const auto kept = grants.issue_code(sample_code()).value;
  const auto late = grants.issue_code(sample_code()).value;
  clock.now += 59s;
  BOOST_TEST(grants.redeem_code(kept).grant.has_value());
  clock.now += 1s;
  BOOST_TEST(!grants.redeem_code(late).grant.has_value());
}

BOOST_AUTO_TEST_CASE(values_that_are_not_ours_are_refused_without_a_lookup) {
  auto store = vs::make_memory_store();
  vo::Grants grants(*store, "hash-key");
  for (const char* code : {"", "short", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"}) {
    BOOST_TEST(!grants.redeem_code(code).grant.has_value());
    BOOST_TEST(!grants.find_access_token(code).grant.has_value());
  }
}

BOOST_AUTO_TEST_CASE(access_tokens_last_five_minutes_and_may_be_read_again) {
  ManualClock clock;
  auto store = vs::make_memory_store(100, [&clock] { return clock.now; });
  vo::Grants grants(*store, "hash-key");
  const auto token =
      grants.issue_access_token(vo::AccessGrant{"shop-0001", "sub-1", "+31612345678", true}).value;
  for (int i = 0; i < 2; ++i) {
    const auto found = grants.find_access_token(token);
    BOOST_REQUIRE(found.grant.has_value());
    BOOST_TEST(found.grant->subject == "sub-1");
    BOOST_TEST(found.grant->phone_number == "+31612345678");
  }
  BOOST_TEST(!grants.redeem_code(token).grant.has_value());  // a token is not a code
  clock.now += 300s;
  BOOST_TEST(!grants.find_access_token(token).grant.has_value());
}

BOOST_AUTO_TEST_CASE(a_store_that_is_down_fails_closed) {
  auto store = vs::make_memory_store(0);  // no room: every put is refused
  vo::Grants grants(*store, "hash-key");
  const auto issued = grants.issue_code(sample_code());
  BOOST_TEST((issued.error == vs::StoreError::Unavailable));
  BOOST_TEST(issued.value.empty());
}

BOOST_AUTO_TEST_SUITE_END()
