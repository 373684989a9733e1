// Writes test inputs into Boost.Test messages readably: control and non-ASCII bytes as \xNN, so a
// failing row with a CR, NUL or UTF-8 in it still prints on one line.
#pragma once

#include <ostream>
#include <string_view>

namespace voiceverify::testing {

inline std::ostream& print_escaped(std::ostream& os, std::string_view text) {
  os << '\'';
  for (const char ch : text) {
    if (ch >= 0x20 && ch < 0x7f) {
      os << ch;
    } else {
      os << "\\x" << std::hex << (static_cast<unsigned>(ch) & 0xff) << std::dec;
    }
  }
  return os << '\'';
}

}  // namespace voiceverify::testing
