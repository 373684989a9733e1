// The MessageBird Verify simulator's state machine: verify objects, their codes, attempts and
// expiry, answered exactly as docs/messagebird-verify.md says the live API answers. Pure logic: no
// sockets, an injectable clock, every answer a plain ApiResult (HTTP status + JSON body).
// The JSON comes from sim_wire, the parameter checks from sim_params.
// Thread-safe: every public member takes one internal mutex, so the server's worker threads may
// share one SimState. Throws only if the system random source fails (a broken machine, not input).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/sim_wire.hpp"

namespace voiceverify::simulator {

// What the simulator "sends" for a create: the server prints it so a person can read the code.
struct PlacedCall {
  std::string type;       // tts, sms, flash or email
  std::string recipient;  // digits as sent (or the address for email)
  std::string message;    // the template with %token replaced (digits spaced out for tts)
  std::string token;      // the code itself
  std::string id;         // the verification's id
  std::string language;   // as sent; empty: MessageBird's default
};

struct ApiResult {
  int status = 200;
  std::string body;                // JSON; empty for 204
  std::optional<PlacedCall> call;  // set by a create that placed a call
};

struct CreateInput {
  Params params;
  bool body_unparsable = false;  // a JSON body that did not parse: 400 code 21
};

struct SimStats {
  std::uint64_t creates = 0;  // POST /verify requests that reached the API, any outcome
  std::uint64_t checks = 0;   // GET /verify/{id}, any outcome
  std::uint64_t deletes = 0;  // DELETE /verify/{id}, any outcome
  std::uint64_t active = 0;   // stored objects still "sent" and not past validUntil
};

// Upstream answers a test can ask for that are not transport faults: the API itself refusing.
struct Behaviour {
  bool refuse_recipient = false;     // creates answer 422 code 10 parameter recipient
  bool no_balance = false;           // creates answer 422 code 25
                                     // (docs/messagebird-verify.md, Errors)
  bool ignore_max_attempts = false;  // new objects get one attempt whatever maxAttempts says,
                                     // the API's historical behaviour
                                     // (docs/messagebird-verify.md, Attempts)
  std::string error_description;     // when set: the description of refuse_recipient's error
                                     // (tests check upstream text never reaches a page)
};

class SimState {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // `access_key`: the only key accepted in "Authorization: AccessKey <key>". With
  // `test_keys_send_nothing`, a key starting with "test_" behaves like MessageBird's test keys
  // (docs/messagebird-verify.md, Authentication): creates answer 201 but nothing is stored or sent.
  // Off by default, because the project's own tests run the simulator with a "test_..." key and
  // need real codes.
  explicit SimState(std::string access_key, Clock clock = &std::chrono::system_clock::now,
                    bool test_keys_send_nothing = false);

  // POST /verify. `authorization` is the raw Authorization header ("" when absent).
  ApiResult create(std::string_view authorization, const CreateInput& input);
  // GET /verify/{id}[?token=]. An absent token and an empty one answer the same.
  ApiResult check(std::string_view authorization, const std::string& id, const std::string& token);
  // DELETE /verify/{id}.
  ApiResult remove(std::string_view authorization, const std::string& id);

  // The code of the newest stored verify for `recipient` (digits), if that verify still exists.
  std::optional<std::string> last_code(const std::string& recipient) const;
  // What that verify's create asked to be spoken: spoken_body's JSON (sim_wire.hpp).
  std::optional<std::string> last_spoken(const std::string& recipient) const;
  SimStats stats() const;
  Behaviour behaviour() const;
  void set_behaviour(const Behaviour& behaviour);

  // Moves every stored object's validUntil into the past, so that the next code entry answers
  // "The token has expired." without a test waiting out a timeout.
  void expire_all();
  // Forgets every object and counter, and turns every Behaviour switch off.
  void reset();

 private:
  enum class Status { Sent, Verified, Failed };
  struct VerifyObject : VerifyFields {
    std::string token;
    int max_attempts = 1;
    int attempts = 0;
    Status status = Status::Sent;
    std::optional<std::string> language;  // as the create sent them
    std::optional<std::string> template_sent;
  };

  bool authorized(std::string_view authorization) const;
  std::string render(const VerifyObject& object, std::chrono::system_clock::time_point now) const;

  const std::string access_key_;
  const Clock clock_;
  const bool test_key_;  // access_key_ is a test key and test keys send nothing
  mutable std::mutex mutex_;
  std::map<std::string, VerifyObject> objects_;             // by id
  std::map<std::string, std::string> newest_by_recipient_;  // recipient -> id
  SimStats counters_;
  Behaviour behaviour_;
};

}  // namespace voiceverify::simulator
