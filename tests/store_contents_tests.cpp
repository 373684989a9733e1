// What a dump of the store shows (docs/store.md): after a verification that ends with an OpenID
// Connect code and access token, and after every limit window refuses, on the memory store and on a
// real Redis, no key, value or timeline member holds the client's address (IPv4 or IPv6, in any
// spelling) or the phone number.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "guard/call_records.hpp"
#include "guard/fraud_guard.hpp"
#include "guard/limits.hpp"
#include "oidc/grants.hpp"
#include "recording_store.hpp"
#include "redis_server.hpp"
#include "shipped_settings.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
namespace vg = voiceverify::guard;
namespace vo = voiceverify::oidc;
using namespace std::chrono_literals;
using voiceverify::testing::RecordingStore;
using voiceverify::testing::shared_redis;
using voiceverify::testing::unique_redis_prefix;

namespace {

const std::string kSecret = "store-contents-key-secret";
const std::string kNumber = "+31612345678";
const std::string kVerifyId = "0123456789abcdef0123456789abcdef";
const std::string kBrowser = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";

// Each client once as the pool sees it, and the spellings a dump must not show.
struct Client {
  std::string address;
  std::vector<std::string> spellings;
};
const std::vector<Client> kClients = {
    {"198.51.100.7", {"198.51.100.7", "198.51.100", "c6336407"}},
    {"2001:db8:5:6:7:8:9:a", {"2001:db8", "2001:0db8", "20010db8", "db8:5:6"}},
    {"::ffff:198.51.100.7", {"198.51.100.7", "ffff:c633"}},
};
// The number with and without '+', national, and its national significant number.
const std::vector<std::string> kNumberSpellings = {"31612345678", "0612345678", "612345678"};

using Backend = std::function<std::unique_ptr<vs::Store>()>;

std::unique_ptr<vs::Store> memory_backend() {
  return vs::make_memory_store();
}

std::unique_ptr<vs::Store> redis_backend() {
  std::string error;
  auto store = vs::make_redis_store(shared_redis().url(), unique_redis_prefix(), 2000ms, error);
  BOOST_REQUIRE_MESSAGE(store, "make_redis_store: " << error);
  return store;
}

// Every string written, and every key the backend lists with its string value.
void dump(vs::Store& backend, std::vector<std::string>& out) {
  const vs::Listed listed = backend.keys_with_prefix("", 10'000);
  BOOST_REQUIRE((listed.error == vs::StoreError::None));
  BOOST_TEST(!listed.keys.empty());
  for (const auto& key : listed.keys) {
    out.push_back(key);
    if (const vs::Fetched value = backend.get(key); value.value) out.push_back(*value.value);
  }
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

void expect_nothing_personal(const std::vector<std::string>& strings, const Client& client) {
  for (const auto& text : strings) {
    const std::string folded = lower(text);
    for (const auto& spelling : client.spellings)
      BOOST_TEST(folded.find(spelling) == std::string::npos, "'" << text << "' holds " << spelling);
    for (const auto& spelling : kNumberSpellings)
      BOOST_TEST(folded.find(spelling) == std::string::npos, "'" << text << "' holds " << spelling);
  }
}

vg::LimitSettings settings_with(vg::LimitWindow window, long size) {
  vg::LimitSettings s = voiceverify::testing::roomy_limit_settings(kSecret);
  s.sizes[window] = size;
  s.home_region = "NL";
  s.ipv6_prefix_length = 64;
  return s;
}

// One verification from `client`, every record the code page and the fraud guard keep for it.
void verify_once(vs::Store& store, const Client& client) {
  vg::Limiter limiter(store, settings_with(vg::LimitWindow::Resend, 60));
  BOOST_REQUIRE(
      (limiter.before_call(kNumber, client.address, "NL").verdict == vg::LimitVerdict::Allowed));
  BOOST_TEST((limiter.note_call(kVerifyId, kNumber, 300s) == vs::StoreError::None));
  vg::FraudGuard fraud(store, voiceverify::testing::shipped_fraud_settings(kSecret));
  BOOST_TEST(
      (fraud.call_started(kVerifyId, kNumber, "NL", client.address) == vs::StoreError::None));
  vg::CallRecords records(store, kSecret);
  BOOST_TEST(
      (records.keep_number(kVerifyId, kBrowser, "31612345678", 300s) == vs::StoreError::None));
  const std::string claim = records.submission_key(kBrowser, "31612345678");
  BOOST_TEST((records.claim(claim, 60s, 0ms).verdict == vg::ClaimVerdict::Ours));
  BOOST_TEST((records.settle(claim, kVerifyId, 1'700'000'000, 60s) == vs::StoreError::None));
  int left = 0;
  BOOST_TEST((limiter.before_check(kVerifyId, 300s, left).verdict == vg::LimitVerdict::Allowed));
  BOOST_TEST((fraud.call_settled(kVerifyId, vg::Settlement::Verified) == vs::StoreError::None));
  BOOST_TEST((limiter.verified_from(kVerifyId, client.address) == vs::StoreError::None));
  BOOST_TEST((limiter.mark_known(kVerifyId, kBrowser) == vs::StoreError::None));
  BOOST_TEST((limiter.finish(kVerifyId, 300s) == vs::StoreError::None));
  // The verified number handed to an application: its code, then its access token.
  vo::Grants grants(store, kSecret);
  vo::CodeGrant code{"shop-0001", "https://shop.example/cb", "", "n-1", kNumber, true, 1};
  BOOST_TEST((grants.issue_code(code).error == vs::StoreError::None));
  const vo::AccessGrant access{"shop-0001", "sub-1", kNumber, true};
  BOOST_TEST((grants.issue_access_token(access).error == vs::StoreError::None));
}

// Makes `window` refuse a call (or a code check) from `client`; true when it did.
bool hit(vs::Store& store, const Client& client, vg::LimitWindow window) {
  vg::LimitSettings s = settings_with(window, window == vg::LimitWindow::Resend ? 60 : 1);
  s.country_calls_per_hour = {{"BE", 1}};
  if (window == vg::LimitWindow::StrangerHour) {  // half of an hour of two
    s.sizes[vg::LimitWindow::GlobalHour] = 2;
    s.sizes[window] = 5000;
  }
  vg::Limiter limiter(store, s);
  if (window == vg::LimitWindow::Attempts) {
    int left = 0;
    limiter.before_check(kVerifyId, 300s, left);
    return limiter.before_check(kVerifyId, 300s, left).window == window;
  }
  // A Belgian number for the country window (only a listed or foreign region has one).
  const std::string number = window == vg::LimitWindow::CountryHour ? "+32470123456" : kNumber;
  const std::string region = window == vg::LimitWindow::CountryHour ? "BE" : "NL";
  // A client of the verification API for its own window (the pages have none).
  const std::string app_client = "client-a-0001";
  limiter.before_call(number, client.address, region, app_client);
  const vg::LimitResult refused = limiter.before_call(number, client.address, region, app_client);
  return refused.verdict == vg::LimitVerdict::Limited && refused.window == window;
}

void check_backend(const Backend& make) {
  for (const auto& client : kClients) {
    BOOST_TEST_CONTEXT("client " << client.address) {
      std::vector<std::string> strings;
      {
        auto backend = make();
        RecordingStore store(*backend);
        verify_once(store, client);
        strings = store.written;
        dump(*backend, strings);
      }
      for (const auto& row : vg::kLimitWindows) {
        auto backend = make();
        RecordingStore store(*backend);
        BOOST_TEST(hit(store, client, row.window), "window " << row.name << " refused");
        strings.insert(strings.end(), store.written.begin(), store.written.end());
        dump(*backend, strings);
      }
      expect_nothing_personal(strings, client);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store_contents_tests)

BOOST_AUTO_TEST_CASE(the_memory_store_holds_no_address_and_no_number) {
  check_backend(memory_backend);
}

BOOST_AUTO_TEST_CASE(redis_holds_no_address_and_no_number) {
  check_backend(redis_backend);
}

// The windows still count per address (IPv6: per prefix) when they hold a tag of it.
BOOST_AUTO_TEST_CASE(an_address_tag_is_stable_and_keeps_prefixes_together) {
  const auto tag = [](const std::string& ip) {
    return vg::address_tag(kSecret, vg::client_address_key(ip, 64));
  };
  BOOST_TEST(tag("198.51.100.7") == tag("::ffff:198.51.100.7"));
  BOOST_TEST(tag("198.51.100.7") != tag("198.51.100.8"));
  BOOST_TEST(tag("2001:db8:5:6::1") == tag("2001:db8:5:6:ffff::2"));
  BOOST_TEST(tag("2001:db8:5:6::1") != tag("2001:db8:5:7::1"));
  BOOST_TEST(tag("198.51.100.7").size() == 32u);
  BOOST_TEST(vg::address_tag("another secret", vg::client_address_key("198.51.100.7", 64)) !=
             tag("198.51.100.7"));
}

BOOST_AUTO_TEST_SUITE_END()
