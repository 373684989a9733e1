// Signed, expiring, purpose-labelled cookie values.
//
// What the MAC covers, and why it is framed the way it is:
//   0x00 "vv-cookie-v2" 0x00 | be64(len(purpose)) | purpose | be64(expiry) | payload
// - The leading NUL separates this domain from mac_hex(), whose input starts with a non-empty,
//   NUL-free label: no cookie MAC can ever be replayed as a CSRF token or the other way round.
// - The format version is inside the MAC as well as in front of the value, so a value cannot
//   be relabelled as another version.
// - The purpose is length-prefixed, so ("ab", "c...") and ("a", "bc...") never frame the same
//   bytes; the expiry is fixed-width; the payload comes last and needs no length.
// - The expiry is inside the MAC, so a client cannot stretch a cookie's life by editing it.
// MACs are HMAC-SHA256 (util/hmac.hpp: RFC 2104, FIPS 198-1, through OpenSSL) and are compared with
// CRYPTO_memcmp so the time taken says nothing about how many bytes matched.
//
// Key rotation: verify() accepts a MAC under the key or, failing that, under the previous key;
// sign() and mac_hex() only ever use the key. A browser's next response carries a cookie signed
// with the new key, so once the longest cookie life has passed the previous key can go.
//
// Verification is strict by design: one canonical text per (payload, expiry, mac), so a value
// either is exactly what sign() wrote or is refused. Base64url follows RFC 4648 section 5 without
// padding (section 3.2 allows leaving it out when the length is known), with non-zero trailing
// bits refused (section 3.5).
#include "http/signed_cookie.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <climits>
#include <cstdint>
#include <stdexcept>
#include <utility>

#include "util/ascii.hpp"
#include "util/hmac.hpp"

