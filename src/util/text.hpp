// Text helpers beyond single bytes (util/ascii.hpp): case folding of ASCII letters and counting
// UTF-8 code points, for the config's values and the call's sentences alike.
#pragma once

#include <string>
#include <string_view>

namespace voiceverify::util {

// ASCII letters upper-cased, everything else as is.
std::string upper(std::string_view s);

// Counts UTF-8 code points; -1 for malformed UTF-8 or a C1 control (U+0080..U+009F).
long utf8_length(std::string_view s);

}  // namespace voiceverify::util
