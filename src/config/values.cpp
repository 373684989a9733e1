// See values.hpp.
#include "config/values.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace voiceverify::config {
std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// The template is sent to MessageBird as JSON and spoken, so it must be clean text.
long utf8_length(std::string_view s) {
  long count = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if (b >= 0xc2 && b <= 0xdf) {
      len = 2;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      cp = b & 0x07;
    } else {
      return -1;
    }
    if (i + len > s.size()) return -1;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xc0) != 0x80) return -1;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f)) {
      return -1;
    }
    i += len;
    ++count;
  }
  return count;
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
