// What the Limiter writes into the store: no phone number in any key, only a keyed digest that is
// stable for one SIGNING_KEY and different under another.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "guard/limits.hpp"
#include "recording_store.hpp"
#include "redis_server.hpp"
#include "shipped_settings.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
namespace vg = voiceverify::guard;
using namespace std::chrono_literals;
using std::chrono::seconds;

namespace {

const std::string kSigningKey = "0123456789abcdef0123456789abcdef-signing";
const std::string kOtherSigningKey = "another-deployment-signing-key-0123456789";

// The keys one allowed call writes, with the store key secret derived from `signing_key`.
std::set<std::string> keys_of_one_call(vs::Store& inner, const std::string& signing_key,
                                       const std::string& number) {
  voiceverify::testing::RecordingStore recording(inner);
  vg::LimitSettings settings = voiceverify::testing::shipped_limit_settings();
  settings.sizes[vg::LimitWindow::Resend] = 60;
  settings.key_secret = vg::store_key_secret(signing_key);
  vg::Limiter limiter(recording, settings);
  BOOST_TEST((limiter.before_call(number, "10.0.0.1").verdict == vg::LimitVerdict::Allowed));
  return recording.keys;
}

std::set<std::string> number_keys(const std::set<std::string>& keys) {
  std::set<std::string> out;
  for (const auto& key : keys) {
    if (key.starts_with("last-call:") || key.starts_with("n10:") || key.starts_with("nday:")) {
      out.insert(key);
    }
  }
  return out;
}

void check_no_number_in_keys(const std::function<std::unique_ptr<vs::Store>()>& make_store) {
  auto store = make_store();
  const auto keys = keys_of_one_call(*store, kSigningKey, "+31612345678");
  BOOST_TEST(number_keys(keys).size() == 3u);
  for (const auto& key : keys) {
    BOOST_TEST(key.find("12345678") == std::string::npos, key);
    BOOST_TEST(key.find("3161") == std::string::npos, key);
  }
  // Stable: another store (or a restarted pool) with the same key finds the same windows, and
  // the same number written without its '+' is the same number.
  auto again = make_store();
  BOOST_TEST((keys_of_one_call(*again, kSigningKey, "31612345678") == keys));
  // Another SIGNING_KEY: other number keys and other address keys (both are keyed tags,
  // docs/store.md); the site-wide key stays as it was.
  auto other = make_store();
  const auto other_keys = keys_of_one_call(*other, kOtherSigningKey, "+31612345678");
  for (const auto& key : number_keys(other_keys)) BOOST_TEST(!keys.contains(key), key);
  const std::string ip_key =
      "ip:" + vg::address_tag(vg::store_key_secret(kOtherSigningKey), "10.0.0.1");
  BOOST_TEST(other_keys.contains(ip_key));
  BOOST_TEST(!keys.contains(ip_key));
  BOOST_TEST(!other_keys.contains("ip:10.0.0.1"));
  BOOST_TEST(other_keys.contains("global"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store_keys_tests)

BOOST_AUTO_TEST_CASE(store_keys_hold_no_phone_number) {
  check_no_number_in_keys([] { return vs::make_memory_store(); });
  check_no_number_in_keys([] {
    std::string error;
    auto store = vs::make_redis_store(voiceverify::testing::shared_redis().url(),
                                      voiceverify::testing::unique_redis_prefix(), 2000ms, error);
    BOOST_REQUIRE_MESSAGE(store, error);
    return store;
  });
}

BOOST_AUTO_TEST_CASE(the_store_key_secret_is_derived_from_the_signing_key) {
  const std::string secret = vg::store_key_secret(kSigningKey);
  BOOST_TEST(secret == vg::store_key_secret(kSigningKey));
  BOOST_TEST(secret != vg::store_key_secret(kOtherSigningKey));
  BOOST_TEST(secret.find(kSigningKey) == std::string::npos);
  const std::string tag = vg::number_tag(secret, "+31612345678");
  BOOST_TEST(tag.size() == 32u);
  BOOST_TEST(tag == vg::number_tag(secret, "31612345678"));
  BOOST_TEST(tag != vg::number_tag(secret, "31612345679"));
}

BOOST_AUTO_TEST_CASE(a_limiter_without_a_key_secret_refuses_to_start) {
  auto store = vs::make_memory_store();
  BOOST_CHECK_THROW(vg::Limiter(*store, vg::LimitSettings{}), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
