// The value parsers (src/config/values.cpp) on their own, and through load() the normalised forms
// they give: trimmed lists, upper-case regions, an endpoint without its final '/'.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/values.hpp"
#include "config_helpers.hpp"

namespace config = voiceverify::config;
using voiceverify::forms::NumberType;
using voiceverify::testing::base_env;

BOOST_AUTO_TEST_SUITE(config_values_tests)

BOOST_AUTO_TEST_CASE(values_are_normalised) {
  auto env = base_env();
  env["MESSAGEBIRD_ENDPOINT"] = "https://rest.messagebird.com/";
  env["DEFAULT_REGION"] = "be";
  env["ALLOWED_COUNTRIES"] = " nl , BE,de ";
  env["ALLOWED_NUMBER_TYPES"] = "mobile , voip";
  env["CONNECT_TIMEOUT_MS"] = "500";
  env["TOTAL_TIMEOUT_MS"] = "500";  // equal to connect is allowed
  const auto result = config::load("", env);
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  BOOST_TEST(result.config->messagebird_endpoint == "https://rest.messagebird.com");
  BOOST_TEST(result.config->default_region == "BE");
  BOOST_TEST((result.config->allowed_countries == std::vector<std::string>{"NL", "BE", "DE"}));
  BOOST_TEST((result.config->allowed_number_types ==
              std::set<NumberType>{NumberType::Mobile, NumberType::Voip}));
  BOOST_TEST(result.config->connect_timeout.count() == 500);
  BOOST_TEST(result.config->total_timeout.count() == 500);
}

BOOST_AUTO_TEST_CASE(parse_int_takes_only_plain_digits_in_range) {
  int out = -1;
  BOOST_TEST(config::parse_int(std::string_view("42"), 1, 100, out));
  BOOST_TEST(out == 42);
  for (const char* bad : {"", "0", "101", "+42", "-1", " 42", "42 ", "4.2", "0x2a", "42s"}) {
    out = -1;
    BOOST_TEST(!config::parse_int(std::string_view(bad), 1, 100, out), bad);
    BOOST_TEST(out == -1, bad);  // untouched on refusal
  }
  long big = 0;
  BOOST_TEST(!config::parse_int(std::string_view("99999999999999999999999"), 0L, 10L, big));
  BOOST_TEST(config::range_reason(6, 10) == "must be a whole number from 6 to 10");
}

BOOST_AUTO_TEST_CASE(split_list_trims_items_and_refuses_empty_ones) {
  std::vector<std::string> items;
  BOOST_TEST(config::split_list(" a , b,c ", items));
  BOOST_TEST((items == std::vector<std::string>{"a", "b", "c"}));
  BOOST_TEST(config::split_list("  ", items));
  BOOST_TEST(items.empty());
  for (const char* bad : {"a,,b", "a,", ",a", ","}) {
    BOOST_TEST(!config::split_list(bad, items), bad);
  }
}

BOOST_AUTO_TEST_CASE(ipv4_lists_are_exact_addresses) {
  std::vector<std::uint32_t> peers;
  BOOST_TEST(config::parse_ipv4_list("", peers));
  BOOST_TEST(peers.empty());
  BOOST_TEST(config::parse_ipv4_list("10.0.0.5, 10.0.0.6", peers));
  BOOST_TEST(peers.size() == 2u);
  for (const char* bad : {"10.0.0", "10.0.0.0/24", "::1", "nginx.example.com", "10.0.0.5,"}) {
    BOOST_TEST(!config::parse_ipv4_list(bad, peers), bad);
  }
}

BOOST_AUTO_TEST_CASE(host_and_port_split_with_brackets_for_ipv6) {
  std::string_view host;
  std::string_view port;
  BOOST_TEST(config::split_host_port("example.com:8443", false, host, port));
  BOOST_TEST(host == "example.com");
  BOOST_TEST(port == "8443");
  BOOST_TEST(config::split_host_port("[::1]:8081", false, host, port));
  BOOST_TEST(host == "[::1]");
  BOOST_TEST(config::split_host_port("example.com", true, host, port));
  BOOST_TEST(port.empty());
  BOOST_TEST(!config::split_host_port("example.com", false, host, port));
  BOOST_TEST(!config::split_host_port("example.com:0", false, host, port));
  BOOST_TEST(!config::split_host_port("[::1", false, host, port));
  BOOST_TEST(config::valid_bracketed_ipv6("[2001:db8::7]"));
  BOOST_TEST(!config::valid_bracketed_ipv6("2001:db8::7"));
  BOOST_TEST(!config::valid_hostname("-host"));
  BOOST_TEST(!config::valid_hostname("ho st"));
}

BOOST_AUTO_TEST_CASE(endpoint_shapes_and_plain_http_only_to_loopback) {
  std::string out = "unchanged";
  BOOST_TEST((config::normalise_endpoint("https://api.example.net:8443/", out) ==
              config::EndpointCheck::Ok));
  BOOST_TEST(out == "https://api.example.net:8443");
  BOOST_TEST((config::normalise_endpoint("http://[::1]:8081", out) == config::EndpointCheck::Ok));
  out = "unchanged";
  BOOST_TEST((config::normalise_endpoint("http://10.1.2.3:8081", out) ==
              config::EndpointCheck::PlainHttpBeyondLoopback));
  BOOST_TEST(
      (config::normalise_endpoint("https://host/path", out) == config::EndpointCheck::BadShape));
  BOOST_TEST(
      (config::normalise_endpoint("https://user@host", out) == config::EndpointCheck::BadShape));
  BOOST_TEST(out == "unchanged");
}

BOOST_AUTO_TEST_CASE(listen_shapes) {
  for (const char* good :
       {"127.0.0.1:9000", "localhost:9000", "unix:/run/vv.sock", "stdin", "systemd"}) {
    BOOST_TEST(config::valid_listen(good), good);
  }
  for (const char* bad :
       {"9000", ":9000", "example.com:9000", "[::1]:9000", "unix:relative", "unix:", "stdout"}) {
    BOOST_TEST(!config::valid_listen(bad), bad);
  }
  BOOST_TEST(config::valid_listen("unix:/" + std::string(106, 'a')));   // 107 bytes of path
  BOOST_TEST(!config::valid_listen("unix:/" + std::string(107, 'a')));  // past sun_path
}

BOOST_AUTO_TEST_CASE(utf8_length_counts_code_points_and_refuses_bad_text) {
  BOOST_TEST(config::utf8_length("abc") == 3);
  BOOST_TEST(config::utf8_length("s\xc3\xa9"
                                 "curit\xc3\xa9") == 8);
  BOOST_TEST(config::utf8_length("\xff") == -1);          // never valid
  BOOST_TEST(config::utf8_length("\xc3") == -1);          // truncated
  BOOST_TEST(config::utf8_length("\xc0\xaf") == -1);      // overlong
  BOOST_TEST(config::utf8_length("\xed\xa0\x80") == -1);  // a surrogate
  BOOST_TEST(config::utf8_length("\xc2\x85") == -1);      // C1 control
  BOOST_TEST(config::trim(" \t x y \t") == "x y");
  BOOST_TEST(config::upper("nl-be") == "NL-BE");
}

BOOST_AUTO_TEST_SUITE_END()
