// The shape of a MessageBird verify id, the one definition every layer checks against
// (docs/messagebird-verify.md, "Verify ids"): exactly 32 ASCII digits or lowercase letters. The
// documentation says lowercase hex, yet its own example has a 'v', so any lowercase letter passes.
// Only ids of this shape are ever put into an upstream URL or a store key.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

#include "util/ascii.hpp"

namespace voiceverify::util {

inline constexpr std::size_t kVerifyIdLength = 32;

constexpr bool is_verify_id(std::string_view id) {
  return id.size() == kVerifyIdLength && std::all_of(id.begin(), id.end(), [](char c) {
           return is_digit(c) || (c >= 'a' && c <= 'z');
         });
}

}  // namespace voiceverify::util
