// See json.hpp.
#include "oidc/json.hpp"

#include <memory>

namespace voiceverify::oidc {

std::string compact_json(const Json::Value& value) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "";
  return Json::writeString(builder, value);
}

std::optional<Json::Value> parse_json_object(std::string_view text) {
  Json::Value value;
  Json::CharReaderBuilder builder;
  builder["rejectDupKeys"] = true;
  builder["failIfExtra"] = true;  // one document, nothing after it
  std::string errors;
  const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  if (!reader->parse(text.data(), text.data() + text.size(), &value, &errors) ||
      !value.isObject()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace voiceverify::oidc
