#include "simulator/sim_params.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <initializer_list>

#include "util/ascii.hpp"
#include "util/tts_languages.hpp"

namespace voiceverify::simulator {
namespace {

constexpr std::string_view kDefaultTemplate = "Your code is: %token";

bool all_alnum(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), util::is_alnum);
}

// Whole-string decimal integer, no sign, no spaces: "6" yes, "+6", " 6", "6x" no.
std::optional<long long> parse_int(std::string_view text) {
  if (!util::is_digits(text) || text.size() > 12) return std::nullopt;
  long long value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::optional<std::string> get(const Params& params, const std::string& name) {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

}  // namespace

CheckedCreate check_create(const Params& p) {
  CheckedCreate checked;
  CreateParams& out = checked.params;
  std::vector<ApiError>& errors = checked.errors;
  const auto bad = [&](const std::string& name) {
    errors.push_back({10, name + " is invalid", name});
  };

  out.type = get(p, "type").value_or("sms");
  const bool type_ok =
      out.type == "sms" || out.type == "flash" || out.type == "tts" || out.type == "email";
  if (!type_ok) bad("type");

  out.recipient = get(p, "recipient").value_or("");
  if (out.recipient.empty()) {
    errors.push_back({9, "recipient is required", "recipient"});
  } else if (out.type == "email") {
    if (out.recipient.find('@') == std::string::npos || out.recipient.size() > 254) {
      bad("recipient");
    }
  } else if (!util::is_digits(out.recipient) || out.recipient.size() < 7 ||
             out.recipient.size() > 15) {
    // International format, digits only (docs/messagebird-verify.md, Create a verification).
    bad("recipient");
  }

  out.template_sent = get(p, "template").has_value();
  out.template_text = get(p, "template").value_or(std::string(kDefaultTemplate));
  if (out.template_text.find("%token") == std::string::npos) {
    errors.push_back({10, "template must contain %token", "template"});
  }

  const auto int_param = [&](const std::string& name, long long fallback, long long low,
                             long long high) {
    const auto raw = get(p, name);
    if (!raw) return fallback;
    const auto value = parse_int(*raw);
    if (!value || *value < low || *value > high) {
      bad(name);
      return fallback;
    }
    return *value;
  };
  out.token_length = static_cast<int>(int_param("tokenLength", 6, 6, 10));
  out.timeout = int_param("timeout", 30, 1, 100'000'000);
  out.max_attempts = static_cast<int>(int_param("maxAttempts", 1, 1, 1'000));

  const auto one_of = [&](const std::string& name,
                          std::initializer_list<std::string_view> allowed) {
    const auto raw = get(p, name);
    if (raw && std::find(allowed.begin(), allowed.end(), *raw) == allowed.end()) bad(name);
  };
  one_of("voice", {"male", "female"});
  one_of("datacoding", {"plain", "unicode", "auto"});
  out.language = get(p, "language");
  if (const auto language = get(p, "language"); language && !util::is_tts_language(*language)) {
    bad("language");
  }
  // originator: a number, or up to 11 alphanumerics (docs/messagebird-verify.md, Create a
  // verification).
  if (const auto originator = get(p, "originator");
      originator && !(util::is_digits(*originator) && originator->size() <= 17) &&
      !(all_alnum(*originator) && originator->size() <= 11)) {
    bad("originator");
  }
  out.reference = get(p, "reference");
  if (out.reference && !all_alnum(*out.reference)) bad("reference");
  return checked;
}

}  // namespace voiceverify::simulator
