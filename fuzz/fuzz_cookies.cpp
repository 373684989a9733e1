// Fuzzes Cookie header parsing (http/cookies.hpp), which sees every request's Cookie header.
// Input: the cookie name to look for, a newline, then the header; without a newline the whole
// input is the header and the name is our session cookie's. Checks that whatever comes out is
// plain cookie-octets found in the header, and that format_set_cookie either refuses a name or
// value (or a __Host-/__Secure- name without Secure) or writes one that find_cookie reads back
// unchanged.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "check.hpp"
#include "http/cookies.hpp"

namespace {

// RFC 6265 section 4.1.1, restated independently of cookies.cpp.
bool is_cookie_octet(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x21 && u <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

bool is_token(std::string_view s) {
  constexpr std::string_view kSeparators = "()<>@,;:\\\"/[]?={} \t";
  if (s.empty()) return false;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || kSeparators.find(c) != std::string_view::npos) return false;
  }
  return true;
}

bool all_cookie_octets(std::string_view s) {
  for (const char c : s) {
    if (!is_cookie_octet(c)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view name = "vv_session";
  std::string_view header = input;
  if (const std::size_t newline = input.find('\n'); newline != std::string_view::npos) {
    name = input.substr(0, newline);
    header = input.substr(newline + 1);
  }

  const std::optional<std::string> found = voiceverify::http::find_cookie(header, name);
  if (header.size() > 4096) VV_FUZZ_CHECK(!found);
  if (found) {
    VV_FUZZ_CHECK(is_token(name));
    VV_FUZZ_CHECK(all_cookie_octets(*found));
    VV_FUZZ_CHECK(header.find(*found) != std::string_view::npos);
  }
  // A header cap of zero admits only the empty header, which holds no cookie.
  VV_FUZZ_CHECK(!voiceverify::http::find_cookie(header, name, 0));

  // Formatting: the header's bytes used as a value we might set.
  voiceverify::http::SetCookie cookie;
  cookie.name = std::string(name);
  cookie.value = std::string(header);
  cookie.max_age = std::chrono::seconds(static_cast<long long>(size) - 100);
  cookie.secure = size % 2 == 0;
  // RFC 6265bis section 4.1.3: browsers drop such a cookie unless it is Secure.
  const bool prefixed_insecure =
      !cookie.secure && (name.starts_with("__Host-") || name.starts_with("__Secure-"));
  std::string formatted;
  try {
    formatted = voiceverify::http::format_set_cookie(cookie);
  } catch (const std::invalid_argument&) {
    VV_FUZZ_CHECK(!is_token(name) || !all_cookie_octets(header) || prefixed_insecure);
    return 0;
  }
  VV_FUZZ_CHECK(is_token(name) && all_cookie_octets(header) && !prefixed_insecure);
  // No header injection: nothing but visible ASCII and spaces.
  for (const char c : formatted) {
    const auto u = static_cast<unsigned char>(c);
    VV_FUZZ_CHECK(u >= 0x20 && u < 0x7f);
  }
  // A Set-Cookie line starts with the pair a browser would send back.
  const std::optional<std::string> read_back =
      voiceverify::http::find_cookie(formatted, name, std::numeric_limits<std::size_t>::max());
  VV_FUZZ_CHECK(read_back == cookie.value);
  return 0;
}
