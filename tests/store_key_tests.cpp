// STORE_KEY (docs/store.md, "Keys"): the store's tags and sealed records keep their meaning when
// SIGNING_KEY changes, once STORE_KEY is set; unset, the secret is derived from SIGNING_KEY
// exactly as before the key existed, so a store filled then keeps working.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "app/settings.hpp"
#include "config/config.hpp"
#include "config_helpers.hpp"
#include "guard/call_records.hpp"
#include "guard/limits.hpp"
#include "store/store.hpp"

namespace app = voiceverify::app;
namespace config = voiceverify::config;
namespace vg = voiceverify::guard;
namespace vs = voiceverify::store;
using namespace std::chrono_literals;
using voiceverify::testing::base_env;
using voiceverify::testing::TempDir;

namespace {

const std::string kOtherSigningKey = "another-signing-key-after-a-rotation-0123";
const std::string kStoreKey = "a-store-key-of-its-own-0123456789abcdef";
const std::string kNumber = "+31612345678";
const std::string kVerifyId = "0123456789abcdef0123456789abcdef";
const std::string kBrowser = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";

config::LoadResult load(std::map<std::string, std::string> overrides,
                        const std::string& file = "") {
  auto env = base_env();
  for (auto& [key, value] : overrides) env[key] = value;
  return config::load(file, env);
}

config::Config loaded(std::map<std::string, std::string> overrides) {
  auto result = load(std::move(overrides));
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  return *result.config;
}

// One call to kNumber through a limiter built from `c` the way the pool builds it.
vg::LimitVerdict call(vs::Store& store, const config::Config& c) {
  vg::Limiter limiter(store, app::limit_settings(c));
  return limiter.before_call(kNumber, "192.0.2.7").verdict;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store_key_tests)

BOOST_AUTO_TEST_CASE(a_number_stays_limited_when_signing_key_changes_under_a_store_key) {
  auto store = vs::make_memory_store();
  const auto before = loaded({{"STORE_KEY", kStoreKey}, {"RESEND_INTERVAL", "600"}});
  BOOST_TEST((call(*store, before) == vg::LimitVerdict::Allowed));
  BOOST_TEST((call(*store, before) == vg::LimitVerdict::Limited));
  const auto after = loaded(
      {{"STORE_KEY", kStoreKey}, {"RESEND_INTERVAL", "600"}, {"SIGNING_KEY", kOtherSigningKey}});
  BOOST_TEST((call(*store, after) == vg::LimitVerdict::Limited));
  BOOST_TEST(app::fraud_settings(after).key_secret == app::fraud_settings(before).key_secret);

  // The "call me again" record too opens after the change.
  vg::CallRecords sealed_before(*store, app::limit_settings(before).key_secret);
  BOOST_TEST(
      (sealed_before.keep_number(kVerifyId, kBrowser, "31612345678", 60s) == vs::StoreError::None));
  vg::CallRecords opened_after(*store, app::limit_settings(after).key_secret);
  BOOST_TEST(opened_after.number_of(kVerifyId, kBrowser).digits.value_or("") == "31612345678");
}

BOOST_AUTO_TEST_CASE(without_a_store_key_a_new_signing_key_starts_afresh) {
  auto store = vs::make_memory_store();
  const auto before = loaded({{"RESEND_INTERVAL", "600"}});
  BOOST_TEST((call(*store, before) == vg::LimitVerdict::Allowed));
  BOOST_TEST((call(*store, before) == vg::LimitVerdict::Limited));
  const auto after = loaded({{"RESEND_INTERVAL", "600"}, {"SIGNING_KEY", kOtherSigningKey}});
  BOOST_TEST((call(*store, after) == vg::LimitVerdict::Allowed));
}

BOOST_AUTO_TEST_CASE(the_derivation_from_signing_key_is_unchanged) {
  // HMAC-SHA256(SIGNING_KEY, "voiceverify store keys v1") as hex, as every release has used:
  //   printf %s 'voiceverify store keys v1' | openssl dgst -sha256 -hmac "$SIGNING_KEY"
  const std::string derived = "3652197319955dc902fcee965ebf473702462b3669bdce775d2489ee6a761961";
  const auto c = loaded({});
  BOOST_TEST(vg::store_key_secret(voiceverify::testing::kSigningKey) == derived);
  BOOST_TEST(app::store_secret(c) == derived);
  BOOST_TEST(app::limit_settings(c).key_secret == derived);
  BOOST_TEST(app::fraud_settings(c).key_secret == derived);
  // Set, it is used as it is (the package's postinst writes the derived value on an upgrade).
  BOOST_TEST(app::store_secret(loaded({{"STORE_KEY", kStoreKey}})) == kStoreKey);
}

BOOST_AUTO_TEST_CASE(store_key_is_read_like_signing_key) {
  TempDir dir;
  dir.write("store.key", kStoreKey + "\n");
  const std::string conf = dir.write("voiceverify.conf", "STORE_KEY_FILE=store.key\n");
  std::filesystem::permissions(dir.path() + "/store.key", std::filesystem::perms::owner_read |
                                                              std::filesystem::perms::owner_write);
  const auto from_file = load({}, conf);
  BOOST_TEST_REQUIRE(from_file.config.has_value(), from_file.error);
  BOOST_TEST(from_file.config->store_key == kStoreKey);

  BOOST_TEST(load({{"STORE_KEY", "too-short"}}).error.find("STORE_KEY") != std::string::npos);
  BOOST_TEST(load({{"STORE_KEY", voiceverify::testing::kSigningKey}}).error.find("differ") !=
             std::string::npos);
  const auto both = load({{"STORE_KEY", kStoreKey}}, conf);
  BOOST_TEST(both.error.find("set one of them") != std::string::npos);
  // A file every user may read is refused, as for SIGNING_KEY_FILE.
  std::filesystem::permissions(dir.path() + "/store.key", std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  BOOST_TEST(!load({}, conf).config.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
