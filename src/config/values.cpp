// See values.hpp.
#include "config/values.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace voiceverify::config {

bool parse_fraction(std::string_view s, long& ten_thousandths) {
  const auto dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view places =
      dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  long w = 0;
  long f = 0;
  if (!parse_int(whole, 0L, 1L, w)) return false;
  if (dot != std::string_view::npos &&
      (places.empty() || places.size() > 4 || !parse_int(places, 0L, 9999L, f)))
    return false;
  for (std::size_t i = places.size(); i < 4; ++i) f *= 10;
  if (w == 1 && f != 0) return false;
  ten_thousandths = w * 10'000 + f;
  return true;
}

bool split_list(std::string_view s, std::vector<std::string>& out) {
  out.clear();
  if (trim(s).empty()) return true;
  while (true) {
    const auto comma = s.find(',');
    const auto item = trim(s.substr(0, comma));
    if (item.empty()) return false;
    out.emplace_back(item);
    if (comma == std::string_view::npos) return true;
    s.remove_prefix(comma + 1);
  }
}

bool parse_ipv4_list(std::string_view s, std::vector<std::uint32_t>& out) {
  out.clear();
  if (s.empty()) return true;
  while (true) {
    const auto comma = s.find(',');
    const std::string item(trim(s.substr(0, comma)));
    in_addr addr{};
    if (inet_pton(AF_INET, item.c_str(), &addr) != 1) return false;
    out.push_back(addr.s_addr);
    if (comma == std::string_view::npos) return true;
    s.remove_prefix(comma + 1);
  }
}

bool valid_port(std::string_view s) {
  int port = 0;
  return parse_int(s, 1, 65535, port);
}

bool valid_hostname(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') {
    return false;
  }
  return std::all_of(host.begin(), host.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '-'; });
}

bool valid_ipv4(std::string_view host) {
  const std::string h(host);
  in_addr addr{};
  return inet_pton(AF_INET, h.c_str(), &addr) == 1;
}

bool valid_bracketed_ipv6(std::string_view host) {
  if (host.size() < 3 || host.front() != '[' || host.back() != ']') return false;
  const std::string h(host.substr(1, host.size() - 2));
  in6_addr addr{};
  return inet_pton(AF_INET6, h.c_str(), &addr) == 1;
}

bool split_host_port(std::string_view s, bool port_optional, std::string_view& host,
                     std::string_view& port) {
  std::string_view rest;
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos) return false;
    host = s.substr(0, close + 1);
    rest = s.substr(close + 1);
  } else {
    const auto colon = s.find(':');
    host = s.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : s.substr(colon);
  }
  if (rest.empty()) {
    port = {};
    return port_optional;
  }
  if (rest.front() != ':') return false;
  port = rest.substr(1);
  return valid_port(port);
}

EndpointCheck normalise_endpoint(std::string_view url, std::string& out) {
  std::string_view s = url;
  std::string_view scheme;
  if (s.starts_with("https://")) {
    scheme = "https://";
  } else if (s.starts_with("http://")) {
    scheme = "http://";
  } else {
    return EndpointCheck::BadShape;
  }
  s.remove_prefix(scheme.size());
  if (!s.empty() && s.back() == '/') s.remove_suffix(1);
  if (s.find_first_of("/?#@\\") != std::string_view::npos) return EndpointCheck::BadShape;
  std::string_view host;
  std::string_view port;
  if (!split_host_port(s, true, host, port)) return EndpointCheck::BadShape;
  if (!valid_hostname(host) && !valid_bracketed_ipv6(host)) return EndpointCheck::BadShape;
  const bool loopback = host == "127.0.0.1" || host == "[::1]" || upper(host) == "LOCALHOST";
  if (scheme == "http://" && !loopback) return EndpointCheck::PlainHttpBeyondLoopback;
  out = std::string(scheme) + std::string(s);
  return EndpointCheck::Ok;
}

// TCP goes through FCGX_OpenSocket, which resolves the host with inet_addr/gethostbyname: IPv4
// only, so an IPv6 literal is refused here, not at bind time.
bool valid_listen(std::string_view s) {
  if (s == "stdin" || s == "systemd") return true;
  if (s.starts_with("unix:")) {
    const auto path = s.substr(5);
    // sun_path holds 108 bytes including the terminating NUL.
    return path.size() >= 2 && path.front() == '/' && path.size() <= 107 && !has_control(path);
  }
  std::string_view host;
  std::string_view port;
  if (!split_host_port(s, false, host, port)) return false;
  return valid_ipv4(host) || host == "localhost";
}

}  // namespace voiceverify::config
