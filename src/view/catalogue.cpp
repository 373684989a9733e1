// Reading and filling the message catalogue (see catalogue.hpp and the header of
// templates/messages.en.txt for the format).
#include "view/catalogue.hpp"

#include <array>
#include <fstream>
#include <sstream>

#include "util/ascii.hpp"
#include "util/name_table.hpp"
#include "view/banner_field.hpp"

namespace voiceverify::view {
namespace {

// Every fact about a message: its key in the catalogue files, and the form field a banner of it
// is about (banner_field.hpp: what was typed there is the problem, WCAG 3.3.1).
struct MessageName {
  MessageId id;
  std::string_view key;
  BannerField field;
};

constexpr auto kMessageNames = std::to_array<MessageName>({
    {MessageId::NumberMissing, "number.missing", BannerField::Number},
    {MessageId::NumberInvalid, "number.invalid", BannerField::Number},
    {MessageId::NumberTypeRefused, "number.type_refused", BannerField::Number},
    {MessageId::CountryRefused, "number.country_refused", BannerField::Number},
    {MessageId::NumberBlocked, "number.blocked", BannerField::Number},
    {MessageId::CallFailed, "call.failed", BannerField::None},
    {MessageId::ServiceUnavailable, "service.unavailable", BannerField::None},
    {MessageId::Busy, "service.busy", BannerField::None},
    {MessageId::CodeMissing, "code.missing", BannerField::Code},
    {MessageId::CodeFormat, "code.format", BannerField::Code},
    {MessageId::CheckFailed, "code.check_failed", BannerField::None},
    {MessageId::WrongCode, "code.wrong", BannerField::Code},
    {MessageId::NoTriesLeft, "code.no_tries_left", BannerField::None},
    {MessageId::Expired, "code.expired", BannerField::None},
    {MessageId::AlreadyUsed, "code.already_used", BannerField::None},
    {MessageId::UnknownVerification, "verification.unknown", BannerField::None},
    {MessageId::LimitResend, "limit.resend", BannerField::None},
    {MessageId::LimitNumber, "limit.number", BannerField::None},
    {MessageId::LimitClient, "limit.client", BannerField::None},
    {MessageId::LimitSite, "limit.site", BannerField::None},
    {MessageId::LimitCountry, "limit.country", BannerField::None},
    {MessageId::LimitBusy, "limit.busy", BannerField::None},
    {MessageId::TitlePhone, "title.phone", BannerField::None},
    {MessageId::TitleCode, "title.code", BannerField::None},
    {MessageId::TitleSuccess, "title.success", BannerField::None},
    {MessageId::CallAgainWait, "call_again.wait", BannerField::None},
    {MessageId::CodeValidFor, "code.valid_for", BannerField::None},
    {MessageId::AuthorizationRefused, "authorize.refused", BannerField::None},
});

constexpr std::string_view kPagePrefix = "page.";
constexpr auto kDurationUnits =
    std::to_array<std::string_view>({"duration.second", "duration.minute", "duration.hour"});

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return false;
  }
  return true;
}

// Only {n} and {wait} may appear between braces; anything else is a typo that would show.
bool valid_placeholders(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '}') return false;
    if (text[i] != '{') continue;
    const std::size_t close = text.find('}', i);
    if (close == std::string_view::npos) return false;
    const std::string_view name = text.substr(i + 1, close - i - 1);
    if (name != "n" && name != "wait") return false;
    i = close;
  }
  return true;
}

void replace_all(std::string& text, std::string_view from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// "page.code.label" -> "PAGE_CODE_LABEL"
std::string template_name(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '.' || c == '-') c = '_';
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    out += c;
  }
  return out;
}

}  // namespace

const char* banner_kind_name(BannerKind kind) {
  return kind == BannerKind::Info ? "info" : "error";
}

std::optional<BannerKind> banner_kind_from_name(std::string_view name) {
  if (name == "error") return BannerKind::Error;
  if (name == "info") return BannerKind::Info;
  return std::nullopt;
}

std::string_view message_key(MessageId id) {
  return util::field_of(kMessageNames, &MessageName::id, id, &MessageName::key, "unknown");
}

BannerField banner_field(MessageId id) {
  return util::field_of(kMessageNames, &MessageName::id, id, &MessageName::field,
                        BannerField::None);
}

std::optional<MessageId> message_from_key(std::string_view key) {
  if (const auto* row = util::find_row(kMessageNames, &MessageName::key, key)) return row->id;
  return std::nullopt;
}

