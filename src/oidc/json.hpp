// jsoncpp, the way every JSON document of the OpenID Connect layer is written and read: compact
// (no whitespace: the bytes signed, stored and sent) and strict about the top-level object.
#pragma once

#include <json/json.h>

#include <optional>
#include <string>
#include <string_view>

namespace voiceverify::oidc {

std::string compact_json(const Json::Value& value);
// The object `text` holds, or nullopt for invalid JSON or any other top-level value.
std::optional<Json::Value> parse_json_object(std::string_view text);

}  // namespace voiceverify::oidc
