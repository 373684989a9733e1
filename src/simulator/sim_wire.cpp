#include "simulator/sim_wire.hpp"

#include <json/reader.h>
#include <json/writer.h>

#include <ctime>
#include <memory>

namespace voiceverify::simulator {
namespace {

using std::chrono::system_clock;

constexpr std::string_view kBase = "https://rest.messagebird.com";

std::string quoted(std::string_view text) {
  return Json::valueToQuotedString(std::string(text).c_str());
}

// A JSON scalar as the string a form body would have carried: numbers in plain decimal (a
// recipient sent as 31612345678 must not come out as 3.16e10), booleans as true/false.
std::string json_scalar_text(const Json::Value& value) {
  if (value.isString()) return value.asString();
  if (value.isBool()) return value.asBool() ? "true" : "false";
  if (value.isUInt64()) return std::to_string(value.asUInt64());
  if (value.isInt64()) return std::to_string(value.asInt64());
  Json::StreamWriterBuilder writer;
  writer["indentation"] = "";
  return Json::writeString(writer, value);  // doubles, arrays, objects: fail validation later
}

}  // namespace

bool decode_params(const std::multimap<std::string, std::string>& decoded,
                   std::string_view content_type, std::string_view body, Params& params) {
  for (const auto& [name, value] : decoded) params.emplace(name, value);
  if (content_type.rfind("application/json", 0) != 0) return true;
  Json::CharReaderBuilder builder;
  Json::CharReaderBuilder::strictMode(&builder.settings_);
  const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value root;
  std::string errors;
  if (!reader->parse(body.data(), body.data() + body.size(), &root, &errors) || !root.isObject()) {
    return false;
  }
  for (const auto& name : root.getMemberNames()) {
    if (!root[name].isNull()) params[name] = json_scalar_text(root[name]);
  }
  return true;
}

// Built by hand rather than through Json::Value so the keys keep the documented order (jsoncpp
// sorts object keys); every string still goes through jsoncpp's escaping.
std::string errors_body(const std::vector<ApiError>& errors) {
  std::string body = R"({"errors":[)";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) body += ',';
    body += R"({"code":)" + std::to_string(errors[i].code) + R"(,"description":)" +
            quoted(errors[i].description) + R"(,"parameter":)" +
            (errors[i].parameter.empty() ? std::string("null") : quoted(errors[i].parameter)) + "}";
  }
  return body + "]}";
}

std::string error_body(int code, std::string_view description, std::string_view parameter) {
  return errors_body({{code, std::string(description), std::string(parameter)}});
}

std::string format_datetime(system_clock::time_point when) {
  const std::time_t seconds = system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S+00:00", &utc);
  return text;
}

std::string messages_href(std::string_view type, std::string_view message_id) {
  std::string path = type == "tts"     ? "/voicemessages/"
                     : type == "email" ? "/verify/messages/email/"
                                       : "/messages/";
  return std::string(kBase) + path + std::string(message_id);
}

// Keys in the order of the documented example, which starts with "id" (docs/messagebird-verify.md,
// Create a verification).
std::string spoken_body(const std::optional<std::string>& language,
                        const std::optional<std::string>& template_text) {
  return R"({"language":)" + (language ? quoted(*language) : "null") + R"(,"template":)" +
         (template_text ? quoted(*template_text) : "null") + "}";
}

std::string verify_body(const VerifyFields& object, std::string_view status) {
  // recipient is a JSON number for phone verifies, a string for email
  // (docs/messagebird-verify.md, Verify object and statuses).
  const std::string recipient =
      object.type == "email" ? quoted(object.recipient) : object.recipient;
  return R"({"id":)" + quoted(object.id) + R"(,"href":)" +
         quoted(std::string(kBase) + "/verify/" + object.id) + R"(,"recipient":)" + recipient +
         R"(,"reference":)" + (object.reference ? quoted(*object.reference) : "null") +
         R"(,"messages":{"href":)" + quoted(object.messages_href) + R"(},"status":)" +
         quoted(status) + R"(,"createdDatetime":)" + quoted(format_datetime(object.created)) +
         R"(,"validUntilDatetime":)" + quoted(format_datetime(object.valid_until)) + "}";
}

}  // namespace voiceverify::simulator
