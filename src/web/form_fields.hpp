// The form fields the site reads, as one table: name and cap. The pipeline reads a POST body
// into FormValues through it: unknown fields are ignored, a known field over its cap, repeated,
// or holding a control character makes the request a 400. What a value means (a phone number, a
// code) is judged by forms/ in the flow.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace voiceverify::web {

enum class Field { CsrfToken, Number, Token };

struct FieldSpec {
  Field field;
  std::string_view name;
  std::size_t max_bytes;  // longer is a 400 (no page of ours sends more)
};

inline constexpr auto kFields = std::to_array<FieldSpec>({
    {Field::CsrfToken, "csrf_token", 256},
    {Field::Number, "number", 256},  // forms::check_phone refuses over 32 with a banner
    {Field::Token, "token", 256},    // forms::check_code refuses over 64 with a banner
});

// FormValues keeps each field's value at its row's place: the rows follow the enum's order.
static_assert([] {
  for (std::size_t i = 0; i < kFields.size(); ++i)
    if (kFields[i].field != static_cast<Field>(i)) return false;
  return true;
}());

class FormValues {
 public:
  std::optional<std::string> get(Field field) const { return values_[index(field)]; }
  std::string value_or_empty(Field field) const { return get(field).value_or(""); }
  void set(Field field, std::string value) { values_[index(field)] = std::move(value); }

 private:
  static std::size_t index(Field field) { return static_cast<std::size_t>(field); }
  std::array<std::optional<std::string>, kFields.size()> values_;
};

enum class FormVerdict { Ok, Malformed };

// Reads a urlencoded body into `out` through kFields.
FormVerdict read_form(std::string_view body, FormValues& out);

}  // namespace voiceverify::web
