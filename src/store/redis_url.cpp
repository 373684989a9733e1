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

// %XX decoded; false on a broken escape or a control byte.
bool decode_userinfo(std::string_view text, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      unsigned value = 0;
      if (i + 2 >= text.size() || !util::is_hex(text[i + 1]) || !util::is_hex(text[i + 2])) {
        return false;
      }
      const auto [ptr, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec != std::errc{}) return false;
      c = static_cast<char>(value);
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    out += c;
  }
  return true;
}

// "[user]:password@" in front of the host, taken off `rest`; false with `error` when it is there
// and not of that shape.
bool take_userinfo(std::string_view& rest, RedisUrl& parsed, std::string& error) {
  const auto at = rest.rfind('@');
  if (at == std::string_view::npos) return true;
  const std::string_view info = rest.substr(0, at);
  rest.remove_prefix(at + 1);
  const auto colon = info.find(':');
  if (colon == std::string_view::npos || colon + 1 == info.size()) {
    error = "REDIS_URL must give a password with a user: redis://user:password@host:port";
    return false;
  }
  if (!decode_userinfo(info.substr(0, colon), parsed.user) ||
      !decode_userinfo(info.substr(colon + 1), parsed.password)) {
    error = "REDIS_URL user or password has a broken %-escape or a control byte";
    return false;
  }
  return true;
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

  RedisUrl parsed;
  if (!take_userinfo(rest, parsed, error)) return std::nullopt;
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
