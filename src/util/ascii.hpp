// Byte-level ASCII classes, shared so that "a digit" or "a control byte" means one thing
// everywhere. They look at bytes only: <cctype> depends on the locale and is undefined for
// negative char values, and untrusted input is full of both. A byte above 0x7f is in no class.
#pragma once

#include <algorithm>
#include <string_view>

namespace voiceverify::util {

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Lowercase hex only: the form we write ourselves (digests, browser ids), so an uppercase
// variant of one of our own values is refused rather than taken for the same value.
constexpr bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}

// Hex of either case: for text others write (percent escapes, IPv6 addresses).
constexpr bool is_hex_any_case(char c) {
  return is_hex(c) || (c >= 'A' && c <= 'F');
}

// The value of a hex digit of either case; -1 for any other byte.
constexpr int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Space or horizontal tab: what trim() removes (RFC 7230's OWS and RFC 6265's WSP are the same
// two bytes).
constexpr bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// C0 controls and DEL: what must never reach a header, a log line or a store key.
constexpr bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

// Not empty, and decimal digits only: no sign, no spaces.
constexpr bool is_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

constexpr bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), is_control);
}

// Without leading and trailing spaces and tabs; other whitespace (CR, LF, NBSP) stays.
constexpr std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace voiceverify::util
