// Session and flash payloads. The signature (signed_cookie.cpp) makes them trustworthy; these
// functions only make them unambiguous: every field is checked against the alphabet it may hold,
// so a '|' can never shift one field into another.
#include "handlers/session.hpp"

#include <vector>

#include "http/router.hpp"

namespace voiceverify::handlers {
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

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
bool is_masked_char(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '+' || c == ' ';
}

}  // namespace

std::string encode_session(const Session& s) {
  return "v1|" + s.browser_id + "|" + s.verify_id + "|" + s.masked_number + "|" +
         (s.verified ? "1" : "0");
}

std::optional<Session> decode_session(std::string_view payload) {
  const auto parts = split(payload, '|');
  if (parts.size() != 5 || parts[0] != "v1") return std::nullopt;
  Session s;
  if (parts[1].size() != 32 || !all_of(parts[1], is_hex)) return std::nullopt;
  if (!parts[2].empty() && !http::is_verify_id(parts[2])) return std::nullopt;
  if (parts[3].size() > 40 || !all_of(parts[3], is_masked_char)) return std::nullopt;
  if (parts[4] != "0" && parts[4] != "1") return std::nullopt;
  s.browser_id = parts[1];
  s.verify_id = parts[2];
  s.masked_number = parts[3];
  s.verified = parts[4] == "1";
  return s;
}

std::string encode_flash(const view::Banner& banner) {
  return banner.kind + "|" + banner.text;
}

std::optional<view::Banner> decode_flash(std::string_view payload) {
  const std::size_t bar = payload.find('|');
  if (bar == std::string_view::npos) return std::nullopt;
  view::Banner banner{std::string(payload.substr(0, bar)), std::string(payload.substr(bar + 1))};
  if (banner.kind != "error" && banner.kind != "info") return std::nullopt;
  if (banner.text.empty() || banner.text.size() > 300) return std::nullopt;
  return banner;
}

std::string csrf_token(const http::CookieSigner& signer, const Session& session) {
  return signer.mac_hex("csrf", session.browser_id);
}

}  // namespace voiceverify::handlers
