// The allow list of the local-only routes (http/address_allow.hpp): loopback always, networks of
// METRICS_ALLOW in IPv4 and IPv6, IPv4-mapped IPv6 as its IPv4 address, and clear refusals.
#include "http/address_allow.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

namespace {

using voiceverify::http::AddressAllowList;

AddressAllowList parsed(const std::string& text) {
  std::string error;
  auto list = AddressAllowList::parse(text, error);
  BOOST_TEST_REQUIRE(list.has_value(), text << ": " << error);
  return *list;
}

std::string refusal(const std::string& text) {
  std::string error;
  BOOST_TEST(!AddressAllowList::parse(text, error).has_value(), text);
  return error;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(address_allow_tests)

// Loopback is local only when listed: behind a proxy on the same host every visitor is loopback.
BOOST_AUTO_TEST_CASE(loopback_is_allowed_only_when_listed_as_it_is_by_default) {
  const AddressAllowList none = parsed("");
  BOOST_TEST(none.empty());
  const AddressAllowList loopback = AddressAllowList::loopback();
  const AddressAllowList elsewhere = parsed("203.0.113.0/24");
  for (const char* local : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
    BOOST_TEST(loopback.allows(local), local);
    BOOST_TEST(!none.allows(local), local);
    BOOST_TEST(!elsewhere.allows(local), local);
  }
  for (const char* other : {"203.0.113.9", "10.0.0.1", "::2", "2001:db8::1", "::ffff:10.0.0.1",
                            "128.0.0.1", "", "localhost", "127.0.0.1 ", "::1%lo"}) {
    BOOST_TEST(!loopback.allows(other), other);
    BOOST_TEST(!none.allows(other), other);
  }
}

BOOST_AUTO_TEST_CASE(ipv4_networks_cover_both_spellings) {
  const AddressAllowList list = parsed("192.0.2.0/24, 198.51.100.7");
  BOOST_TEST(list.allows("192.0.2.1"));
  BOOST_TEST(list.allows("192.0.2.255"));
  BOOST_TEST(list.allows("::ffff:192.0.2.44"));
  BOOST_TEST(!list.allows("192.0.3.1"));
  BOOST_TEST(list.allows("198.51.100.7"));
  BOOST_TEST(list.allows("::ffff:198.51.100.7"));
  BOOST_TEST(!list.allows("198.51.100.8"));
  // An IPv4 network never covers a native IPv6 address with the same low bits.
  BOOST_TEST(!list.allows("::c000:201"));
}

BOOST_AUTO_TEST_CASE(ipv6_networks_and_odd_prefix_lengths) {
  const AddressAllowList list = parsed("2001:db8:1::/48,2001:db8:fe00::/39,fd00::5");
  BOOST_TEST(list.allows("2001:db8:1:2:3::4"));
  BOOST_TEST(!list.allows("2001:db8:2::1"));
  BOOST_TEST(list.allows("2001:db8:ff01::1"));  // inside the /39
  BOOST_TEST(list.allows("2001:db8:fe00::1"));
  BOOST_TEST(!list.allows("2001:db8:fc00::1"));  // just below it
  BOOST_TEST(list.allows("fd00::5"));
  BOOST_TEST(!list.allows("fd00::6"));
  BOOST_TEST(!list.allows("192.0.2.1"));
  const AddressAllowList odd = parsed("10.0.0.0/9");
  BOOST_TEST(odd.allows("10.127.255.255"));
  BOOST_TEST(!odd.allows("10.128.0.0"));
  BOOST_TEST(parsed("0.0.0.0/0").allows("203.0.113.9"));
  BOOST_TEST(!parsed("0.0.0.0/0").allows("2001:db8::1"));
  BOOST_TEST(parsed("::/0").allows("2001:db8::1"));
}

BOOST_AUTO_TEST_CASE(bad_items_are_refused_by_their_place_not_their_text) {
  BOOST_TEST(refusal("192.0.2.1,nginx.example.com") ==
             "item 2 is not an IPv4 or IPv6 address or network");
  BOOST_TEST(refusal("192.0.2.0/33") == "item 1: the prefix length must be 0 to 32");
  BOOST_TEST(refusal("2001:db8::/129") == "item 1: the prefix length must be 0 to 128");
  BOOST_TEST(refusal("192.0.2.1/24") == "item 1 has bits set after its prefix length");
  BOOST_TEST(refusal("2001:db8::1/64") == "item 1 has bits set after its prefix length");
  for (const char* bad : {"192.0.2.0/", "192.0.2.0/x", "192.0.2.0/24/1", "192.0.2.1,", ",192.0.2.1",
                          "192.0.2", "10.0.0.0/+8", "10.0.0.0/ 8"}) {
    refusal(bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()
