// The language a call speaks and the sentence it says (docs/operations.md, "The call's language"):
// the browser's Accept-Language first, then the number's region, then LANGUAGE. What a region
// speaks, which variant a bare language takes, and the sentences are data, in one file read at
// start (templates/call-languages.txt); no code knows any language.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messagebird/verify_client.hpp"

namespace voiceverify::verify {

// templates/call-languages.txt, parsed. Every language in it is one of MessageBird's TTS
// languages (messagebird/tts_languages.hpp); every region one libphonenumber knows.
class CallLanguages {
 public:
  // Reads and checks the file; on any fault, nothing and `error` names the file and line.
  static std::optional<CallLanguages> load(const std::string& path, std::string& error);
  // The same from text; `where` names it in errors.
  static std::optional<CallLanguages> parse(std::string_view text, const std::string& where,
                                            std::string& error);

  // The TTS language for `preferred` (tags as http::preferred_languages gives them) and the
  // number's `region`; `fallback` (LANGUAGE) when neither gives one.
  std::string choose(const std::vector<std::string>& preferred, std::string_view region,
                     const std::string& fallback) const;

  // Our sentence for a TTS language (its own, else its base language's); empty when we have none.
  std::string sentence(std::string_view language) const;

 private:
  std::optional<std::string> from_tag(const std::string& tag, std::string_view region) const;

  std::map<std::string, std::vector<std::string>, std::less<>> regions_;  // region -> TTS tags
  std::map<std::string, std::string, std::less<>> variants_;   // base language -> TTS tag
  std::map<std::string, std::string, std::less<>> sentences_;  // base or TTS tag -> sentence
};

// What the operator set for a call's voice. No defaults here: app::voice_settings
// (src/app/settings.cpp) fills them.
struct VoiceSettings {
  std::string fallback_language;    // LANGUAGE
  std::string configured_template;  // VERIFY_TEMPLATE; empty: the language's sentence
};

// What a call says, from the request: the language of CallLanguages::choose and our sentence in
// it; a configured VERIFY_TEMPLATE wins over the sentence.
struct CallVoice {
  CallLanguages languages;
  VoiceSettings settings;

  // `accept_language`: the raw header (capped and checked here). The template is empty when we
  // have no sentence in the language: MessageBird then speaks its own.
  messagebird::Speech speech(std::string_view accept_language, std::string_view region) const;
};

}  // namespace voiceverify::verify
