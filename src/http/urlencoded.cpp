// application/x-www-form-urlencoded parsing after the WHATWG URL standard, section 5.1
// ("application/x-www-form-urlencoded parsing"), with two deliberate departures:
// - WHATWG's percent-decode leaves a malformed escape ("%", "%4", "%zz") in place as literal
//   bytes. We report FormError::BadEscape instead: no browser sends one, so a body that has one
//   was made by hand, and guessing what it meant is how two parsers come to disagree.
// - Every parse is capped (field count, decoded field size), so a hostile body costs at most a
//   linear scan of what the server already agreed to read.
#include "http/urlencoded.hpp"

#include <algorithm>
#include <utility>

#include "util/ascii.hpp"

namespace voiceverify::http {
namespace {

// WHATWG 5.1 step 3.4: replace '+' by space *before* percent-decoding, so "%2B" stays a '+'.
std::optional<std::string> decode_form_component(std::string_view in) {
  std::string plus_as_space(in);
  std::replace(plus_as_space.begin(), plus_as_space.end(), '+', ' ');
  return percent_decode(plus_as_space);
}

}  // namespace

std::optional<std::string> FormFields::single(std::string_view name) const {
  const std::pair<std::string, std::string>* found = nullptr;
  for (const auto& pair : pairs) {
    if (pair.first != name) continue;
    // A repeated field is ambiguous ("phone=a&phone=b"): refuse rather than pick one, since two
    // layers picking differently (first vs last) is a classic parameter-pollution bug.
    if (found != nullptr) return std::nullopt;
    found = &pair;
  }
  if (found == nullptr) return std::nullopt;
  return found->second;
}

std::size_t FormFields::count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(
      pairs.begin(), pairs.end(), [name](const auto& pair) { return pair.first == name; }));
}

std::optional<std::string> percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (in.size() - i < 3) return std::nullopt;  // "%" or "%4" at the end
    const int high = util::hex_value(in[i + 1]);
    const int low = util::hex_value(in[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

FormParse parse_urlencoded(std::string_view body, const FormLimits& limits) {
  FormParse result;
  // On any error the fields are dropped: a caller must never act on half a form.
  auto fail = [&result](FormError error) {
    result.error = error;
    result.fields.pairs.clear();
    return result;
  };

  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view piece = body.substr(start, end - start);
    start = end + 1;
    // WHATWG 5.1 step 3.1: empty sequences between '&'s are skipped ("a=1&&b=2", trailing '&').
    if (piece.empty()) continue;

    if (result.fields.pairs.size() >= limits.max_fields) return fail(FormError::TooManyFields);

    // WHATWG 5.1 step 3.2/3.3: split on the first '='; without one, the value is empty.
    const std::size_t eq = piece.find('=');
    const std::string_view raw_name = piece.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);

    std::optional<std::string> name = decode_form_component(raw_name);
    std::optional<std::string> value = decode_form_component(raw_value);
    if (!name || !value) return fail(FormError::BadEscape);
    // The cap applies to decoded bytes, which is what the validators and templates will see.
    if (name->size() > limits.max_field_bytes || value->size() > limits.max_field_bytes) {
      return fail(FormError::FieldTooLong);
    }
    result.fields.pairs.emplace_back(std::move(*name), std::move(*value));
  }
  return result;
}

}  // namespace voiceverify::http
