// Fuzzes the form body parser (http/urlencoded.hpp): whatever a client POSTs reaches it first.
// The input is the body as sent. Beyond "no crash", it checks the contract: caps hold, a failed
// parse keeps no fields, single() and count() agree, and a parsed form re-encoded the way a
// browser would encode it parses back to the same pairs.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "check.hpp"
#include "http/urlencoded.hpp"
#include "util/ascii.hpp"

namespace {

using voiceverify::http::FormError;
using voiceverify::http::FormLimits;
using voiceverify::http::FormParse;

// A second, deliberately plain statement of when percent_decode must fail.
bool has_bad_escape(std::string_view in) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') continue;
    if (i + 2 >= in.size() || !voiceverify::util::is_hex_any_case(in[i + 1]) ||
        !voiceverify::util::is_hex_any_case(in[i + 2]))
      return true;
    i += 2;
  }
  return false;
}

// What a browser sends: space as '+' in a form (`space_as_plus`), unreserved characters as they
// are, the rest as %XX.
std::string encode(std::string_view in, bool space_as_plus) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : in) {
    const auto u = static_cast<unsigned char>(c);
    if (voiceverify::util::is_alnum(c) || c == '*' || c == '-' || c == '.' || c == '_') {
      out.push_back(c);
    } else if (c == ' ' && space_as_plus) {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0x0f]);
    }
  }
  return out;
}

void check_parse(std::string_view body, const FormLimits& limits) {
  const FormParse parsed = voiceverify::http::parse_urlencoded(body, limits);
  const auto& pairs = parsed.fields.pairs;
  if (parsed.error != FormError::None) {
    VV_FUZZ_CHECK(pairs.empty());
    return;
  }
  VV_FUZZ_CHECK(pairs.size() <= limits.max_fields);
  std::string reencoded;
  for (const auto& [name, value] : pairs) {
    VV_FUZZ_CHECK(name.size() <= limits.max_field_bytes);
    VV_FUZZ_CHECK(value.size() <= limits.max_field_bytes);
    const std::size_t count = parsed.fields.count(name);
    VV_FUZZ_CHECK(count >= 1);
    const std::optional<std::string> single = parsed.fields.single(name);
    VV_FUZZ_CHECK(single.has_value() == (count == 1));
    if (single) VV_FUZZ_CHECK(*single == value);
    if (!reencoded.empty()) reencoded += '&';
    reencoded += encode(name, true);
    reencoded += '=';
    reencoded += encode(value, true);
  }

  const FormParse again = voiceverify::http::parse_urlencoded(reencoded, limits);
  VV_FUZZ_CHECK(again.error == FormError::None);
  // An empty name with an empty value encodes as "=", which is a pair, not an empty piece.
  VV_FUZZ_CHECK(again.fields.pairs == pairs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // The limits the pages use, and tiny ones so the caps themselves get exercised.
  check_parse(input, FormLimits{});
  check_parse(input, FormLimits{2, 8});

  const std::optional<std::string> decoded = voiceverify::http::percent_decode(input);
  VV_FUZZ_CHECK(decoded.has_value() == !has_bad_escape(input));
  if (decoded) {
    VV_FUZZ_CHECK(decoded->size() <= input.size());
    if (input.find('%') == std::string_view::npos) VV_FUZZ_CHECK(*decoded == input);
    // '+' is not special here, unlike in a form component, so spaces go out as %20.
    const std::optional<std::string> round_trip =
        voiceverify::http::percent_decode(encode(*decoded, false));
    VV_FUZZ_CHECK(round_trip == decoded);
  }
  return 0;
}
