// The net-hour window (LIMIT_NET_HOUR): every address of one client network, an IPv4
// /LIMIT_IPV4_NET_PREFIX or an IPv6 /LIMIT_IPV6_NET_PREFIX, counts in one window, on the memory
// store (with a moving clock) and on a real Redis; its key holds the network's tag, never the
// network.
#include <array>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "guard/limits.hpp"
#include "recording_store.hpp"
#include "redis_server.hpp"
#include "shipped_settings.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
namespace vg = voiceverify::guard;
using namespace std::chrono_literals;

namespace {

const std::string kSecret = "net-window-key-secret";

vg::LimitSettings three_per_network() {
  vg::LimitSettings s = voiceverify::testing::roomy_limit_settings(kSecret);
  s.sizes[vg::LimitWindow::NetHour] = 3;
  s.ipv4_net_prefix_length = 24;
  s.ipv6_net_prefix_length = 48;
  return s;
}

bool allowed(const vg::LimitResult& result) {
  return result.verdict == vg::LimitVerdict::Allowed;
}

bool refused_by_net(const vg::LimitResult& result) {
  return result.verdict == vg::LimitVerdict::Limited && result.window == vg::LimitWindow::NetHour &&
         result.retry_after > 3500s && result.retry_after <= 3600s;
}

std::string net_key(const std::string& network) {
  return "net:" + vg::address_tag(kSecret, network);
}

// Three calls from three addresses of one network; the fourth, from a fourth, is refused and
// counts in no window; another network has a window of its own.
void check_network(vs::Store& store, const std::array<std::string, 4>& addresses,
                   const std::string& other, const std::string& network) {
  const vg::LimitSettings settings = three_per_network();
  vg::Limiter limiter(store, settings);
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(allowed(limiter.before_call("3161234567" + std::to_string(i),
                                           addresses[static_cast<std::size_t>(i)])));
  }
  BOOST_TEST(refused_by_net(limiter.before_call("31612345674", addresses[3])));
  BOOST_TEST(store.peek(net_key(network)).value == 3);
  const std::string fourth = vg::client_address_key(addresses[3], settings.ipv6_prefix_length);
  BOOST_TEST(store.peek("ip:" + vg::address_tag(kSecret, fourth)).value == 0);
  BOOST_TEST(allowed(limiter.before_call("31612345675", other)));
}

void check_both_families(vs::Store& store) {
  check_network(store, {"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.99"},
                "198.51.101.1", "198.51.100.0/24");
  // Four /64s of one /48: each its own ip-hour window, one net-hour window.
  check_network(store,
                {"2001:db8:5:1::1", "2001:db8:5:2::1", "2001:db8:5:3::1", "2001:db8:5:ffff::9"},
                "2001:db8:6::1", "2001:db8:5::/48");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(net_window_tests)

BOOST_AUTO_TEST_CASE(client_network_key_forms) {
  BOOST_TEST(vg::client_network_key("198.51.100.7", 24, 48) == "198.51.100.0/24");
  BOOST_TEST(vg::client_network_key("::ffff:198.51.100.7", 24, 48) == "198.51.100.0/24");
  BOOST_TEST(vg::client_network_key("198.51.100.7", 32, 48) == "198.51.100.7/32");
  BOOST_TEST(vg::client_network_key("10.200.3.4", 8, 48) == "10.0.0.0/8");
  BOOST_TEST(vg::client_network_key("2001:DB8:5:6:7:8:9:a", 24, 48) == "2001:db8:5::/48");
  BOOST_TEST(vg::client_network_key("2001:db8:5:6:7:8:9:a", 24, 128) == "2001:db8:5:6:7:8:9:a/128");
  for (const char* bad : {"", "localhost", "10.0.0", "1.2.3.4/24", "fe80::1%eth0"})
    BOOST_TEST(vg::client_network_key(bad, 24, 48).empty(), bad);
  BOOST_TEST(vg::client_network_key("10.0.0.1", 0, 48).empty());
  BOOST_TEST(vg::client_network_key("10.0.0.1", 33, 48).empty());
  BOOST_TEST(vg::client_network_key("2001:db8::1", 24, 129).empty());
  // The per-address key is as before: no length for a whole address.
  BOOST_TEST(vg::client_address_key("198.51.100.7", 64) == "198.51.100.7");
}

BOOST_AUTO_TEST_CASE(a_network_shares_one_window_on_the_memory_store) {
  auto now = std::chrono::steady_clock::now();
  auto store = vs::make_memory_store(100'000, [&now] { return now; });
  check_both_families(*store);
  // An hour later the window is free again.
  now += 3601s;
  vg::Limiter limiter(*store, three_per_network());
  BOOST_TEST(allowed(limiter.before_call("31612345676", "198.51.100.50")));
}

BOOST_AUTO_TEST_CASE(a_network_shares_one_window_on_redis) {
  std::string error;
  auto store = vs::make_redis_store(voiceverify::testing::shared_redis().url(),
                                    voiceverify::testing::unique_redis_prefix(), 2000ms, error);
  BOOST_REQUIRE_MESSAGE(store, error);
  check_both_families(*store);
}

BOOST_AUTO_TEST_CASE(the_network_key_holds_a_tag_not_the_network) {
  auto inner = vs::make_memory_store();
  voiceverify::testing::RecordingStore store(*inner);
  vg::Limiter limiter(store, three_per_network());
  BOOST_TEST(allowed(limiter.before_call("31612345671", "2001:db8:5:6::1")));
  BOOST_TEST(store.keys.contains(net_key("2001:db8:5::/48")));
  for (const auto& key : store.keys) {
    BOOST_TEST(key.find("2001") == std::string::npos, key);
    BOOST_TEST(key.find("db8") == std::string::npos, key);
  }
}

BOOST_AUTO_TEST_CASE(a_limiter_refuses_a_network_prefix_out_of_range) {
  auto store = vs::make_memory_store();
  for (const auto& [v4, v6] :
       {std::pair{0, 48}, std::pair{33, 48}, std::pair{24, 0}, std::pair{24, 129}}) {
    vg::LimitSettings s = three_per_network();
    s.ipv4_net_prefix_length = v4;
    s.ipv6_net_prefix_length = v6;
    BOOST_CHECK_THROW(vg::Limiter(*store, s), std::invalid_argument);
  }
}

BOOST_AUTO_TEST_SUITE_END()
