// application/x-www-form-urlencoded parsing (WHATWG URL standard, section 5.1), with caps.
// Errors are values: a bad escape or an over-long field is reported, never guessed at.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voiceverify::http {

enum class FormError {
  None,
  BadEscape,      // '%' not followed by two hex digits
  TooManyFields,  // more pairs than FormLimits::max_fields
  FieldTooLong,   // a decoded name or value longer than FormLimits::max_field_bytes
};

struct FormLimits {
  std::size_t max_fields = 16;
  std::size_t max_field_bytes = 256;
};

struct FormFields {
  // Pairs in the order sent; names may repeat and values may be empty.
  std::vector<std::pair<std::string, std::string>> pairs;

  // The value of `name` only when it was sent exactly once; nullopt when missing or repeated.
  std::optional<std::string> single(std::string_view name) const;
  // How many times `name` was sent.
  std::size_t count(std::string_view name) const;
};

struct FormParse {
  FormError error = FormError::None;
  FormFields fields;
};

// Splits on '&', then on the first '='; '+' means space; %XX is decoded. Empty pieces between
// '&'s are skipped. A pair without '=' has an empty value.
FormParse parse_urlencoded(std::string_view body, const FormLimits& limits = {});

// Percent-decodes one component ('+' stays '+'); nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view in);

}  // namespace voiceverify::http
