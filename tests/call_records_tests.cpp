// The code page's store records (guard/call_records.hpp): the sealed number opens only for the
// browser it was kept for and is never in the store in clear; a claim is taken once, joined once
// settled, and taken afresh once released.
#include "guard/call_records.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "redis_server.hpp"
#include "store/store.hpp"

using namespace voiceverify;
using namespace std::chrono_literals;

namespace {

const std::string kId = "4e213b01155d1e35a9d9571v00162985";
const std::string kBrowser = "0123456789abcdef0123456789abcdef";
const std::string kOtherBrowser = "fedcba9876543210fedcba9876543210";
const std::string kDigits = "31612345678";

struct Fixture {
  std::unique_ptr<store::Store> store = store::make_memory_store();
  guard::CallRecords records{*store, "call-records-tests-secret"};
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(call_records_tests, Fixture)

BOOST_AUTO_TEST_CASE(the_number_opens_for_its_browser_only_and_is_never_stored_in_clear) {
  BOOST_TEST_REQUIRE((records.keep_number(kId, kBrowser, kDigits, 60s) == store::StoreError::None));
  const guard::Recalled mine = records.number_of(kId, kBrowser);
  BOOST_TEST_REQUIRE(mine.digits.has_value());
  BOOST_TEST(*mine.digits == kDigits);
  BOOST_TEST(!records.number_of(kId, kOtherBrowser).digits.has_value());
  // What the store holds: no digits of the number, and no key naming it.
  const store::Fetched sealed = store->get("recall:" + kId);
  BOOST_TEST_REQUIRE(sealed.value.has_value());
  BOOST_TEST(sealed.value->find(kDigits) == std::string::npos);
  BOOST_TEST(sealed.value->find("12345678") == std::string::npos);
  BOOST_TEST(records.submission_key(kBrowser, kDigits).find(kDigits) == std::string::npos);
  BOOST_TEST(records.submission_key(kBrowser, kDigits).starts_with("submit:"));
  // Numbers of every length come back as they were.
  for (const std::string digits : {"1", "4915112345678", "123456789012345"}) {
    records.keep_number(kId, kBrowser, digits, 60s);
    BOOST_TEST(records.number_of(kId, kBrowser).digits.value_or("") == digits);
  }
  BOOST_TEST((records.forget_number(kId) == store::StoreError::None));
  BOOST_TEST(!records.number_of(kId, kBrowser).digits.has_value());
}

// Sealed with an AEAD (util/seal.hpp): any altered byte, or the record moved under another
// verify id, opens nothing rather than other digits; each sealing has its own nonce.
BOOST_AUTO_TEST_CASE(an_altered_or_moved_record_opens_nothing) {
  const std::string other_id = "5f324c12266e2f46b0e0682w11273096";
  BOOST_TEST_REQUIRE((records.keep_number(kId, kBrowser, kDigits, 60s) == store::StoreError::None));
  const std::string sealed = store->get("recall:" + kId).value.value_or("");
  BOOST_TEST_REQUIRE(!sealed.empty());
  store->put("recall:" + other_id, sealed, 60s);
  BOOST_TEST(!records.number_of(other_id, kBrowser).digits.has_value());
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    std::string flipped = sealed;
    flipped[i] = flipped[i] == '0' ? '1' : '0';  // one hex digit: one to four bits of a byte
    store->put("recall:" + kId, flipped, 60s);
    BOOST_TEST(!records.number_of(kId, kBrowser).digits.has_value(), "hex digit " << i);
  }
  // A fresh nonce each time: the same number kept twice is stored differently; every record has
  // the same length whatever the number's.
  records.keep_number(kId, kBrowser, kDigits, 60s);
  const std::string again = store->get("recall:" + kId).value.value_or("");
  BOOST_TEST(again != sealed);
  records.keep_number(kId, kBrowser, "1", 60s);
  BOOST_TEST(store->get("recall:" + kId).value.value_or("").size() == sealed.size());
  BOOST_TEST(records.number_of(kId, kBrowser).digits.value_or("") == "1");
}

BOOST_AUTO_TEST_CASE(arguments_of_the_wrong_shape_never_become_keys) {
  BOOST_TEST((records.keep_number("../x", kBrowser, kDigits, 60s) != store::StoreError::None));
  BOOST_TEST((records.keep_number(kId, "short", kDigits, 60s) != store::StoreError::None));
  BOOST_TEST((records.keep_number(kId, kBrowser, "+31612345678", 60s) != store::StoreError::None));
  BOOST_TEST(
      (records.keep_number(kId, kBrowser, "1234567890123456", 60s) != store::StoreError::None));
  BOOST_TEST(records.submission_key(kBrowser, "31 6").empty());
  BOOST_TEST(records.call_again_key("x", kId).empty());
  BOOST_TEST((records.claim("", 60s, 0ms).verdict == guard::ClaimVerdict::StoreDown));
}

namespace {

// The claim's life on any backend: taken once, pending to a second asker, joined once settled,
// taken again once released.
void check_claims(guard::CallRecords& records) {
  const std::string key = records.submission_key(kBrowser, kDigits);
  BOOST_TEST((records.claim(key, 60s, 0ms).verdict == guard::ClaimVerdict::Ours));
  // The first is still waiting for MessageBird: the second waits, then says so.
  const auto asked = std::chrono::steady_clock::now();
  BOOST_TEST((records.claim(key, 60s, 100ms).verdict == guard::ClaimVerdict::Pending));
  BOOST_TEST((std::chrono::steady_clock::now() - asked >= 100ms));
  BOOST_TEST((records.settle(key, kId, 1'700'000'000, 60s) == store::StoreError::None));
  const guard::Claim joined = records.claim(key, 60s, 0ms);
  BOOST_TEST((joined.verdict == guard::ClaimVerdict::Joined));
  BOOST_TEST(joined.verify_id == kId);
  BOOST_TEST(joined.called_at == 1'700'000'000);
  BOOST_TEST((records.release(key) == store::StoreError::None));
  BOOST_TEST((records.claim(key, 60s, 0ms).verdict == guard::ClaimVerdict::Ours));
  // Another browser, or a "call me again", is another key.
  BOOST_TEST(records.submission_key(kOtherBrowser, kDigits) != key);
  BOOST_TEST(records.call_again_key(kBrowser, kId) != key);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_claim_is_taken_once_joined_once_settled_and_taken_again_once_released) {
  check_claims(records);
}

// The same on Redis, which several pools share: SET NX is the claim, and the sealed number
// opens there as in memory.
BOOST_AUTO_TEST_CASE(claims_and_sealed_numbers_work_the_same_on_redis) {
  std::string error;
  auto redis = store::make_redis_store(voiceverify::testing::shared_redis().url(),
                                       voiceverify::testing::unique_redis_prefix(), 500ms, error);
  BOOST_TEST_REQUIRE(redis != nullptr, error);
  guard::CallRecords on_redis{*redis, "call-records-tests-secret"};
  check_claims(on_redis);
  BOOST_TEST((on_redis.keep_number(kId, kBrowser, kDigits, 60s) == store::StoreError::None));
  BOOST_TEST(on_redis.number_of(kId, kBrowser).digits.value_or("") == kDigits);
  BOOST_TEST(!on_redis.number_of(kId, kOtherBrowser).digits.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