std::optional<Catalogue> Catalogue::load(const std::string& path,
                                         const std::vector<int>& error_statuses,
                                         std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "message catalogue " + path + " is missing or unreadable";
    return std::nullopt;
  }
  Catalogue catalogue;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string_view text = util::trim(line);
    if (!text.empty() && text.back() == '\r') text = util::trim(text.substr(0, text.size() - 1));
    if (text.empty() || text.front() == '#') continue;
    const std::string where = "message catalogue " + path + " line " + std::to_string(number);
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos) {
      error = where + ": expected key = text";
      return std::nullopt;
    }
    const std::string_view key = util::trim(text.substr(0, eq));
    const std::string_view value = util::trim(text.substr(eq + 1));
    if (!valid_key(key) || value.empty() || !valid_placeholders(value)) {
      error = where + ": bad key, empty text, or a placeholder other than {n} and {wait}";
      return std::nullopt;
    }
    if (!catalogue.entries_.emplace(std::string(key), std::string(value)).second) {
      error = where + ": " + std::string(key) + " is already set";
      return std::nullopt;
    }
  }

  std::vector<std::string> required;
  required.reserve(kMessageNames.size() + kDurationUnits.size() + 2 * error_statuses.size());
  for (const auto& entry : kMessageNames) required.emplace_back(entry.key);
  for (const auto unit : kDurationUnits) required.emplace_back(unit);
  for (const int status : error_statuses) {
    required.push_back("error." + std::to_string(status) + ".title");
    required.push_back("error." + std::to_string(status) + ".text");
  }
  for (const auto& key : required) {
    const bool plain = catalogue.entries_.count(key) > 0;
    const bool plural =
        catalogue.entries_.count(key + ".one") > 0 && catalogue.entries_.count(key + ".other") > 0;
    if (!plain && !plural) {
      error = "message catalogue " + path + " has no text for ";
      error += key;
      return std::nullopt;
    }
  }
  for (auto it = catalogue.entries_.lower_bound(kPagePrefix);
       it != catalogue.entries_.end() && it->first.starts_with(kPagePrefix); ++it) {
    catalogue.page_entries_.push_back(
        {template_name(it->first), it->second, it->second.find("{n}") != std::string::npos});
  }
  return catalogue;
}

std::string Catalogue::lookup(std::string_view key, long n) const {
  auto found = entries_.find(key);
  if (found == entries_.end()) {
    found = entries_.find(std::string(key) + (n == 1 ? ".one" : ".other"));
    if (found == entries_.end()) return std::string(key);  // load() makes this unreachable
  }
  std::string out = found->second;
  replace_all(out, "{n}", std::to_string(n));
  return out;
}

std::string Catalogue::duration(std::chrono::seconds wait) const {
  const long s = wait.count() < 1 ? 1 : static_cast<long>(wait.count());
  if (s < 60) return lookup(kDurationUnits[0], s);
  if (s < 3600) return lookup(kDurationUnits[1], (s + 59) / 60);
  return lookup(kDurationUnits[2], (s + 3599) / 3600);
}

std::string Catalogue::text(MessageId id, long n) const {
  std::string out = lookup(message_key(id), n);
  if (out.find("{wait}") != std::string::npos)
    replace_all(out, "{wait}", duration(std::chrono::seconds(n)));
  return out;
}

std::string Catalogue::error_title(int status) const {
  return lookup("error." + std::to_string(status) + ".title", 0);
}

std::string Catalogue::error_text(int status, bool from_nginx) const {
  const std::string nginx_key = "error." + std::to_string(status) + ".nginx";
  if (from_nginx && entries_.count(nginx_key) > 0) return lookup(nginx_key, 0);
  return lookup("error." + std::to_string(status) + ".text", 0);
}

std::string Catalogue::fill_number(std::string text, long n) {
  replace_all(text, "{n}", std::to_string(n));
  return text;
}

std::vector<std::string> Catalogue::keys() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& entry : entries_) out.push_back(entry.first);
  return out;
}

std::vector<std::pair<std::string, std::string>> Catalogue::page_texts(long n) const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(page_entries_.size());
  for (const PageText& entry : page_entries_)
    out.emplace_back(entry.name, entry.takes_n ? fill_number(entry.text, n) : entry.text);
  return out;
}

}  // namespace voiceverify::view
