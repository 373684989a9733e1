// The languages MessageBird's text-to-speech can speak, as its Java client lists them
// (docs/messagebird-verify.md, "TTS languages"): the one list that LANGUAGE, the call-language
// data file, the choice of a call's language and the simulator all check against. In util/
// because both messagebird/ and the simulator read it.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace voiceverify::util {

inline constexpr auto kTtsLanguages = std::to_array<std::string_view>(
    {"nl-nl", "de-de", "en-gb", "en-us", "en-au", "es-es", "es-mx", "es-us", "fr-fr", "fr-ca",
     "it-it", "pl-pl", "pt-br", "ro-ro", "ru-ru", "is-is", "ja-jp", "ko-kr", "zh-cn"});

// True for a tag of the list, spelled as the list spells it (lowercase).
constexpr bool is_tts_language(std::string_view tag) {
  return std::find(kTtsLanguages.begin(), kTtsLanguages.end(), tag) != kTtsLanguages.end();
}

}  // namespace voiceverify::util
