// Fuzzes the reading of MessageBird's answers (messagebird::interpret): upstream bytes are
// untrusted, and a wrong reading could mark a number verified. Input: byte 0 picks the call
// (create, check, cancel) and, rarely, a transport error; bytes 1-2 are the HTTP status (big
// endian); the rest is the body. The same body also goes through the session and flash cookie
// payload parsers (web/session.hpp), which take text of the same kind: short, structured,
// attacker-shaped.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "messagebird/verify_id.hpp"
#include "messagebird/verify_response.hpp"
#include "util/ascii.hpp"
#include "web/session.hpp"

namespace {

using voiceverify::messagebird::Call;
using voiceverify::messagebird::HttpResponse;
using voiceverify::messagebird::TransportError;
using voiceverify::messagebird::VerifyError;

void check_interpret(Call call, const HttpResponse& response) {
  const auto result = voiceverify::messagebird::interpret(call, response);
  VV_FUZZ_CHECK(result.http_status == response.status);
  // The detail goes to a one-line log: short and free of control bytes.
  VV_FUZZ_CHECK(result.detail.size() <= 200);
  VV_FUZZ_CHECK(!voiceverify::util::has_control(result.detail));
  if (response.error != TransportError::None || response.status >= 500) {
    VV_FUZZ_CHECK(result.error == VerifyError::Unavailable);
  } else if (response.status == 401) {
    VV_FUZZ_CHECK(result.error == VerifyError::Unauthorized);
  }
  if (result.error != VerifyError::None) return;

  // Success is the one answer that lets a call be placed or a number count as verified.
  VV_FUZZ_CHECK(response.status >= 200 && response.status <= 299);
  switch (call) {
    case Call::Create:
      VV_FUZZ_CHECK(response.status <= 202);
      VV_FUZZ_CHECK(voiceverify::messagebird::is_verify_id(result.id));
      VV_FUZZ_CHECK(result.status == "sent");
      break;
    case Call::Check:
      VV_FUZZ_CHECK(response.status == 200);
      VV_FUZZ_CHECK(result.id.empty() || voiceverify::messagebird::is_verify_id(result.id));
      VV_FUZZ_CHECK(result.status == "verified");
      break;
    case Call::Cancel:
      break;
  }
}

void check_session_payloads(std::string_view payload) {
  // Strict parsing means one text per value: what parses in the current format encodes back to
  // the same bytes; an older format (v1, still read) encodes as the current one, which reads back
  // to the same session.
  if (const auto session = voiceverify::web::decode_session(payload)) {
    const std::string encoded = voiceverify::web::encode_session(*session);
    if (payload.starts_with("v2|")) {
      VV_FUZZ_CHECK(encoded == payload);
    } else {
      const auto again = voiceverify::web::decode_session(encoded);
      VV_FUZZ_CHECK(again && voiceverify::web::encode_session(*again) == encoded);
    }
    VV_FUZZ_CHECK(session->browser_id.size() == 32);
    VV_FUZZ_CHECK(session->verify_id.empty() ||
                  voiceverify::messagebird::is_verify_id(session->verify_id));
    VV_FUZZ_CHECK(session->masked_number.find('|') == std::string::npos);
  }
  if (const auto banner = voiceverify::web::decode_flash(payload)) {
    VV_FUZZ_CHECK(voiceverify::web::encode_flash(*banner) == payload);
    VV_FUZZ_CHECK(voiceverify::view::message_from_key(
                      voiceverify::view::message_key(banner->message)) == banner->message);
    VV_FUZZ_CHECK(banner->n >= 0 && banner->n <= 999999);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  constexpr Call kCalls[] = {Call::Create, Call::Check, Call::Cancel};
  // Half the selector values are plain answers; the rest cover each transport failure.
  constexpr TransportError kErrors[] = {TransportError::None,          TransportError::None,
                                        TransportError::None,          TransportError::None,
                                        TransportError::ConnectFailed, TransportError::Timeout,
                                        TransportError::TooLarge,      TransportError::Other};
  HttpResponse response;
  response.error = kErrors[(data[0] / 3) % 8];
  response.status = static_cast<long>((data[1] << 8) | data[2]);
  response.body.assign(reinterpret_cast<const char*>(data + 3), size - 3);
  if (response.error != TransportError::None) response.detail = response.body;
  check_interpret(kCalls[data[0] % 3], response);

  check_session_payloads(response.body);
  return 0;
}
