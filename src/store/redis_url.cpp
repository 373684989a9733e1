// See redis_url.hpp. IPv6 addresses are checked with inet_pton, which also refuses a zone id
// ("%eth0"): a zone only makes sense for link-local addresses, and a Redis reached that way is
// better named by its host name.
#include "store/redis_url.hpp"

#include <arpa/inet.h>

#include <algorithm>
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

// "HOST:PORT" (IPv6 in brackets) into `out`; false with `error` otherwise.
bool parse_endpoint(std::string_view text, RedisEndpoint& out, std::string& error) {
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || !valid_ipv6(text.substr(1, close - 1))) {
      error = "REDIS_URL has an invalid IPv6 address in brackets";
      return false;
    }
    out.host = std::string(text.substr(1, close - 1));
    text.remove_prefix(close + 1);
  } else {
    const std::string_view host = text.substr(0, text.find(':'));
    if (!valid_hostname(host)) {
      error = "REDIS_URL host may hold only letters, digits, '.' and '-' (IPv6 in brackets)";
      return false;
    }
    out.host = std::string(host);
    text.remove_prefix(host.size());
  }
  if (!text.starts_with(':')) {
    error = "REDIS_URL needs host:port";
    return false;
  }
  if (!parse_number(text.substr(1), 65535, out.port) || out.port == 0) {
    error = "REDIS_URL port must be 1..65535";
    return false;
  }
  return true;
}

bool valid_primary_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxPrimaryName) return false;
  for (char c : name) {
    if (!util::is_alnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

// "h1:p1,h2:p2/NAME[?db=N]" after the user info of a redis+sentinel:// URL.
bool parse_sentinel_part(std::string_view rest, RedisUrl& parsed, std::string& error) {
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) {
    error = "REDIS_URL with redis+sentinel:// needs /NAME, the primary's name, after the sentinels";
    return false;
  }
  std::string_view list = rest.substr(0, slash);
  while (true) {
    if (parsed.sentinels.size() == kMaxSentinels) {
      error = "REDIS_URL lists more than " + std::to_string(kMaxSentinels) + " sentinels";
      return false;
    }
    const auto comma = list.find(',');
    RedisEndpoint sentinel;
    if (!parse_endpoint(list.substr(0, comma), sentinel, error)) return false;
    if (std::find(parsed.sentinels.begin(), parsed.sentinels.end(), sentinel) !=
        parsed.sentinels.end()) {
      error = "REDIS_URL names the same sentinel twice";
      return false;
    }
    parsed.sentinels.push_back(std::move(sentinel));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  std::string_view path = rest.substr(slash + 1);
  const auto question = path.find('?');
  const std::string_view name = path.substr(0, question);
  if (!valid_primary_name(name)) {
    error = "REDIS_URL primary name must be 1.." + std::to_string(kMaxPrimaryName) +
            " letters, digits, '.', '_' or '-'";
    return false;
  }
  parsed.primary_name = std::string(name);
  if (question == std::string_view::npos) return true;
  const std::string_view query = path.substr(question + 1);
  if (!query.starts_with("db=") || !parse_number(query.substr(3), 99999, parsed.db)) {
    error = "REDIS_URL with redis+sentinel:// takes only ?db=N, N 0..99999";
    return false;
  }
  return true;
}

}  // namespace

std::optional<RedisUrl> parse_redis_url(std::string_view url, std::string& error) {
  constexpr std::string_view plain = "redis://";
  constexpr std::string_view sentinel = "redis+sentinel://";
  if (url.size() > kMaxUrlLength) {
    error = "REDIS_URL is longer than " + std::to_string(kMaxUrlLength) + " bytes";
    return std::nullopt;
  }
  std::string_view rest = url;
  const bool with_sentinel = rest.starts_with(sentinel);
  if (!with_sentinel && !rest.starts_with(plain)) {
    error = "REDIS_URL must start with redis:// or redis+sentinel:// (TLS is not supported)";
    return std::nullopt;
  }
  rest.remove_prefix(with_sentinel ? sentinel.size() : plain.size());

  RedisUrl parsed;
  if (!take_userinfo(rest, parsed, error)) return std::nullopt;
  if (with_sentinel) {
    if (!parse_sentinel_part(rest, parsed, error)) return std::nullopt;
    return parsed;
  }
  // Hosts hold no '/', so the first one ends the address.
  const auto slash = rest.find('/');
  RedisEndpoint address;
  if (!parse_endpoint(rest.substr(0, slash), address, error)) return std::nullopt;
  parsed.host = std::move(address.host);
  parsed.port = address.port;
  if (slash != std::string_view::npos && !parse_number(rest.substr(slash + 1), 99999, parsed.db)) {
    error = "REDIS_URL database must be a number 0..99999 after '/'";
    return std::nullopt;
  }
  return parsed;
}

}  // namespace voiceverify::store
