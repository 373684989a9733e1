// See redis_url.hpp. IPv6 addresses are checked with inet_pton, which also refuses a zone id
// ("%eth0"): a zone only makes sense for link-local addresses, and a Redis reached that way is
// better named by its host name.
#include "store/redis_url.hpp"

#include <arpa/inet.h>

#include <charconv>

#include "util/ascii.hpp"

namespace voiceverify::store {
namespace {

bool parse_number(std::string_view text, int max, int& out) {
  // Leading zeros and signs are refused to keep one spelling per address.
  if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0')) return false;
  if (!util::is_digits(text)) return false;
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || value > max) return false;
  out = value;
  return true;
}

bool is_host_char(char c) {
  return util::is_alnum(c) || c == '.' || c == '-';
}

bool valid_hostname(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.find_first_not_of(".-") == std::string_view::npos) {
    return false;
  }
  for (char c : host) {
    if (!is_host_char(c)) return false;
  }
  return true;
}

bool valid_ipv6(std::string_view address) {
  if (address.empty() || address.size() > 45) return false;
  const std::string text(address);
  in6_addr parsed{};
  return ::inet_pton(AF_INET6, text.c_str(), &parsed) == 1;
}

}  // namespace

std::optional<RedisUrl> parse_redis_url(std::string_view url, std::string& error) {
  constexpr std::string_view scheme = "redis://";
  std::string_view rest = url;
  if (!rest.starts_with(scheme)) {
    error = "REDIS_URL must start with redis:// (TLS is not supported)";
    return std::nullopt;
  }
  rest.remove_prefix(scheme.size());
  if (rest.find('@') != std::string_view::npos) {
    error = "REDIS_URL must not hold a user or password";
    return std::nullopt;
  }

  RedisUrl parsed;
  std::string_view host;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos || !valid_ipv6(rest.substr(1, close - 1))) {
      error = "REDIS_URL has an invalid IPv6 address in brackets";
      return std::nullopt;
    }
    parsed.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
  } else {
    const auto colon = rest.find(':');
    host = rest.substr(0, colon);
    if (!valid_hostname(host)) {
      error = "REDIS_URL host may hold only letters, digits, '.' and '-' (IPv6 in brackets)";
      return std::nullopt;
    }
    parsed.host = std::string(host);
    rest.remove_prefix(host.size());
  }

  if (!rest.starts_with(':')) {
    error = "REDIS_URL needs host:port";
    return std::nullopt;
  }
  rest.remove_prefix(1);
  const auto slash = rest.find('/');
  if (!parse_number(rest.substr(0, slash), 65535, parsed.port) || parsed.port == 0) {
    error = "REDIS_URL port must be 1..65535";
    return std::nullopt;
  }
  if (slash != std::string_view::npos && !parse_number(rest.substr(slash + 1), 99999, parsed.db)) {
    error = "REDIS_URL database must be a number 0..99999 after '/'";
    return std::nullopt;
  }
  return parsed;
}

}  // namespace voiceverify::store
