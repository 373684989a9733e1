// See token.hpp.
#include "oidc/token.hpp"

#include "oidc/crypto.hpp"
#include "oidc/json.hpp"
#include "oidc/pkce.hpp"
#include "util/ascii.hpp"

namespace voiceverify::oidc {
namespace {

// Our codes are 43 characters, client ids at most 64, secrets 43; a little room beyond.
constexpr std::size_t kMaxField = 512;
constexpr std::string_view kRealm = "voiceverify";

TokenRequestParse refused(ErrorCode code, std::string_view description, bool basic = false) {
  TokenRequestParse parse;
  parse.refusal = TokenRefusal{Error{code, description}, basic};
  return parse;
}

// RFC 6749 section 2.3.1: id and secret are form-urlencoded before base64. Ours never need it,
// but a client library may encode anyway; nullopt on a bad escape.
std::optional<std::string> form_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else if (i + 2 < text.size() && util::hex_value(text[i + 1]) >= 0 &&
               util::hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(util::hex_value(text[i + 1]) * 16 + util::hex_value(text[i + 2]));
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// The credentials after "<scheme> " (RFC 7235 section 2.1: the scheme is case-insensitive), or
// nullopt when the header names another scheme or is too long to be ours.
std::optional<std::string_view> credentials(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() + 1 || header.size() > 4 * kMaxField ||
      header[scheme.size()] != ' ') {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if ((header[i] | 0x20) != (scheme[i] | 0x20)) return std::nullopt;
  }
  return util::trim(header.substr(scheme.size() + 1));
}

// "Basic base64(id:secret)" into id and secret; false for anything else.
bool parse_basic(std::string_view header, std::string& id, std::string& secret) {
  const auto encoded = credentials(header, "basic");
  const auto decoded = encoded ? base64_decode(*encoded) : std::nullopt;
  if (!decoded) return false;
  const std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  const auto decoded_id = form_decode(std::string_view(*decoded).substr(0, colon));
  const auto decoded_secret = form_decode(std::string_view(*decoded).substr(colon + 1));
  if (!decoded_id || !decoded_secret || decoded_id->empty()) return false;
  id = *decoded_id;
  secret = *decoded_secret;
  return true;
}

JsonReply json_reply(int status, std::string body) {
  // RFC 6749 section 5.1: tokens and errors alike must not be cached.
  return JsonReply{
      status, {{"Cache-Control", "no-store"}, {"Pragma", "no-cache"}}, std::move(body)};
}

}  // namespace

TokenRequestParse parse_token_request(const QueryPairs& body, std::string_view authorization) {
  std::vector<std::pair<std::string_view, std::optional<std::string>>> fields{
      {"grant_type", {}},    {"code", {}},      {"redirect_uri", {}},
      {"code_verifier", {}}, {"client_id", {}}, {"client_secret", {}}};
  for (const auto& [name, value] : body) {
    for (auto& [field, slot] : fields) {
      if (field != name) continue;
      // RFC 6749 section 3.2: parameters must not be included more than once.
      if (slot) return refused(ErrorCode::InvalidRequest, "a parameter was sent more than once");
      if (value.size() > kMaxField)
        return refused(ErrorCode::InvalidRequest, "a value is too long");
      slot = value;
    }
  }
  const auto& [grant_type, code, redirect_uri, verifier, client_id, client_secret] =
      std::tie(fields[0].second, fields[1].second, fields[2].second, fields[3].second,
               fields[4].second, fields[5].second);
  TokenRequest request;
  const bool basic = !authorization.empty();
  if (basic) {
    if (!parse_basic(authorization, request.client_id, request.client_secret)) {
      return refused(ErrorCode::InvalidClient, "malformed Basic credentials", true);
    }
    if (client_secret) {
      return refused(ErrorCode::InvalidRequest, "use one client authentication method", true);
    }
    if (client_id && *client_id != request.client_id) {
      return refused(ErrorCode::InvalidRequest, "client_id differs from the credentials", true);
    }
    request.auth = ClientAuth::SecretBasic;
  } else if (client_secret) {
    request.auth = ClientAuth::SecretPost;
    request.client_id = client_id.value_or("");
    request.client_secret = *client_secret;
  } else {
    request.auth = ClientAuth::None;
    request.client_id = client_id.value_or("");
  }
  if (request.client_id.empty()) return refused(ErrorCode::InvalidClient, "no client_id");
  if (!grant_type) return refused(ErrorCode::InvalidRequest, "grant_type is required", basic);
  if (*grant_type != "authorization_code") {
    return refused(ErrorCode::UnsupportedGrantType, "only authorization_code", basic);
  }
  if (!code || code->empty()) return refused(ErrorCode::InvalidRequest, "code is required", basic);
  if (!redirect_uri) return refused(ErrorCode::InvalidRequest, "redirect_uri is required", basic);
  request.code = *code;
  request.redirect_uri = *redirect_uri;
  request.code_verifier = verifier.value_or("");
  TokenRequestParse parse;
  parse.request = std::move(request);
  return parse;
}

const Client* authenticate_client(const TokenRequest& request, const ClientRegistry& clients,
                                  TokenRefusal& refusal, VerifiedSecrets* secrets) {
  refusal = TokenRefusal{Error{ErrorCode::InvalidClient, "client authentication failed"},
                         request.auth == ClientAuth::SecretBasic};
  const Client* client = clients.find(request.client_id);
  if (client == nullptr) return nullptr;
  // A public client must not present a secret, a confidential one must.
  if (client->is_public() != (request.auth == ClientAuth::None)) return nullptr;
  if (client->is_public()) return client;
  const bool matches = secrets != nullptr ? secrets->secret_matches(*client, request.client_secret)
                                          : client->secret_matches(request.client_secret);
  if (!matches) return nullptr;
  return client;
}

std::optional<TokenRefusal> check_code_grant(const TokenRequest& request, const CodeGrant& grant) {
  const auto invalid = [](std::string_view description) {
    return TokenRefusal{Error{ErrorCode::InvalidGrant, description}, false};
  };
  if (grant.client_id != request.client_id) return invalid("the code was issued to another client");
  if (grant.redirect_uri != request.redirect_uri) return invalid("redirect_uri does not match");
  if (grant.code_challenge.empty()) {
    // Without a challenge a verifier proves nothing; sending one anyway is a client's bug or a
    // downgrade attempt (RFC 9700 section 2.1.1).
    if (!request.code_verifier.empty()) return invalid("no code_challenge was sent");
  } else if (!verifier_matches(request.code_verifier, grant.code_challenge)) {
    return invalid("code_verifier does not match");
  }
  return std::nullopt;
}

JsonReply token_refusal_reply(const TokenRefusal& refusal) {
  Json::Value body(Json::objectValue);
  body["error"] = std::string(error_name(refusal.error.code));
  body["error_description"] = std::string(refusal.error.description);
  auto reply = json_reply(error_status(refusal.error.code), compact_json(body));
  if (refusal.error.code == ErrorCode::InvalidClient && refusal.basic) {
    reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"" + std::string(kRealm) + '"');
  }
  return reply;
}

