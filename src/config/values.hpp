// The value parsers every config key is built from: trimming, strict integers, lists, hosts and
// ports, UTF-8 text. Each takes the text exactly as the file or the environment gave it and says
// yes or no; the key table (keys.cpp) turns a "no" into the sentence that names the key.
#pragma once

#include "util/ascii.hpp"
#include "util/text.hpp"

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace voiceverify::config {

// The text helpers every parser here uses (util/ascii.hpp, util/text.hpp).
using util::has_control;
using util::is_alnum;
using util::is_digits;
using util::trim;
using util::upper;
using util::utf8_length;

// Strict: the whole string is a base-10 integer in [lo, hi]; no sign, spaces or suffix.
template <typename Int>
bool parse_int(std::string_view s, Int lo, Int hi, Int& out) {
  if (!is_digits(s)) return false;
  Int value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || value < lo || value > hi) return false;
  out = value;
  return true;
}

// "must be a whole number from LO to HI": the reason parse_int refused a value.
template <typename Int>
std::string range_reason(Int lo, Int hi) {
  return "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
}

// A decimal from 0 to 1 with at most four places ("0.5", "0", "1", ".25" is refused), in
// ten-thousandths: "0.5" is 5000.
bool parse_fraction(std::string_view s, long& ten_thousandths);

// Splits "a, b,c" into trimmed items. An empty item ("a,,b", a trailing comma) is an error so a
// typo cannot silently narrow or widen a list. A blank string is the empty list.
bool split_list(std::string_view s, std::vector<std::string>& out);

// "192.0.2.7, 192.0.2.8": exact IPv4 addresses in network byte order; blank is the empty list.
bool parse_ipv4_list(std::string_view s, std::vector<std::uint32_t>& out);

bool valid_port(std::string_view s);  // 1..65535, digits only
bool valid_hostname(std::string_view host);
bool valid_ipv4(std::string_view host);
// "[::1]" with the brackets, as it appears in a URL or a host:port pair.
bool valid_bracketed_ipv6(std::string_view host);

// Splits "host:port" or "[v6]:port" (port may be absent when `port_optional`); the port must be
// valid_port.
bool split_host_port(std::string_view s, bool port_optional, std::string_view& host,
                     std::string_view& port);

enum class EndpointCheck { Ok, BadShape, PlainHttpBeyondLoopback };

// MESSAGEBIRD_ENDPOINT's shape: https://host[:port] with an optional final '/', or http:// to
// 127.0.0.1, [::1] or localhost; no path, query, fragment or user info. On Ok, `out` is the URL
// without the final '/'; otherwise `out` is left alone.
EndpointCheck normalise_endpoint(std::string_view url, std::string& out);

// LISTEN's shapes, the ones http::open_listener takes: "stdin", "systemd", "unix:/absolute/path"
// (at most 107 bytes, sun_path's room), or ipv4:port / localhost:port.
bool valid_listen(std::string_view listen);

}  // namespace voiceverify::config
