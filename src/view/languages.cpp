// See languages.hpp.
#include "view/languages.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <optional>
#include <set>
#include <system_error>

namespace voiceverify::view {
namespace {

constexpr std::string_view kFilePrefix = "messages.";
constexpr std::string_view kFileSuffix = ".txt";

// A lowercase language tag as http::preferred_languages gives them (RFC 4647's language-range,
// lowercased): 2 or 3 letters, then subtags of 1 to 8 letters or digits.
bool valid_tag(std::string_view tag) {
  std::size_t part = 0;
  bool first = true;
  for (const char c : tag) {
    if (c == '-') {
      if (first ? (part < 2 || part > 3) : part == 0) return false;
      part = 0;
      first = false;
      continue;
    }
    const bool letter = c >= 'a' && c <= 'z';
    if (!(letter || (!first && c >= '0' && c <= '9')) || ++part > 8) return false;
  }
  return first ? (part >= 2 && part <= 3) : part > 0;
}

std::string file_of(const std::filesystem::path& folder, const std::string& tag) {
  return (folder / (std::string(kFilePrefix) + tag + std::string(kFileSuffix))).string();
}

// The first of `keys` that `others` lacks (both sorted, as Catalogue::keys() gives them).
std::optional<std::string> first_lacking(const std::vector<std::string>& keys,
                                         const std::vector<std::string>& others) {
  std::vector<std::string> lacking;
  std::set_difference(keys.begin(), keys.end(), others.begin(), others.end(),
                      std::back_inserter(lacking));
  if (lacking.empty()) return std::nullopt;
  return lacking.front();
}

// The first key one side has and the other lacks, as the sentence that names it; "" when both
// have the same keys.
std::string key_difference(const Catalogue& english, const Catalogue& other,
                           const std::string& other_path) {
  const std::vector<std::string> ours = english.keys();
  const std::vector<std::string> theirs = other.keys();
  if (const auto missing = first_lacking(ours, theirs)) {
    return "message catalogue " + other_path + " has no text for " + *missing +
           " (messages.en.txt has one)";
  }
  if (const auto extra = first_lacking(theirs, ours)) {
    return "message catalogue " + other_path + " has " + *extra + ", which messages.en.txt has not";
  }
  return {};
}

}  // namespace

std::optional<Languages> Languages::load(const std::string& dir,
                                         const std::vector<int>& error_statuses,
                                         std::string& error) {
  const std::filesystem::path folder(dir.empty() ? "." : dir);
  std::set<std::string> tags;  // sorted, so the order never depends on the directory's
  std::error_code failed;
  for (std::filesystem::directory_iterator it(folder, failed), end; !failed && it != end;
       it.increment(failed)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(kFilePrefix) || !name.ends_with(kFileSuffix)) continue;
    const std::string tag =
        name.substr(kFilePrefix.size(), name.size() - kFilePrefix.size() - kFileSuffix.size());
    if (!valid_tag(tag)) {
      error = "message catalogue " + (folder / name).string() +
              ": the name must be messages.<lang>.txt, lang a lowercase language tag";
      return std::nullopt;
    }
    tags.insert(tag);
  }
  if (failed) {
    error = "templates directory " + folder.string() + " is unreadable: " + failed.message();
    return std::nullopt;
  }
  tags.erase(std::string(kFallbackLanguage));

  Languages out;
  const auto load_one = [&](const std::string& tag) {
    auto words = Catalogue::load(file_of(folder, tag), error_statuses, error);
    if (!words) return false;
    out.languages_.push_back({tag, std::move(*words)});
    return true;
  };
  // English first: a missing or broken English file is named before any other.
  if (!load_one(std::string(kFallbackLanguage))) return std::nullopt;
  for (const auto& tag : tags) {
    if (!load_one(tag)) return std::nullopt;
    error = key_difference(out.languages_.front().words, out.languages_.back().words,
                           file_of(folder, tag));
    if (!error.empty()) return std::nullopt;
  }
  return out;
}

std::vector<std::string_view> Languages::tags() const {
  std::vector<std::string_view> out;
  out.reserve(languages_.size());
  for (const auto& language : languages_) out.emplace_back(language.tag);
  return out;
}

std::string_view Languages::choose(const std::vector<std::string>& preferred) const {
  for (const auto& wanted : preferred) {
    // RFC 4647, 3.4: try the tag, then shorten it by its last subtag until one matches.
    for (std::string_view range = wanted; !range.empty();) {
      for (const auto& language : languages_) {
        if (language.tag == range) return language.tag;
      }
      const std::size_t dash = range.rfind('-');
      range = dash == std::string_view::npos ? std::string_view{} : range.substr(0, dash);
    }
  }
  return languages_.front().tag;
}

const Languages::Language& Languages::language(std::string_view tag) const {
  for (const auto& language : languages_) {
    if (language.tag == tag) return language;
  }
  return languages_.front();
}

}  // namespace voiceverify::view