JsonReply token_reply(std::string_view id_token, std::string_view access_token, bool phone_scope) {
  Json::Value body(Json::objectValue);
  body["access_token"] = std::string(access_token);
  body["token_type"] = "Bearer";
  body["expires_in"] = static_cast<Json::Int64>(kAccessTokenLifetime.count());
  body["id_token"] = std::string(id_token);
  body["scope"] = phone_scope ? "openid phone" : "openid";
  return json_reply(200, compact_json(body));
}

std::optional<std::string> bearer_token(std::string_view authorization) {
  const auto token = credentials(authorization, "bearer");
  if (!token || token->empty() || !is_base64url(*token)) return std::nullopt;
  return std::string(*token);
}

JsonReply userinfo_refusal_reply() {
  // RFC 6750 section 3: the error in the header, no body needed; we send the JSON too.
  Json::Value body(Json::objectValue);
  body["error"] = std::string(error_name(ErrorCode::InvalidToken));
  auto reply = json_reply(error_status(ErrorCode::InvalidToken), compact_json(body));
  reply.headers.emplace_back(
      "WWW-Authenticate", "Bearer realm=\"" + std::string(kRealm) + "\", error=\"invalid_token\"");
  return reply;
}

JsonReply userinfo_reply(std::string_view claims_json) {
  return json_reply(200, std::string(claims_json));
}

std::optional<BasicCredentials> basic_credentials(std::string_view authorization) {
  BasicCredentials credentials;
  if (!parse_basic(authorization, credentials.id, credentials.secret)) return std::nullopt;
  return credentials;
}

}  // namespace voiceverify::oidc
