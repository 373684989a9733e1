// See pending.hpp.
#include "oidc/pending.hpp"

#include <json/json.h>

#include <cstddef>
#include <utility>

#include "oidc/json.hpp"

namespace voiceverify::oidc {
namespace {

// Larger than anything parse_authorization_request lets through (docs/oidc.md).
constexpr std::size_t kMaxField = 2048;
constexpr Json::ArrayIndex kMaxLocales = 8;

std::optional<std::string> text(const Json::Value& object, const char* name) {
  const Json::Value& value = object[name];
  if (!value.isString() || value.asString().size() > kMaxField) return std::nullopt;
  return value.asString();
}

}  // namespace

std::string encode_pending(const PendingAuthorization& pending) {
  const AuthorizationRequest& request = pending.request;
  Json::Value object(Json::objectValue);
  object["b"] = pending.browser_id;
  object["t"] = Json::Int64{pending.began_at};
  object["client_id"] = request.client_id;
  object["redirect_uri"] = request.redirect_uri;
  object["state"] = request.state;
  object["nonce"] = request.nonce;
  object["code_challenge"] = request.code_challenge;
  object["phone"] = request.phone_scope;
  object["login_hint"] = request.login_hint;
  Json::Value locales(Json::arrayValue);
  for (const std::string& tag : request.ui_locales) locales.append(tag);
  object["ui_locales"] = std::move(locales);
  return compact_json(object);
}

std::optional<PendingAuthorization> decode_pending(std::string_view payload) {
  const std::optional<Json::Value> object = parse_json_object(payload);
  if (!object) return std::nullopt;
  PendingAuthorization pending;
  AuthorizationRequest& request = pending.request;
  const auto browser = text(*object, "b");
  const auto client_id = text(*object, "client_id");
  const auto redirect_uri = text(*object, "redirect_uri");
  const auto state = text(*object, "state");
  const auto nonce = text(*object, "nonce");
  const auto challenge = text(*object, "code_challenge");
  const auto hint = text(*object, "login_hint");
  const Json::Value& began = (*object)["t"];
  const Json::Value& phone = (*object)["phone"];
  const Json::Value& locales = (*object)["ui_locales"];
  if (!browser || !client_id || !redirect_uri || !state || !nonce || !challenge || !hint ||
      !began.isInt64() || !phone.isBool() || !locales.isArray() || locales.size() > kMaxLocales) {
    return std::nullopt;
  }
  for (const Json::Value& tag : locales) {
    if (!tag.isString() || tag.asString().size() > kMaxField) return std::nullopt;
    request.ui_locales.push_back(tag.asString());
  }
  pending.browser_id = *browser;
  pending.began_at = began.asInt64();
  request.client_id = *client_id;
  request.redirect_uri = *redirect_uri;
  request.state = *state;
  request.nonce = *nonce;
  request.code_challenge = *challenge;
  request.phone_scope = phone.asBool();
  request.login_hint = *hint;
  return pending;
}

}  // namespace voiceverify::oidc
