#include "app/check_key.hpp"

#include <future>
#include <memory>
#include <utility>

#include "messagebird/curl_transport.hpp"
#include "messagebird/verify_client.hpp"

namespace voiceverify::app {
namespace {

// Of MessageBird's id shape, and of no verification: the answer is about the key alone.
constexpr const char* kUnknownId = "00000000000000000000000000000000";

}  // namespace

KeyCheck check_key(const Settings& settings) {
  const messagebird::CurlGlobal curl_global;
  messagebird::CurlTransport transport(settings.curl);
  messagebird::VerifyClient client(settings.verify, transport);
  // Shared with the handler, which runs on the transport's event thread: the promise outlives
  // set_value even once get() has returned here.
  auto promised = std::make_shared<std::promise<messagebird::VerifyResult>>();
  std::future<messagebird::VerifyResult> answered = promised->get_future();
  client.look_up(kUnknownId, [promised](messagebird::VerifyResult result) {
    promised->set_value(std::move(result));
  });
  const messagebird::VerifyResult answer = answered.get();
  switch (answer.error) {
    case messagebird::VerifyError::NotFound:
      return {true, "the key works: " + settings.verify.endpoint +
                        " answered 404 for a verification that does not exist"};
    case messagebird::VerifyError::Unauthorized:
      return {false, "the key is refused: " + settings.verify.endpoint + " answered 401"};
    default:
      break;
  }
  return {false, "cannot tell: " + settings.verify.endpoint + " answered " +
                     messagebird::verify_error_name(answer.error) + " (" + answer.detail + ")"};
}

}  // namespace voiceverify::app
