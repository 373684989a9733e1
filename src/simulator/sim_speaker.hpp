// Hearing a placed call, for testers: with `--speak-dir DIR` the simulator writes the sentence a
// tts call would speak (code included) to DIR/<id>.wav with espeak-ng, in the call's language,
// and its announcement line gives the path (docs/messagebird-verify.md, Hearing a call). Opt-in:
// scripts/run sets it; tests and benchmarks never do, so no call waits for a voice.
#pragma once

#include <string>
#include <string_view>

namespace voiceverify::simulator {

// espeak-ng's voice for a MessageBird TTS language ("nl-nl" → "nl", "es-mx" → "es-419"); an
// unknown or empty language speaks MessageBird's default, British English.
std::string_view espeak_voice(std::string_view language);

class Speaker {
 public:
  // `dir` must exist and be writable (checked by usable()).
  explicit Speaker(std::string dir) : dir_(std::move(dir)) {}

  // Whether the folder can take the files; `error` says why not.
  bool usable(std::string& error) const;

  // Starts espeak-ng on `sentence` and returns the WAV's path at once: the file appears there
  // (written aside, then renamed) when espeak-ng is done, within a second. `id` is the
  // verification's id (letters and digits only: the simulator makes it). Empty when espeak-ng
  // could not be started.
  std::string speak(const std::string& id, std::string_view language,
                    const std::string& sentence) const;

 private:
  std::string dir_;
};

}  // namespace voiceverify::simulator
