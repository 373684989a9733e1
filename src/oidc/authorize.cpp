// See authorize.hpp. The checks run in the order RFC 6749 section 4.1.2.1 requires: first what
// decides whether we may redirect at all (client_id, redirect_uri), then the rest.
#include "oidc/authorize.hpp"

#include <algorithm>

#include "oidc/pkce.hpp"
#include "oidc/redirect_uri.hpp"
#include "util/ascii.hpp"

namespace voiceverify::oidc {
namespace {

// Caps per field, in bytes: generous for any honest client, small for a hostile one.
constexpr std::size_t kMaxState = 512;
constexpr std::size_t kMaxNonce = 512;
constexpr std::size_t kMaxScope = 256;
constexpr std::size_t kMaxPrompt = 64;
constexpr std::size_t kMaxLoginHint = 64;
constexpr std::size_t kMaxUiLocales = 128;
constexpr std::size_t kMaxLocaleTags = 8;
constexpr std::size_t kMaxLocaleTag = 35;  // RFC 5646 section 4.4.1's longest useful tag
constexpr std::size_t kMinHintDigits = 8;
constexpr std::size_t kMaxHintDigits = 15;  // E.164

// The value of `name` sent once; nullopt if missing; `repeated` set if sent twice or more
// (RFC 6749 section 3.1: parameters must not be included more than once).
std::optional<std::string> single(const QueryPairs& query, std::string_view name, bool& repeated) {
  std::optional<std::string> value;
  for (const auto& [key, v] : query) {
    if (key != name) continue;
    if (value) repeated = true;
    value = v;
  }
  return value;
}

// RFC 6749 appendix A: state and nonce are VSCHAR (printable ASCII, space included).
bool is_vschars(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(' ', start), text.size());
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool contains(const std::vector<std::string_view>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// "+31612345678" or "tel:+31-6-1234-5678" (RFC 3966 global number, '-' '.' as separators) to
// "+31612345678"; empty for anything else: a hint only fills the form in, so a bad one is
// dropped, not an error.
std::string normalised_hint(std::string_view hint) {
  if (hint.starts_with("tel:")) hint.remove_prefix(4);
  if (!hint.starts_with('+')) return {};
  std::string number = "+";
  for (const char c : hint.substr(1)) {
    if (util::is_digit(c)) {
      number += c;
    } else if (c != '-' && c != '.') {
      return {};
    }
  }
  const std::size_t digits = number.size() - 1;
  return digits >= kMinHintDigits && digits <= kMaxHintDigits ? number : std::string{};
}

// Well-formed language tags (letters, digits, '-'), at most kMaxLocaleTags of them.
std::vector<std::string> locale_tags(std::string_view text) {
  std::vector<std::string> tags;
  for (const auto tag : words(text)) {
    if (tags.size() >= kMaxLocaleTags) break;
    if (tag.size() <= kMaxLocaleTag && util::is_alnum(tag.front()) &&
        std::all_of(tag.begin(), tag.end(), [](char c) { return util::is_alnum(c) || c == '-'; })) {
      tags.emplace_back(tag);
    }
  }
  return tags;
}

AuthorizationParse shown(std::string_view description) {
  AuthorizationParse parse;
  parse.refusal.error = Error{ErrorCode::InvalidRequest, description};
  return parse;
}

}  // namespace

AuthorizationParse parse_authorization_request(const QueryPairs& query,
                                               const ClientRegistry& clients) {
  // 1. Whether we may redirect at all: never to anything but a registered URI of a known client.
  bool repeated = false;
  const auto client_id = single(query, "client_id", repeated);
  if (repeated) return shown("client_id sent more than once");
  const Client* client = client_id ? clients.find(*client_id) : nullptr;
  if (client == nullptr) return shown("unknown client_id");
  const auto redirect_uri = single(query, "redirect_uri", repeated);
  if (repeated) return shown("redirect_uri sent more than once");
  // OpenID Connect Core 1.0 section 3.1.2.1: redirect_uri is required.
  if (!redirect_uri || !client->allows_redirect_uri(*redirect_uri) ||
      !redirect_uri_problem(*redirect_uri).empty()) {
    return shown("redirect_uri is not registered for this client");
  }

  // 2. Everything else goes back to the client.
  AuthorizationParse parse;
  AuthorizationRefusal& refusal = parse.refusal;
  refusal.redirect = true;
  refusal.redirect_uri = *redirect_uri;
  const auto state = single(query, "state", repeated);
  if (state && state->size() <= kMaxState && is_vschars(*state)) refusal.state = *state;
  const auto refuse = [&parse](ErrorCode code, std::string_view description) {
    parse.refusal.error = Error{code, description};
    return parse;
  };

  const auto response_type = single(query, "response_type", repeated);
  const auto scope = single(query, "scope", repeated);
  const auto nonce = single(query, "nonce", repeated);
  const auto challenge = single(query, "code_challenge", repeated);
  const auto method = single(query, "code_challenge_method", repeated);
  const auto prompt = single(query, "prompt", repeated);
  const auto response_mode = single(query, "response_mode", repeated);
  const auto login_hint = single(query, "login_hint", repeated);
  const auto ui_locales = single(query, "ui_locales", repeated);
  if (repeated) return refuse(ErrorCode::InvalidRequest, "a parameter was sent more than once");
  if (state && refusal.state != *state) {
    return refuse(ErrorCode::InvalidRequest, "state: at most 512 printable ASCII characters");
  }
  if (!response_type) return refuse(ErrorCode::InvalidRequest, "response_type is required");
  if (*response_type != "code") {
    return refuse(ErrorCode::UnsupportedResponseType, "only response_type=code is supported");
  }
  if (response_mode && *response_mode != "query") {
    return refuse(ErrorCode::InvalidRequest, "only response_mode=query is supported");
  }
  // OpenID Connect Core 1.0 sections 6.1 and 6.2: request objects are optional; we have none.
  for (const char* name : {"request", "request_uri"}) {
    if (single(query, name, repeated)) {
      return refuse(ErrorCode::RequestNotSupported, "request objects are not supported");
    }
  }
  if (!scope || scope->size() > kMaxScope || !contains(words(*scope), "openid")) {
    return refuse(ErrorCode::InvalidScope, "scope must contain openid");
  }
  if (nonce && (nonce->size() > kMaxNonce || !is_vschars(*nonce))) {
    return refuse(ErrorCode::InvalidRequest, "nonce: at most 512 printable ASCII characters");
  }
  // RFC 7636 section 4.3: without a method the challenge would be "plain"; we take S256 only.
  if ((challenge || method) && (!method || *method != "S256")) {
    return refuse(ErrorCode::InvalidRequest, "code_challenge_method must be S256");
  }
  if (challenge && !is_valid_s256_challenge(*challenge)) {
    return refuse(ErrorCode::InvalidRequest, "code_challenge is not an S256 challenge");
  }
  if (!challenge && client->is_public()) {
    return refuse(ErrorCode::InvalidRequest, "PKCE (code_challenge, S256) is required");
  }
  if (prompt) {
    const auto values = words(*prompt);
    // OpenID Connect Core 1.0 section 3.1.2.1: none with any other value is an error; none
    // alone asks for a session we never keep, so the person would have to log in.
    if (prompt->size() > kMaxPrompt || (contains(values, "none") && values.size() > 1)) {
      return refuse(ErrorCode::InvalidRequest, "prompt=none cannot be combined");
    }
    if (contains(values, "none")) {
      return refuse(ErrorCode::LoginRequired, "every verification needs the person");
    }
  }
  if ((login_hint && login_hint->size() > kMaxLoginHint) ||
      (ui_locales && ui_locales->size() > kMaxUiLocales)) {
    return refuse(ErrorCode::InvalidRequest, "login_hint or ui_locales is too long");
  }

  AuthorizationRequest request;
  request.client_id = client->id;
  request.client_name = client->name;
  request.redirect_uri = *redirect_uri;
  request.state = refusal.state;
  request.nonce = nonce.value_or("");
  request.code_challenge = challenge.value_or("");
  request.phone_scope = contains(words(*scope), "phone");
  if (login_hint) request.login_hint = normalised_hint(*login_hint);
  if (ui_locales) request.ui_locales = locale_tags(*ui_locales);
  parse.request = std::move(request);
  return parse;
}

std::string refusal_redirect(const AuthorizationRefusal& refusal, std::string_view issuer) {
  QueryPairs params{{"error", std::string(error_name(refusal.error.code))},
                    {"error_description", std::string(refusal.error.description)}};
  if (!refusal.state.empty()) params.emplace_back("state", refusal.state);
  params.emplace_back("iss", std::string(issuer));
  return with_query(refusal.redirect_uri, params);
}

std::string code_redirect(const AuthorizationRequest& request, std::string_view code,
                          std::string_view issuer) {
  QueryPairs params{{"code", std::string(code)}};
  if (!request.state.empty()) params.emplace_back("state", request.state);
  params.emplace_back("iss", std::string(issuer));
  return with_query(request.redirect_uri, params);
}

}  // namespace voiceverify::oidc
