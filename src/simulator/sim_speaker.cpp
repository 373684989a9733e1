// See sim_speaker.hpp.
#include "simulator/sim_speaker.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>

#include "util/tts_languages.hpp"

extern char** environ;

namespace voiceverify::simulator {
namespace {

// MessageBird's TTS languages (util/tts_languages.hpp), in its order, and the espeak-ng voice that
// speaks each: espeak-ng names a voice by its language alone unless it has regional ones.
constexpr auto kVoices = std::to_array<std::pair<std::string_view, std::string_view>>({
    {"nl-nl", "nl"},    {"de-de", "de"},    {"en-gb", "en-gb"},  {"en-us", "en-us"},
    {"en-au", "en-gb"}, {"es-es", "es"},    {"es-mx", "es-419"}, {"es-us", "es-419"},
    {"fr-fr", "fr-fr"}, {"fr-ca", "fr-fr"}, {"it-it", "it"},     {"pl-pl", "pl"},
    {"pt-br", "pt-br"}, {"ro-ro", "ro"},    {"ru-ru", "ru"},     {"is-is", "is"},
    {"ja-jp", "ja"},    {"ko-kr", "ko"},    {"zh-cn", "cmn"},
});

constexpr bool voices_follow_the_languages() {
  if (kVoices.size() != util::kTtsLanguages.size()) return false;
  for (std::size_t i = 0; i < kVoices.size(); ++i)
    if (kVoices[i].first != util::kTtsLanguages[i]) return false;
  return true;
}
static_assert(voices_follow_the_languages(), "one voice per TTS language, in the list's order");

}  // namespace

std::string_view espeak_voice(std::string_view language) {
  for (const auto& [tag, voice] : kVoices) {
    if (tag == language) return voice;
  }
  return "en-gb";
}

bool Speaker::usable(std::string& error) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec || access(dir_.c_str(), W_OK) != 0) {
    error = "--speak-dir " + dir_ + " cannot be written to";
    return false;
  }
  return true;
}

std::string Speaker::speak(const std::string& id, std::string_view language,
                           const std::string& sentence) const {
  const std::string base = dir_ + "/" + id;
  const std::string text_path = base + ".txt";
  const std::string part_path = base + ".wav.part";
  std::string wav_path = base + ".wav";
  {
    // The sentence goes in a file, never on espeak-ng's command line: a template may start with
    // a dash, and the file shows the tester the exact words.
    std::ofstream text(text_path, std::ios::trunc);
    text << sentence << '\n';
    if (!text) return {};
  }
  const std::string voice(espeak_voice(language));
  auto argv = std::to_array<const char*>({"espeak-ng", "-v", voice.c_str(), "-w", part_path.c_str(),
                                          "-f", text_path.c_str(), nullptr});
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // espeak-ng's own complaints (a missing voice) go nowhere near the announcement lines.
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int failed = posix_spawnp(&pid, "espeak-ng", &actions, nullptr,
                                  const_cast<char* const*>(argv.data()), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) return {};
  // Reaped aside, so the API's answer never waits for the voice; renamed only when whole.
  std::thread([pid, part_path, wav_path] {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      std::rename(part_path.c_str(), wav_path.c_str());
    } else {
      std::remove(part_path.c_str());
    }
  }).detach();
  return wav_path;
}

}  // namespace voiceverify::simulator
