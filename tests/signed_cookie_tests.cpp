#include "http/signed_cookie.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <set>
#include <stdexcept>
#include <string>

namespace {

using voiceverify::http::base64url_decode;
using voiceverify::http::base64url_encode;
using voiceverify::http::Clock;
using voiceverify::http::constant_time_equal;
using voiceverify::http::CookieSigner;
using voiceverify::http::random_hex;
using namespace std::chrono_literals;

const std::string kKey = "0123456789abcdef0123456789abcdef-test-key";
const Clock::time_point kNow = Clock::time_point(1'700'000'000s);

// Replaces one character with another from the base64url alphabet (or digit for the expiry).
std::string flip(std::string text, std::size_t at) {
  text[at] = text[at] == 'A' ? 'B' : (text[at] == '1' ? '2' : (text[at] == '0' ? '1' : 'A'));
  return text;
}

// The parts after the version: "v2." payload "." expiry "." mac.
struct Parts {
  std::string payload, expiry, mac;
};
Parts split(const std::string& value) {
  BOOST_REQUIRE(value.rfind("v2.", 0) == 0);
  const auto a = value.find('.', 3);
  const auto b = value.find('.', a + 1);
  return {value.substr(3, a - 3), value.substr(a + 1, b - a - 1), value.substr(b + 1)};
}
std::string join(const Parts& p, const std::string& version = "v2") {
  return version + "." + p.payload + "." + p.expiry + "." + p.mac;
}

BOOST_AUTO_TEST_SUITE(signed_cookie_tests)

BOOST_AUTO_TEST_CASE(round_trip_and_wire_form) {
  const CookieSigner signer(kKey);
  const std::string value = signer.sign("session", "browser=42", 600s, kNow);
  BOOST_TEST(value.rfind("v2.", 0) == 0u);  // the format's version first
  const Parts parts = split(value);
  BOOST_TEST(parts.payload == base64url_encode("browser=42"));
  BOOST_TEST(parts.expiry == "1700000600");
  BOOST_TEST(parts.mac.size() == 43u);  // 32 bytes, unpadded
  BOOST_TEST(signer.verify("session", value, kNow).value() == "browser=42");
  BOOST_TEST(signer.verify("session", value, kNow + 599s).value() == "browser=42");
  // Deterministic: the same inputs sign the same way.
  BOOST_TEST(signer.sign("session", "browser=42", 600s, kNow) == value);
}

BOOST_AUTO_TEST_CASE(round_trip_of_awkward_payloads) {
  const CookieSigner signer(kKey);
  for (const std::string& payload :
       {std::string(), std::string("a"), std::string("ab"), std::string("a.b.c"),
        std::string("\0\xff\x01", 3), std::string(2000, 'z')}) {
    const std::string value = signer.sign("flash", payload, 60s, kNow);
    const auto back = signer.verify("flash", value, kNow);
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(*back == payload);
  }
}

BOOST_AUTO_TEST_CASE(expiry_is_enforced_with_injected_now) {
  const CookieSigner signer(kKey);
  const std::string value = signer.sign("flash", "hi", 10s, kNow + 900ms);  // floors to kNow
  BOOST_TEST(signer.verify("flash", value, kNow + 9s + 999ms).has_value());
  BOOST_TEST(!signer.verify("flash", value, kNow + 10s).has_value());
  BOOST_TEST(!signer.verify("flash", value, kNow + 1h).has_value());
  // A zero or negative ttl is born expired.
  BOOST_TEST(!signer.verify("flash", signer.sign("flash", "hi", 0s, kNow), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(extending_the_expiry_breaks_the_mac) {
  const CookieSigner signer(kKey);
  Parts parts = split(signer.sign("session", "p", 10s, kNow));
  parts.expiry = "1700009999";
  BOOST_TEST(!signer.verify("session", join(parts), kNow).has_value());
  parts.expiry = "99999999999";
  BOOST_TEST(!signer.verify("session", join(parts), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(tampering_with_any_character_is_refused) {
  const CookieSigner signer(kKey);
  const std::string value = signer.sign("session", "browser=42&x=y", 600s, kNow);
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '.') continue;
    const std::string tampered = flip(value, i);
    BOOST_TEST_INFO("position " << i << ": " << tampered);
    BOOST_TEST(!signer.verify("session", tampered, kNow).has_value());
  }
}

BOOST_AUTO_TEST_CASE(swapping_parts_between_cookies_is_refused) {
  const CookieSigner signer(kKey);
  const Parts a = split(signer.sign("session", "alice", 600s, kNow));
  const Parts b = split(signer.sign("session", "mallory", 900s, kNow));
  BOOST_TEST(!signer.verify("session", join({b.payload, a.expiry, a.mac}), kNow).has_value());
  BOOST_TEST(!signer.verify("session", join({a.payload, b.expiry, a.mac}), kNow).has_value());
  BOOST_TEST(!signer.verify("session", join({a.payload, a.expiry, b.mac}), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(truncation_is_refused) {
  const CookieSigner signer(kKey);
  const std::string value = signer.sign("session", "browser=42", 600s, kNow);
  for (std::size_t len = 0; len < value.size(); ++len) {
    BOOST_TEST_INFO("length " << len);
    BOOST_TEST(!signer.verify("session", value.substr(0, len), kNow).has_value());
  }
  // Dropping from the front is no better.
  BOOST_TEST(!signer.verify("session", value.substr(1), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(wrong_key_is_refused) {
  const CookieSigner signer(kKey);
  const CookieSigner other(kKey + "x");
  const std::string value = signer.sign("session", "p", 600s, kNow);
  BOOST_TEST(!other.verify("session", value, kNow).has_value());
  BOOST_TEST(!signer.verify("session", other.sign("session", "p", 600s, kNow), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(wrong_purpose_is_refused) {
  const CookieSigner signer(kKey);
  const std::string flash = signer.sign("flash", "p", 600s, kNow);
  BOOST_TEST(!signer.verify("session", flash, kNow).has_value());
  BOOST_TEST(!signer.verify("", flash, kNow).has_value());
  BOOST_TEST(!signer.verify("Flash", flash, kNow).has_value());
  // The purpose is length-framed: moving bytes between purpose and payload does not verify.
  const std::string ab = signer.sign("ab", "c", 600s, kNow);
  const Parts parts = split(ab);
  BOOST_TEST(!signer.verify("a", join({base64url_encode("bc"), parts.expiry, parts.mac}), kNow)
                  .has_value());
  // A purpose with a NUL is still just bytes and does not collide with the shorter one.
  const std::string nul = signer.sign(std::string("flash\0x", 7), "p", 600s, kNow);
  BOOST_TEST(!signer.verify("flash", nul, kNow).has_value());
}

BOOST_AUTO_TEST_CASE(garbage_and_non_canonical_forms_are_refused) {
  const CookieSigner signer(kKey);
  const Parts good = split(signer.sign("s", "payload", 600s, kNow));
  const std::string candidates[] = {
      "",
      ".",
      "..",
      "...",
      "a.b.c",
      "not a cookie",
      join({good.payload, good.expiry, good.mac}) + ".",  // a fifth part
      good.payload + "." + good.expiry + "." + good.mac,  // no version
      join(good, ""),
      join(good, "v"),
      join(good, "V2"),
      join(good, "v02"),
      join({good.payload, good.expiry, good.mac + "="}),  // padding
      join({good.payload + "=", good.expiry, good.mac}),
      join({good.payload, "0" + good.expiry, good.mac}),  // leading zero
      join({good.payload, "+" + good.expiry, good.mac}),  // sign
      join({good.payload, " " + good.expiry, good.mac}),  // space
      join({good.payload, good.expiry + " ", good.mac}),
      join({good.payload, "", good.mac}),                         // no expiry
      join({good.payload, "99999999999999999999", good.mac}),     // over int64
      join({good.payload, good.expiry, good.mac.substr(0, 42)}),  // short mac
      join({good.payload, good.expiry, good.mac + "A"}),          // long mac
      join({good.payload, good.expiry, good.mac + "AA"}),
      join({good.payload, good.expiry, ""}),
      join({good.payload + "*", good.expiry, good.mac}),        // not base64url
      join({good.payload, good.expiry, std::string(43, '/')}),  // standard alphabet
  };
  for (const std::string& value : candidates) {
    BOOST_TEST_INFO("value '" << value << "'");
    BOOST_TEST(!signer.verify("s", value, kNow).has_value());
  }
  BOOST_TEST(signer.verify("s", join(good), kNow).value() == "payload");  // control
}

BOOST_AUTO_TEST_CASE(values_are_capped_at_4096_bytes) {
  const CookieSigner signer(kKey);
  // "v2." + 3028 bytes -> 4038 base64url characters + "." + 10-digit expiry + "." + 43 = 4096;
  // one more payload byte adds one character (4097).
  const std::string value = signer.sign("s", std::string(3028, 'x'), 60s, kNow);
  BOOST_TEST(value.size() == 4096u);
  BOOST_TEST(signer.verify("s", value, kNow).has_value());
  // A value verify() would refuse is a bug to sign.
  BOOST_CHECK_THROW(signer.sign("s", std::string(3029, 'x'), 60s, kNow), std::length_error);
  BOOST_TEST(!signer.verify("s", value + "A", kNow).has_value());
  BOOST_TEST(!signer.verify("s", std::string(4097, 'A'), kNow).has_value());
  BOOST_TEST(!signer.verify("s", std::string(100000, '.'), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(base64url_known_answers_and_strictness) {
  // RFC 4648 section 10 test vectors, unpadded.
  BOOST_TEST(base64url_encode("") == "");
  BOOST_TEST(base64url_encode("f") == "Zg");
  BOOST_TEST(base64url_encode("fo") == "Zm8");
  BOOST_TEST(base64url_encode("foo") == "Zm9v");
  BOOST_TEST(base64url_encode("foob") == "Zm9vYg");
  BOOST_TEST(base64url_encode("fooba") == "Zm9vYmE");
  BOOST_TEST(base64url_encode("foobar") == "Zm9vYmFy");
  BOOST_TEST(base64url_encode("\xfb\xff") == "-_8");  // the url-safe characters
  BOOST_TEST(base64url_decode("Zm9vYmE").value() == "fooba");
  BOOST_TEST(base64url_decode("-_8").value() == "\xfb\xff");
  BOOST_TEST(base64url_decode("").value() == "");
  BOOST_TEST(!base64url_decode("Zg==").has_value());  // padding
  BOOST_TEST(!base64url_decode("Z").has_value());     // impossible length
  BOOST_TEST(!base64url_decode("Zh").has_value());    // non-zero trailing bits
  BOOST_TEST(!base64url_decode("+/8").has_value());   // standard alphabet
  BOOST_TEST(!base64url_decode("Zm9v\n").has_value());
  for (int i = 0; i < 256; ++i) {
    std::string bytes;
    for (int j = 0; j <= i % 7; ++j) bytes.push_back(static_cast<char>((i * 37 + j * 11) & 0xff));
    BOOST_TEST(base64url_decode(base64url_encode(bytes)).value() == bytes);
  }
}

BOOST_AUTO_TEST_CASE(mac_hex_is_keyed_and_label_framed) {
  const CookieSigner signer(kKey);
  const CookieSigner other(kKey + "x");
  const std::string mac = signer.mac_hex("csrf", "browser-1");
  BOOST_TEST(mac.size() == 64u);
  BOOST_TEST(mac.find_first_not_of("0123456789abcdef") == std::string::npos);
  BOOST_TEST(signer.mac_hex("csrf", "browser-1") == mac);
  BOOST_TEST(signer.mac_hex("csrf", "browser-2") != mac);
  BOOST_TEST(signer.mac_hex("csrg", "browser-1") != mac);
  BOOST_TEST(other.mac_hex("csrf", "browser-1") != mac);
  BOOST_TEST(signer.mac_hex("csr", "fbrowser-1") != mac);
  BOOST_CHECK_THROW(signer.mac_hex("", "x"), std::invalid_argument);
  BOOST_CHECK_THROW(signer.mac_hex(std::string("a\0b", 3), "x"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(known_answers_pin_the_mac_framing) {
  // Computed independently: `printf 'csrf\0what do ya want for nothing?' | openssl dgst -sha256
  // -hmac Jefe` (the RFC 4231 test case 2 key and message, with our label framing).
  BOOST_TEST(CookieSigner("Jefe").mac_hex("csrf", "what do ya want for nothing?") ==
             "c7d4d04f600fe4620b0c4e6ab69d00d6b2261cea6a88d4dd8219f76290d302ff");
  // Python's hmac over "\0vv-cookie-v2\0" be64(7) "session" be64(1700000600) "browser=42": if
  // this changes without a new version, every cookie in the wild stops verifying.
  const CookieSigner signer(kKey);
  BOOST_TEST(split(signer.sign("session", "browser=42", 600s, kNow)).mac ==
             "PNEsUAl0btuy-x20e6avIxTGuANEev9-Z95RipsdocI");
}

// A later format is refused as a whole: here version 1, the unversioned form before "v2" (its
// MAC domain was "vv-cookie-v1"), made by Python's hmac and valid until 2100 under kKey. Neither
// the value as it was nor the same parts under today's version label verify.
BOOST_AUTO_TEST_CASE(another_format_version_is_refused) {
  const CookieSigner signer(kKey);
  const std::string v1 = "YnJvd3Nlcj00Mg.4102444800.BVinfMKTYHaGQKVDuOW9LkqkTGDdZDpTrohIIBKIAT4";
  BOOST_TEST(!signer.verify("session", v1, kNow).has_value());
  BOOST_TEST(!signer.verify("session", "v2." + v1, kNow).has_value());
  BOOST_TEST(!signer.verify("session", "v1." + v1, kNow).has_value());
  // A value of today's format relabelled as another version: refused by the label alone.
  const Parts good = split(signer.sign("session", "browser=42", 600s, kNow));
  BOOST_TEST(!signer.verify("session", join(good, "v3"), kNow).has_value());
  BOOST_TEST(!signer.verify("session", join(good, "v1"), kNow).has_value());
  BOOST_TEST(signer.verify("session", join(good, "v2"), kNow).value() == "browser=42");
}

// SIGNING_KEY_PREVIOUS: cookies signed before a key change still verify, nothing is signed with
// the previous key, and a key that is neither is refused.
BOOST_AUTO_TEST_CASE(a_cookie_signed_with_the_previous_key_verifies) {
  const std::string old_key = kKey + "-before-the-change";
  const CookieSigner before(old_key);
  const CookieSigner rotated(kKey, old_key);
  const std::string old_cookie = before.sign("session", "browser=42", 600s, kNow);
  BOOST_TEST(rotated.verify("session", old_cookie, kNow).value() == "browser=42");
  // Purpose and expiry still hold under the previous key.
  BOOST_TEST(!rotated.verify("flash", old_cookie, kNow).has_value());
  BOOST_TEST(!rotated.verify("session", old_cookie, kNow + 600s).has_value());
  // And its own cookies, of course.
  BOOST_TEST(rotated.verify("session", rotated.sign("session", "p", 60s, kNow), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(a_cookie_signed_with_an_unknown_key_is_refused) {
  const CookieSigner rotated(kKey, kKey + "-previous");
  const CookieSigner stranger(kKey + "-someone-else");
  BOOST_TEST(
      !rotated.verify("session", stranger.sign("session", "p", 600s, kNow), kNow).has_value());
  // Nor does a signer with no previous key take the previous key's cookies.
  const CookieSigner after(kKey);
  const CookieSigner before(kKey + "-previous");
  BOOST_TEST(!after.verify("session", before.sign("session", "p", 600s, kNow), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(nothing_is_ever_signed_with_the_previous_key) {
  const std::string old_key = kKey + "-before-the-change";
  const CookieSigner rotated(kKey, old_key);
  const CookieSigner key_only(kKey);
  const CookieSigner previous_only(old_key);
  const std::string value = rotated.sign("session", "p", 600s, kNow);
  BOOST_TEST(value == key_only.sign("session", "p", 600s, kNow));
  BOOST_TEST(key_only.verify("session", value, kNow).has_value());
  BOOST_TEST(!previous_only.verify("session", value, kNow).has_value());
  // CSRF tokens: made with the key, but one made with the previous key still matches.
  BOOST_TEST(rotated.mac_hex("csrf", "b") == key_only.mac_hex("csrf", "b"));
  BOOST_TEST(rotated.mac_hex_matches("csrf", "b", key_only.mac_hex("csrf", "b")));
  BOOST_TEST(rotated.mac_hex_matches("csrf", "b", previous_only.mac_hex("csrf", "b")));
  BOOST_TEST(!rotated.mac_hex_matches("csrf", "c", previous_only.mac_hex("csrf", "b")));
  BOOST_TEST(!key_only.mac_hex_matches("csrf", "b", previous_only.mac_hex("csrf", "b")));
  BOOST_TEST(!rotated.mac_hex_matches("csrf", "b", CookieSigner(kKey + "x").mac_hex("csrf", "b")));
  BOOST_TEST(!rotated.mac_hex_matches("csrf", "b", ""));
}

BOOST_AUTO_TEST_CASE(empty_key_is_a_bug) {
  BOOST_CHECK_THROW(CookieSigner(""), std::invalid_argument);
  BOOST_CHECK_THROW(CookieSigner("", kKey), std::invalid_argument);
  // A previous key equal to the key (config refuses it) would be no rotation at all.
  BOOST_CHECK_THROW(CookieSigner(kKey, kKey), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(constant_time_equal_compares_contents_and_lengths) {
  BOOST_TEST(constant_time_equal("", ""));
  BOOST_TEST(constant_time_equal("abc", "abc"));
  BOOST_TEST(!constant_time_equal("abc", "abd"));
  BOOST_TEST(!constant_time_equal("abc", "ab"));
  BOOST_TEST(!constant_time_equal("", "a"));
  BOOST_TEST(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  BOOST_TEST(!constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

BOOST_AUTO_TEST_CASE(random_hex_has_the_right_shape_and_varies) {
  BOOST_TEST(random_hex(0) == "");
  const std::string one = random_hex(16);
  BOOST_TEST(one.size() == 32u);
  BOOST_TEST(one.find_first_not_of("0123456789abcdef") == std::string::npos);
  BOOST_TEST(random_hex(100).size() == 200u);  // more than one internal chunk
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) seen.insert(random_hex(16));
  BOOST_TEST(seen.size() == 50u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
