// See known_cookie.hpp. The cookie's own expiry (signed_cookie.hpp) is KNOWN_DAYS from the
// verification; the verified-at it carries is checked again against today's KNOWN_DAYS, so
// shortening it takes effect at once, not only for marks set after the change.
#include "web/known_cookie.hpp"

#include "http/cookies.hpp"
#include "util/ascii.hpp"

namespace voiceverify::web {
namespace {

constexpr std::string_view kPurpose = "known";

}  // namespace

std::string encode_known(const KnownBrowser& known) {
  return "k1|" + known.id + "|" + std::to_string(known.verified_at);
}

std::optional<KnownBrowser> decode_known(std::string_view payload) {
  if (!payload.starts_with("k1|")) return std::nullopt;
  payload.remove_prefix(3);
  const auto bar = payload.find('|');
  if (bar == std::string_view::npos) return std::nullopt;
  const std::string_view id = payload.substr(0, bar);
  const std::string_view at = payload.substr(bar + 1);
  // Seconds since the epoch, one spelling per value, as encode writes it.
  if (!guard::valid_mark_id(id) || at.empty() || at.size() > 12 || !util::is_digits(at) ||
      (at.size() > 1 && at[0] == '0'))
    return std::nullopt;
  return KnownBrowser{std::string(id), std::stol(std::string(at))};
}

guard::BrowserMark read_known_mark(const http::CookieSigner& signer, std::string_view cookie_header,
                                   bool https, std::chrono::seconds lifetime, long now,
                                   std::size_t max_cookie_bytes) {
  const std::string name = http::scheme_cookie_name(kKnownCookie, https);
  if (auto raw = http::find_cookie(cookie_header, name, max_cookie_bytes)) {
    if (auto payload = signer.verify(kPurpose, *raw)) {
      if (auto known = decode_known(*payload)) {
        if (known->verified_at <= now && now - known->verified_at < lifetime.count())
          return {known->id, true};
      }
    }
  }
  return {http::random_hex(16), false};
}

std::string known_mark_cookie(const http::CookieSigner& signer, const guard::BrowserMark& mark,
                              bool https, std::chrono::seconds lifetime, long now) {
  const std::string value = signer.sign(kPurpose, encode_known({mark.id, now}), lifetime);
  return http::format_set_cookie(
      http::SetCookie{http::scheme_cookie_name(kKnownCookie, https), value, lifetime, https});
}

}  // namespace voiceverify::web
