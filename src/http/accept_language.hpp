// The browser's Accept-Language header (RFC 9110, 12.5.4), read as a list of language tags in
// the order the person prefers them. Untrusted input: capped, and anything malformed is left out.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace voiceverify::http {

// Longer headers are ignored whole: a browser sends a few dozen bytes.
inline constexpr std::size_t kMaxAcceptLanguageBytes = 256;
// At most this many ranges are looked at; the rest are ignored.
inline constexpr std::size_t kMaxLanguageRanges = 16;

// The tags, lowercase, highest q first (ties keep the header's order). Left out: ranges with
// q=0, a malformed range or q, and `*` (it names no language). A header over the cap, or with a
// control byte, gives no tags at all. Tags are of letters, digits and '-' only (1 to 8
// characters per part, the first letters only), so they are safe to compare and to log.
std::vector<std::string> preferred_languages(std::string_view header);

}  // namespace voiceverify::http
