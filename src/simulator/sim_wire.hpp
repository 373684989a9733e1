// The MessageBird Verify wire format the simulator imitates (docs/messagebird-verify.md): request
// parameters as JSON, form or query, and the JSON of verify objects and error bodies, keys in the
// documented order (Create a verification, Verify object and statuses, Errors). Pure functions: no
// state, no sockets.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voiceverify::simulator {

// Request parameters by name, already decoded from JSON, a form body or the query string.
using Params = std::map<std::string, std::string>;

// Parameters from the query string and a form body (`decoded`, as the HTTP library decoded
// both), then from a JSON body, which wins. docs/messagebird-verify.md, Create a verification: JSON
// from most clients, form from Ruby, query parameters from PHP. Returns false when `content_type`
// says JSON and `body` does not parse as an object.
bool decode_params(const std::multimap<std::string, std::string>& decoded,
                   std::string_view content_type, std::string_view body, Params& params);

struct ApiError {
  int code;
  std::string description;
  std::string parameter;  // "" renders as null
};

// docs/messagebird-verify.md, Errors: {"errors":[{"code":C,"description":D,"parameter":P|null}]}.
std::string errors_body(const std::vector<ApiError>& errors);
// The same with exactly one error.
std::string error_body(int code, std::string_view description, std::string_view parameter);

// 2016-05-03T14:26:57+00:00, always UTC (docs/messagebird-verify.md, Verify object and statuses).
std::string format_datetime(std::chrono::system_clock::time_point when);

// What a verify object shows on the wire, bar its status.
struct VerifyFields {
  std::string id;
  std::string type;       // tts, sms, flash or email
  std::string recipient;  // digits, or the address for email
  std::optional<std::string> reference;
  std::string messages_href;
  std::chrono::system_clock::time_point created;
  std::chrono::system_clock::time_point valid_until;
};

// The href of the message that carries a verify's code: voice, email and text messages each live
// under their own path.
std::string messages_href(std::string_view type, std::string_view message_id);
// The verify object's JSON; `status` is sent, verified, failed or expired.
std::string verify_body(const VerifyFields& object, std::string_view status);

// What a create asked to be spoken, as it was sent (absent: null), for /_sim/last-create:
// {"language":L|null,"template":T|null}.
std::string spoken_body(const std::optional<std::string>& language,
                        const std::optional<std::string>& template_text);

}  // namespace voiceverify::simulator
