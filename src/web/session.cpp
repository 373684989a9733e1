// Session and flash payloads. The signature (signed_cookie.cpp) makes them trustworthy; these
// functions only make them unambiguous: every field is checked against the alphabet it may hold,
// so a '|' can never shift one field into another.
#include "web/session.hpp"

#include <vector>

#include "messagebird/verify_id.hpp"
#include "util/ascii.hpp"

namespace voiceverify::web {
namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(sep, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

bool all_of(std::string_view text, bool (*ok)(char)) {
  for (char c : text)
    if (!ok(c)) return false;
  return true;
}

bool is_masked_char(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '+' || c == ' ';
}

}  // namespace

std::string encode_session(const Session& s) {
  return "v2|" + s.browser_id + "|" + s.verify_id + "|" + s.masked_number + "|" +
         (s.verified ? "1" : "0") + "|" + std::to_string(s.called_at);
}

std::optional<Session> decode_session(std::string_view payload) {
  const auto parts = split(payload, '|');
  const bool v1 = parts.size() == 5 && parts[0] == "v1";
  const bool v2 = parts.size() == 6 && parts[0] == "v2";
  if (!v1 && !v2) return std::nullopt;
  Session s;
  if (v2) {
    // Seconds since the epoch, one spelling per value, as encode writes it.
    const std::string_view at = parts[5];
    if (at.empty() || at.size() > 12 || !util::is_digits(at) || (at.size() > 1 && at[0] == '0'))
      return std::nullopt;
    s.called_at = std::stol(std::string(at));
  }
  if (parts[1].size() != 32 || !all_of(parts[1], util::is_hex)) return std::nullopt;
  if (!parts[2].empty() && !messagebird::is_verify_id(parts[2])) return std::nullopt;
  if (parts[3].size() > 40 || !all_of(parts[3], is_masked_char)) return std::nullopt;
  if (parts[4] != "0" && parts[4] != "1") return std::nullopt;
  s.browser_id = parts[1];
  s.verify_id = parts[2];
  s.masked_number = parts[3];
  s.verified = parts[4] == "1";
  return s;
}

std::string encode_flash(const view::Banner& banner) {
  return std::string(view::banner_kind_name(banner.kind)) + "|" +
         std::string(view::message_key(banner.message)) + "|" + std::to_string(banner.n);
}

std::optional<view::Banner> decode_flash(std::string_view payload) {
  const auto parts = split(payload, '|');
  if (parts.size() != 3) return std::nullopt;
  const auto kind = view::banner_kind_from_name(parts[0]);
  const auto message = view::message_from_key(parts[1]);
  // n is seconds to wait, tries left or code length: a few decimal digits at most.
  // One spelling per value ("7", never "007"), so a payload encodes back to the same bytes.
  if (!kind || !message || parts[2].empty() || parts[2].size() > 6 || !util::is_digits(parts[2]) ||
      (parts[2].size() > 1 && parts[2][0] == '0'))
    return std::nullopt;
  return view::Banner{*kind, *message, std::stol(std::string(parts[2]))};
}

namespace {
constexpr std::string_view kCsrfLabel = "csrf";
}  // namespace

std::string csrf_token(const http::CookieSigner& signer, const Session& session) {
  return signer.mac_hex(kCsrfLabel, session.browser_id);
}

bool csrf_token_matches(const http::CookieSigner& signer, const Session& session,
                        std::string_view token) {
  return signer.mac_hex_matches(kCsrfLabel, session.browser_id, token);
}

}  // namespace voiceverify::web
