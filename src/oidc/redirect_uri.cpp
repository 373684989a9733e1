// See redirect_uri.hpp. We parse only as much of a URI as the rules need (scheme, authority,
// whether a fragment is present): the URI itself is compared as a string, never rebuilt.
#include "oidc/redirect_uri.hpp"

#include <array>
#include <optional>

#include "util/ascii.hpp"

namespace voiceverify::oidc {
namespace {

struct Authority {
  std::string_view scheme;     // "https" or "http"
  std::string_view host;       // as written, brackets kept for IPv6
  std::string_view port;       // digits, or empty
  std::size_t port_begin = 0;  // where ":port" starts in the URI (npos when absent)
  std::size_t end = 0;         // where the authority ends
};

constexpr auto kLoopbackHosts =
    std::to_array<std::string_view>({"127.0.0.1", "[::1]", "localhost"});

bool is_loopback_host(std::string_view host) {
  for (const auto loopback : kLoopbackHosts) {
    if (host == loopback) return true;
  }
  return false;
}

// The scheme and authority of an http(s) URI, or nullopt.
std::optional<Authority> split_authority(std::string_view uri) {
  Authority a;
  std::size_t start = 0;
  if (uri.starts_with("https://")) {
    a.scheme = "https";
    start = 8;
  } else if (uri.starts_with("http://")) {
    a.scheme = "http";
    start = 7;
  } else {
    return std::nullopt;
  }
  a.end = uri.find_first_of("/?#", start);
  if (a.end == std::string_view::npos) a.end = uri.size();
  const std::string_view authority = uri.substr(start, a.end - start);
  // The port follows the last ':' outside an IPv6 literal's brackets.
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  a.port_begin = std::string_view::npos;
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    a.host = authority.substr(0, colon);
    a.port = authority.substr(colon + 1);
    a.port_begin = start + colon;
  } else {
    a.host = authority;
  }
  return a;
}

// The URI without its ":port", for the loopback rule.
std::string without_port(std::string_view uri, const Authority& a) {
  if (a.port_begin == std::string_view::npos) return std::string(uri);
  return std::string(uri.substr(0, a.port_begin)) + std::string(uri.substr(a.end));
}

constexpr bool is_unreserved(char c) {
  return util::is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string redirect_uri_problem(std::string_view uri) {
  if (uri.empty()) return "empty";
  if (uri.size() > kMaxRedirectUriBytes) {
    return "longer than " + std::to_string(kMaxRedirectUriBytes) + " bytes";
  }
  for (const char c : uri) {
    if (util::is_control(c) || c == ' ' || c == '|' || static_cast<unsigned char>(c) > 0x7e) {
      return "holds a space, a control byte, '|' or a non-ASCII byte";
    }
  }
  if (uri.find('#') != std::string_view::npos) return "has a fragment (RFC 6749 section 3.1.2)";
  const auto a = split_authority(uri);
  if (!a) return "not an https URI (or http on a loopback address)";
  if (a->host.empty()) return "has no host";
  if (a->host.find('@') != std::string_view::npos) return "has user info";
  if (a->port_begin != std::string_view::npos &&
      (!util::is_digits(a->port) || a->port.size() > 5)) {
    return "has a port that is not a number";
  }
  if (a->scheme == "http" && !is_loopback_host(a->host)) {
    return "http only on loopback (127.0.0.1, [::1], localhost); use https";
  }
  return {};
}

bool redirect_uri_matches(std::string_view registered, std::string_view requested) {
  if (registered == requested) return true;
  const auto reg = split_authority(registered);
  const auto req = split_authority(requested);
  if (!reg || !req || reg->scheme != "http" || req->scheme != "http" ||
      !is_loopback_host(reg->host) || reg->host != req->host) {
    return false;
  }
  if (req->port_begin != std::string_view::npos && !util::is_digits(req->port)) return false;
  return without_port(registered, *reg) == without_port(requested, *req);
}

void RedirectOrigins::add(std::string_view registered) {
  const auto a = split_authority(registered);
  if (!a) return;
  const std::string_view origin = registered.substr(0, a->end);
  if (a->scheme == "http" && is_loopback_host(a->host)) {
    any_port_.insert(without_port(origin, *a));
  } else {
    exact_.emplace(origin);
  }
}

bool RedirectOrigins::allows(std::string_view origin) const {
  const auto a = split_authority(origin);
  // A bare origin only: no path, query or fragment after the authority.
  if (!a || a->end != origin.size()) return false;
  if (exact_.contains(std::string(origin))) return true;
  if (a->scheme != "http" || !is_loopback_host(a->host)) return false;
  if (a->port_begin != std::string_view::npos && !util::is_digits(a->port)) return false;
  return any_port_.contains(without_port(origin, *a));
}

std::string percent_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (is_unreserved(c)) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
  return out;
}

std::string with_query(std::string_view uri,
                       const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out(uri);
  // RFC 6749 section 3.1.2: the query component of a registered URI is kept.
  char separator = out.find('?') == std::string::npos ? '?' : '&';
  if (!out.empty() && (out.back() == '?' || out.back() == '&')) separator = '\0';
  for (const auto& [name, value] : params) {
    if (separator != '\0') out += separator;
    out += percent_encode(name);
    out += '=';
    out += percent_encode(value);
    separator = '&';
  }
  return out;
}

}  // namespace voiceverify::oidc
