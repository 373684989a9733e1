// The code the user heard: MessageBird speaks digits only (tokenLength 6..10,
// docs/messagebird-verify.md, "Create a verification"), so anything else is refused here rather
// than spent as an upstream attempt.
#include "forms/code.hpp"

#include "util/ascii.hpp"

namespace voiceverify::forms {

CodeCheck check_code(std::string_view input, int token_length) {
  // Bounded before any scan: a form field can be as large as the body cap allows.
  constexpr std::size_t kMaxInputBytes = 64;
  CodeCheck check;
  if (input.size() > kMaxInputBytes) {
    check.error = CodeError::WrongLength;
    return check;
  }
  // People copy "123 456" the way it was spoken, in groups; spaces and tabs carry no meaning.
  bool only_digits = true;
  for (const char c : input) {
    if (util::is_blank(c)) continue;
    if (!util::is_digit(c)) only_digits = false;
    check.code += c;
  }
  if (check.code.empty()) {
    check.error = CodeError::Missing;
  } else if (!only_digits) {
    check.error = CodeError::NotDigits;
  } else if (token_length < 0 || check.code.size() != static_cast<std::size_t>(token_length)) {
    check.error = CodeError::WrongLength;
  }
  if (check.error != CodeError::None) check.code.clear();
  return check;
}

}  // namespace voiceverify::forms
