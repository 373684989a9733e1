// The languages the pages come in: one message catalogue per file messages.<lang>.txt in the
// templates directory, found and checked at start-up, English required (docs/architecture.md,
// "The page's language"). Adding a language is adding a file: no code names a language but the
// fallback. Each request's language is chosen from the browser's preferences by choose().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "view/catalogue.hpp"

namespace voiceverify::view {

// The language of a page when the browser prefers none we have. Its file is required, and every
// other file must have exactly its keys.
inline constexpr std::string_view kFallbackLanguage = "en";

class Languages {
 public:
  struct Language {
    std::string tag;  // "nl": the file's messages.nl.txt, and the pages' <html lang>
    Catalogue words;
  };

  // Loads every messages.<lang>.txt in `dir` (lang: a lowercase language tag, "nl" or "pt-br")
  // with Catalogue::load. nullopt with `error` naming the file (and the key, when one is at
  // fault) when a file does not load, a file's name holds no such tag, messages.en.txt is
  // missing, or a file lacks a key English has or has one English lacks: a new English sentence
  // without its translations stops start-up instead of showing a page with a hole.
  static std::optional<Languages> load(const std::string& dir,
                                       const std::vector<int>& error_statuses, std::string& error);

  // The languages we have, English first, the others in order of their tags.
  std::vector<std::string_view> tags() const;
  // The first of `preferred` (lowercase tags, best first, as http::preferred_languages gives
  // them) that we have pages in, by RFC 4647's lookup (section 3.4): "nl-be" finds "nl".
  // kFallbackLanguage when none is. The view lives as long as this object.
  std::string_view choose(const std::vector<std::string>& preferred) const;
  // The language `tag` names; English for a tag we do not have.
  const Language& language(std::string_view tag) const;
  const Catalogue& catalogue(std::string_view tag) const { return language(tag).words; }

 private:
  std::vector<Language> languages_;  // English first
};

}  // namespace voiceverify::view
