// See accept_language.hpp.
#include "http/accept_language.hpp"

#include <algorithm>
#include <optional>

#include "util/ascii.hpp"

namespace voiceverify::http {
namespace {

constexpr std::size_t kMaxPart = 8;

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 4647's language-range: 1*8ALPHA *("-" 1*8alphanum). Lowercase, or nothing.
std::optional<std::string> language_range(std::string_view text) {
  std::string tag;
  std::size_t part = 0;
  bool first = true;
  for (const char c : text) {
    if (c == '-') {
      if (part == 0) return std::nullopt;
      tag += c;
      part = 0;
      first = false;
      continue;
    }
    if (!(first ? is_letter(c) : util::is_alnum(c)) || ++part > kMaxPart) return std::nullopt;
    tag += lower(c);
  }
  if (part == 0) return std::nullopt;
  return tag;
}

// RFC 9110's qvalue: "0" ["." 0*3DIGIT] or "1" ["." 0*3("0")], as thousandths.
std::optional<int> qvalue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  int value = text[0] == '1' ? 1000 : 0;
  if (text.size() == 1) return value;
  if (text[1] != '.' || text.size() > 5) return std::nullopt;
  int scale = 100;
  for (const char c : text.substr(2)) {
    if (!util::is_digit(c)) return std::nullopt;
    value += (c - '0') * scale;
    scale /= 10;
  }
  return value > 1000 ? std::nullopt : std::optional<int>(value);
}

struct Ranked {
  std::string tag;
  int q;
};

// One comma-separated element: a range and, after ';', parameters of which only q counts.
std::optional<Ranked> element(std::string_view text) {
  const std::size_t semicolon = text.find(';');
  const auto tag = language_range(util::trim(text.substr(0, semicolon)));
  if (!tag) {
    if (util::trim(text.substr(0, semicolon)) != "*") return std::nullopt;
  }
  int q = 1000;
  std::string_view rest = semicolon == std::string_view::npos ? "" : text.substr(semicolon + 1);
  while (!rest.empty()) {
    const std::size_t next = rest.find(';');
    const std::string_view param = util::trim(rest.substr(0, next));
    rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
    if (param.size() < 2 || lower(param[0]) != 'q' || param[1] != '=') return std::nullopt;
    const auto value = qvalue(param.substr(2));
    if (!value) return std::nullopt;
    q = *value;
  }
  if (!tag) return Ranked{"*", q};
  return Ranked{*tag, q};
}

}  // namespace

std::vector<std::string> preferred_languages(std::string_view header) {
  if (header.size() > kMaxAcceptLanguageBytes || util::has_control(header)) return {};
  std::vector<Ranked> ranked;
  std::size_t looked = 0;
  while (!header.empty() && looked < kMaxLanguageRanges) {
    const std::size_t comma = header.find(',');
    const std::string_view item = util::trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? "" : header.substr(comma + 1);
    if (item.empty()) continue;  // "a,,b" is allowed by the list syntax
    ++looked;
    auto one = element(item);
    if (one && one->q > 0 && one->tag != "*") ranked.push_back(std::move(*one));
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Ranked& a, const Ranked& b) { return a.q > b.q; });
  std::vector<std::string> tags;
  tags.reserve(ranked.size());
  for (auto& one : ranked) tags.push_back(std::move(one.tag));
  return tags;
}

}  // namespace voiceverify::http
