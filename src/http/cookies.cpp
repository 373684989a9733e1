// Cookie header parsing and Set-Cookie formatting.
//
// Parsing is lenient where browsers are (RFC 6265 section 5.4 serialises pairs as "a=b; c=d", and
// section 5.2 trims whitespace around names and values) and strict where it matters: a value is
// returned only if it is a well-formed cookie-value of section 4.1.1, so whatever comes out is
// plain cookie-octets that the signed-cookie code can decode without surprises.
//
// Formatting only ever writes names and values we made ourselves, so a bad one is a bug in the
// caller, reported by exception before it can turn into header injection.
#include "http/cookies.hpp"

#include <stdexcept>

#include "util/ascii.hpp"

namespace voiceverify::http {
namespace {

// RFC 6265 section 4.1.1 cookie-name = token (RFC 2616 section 2.2): visible ASCII minus
// separators.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
    switch (c) {
      case '(':
      case ')':
      case '<':
      case '>':
      case '@':
      case ',':
      case ';':
      case ':':
      case '\\':
      case '"':
      case '/':
      case '[':
      case ']':
      case '?':
      case '=':
      case '{':
      case '}':
        return false;
      default:
        break;
    }
  }
  return true;
}

// RFC 6265 section 4.1.1 cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E, i.e. visible
// ASCII without DQUOTE, comma, semicolon and backslash.
bool is_cookie_octets(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\') return false;
  }
  return true;
}

// cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ); the quotes are not part of the
// value (RFC 6265 section 4.1.1 lists them as optional framing).
std::optional<std::string_view> cookie_value(std::string_view raw) {
  if (!raw.empty() && raw.front() == '"') {
    if (raw.size() < 2 || raw.back() != '"') return std::nullopt;
    raw = raw.substr(1, raw.size() - 2);
  }
  if (!is_cookie_octets(raw)) return std::nullopt;
  return raw;
}

}  // namespace

std::optional<std::string> find_cookie(std::string_view cookie_header, std::string_view name,
                                       std::size_t max_header_bytes) {
  // Browsers send at most about 4 KiB per cookie; a longer header is refused outright rather than
  // scanned, which also bounds the work a hostile client can ask of us.
  if (cookie_header.size() > max_header_bytes) return std::nullopt;

  std::size_t start = 0;
  while (start <= cookie_header.size()) {
    std::size_t end = cookie_header.find(';', start);
    if (end == std::string_view::npos) end = cookie_header.size();
    const std::string_view piece = cookie_header.substr(start, end - start);
    start = end + 1;

    // RFC 6265 section 5.2 step 2: a pair without '=' is ignored.
    const std::size_t eq = piece.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view piece_name = util::trim(piece.substr(0, eq));
    if (!is_token(piece_name) || piece_name != name) continue;
    const std::optional<std::string_view> value = cookie_value(util::trim(piece.substr(eq + 1)));
    if (!value) continue;  // malformed: skipped, as the contract says
    // The first match wins: RFC 6265 section 5.4 step 2 puts longer paths and older cookies first,
    // and every cookie we set has Path=/, so the first is the one we set earliest.
    return std::string(*value);
  }
  return std::nullopt;
}

std::string scheme_cookie_name(std::string_view name, bool https) {
  return https ? "__Host-" + std::string(name) : std::string(name);
}

std::string format_set_cookie(const SetCookie& cookie) {
  if (!is_token(cookie.name)) throw std::invalid_argument("format_set_cookie: bad cookie name");
  // RFC 6265bis section 4.1.3: browsers drop a prefixed cookie that is not Secure.
  if (!cookie.secure &&
      (cookie.name.starts_with("__Host-") || cookie.name.starts_with("__Secure-")))
    throw std::invalid_argument("format_set_cookie: a __Host- or __Secure- cookie must be Secure");
  if (!is_cookie_octets(cookie.value)) {
    throw std::invalid_argument("format_set_cookie: bad cookie value");
  }
  // RFC 6265 section 4.1.1: Max-Age is 1*DIGIT with a non-zero first digit; "0" is how we delete
  // (section 5.2.2 treats zero or less as "expire now"), so a negative age is sent as 0.
  const long long max_age = cookie.max_age.count() > 0 ? cookie.max_age.count() : 0;
  std::string out;
  out.reserve(cookie.name.size() + cookie.value.size() + 64);
  out += cookie.name;
  out += '=';
  out += cookie.value;
  out += "; Max-Age=";
  out += std::to_string(max_age);
  // HttpOnly keeps scripts away from the value; SameSite=Lax keeps cross-site POSTs from
  // carrying it (RFC 6265bis section 8.8), which is the CSRF line of defence under the token.
  out += "; Path=/; HttpOnly; SameSite=Lax";
  if (cookie.secure) out += "; Secure";
  return out;
}

}  // namespace voiceverify::http
