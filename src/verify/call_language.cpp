// See call_language.hpp. The file's lines, '#' starting a comment:
//   region NL nl-nl            the languages of a region, its usual one first
//   variant en en-gb           the variant a bare language takes when the region has none
//   sentence en Your ... %token.   our sentence in a language (a base language or a TTS tag)
#include "verify/call_language.hpp"

#include <fstream>
#include <sstream>

#include "forms/phone.hpp"
#include "http/accept_language.hpp"
#include "util/ascii.hpp"
#include "util/text.hpp"
#include "util/tts_languages.hpp"

namespace voiceverify::verify {
namespace {

constexpr std::size_t kMaxFileBytes = std::size_t{64} * 1024;
constexpr long kMaxSentence = 160;  // as VERIFY_TEMPLATE

std::string_view base_of(std::string_view tag) {
  return tag.substr(0, tag.find('-'));
}

// The base language of some TTS language ("en", "zh").
bool is_tts_base(std::string_view base) {
  for (const auto tag : util::kTtsLanguages) {
    if (base_of(tag) == base) return true;
  }
  return false;
}

// The first word of `line` and the rest, trimmed.
std::pair<std::string_view, std::string_view> split_word(std::string_view line) {
  line = util::trim(line);
  const std::size_t space = line.find_first_of(" \t");
  if (space == std::string_view::npos) return {line, {}};
  return {line.substr(0, space), util::trim(line.substr(space + 1))};
}

std::string check_sentence(std::string_view text) {
  if (text.find("%token") == std::string_view::npos) return "a sentence must contain %token";
  if (util::has_control(text)) return "a sentence must not contain control characters";
  const long length = util::utf8_length(text);
  if (length < 0) return "a sentence must be valid UTF-8 text";
  if (length > kMaxSentence) return "a sentence must be at most 160 characters";
  return {};
}

}  // namespace

std::optional<CallLanguages> CallLanguages::load(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || text.str().size() > kMaxFileBytes) {
    error = "call languages " + path + " is missing, unreadable or over 64 KiB";
    return std::nullopt;
  }
  return parse(text.str(), "call languages " + path, error);
}

std::optional<CallLanguages> CallLanguages::parse(std::string_view text, const std::string& where,
                                                  std::string& error) {
  CallLanguages out;
  int number = 0;
  while (!text.empty()) {
    ++number;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? "" : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = util::trim(line);
    if (line.empty() || line.front() == '#') continue;
    const auto fail = [&](const std::string& why) {
      error = where;
      error += " line " + std::to_string(number) + ": ";
      error += why;
      return std::nullopt;
    };
    const auto [kind, rest] = split_word(line);
    const auto [key, value] = split_word(rest);
    if (value.empty()) return fail("expected: region|variant|sentence KEY VALUE");
    if (kind == "region") {
      if (key.size() != 2 || !forms::is_known_region(key) || util::upper(key) != key) {
        return fail("not a region code libphonenumber knows, in capitals: " + std::string(key));
      }
      std::vector<std::string> tags;
      for (std::string_view list = value; !list.empty();) {
        const auto [tag, more] = split_word(list);
        if (!util::is_tts_language(tag)) {
          return fail("not one of MessageBird's TTS languages: " + std::string(tag));
        }
        tags.emplace_back(tag);
        list = more;
      }
      if (!out.regions_.emplace(key, std::move(tags)).second) return fail("region given twice");
    } else if (kind == "variant") {
      if (key.find('-') != std::string_view::npos || !is_tts_base(key) ||
          !util::is_tts_language(value) || base_of(value) != key) {
        return fail("expected: variant LANGUAGE TTS-LANGUAGE-OF-IT, e.g. variant en en-gb");
      }
      if (!out.variants_.emplace(key, value).second) return fail("variant given twice");
    } else if (kind == "sentence") {
      if (!util::is_tts_language(key) &&
          (key.find('-') != std::string_view::npos || !is_tts_base(key))) {
        return fail("a sentence is for a TTS language or the base of one: " + std::string(key));
      }
      if (const std::string why = check_sentence(value); !why.empty()) return fail(why);
      if (!out.sentences_.emplace(key, value).second) return fail("sentence given twice");
    } else {
      return fail("expected: region|variant|sentence KEY VALUE");
    }
  }
  return out;
}

std::optional<std::string> CallLanguages::from_tag(const std::string& tag,
                                                   std::string_view region) const {
  if (util::is_tts_language(tag)) return tag;
  // A bare language, or a variant MessageBird cannot speak (de-ch): the region's variant of
  // that language, else the language's default variant.
  const std::string_view base = base_of(tag);
  if (const auto it = regions_.find(region); it != regions_.end()) {
    for (const auto& spoken : it->second) {
      if (base_of(spoken) == base) return spoken;
    }
  }
  if (const auto it = variants_.find(base); it != variants_.end()) return it->second;
  return std::nullopt;
}

std::string CallLanguages::choose(const std::vector<std::string>& preferred,
                                  std::string_view region, const std::string& fallback) const {
  for (const auto& tag : preferred) {
    if (auto spoken = from_tag(tag, region)) return *spoken;
  }
  if (const auto it = regions_.find(region); it != regions_.end()) return it->second.front();
  return fallback;
}

std::string CallLanguages::sentence(std::string_view language) const {
  if (const auto it = sentences_.find(language); it != sentences_.end()) return it->second;
  if (const auto it = sentences_.find(base_of(language)); it != sentences_.end()) {
    return it->second;
  }
  return {};
}

messagebird::Speech CallVoice::speech(std::string_view accept_language,
                                      std::string_view region) const {
  messagebird::Speech out;
  out.language = languages.choose(http::preferred_languages(accept_language), region,
                                  settings.fallback_language);
  out.template_text = settings.configured_template.empty() ? languages.sentence(out.language)
                                                           : settings.configured_template;
  return out;
}

}  // namespace voiceverify::verify
