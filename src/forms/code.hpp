// The spoken code as the user typed it: digits only, exactly the configured length once spaces
// are removed ("123 456" is fine). Anything else is refused before any upstream call.
#pragma once

#include <string>
#include <string_view>

namespace voiceverify::forms {

enum class CodeError { None, Missing, WrongLength, NotDigits };

struct CodeCheck {
  CodeError error = CodeError::None;
  std::string code;  // the digits, spaces removed; empty unless error is None
};

// Spaces and tabs are removed anywhere; nothing left is Missing; any other non-digit is NotDigits
// (before length is judged); then the length must equal `token_length`. Inputs longer than 64
// bytes are WrongLength without being scanned further. `code` is set only when error is None.
CodeCheck check_code(std::string_view input, int token_length);

}  // namespace voiceverify::forms
