// See key_checks.hpp: the checks of the call's keys. Messages name what is expected, never
// the value.
#include "config/key_checks.hpp"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "config/values.hpp"
#include "forms/phone.hpp"
#include "util/tts_languages.hpp"

namespace voiceverify::config {

using Reason = std::string;  // empty when the value was accepted

Reason apply_access_key(const std::string& v, Config& c) {
  if (v.empty()) return "must not be empty";
  if (v.size() > 128) return "must be at most 128 characters";
  // It goes into an HTTP header ("Authorization: AccessKey ..."): printable ASCII, no spaces.
  const bool clean = std::all_of(v.begin(), v.end(), [](char ch) {
    const auto b = static_cast<unsigned char>(ch);
    return b > 0x20 && b < 0x7f;
  });
  if (!clean) return "must not contain spaces, control or non-ASCII characters";
  c.messagebird_access_key = v;
  return {};
}

Reason apply_endpoint(const std::string& v, Config& c) {
  switch (normalise_endpoint(v, c.messagebird_endpoint)) {
    case EndpointCheck::Ok:
      return {};
    case EndpointCheck::PlainHttpBeyondLoopback:
      return "http:// is allowed only to 127.0.0.1, [::1] or localhost; use https://";
    case EndpointCheck::BadShape:
      break;
  }
  return "must be https://host[:port] (or http:// to 127.0.0.1, [::1] or localhost), with no "
         "path, query or user info";
}

Reason apply_verify_template(const std::string& v, Config& c) {
  // Empty: each call speaks the sentence of its own language (docs/operations.md, "The call's
  // language").
  if (v.empty()) {
    c.verify_template.clear();
    return {};
  }
  if (v.find("%token") == std::string::npos) return "must contain %token";
  if (has_control(v)) return "must not contain control characters";
  const long length = utf8_length(v);
  if (length < 0) return "must be valid UTF-8 text";
  if (length > 160) return "must be at most 160 characters";
  c.verify_template = v;
  return {};
}

Reason apply_voice(const std::string& v, Config& c) {
  if (v != "male" && v != "female") return "must be male or female";
  c.voice = v;
  return {};
}

Reason apply_language(const std::string& v, Config& c) {
  if (!util::is_tts_language(v)) {
    std::string list;
    for (const auto lang : util::kTtsLanguages) {
      if (!list.empty()) list += ", ";
      list += lang;
    }
    return "must be one of MessageBird's TTS languages: " + list;
  }
  c.language = v;
  return {};
}

Reason apply_originator(const std::string& v, Config& c) {
  // MessageBird: a number (digits, at most 16) or an alphanumeric sender id of at most 11.
  const bool number = is_digits(v) && v.size() <= 16;
  const bool alnum = !v.empty() && v.size() <= 11 &&
                     std::all_of(v.begin(), v.end(), [](char ch) { return is_alnum(ch); });
  if (!v.empty() && !number && !alnum) {
    return "must be empty, a number of at most 16 digits, or at most 11 letters and digits";
  }
  c.originator = v;
  return {};
}

Reason apply_default_region(const std::string& v, Config& c) {
  const std::string region = upper(v);
  if (!forms::is_known_region(region)) {
    return "must be a region code libphonenumber knows, e.g. NL or GB";
  }
  c.default_region = region;
  return {};
}

Reason apply_allowed_number_types(const std::string& v, Config& c) {
  Reason reason =
      "must be a comma-separated, non-empty list of: mobile, fixed-line, fixed-line-or-mobile, "
      "toll-free, premium-rate, shared-cost, voip, personal, pager, uan, voicemail, unknown";
  std::vector<std::string> items;
  if (!split_list(v, items) || items.empty()) return reason;
  std::set<forms::NumberType> types;
  for (const auto& item : items) {
    forms::NumberType type{};
    if (!forms::parse_number_type(item, type)) return reason;
    types.insert(type);
  }
  c.allowed_number_types = std::move(types);
  return {};
}

// Every call costs money, and satellite and other non-geographic numbers (+881 Iridium, +870
// Inmarsat, libphonenumber's region "001") are both the dearest and the classic toll-fraud
// destinations: "*" means every country, never those; "001" must be named. An empty value is
// an error: it once meant "any country", and an old config file must not quietly take a new
// meaning either way.
Reason apply_allowed_countries(const std::string& v, Config& c) {
  if (trim(v).empty()) {
    return "must not be empty: leave it out for DEFAULT_REGION alone, or list region codes, or * "
           "for every country";
  }
  Reason reason =
      "must be * (every country) or a comma-separated list of region codes libphonenumber "
      "knows, e.g. NL,BE, with 001 for non-geographic numbers such as satellite phones";
  std::vector<std::string> items;
  if (!split_list(v, items)) return reason;
  bool any_geographic = false;
  std::vector<std::string> regions;
  for (auto& item : items) {
    item = upper(item);
    if (item == "*") {
      any_geographic = true;
    } else if (item == forms::kNonGeographicRegion || forms::is_known_region(item)) {
      regions.push_back(item);
    } else {
      return reason;
    }
  }
  c.allowed_countries = std::move(regions);
  c.any_geographic_region = any_geographic;
  return {};
}

// "+31612345678:123456, +31687654321:654321": each number (as the form takes it, at most 32
// characters) with its code (4 to 10 digits). Which numbers the form accepts, and the code's
// length, depend on other keys: load() checks those.
Reason apply_test_numbers(const std::string& v, Config& c) {
  std::vector<std::string> items;
  if (!split_list(v, items)) {
    return "must be a comma-separated list of number:code pairs";
  }
  std::vector<TestNumber> entries;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string entry = "entry " + std::to_string(i + 1) + ": ";
    const auto colon = items[i].rfind(':');
    if (colon == std::string::npos)
      return entry + "must be number:code (the number, a colon, its code)";
    const std::string number(trim(std::string_view(items[i]).substr(0, colon)));
    const std::string code(trim(std::string_view(items[i]).substr(colon + 1)));
    if (number.empty() || number.size() > 32 || has_control(number)) {
      return entry + "the number must be 1 to 32 characters, as the form takes it";
    }
    if (!is_digits(code) || code.size() < 4 || code.size() > 10) {
      return entry + "the code must be 4 to 10 digits";
    }
    entries.push_back({number, code});
  }
  c.test_numbers = std::move(entries);
  return {};
}

}  // namespace voiceverify::config