namespace voiceverify::http {
namespace {

// Browsers keep at most about 4096 bytes per cookie (RFC 6265 section 6.1); anything longer was
// not written by us.
constexpr std::size_t kMaxSignedValueBytes = 4096;
constexpr std::string_view kWireVersion = "v2";
constexpr std::string_view kCookieDomain{"\0vv-cookie-v2\0", 14};

constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

void append_be64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

std::int64_t unix_seconds(Clock::time_point t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string cookie_mac_input(std::string_view purpose, std::int64_t expiry,
                             std::string_view payload) {
  std::string in;
  in.reserve(kCookieDomain.size() + 16 + purpose.size() + payload.size());
  in += kCookieDomain;
  append_be64(in, purpose.size());
  in += purpose;
  append_be64(in, static_cast<std::uint64_t>(expiry));
  in += payload;
  return in;
}

// The expiry as sign() writes it: decimal, no sign, no leading zeros (so "0123" is refused rather
// than read as a second spelling of "123"), within int64.
std::optional<std::int64_t> parse_expiry(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  if (!util::is_digits(text)) return std::nullopt;
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// hex HMAC-SHA256 of label "\0" data. The label frames the data with a NUL; one with a NUL of
// its own (or none at all) would let two (label, data) pairs, or a cookie MAC, share an input.
std::string labelled_mac_hex(std::string_view key, std::string_view label, std::string_view data) {
  if (label.empty() || label.find('\0') != std::string_view::npos) {
    throw std::invalid_argument("CookieSigner::mac_hex: label must be non-empty and NUL-free");
  }
  std::string in;
  in.reserve(label.size() + 1 + data.size());
  in += label;
  in += '\0';
  in += data;
  return util::hmac_sha256_hex(key, in);
}

}  // namespace

CookieSigner::CookieSigner(std::string key, std::string previous_key)
    : key_(std::move(key)), previous_key_(std::move(previous_key)) {
  // Config refuses a SIGNING_KEY under 32 characters; an empty one here is a wiring bug, and
  // signing with it would make every cookie forgeable.
  if (key_.empty()) throw std::invalid_argument("CookieSigner: empty key");
  if (key_.size() > INT_MAX || previous_key_.size() > INT_MAX) {
    throw std::invalid_argument("CookieSigner: key too long");
  }
  // Config refuses this too: the "previous" key would then be no rotation at all.
  if (previous_key_ == key_) throw std::invalid_argument("CookieSigner: previous key is the key");
}

CookieSigner::~CookieSigner() {
  OPENSSL_cleanse(key_.data(), key_.size());
  OPENSSL_cleanse(previous_key_.data(), previous_key_.size());
}

std::string CookieSigner::sign(std::string_view purpose, std::string_view payload,
                               std::chrono::seconds ttl, Clock::time_point now) const {
  const std::int64_t expiry = unix_seconds(now) + ttl.count();
  // A negative expiry cannot be written in the wire form; it would only come from a clock before
  // 1970 or a negative ttl, both bugs.
  if (expiry < 0) throw std::invalid_argument("CookieSigner::sign: expiry before 1970");
  const auto mac = util::hmac_sha256(key_, cookie_mac_input(purpose, expiry, payload));

  std::string out(kWireVersion);
  out += '.';
  out += base64url_encode(payload);
  out += '.';
  out += std::to_string(expiry);
  out += '.';
  out += base64url_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  // verify() refuses anything longer, so writing it would only hand the browser a dead cookie.
  if (out.size() > kMaxSignedValueBytes) {
    throw std::length_error("CookieSigner::sign: signed value over 4096 bytes");
  }
  return out;
}

std::optional<std::string> CookieSigner::verify(std::string_view purpose, std::string_view value,
                                                Clock::time_point now) const {
  if (value.size() > kMaxSignedValueBytes) return std::nullopt;
  // Another version (or none, the format before versions) is refused before anything else.
  if (!value.starts_with(kWireVersion) || value.size() == kWireVersion.size() ||
      value[kWireVersion.size()] != '.')
    return std::nullopt;
  value.remove_prefix(kWireVersion.size() + 1);

  // Then exactly three parts; base64url has no '.', so the split is unambiguous.
  const std::size_t first_dot = value.find('.');
  if (first_dot == std::string_view::npos) return std::nullopt;
  const std::size_t second_dot = value.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return std::nullopt;
  if (value.find('.', second_dot + 1) != std::string_view::npos) return std::nullopt;

  std::optional<std::string> payload = base64url_decode(value.substr(0, first_dot));
  const std::optional<std::int64_t> expiry =
      parse_expiry(value.substr(first_dot + 1, second_dot - first_dot - 1));
  const std::optional<std::string> mac = base64url_decode(value.substr(second_dot + 1));
  if (!payload || !expiry || !mac || mac->size() != util::kHmacSha256Bytes) return std::nullopt;

  const std::string input = cookie_mac_input(purpose, *expiry, *payload);
  const auto matches = [&](std::string_view key) {
    const auto expected = util::hmac_sha256(key, input);
    return CRYPTO_memcmp(expected.data(), mac->data(), util::kHmacSha256Bytes) == 0;
  };
  if (!matches(key_) && (previous_key_.empty() || !matches(previous_key_))) return std::nullopt;

  // Checked after the MAC, so an expired answer is only ever given about a value we wrote.
  if (unix_seconds(now) >= *expiry) return std::nullopt;
  return payload;
}

std::string CookieSigner::mac_hex(std::string_view label, std::string_view data) const {
  return labelled_mac_hex(key_, label, data);
}

bool CookieSigner::mac_hex_matches(std::string_view label, std::string_view data,
                                   std::string_view candidate) const {
  if (constant_time_equal(candidate, labelled_mac_hex(key_, label, data))) return true;
  return !previous_key_.empty() &&
         constant_time_equal(candidate, labelled_mac_hex(previous_key_, label, data));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // The length is not secret (tokens have a fixed length); only the contents are.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_hex(std::size_t bytes) {
  std::string out;
  out.reserve(bytes * 2);
  std::array<unsigned char, 64> chunk{};
  while (bytes > 0) {
    const std::size_t n = bytes < chunk.size() ? bytes : chunk.size();
    // RAND_bytes fails only when the CSPRNG cannot be seeded; carrying on with weak tokens would
    // be worse than failing the request.
    if (RAND_bytes(chunk.data(), static_cast<int>(n)) != 1) {
      throw std::runtime_error("RAND_bytes failed");
    }
    out += util::hex_encode(chunk.data(), n);
    bytes -= n;
  }
  OPENSSL_cleanse(chunk.data(), chunk.size());
  return out;
}

std::string base64url_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t n = (static_cast<unsigned char>(data[i]) << 16) |
                            (static_cast<unsigned char>(data[i + 1]) << 8) |
                            static_cast<unsigned char>(data[i + 2]);
    out.push_back(kBase64UrlAlphabet[(n >> 18) & 63]);
    out.push_back(kBase64UrlAlphabet[(n >> 12) & 63]);
    out.push_back(kBase64UrlAlphabet[(n >> 6) & 63]);
    out.push_back(kBase64UrlAlphabet[n & 63]);
  }
  const std::size_t rest = data.size() - i;
  if (rest == 1) {
    const std::uint32_t n = static_cast<unsigned char>(data[i]) << 16;
    out.push_back(kBase64UrlAlphabet[(n >> 18) & 63]);
    out.push_back(kBase64UrlAlphabet[(n >> 12) & 63]);
  } else if (rest == 2) {
    const std::uint32_t n = (static_cast<unsigned char>(data[i]) << 16) |
                            (static_cast<unsigned char>(data[i + 1]) << 8);
    out.push_back(kBase64UrlAlphabet[(n >> 18) & 63]);
    out.push_back(kBase64UrlAlphabet[(n >> 12) & 63]);
    out.push_back(kBase64UrlAlphabet[(n >> 6) & 63]);
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // One leftover character carries only 6 bits, less than a byte: no encoder writes that.
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (const char c : text) {
    const int v = base64url_value(c);  // refuses '=', '+', '/', whitespace and the rest
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<char>((bits >> bit_count) & 0xff));
    }
  }
  // RFC 4648 section 3.5: the unused low bits of the last character must be zero, otherwise
  // several texts decode to the same bytes.
  if ((bits & ((1u << bit_count) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace voiceverify::http
