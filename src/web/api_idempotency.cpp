// See api_idempotency.hpp. The stored value is "1|run|<fingerprint>" while the first request
// runs, then "1|done|<fingerprint>|<base64url of the sealed answer>". The claim is the store's
// SET NX (put_if_absent): of two pools racing for a new key exactly one runs the request.
#include "web/api_idempotency.hpp"

#include <charconv>
#include <stdexcept>
#include <utility>

#include "log/log.hpp"
#include "oidc/crypto.hpp"
#include "util/hmac.hpp"
#include "util/metrics.hpp"
#include "util/seal.hpp"
#include "web/api_problem.hpp"

namespace voiceverify::web {
namespace {

constexpr std::string_view kRunning = "1|run|";
constexpr std::string_view kDone = "1|done|";
constexpr std::string_view kTagPrefix = "api-idem:";
constexpr std::size_t kFingerprintChars = 64;  // HMAC-SHA256 in hex

// Takes the text up to the next '\n' off the front of `text`; nullopt when there is none.
std::optional<std::string_view> take_line(std::string_view& text) {
  const std::size_t end = text.find('\n');
  if (end == std::string_view::npos) return std::nullopt;
  const std::string_view line = text.substr(0, end);
  text.remove_prefix(end + 1);
  return line;
}

std::optional<int> int_in(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

void store_failed(const char* during) {
  util::metrics().store_error();
  log::error("store_unavailable", {{"during", during}});
}

}  // namespace

bool idempotency_key_valid(std::string_view key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyBytes) return false;
  for (const char c : key) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

bool answer_is_final(const http::Response& response) {
  if (response.status >= 500) return false;
  for (const auto& [name, value] : response.headers) {
    if (name == "Retry-After") return false;
  }
  return true;
}

// "<status>\n<content type>\n<header count>\n" then "<name>\t<value>\n" per header, then the
// body as it is. Our header names and values never hold a tab or a line break.
std::string encode_answer(const http::Response& response) {
  std::string text = std::to_string(response.status) + '\n' + response.content_type + '\n' +
                     std::to_string(response.headers.size()) + '\n';
  for (const auto& [name, value] : response.headers) {
    if (name.find_first_of("\t\n") != std::string::npos ||
        value.find_first_of("\t\n") != std::string::npos) {
      throw std::invalid_argument("idempotency: a header holds a separator");
    }
    text += name;
    text += '\t';
    text += value;
    text += '\n';
  }
  return text + response.body;
}

std::optional<http::Response> decode_answer(std::string_view text) {
  http::Response response;
  const auto status = take_line(text);
  const auto type = take_line(text);
  const auto count = take_line(text);
  if (!status || !type || !count) return std::nullopt;
  const auto status_value = int_in(*status);
  const auto count_value = int_in(*count);
  if (!status_value || *status_value < 100 || *status_value > 599 || !count_value ||
      *count_value > 32) {
    return std::nullopt;
  }
  response.status = *status_value;
  response.content_type = *type;
  for (int i = 0; i < *count_value; ++i) {
    const auto line = take_line(text);
    const std::size_t tab = line ? line->find('\t') : std::string_view::npos;
    if (tab == std::string_view::npos) return std::nullopt;
    response.add_header(std::string(line->substr(0, tab)), std::string(line->substr(tab + 1)));
  }
  response.body = text;
  return response;
}

ApiIdempotency::ApiIdempotency(store::Store& store, std::string_view key_secret,
                               std::chrono::seconds lifetime, std::chrono::seconds in_flight)
    : store_(store), lifetime_(lifetime), in_flight_(in_flight) {
  if (key_secret.empty()) throw std::invalid_argument("ApiIdempotency: empty key secret");
  hash_key_ = util::hmac_sha256_hex(key_secret, "voiceverify api idempotency v1");
  seal_key_ = oidc::hmac_sha256(key_secret, "voiceverify api idempotency seal v1");
}

IdempotencyBegun ApiIdempotency::begin(std::string_view client_id, std::string_view key,
                                       std::string_view method, std::string_view path,
                                       std::string_view body) const {
  IdempotencyBegun begun;
  begun.claim.tag =
      std::string(kTagPrefix) +
      util::hmac_sha256_hex(hash_key_, "key\n" + std::string(client_id) + '\n' + std::string(key));
  begun.claim.fingerprint =
      util::hmac_sha256_hex(hash_key_, "request\n" + std::string(method) + '\n' +
                                           std::string(path) + '\n' + std::string(body));
  const std::string& tag = begun.claim.tag;
  const std::string& fingerprint = begun.claim.fingerprint;
  // Twice at most: a record that expires between the claim and the read is claimed again.
  for (int round = 0; round < 2; ++round) {
    const store::Created created =
        store_.put_if_absent(tag, std::string(kRunning) + fingerprint, in_flight_);
    if (created.error != store::StoreError::None) {
      store_failed("api_idempotency");
      return begun;
    }
    if (created.created) {
      begun.verdict = IdempotencyVerdict::Run;
      return begun;
    }
    const store::Fetched fetched = store_.get(tag);
    if (fetched.error != store::StoreError::None) {
      store_failed("api_idempotency");
      return begun;
    }
    if (!fetched.value) continue;
    const std::string_view value = *fetched.value;
    const bool running = value.starts_with(kRunning);
    const std::size_t skip = running ? kRunning.size() : kDone.size();
    if ((!running && !value.starts_with(kDone)) || value.size() < skip + kFingerprintChars) {
      // Not ours (another version, our bug): never run the request over it.
      log::error("api_idempotency_unreadable", {});
      return begun;
    }
    if (value.substr(skip, kFingerprintChars) != fingerprint) {
      begun.verdict = IdempotencyVerdict::Reused;
      return begun;
    }
    if (running) {
      begun.verdict = IdempotencyVerdict::InFlight;
      return begun;
    }
    const std::string_view sealed = value.substr(skip + kFingerprintChars);
    const auto bytes = sealed.starts_with('|') ? oidc::base64url_decode(sealed.substr(1))
                                               : std::optional<std::string>();
    const auto plain = bytes ? util::unseal(seal_key_, tag, *bytes) : std::nullopt;
    begun.answer = plain ? decode_answer(*plain) : std::nullopt;
    if (!begun.answer) {
      log::error("api_idempotency_unreadable", {});
      return begun;
    }
    begun.verdict = IdempotencyVerdict::Replay;
    return begun;
  }
  begun.verdict = IdempotencyVerdict::InFlight;
  return begun;
}

void ApiIdempotency::finish(const IdempotencyClaim& claim, const http::Response& response) const {
  if (!answer_is_final(response)) {
    if (store_.remove(claim.tag) != store::StoreError::None) store_failed("api_idempotency");
    return;
  }
  const std::string sealed =
      oidc::base64url(util::seal(seal_key_, claim.tag, encode_answer(response)));
  const std::string value = std::string(kDone) + claim.fingerprint + '|' + sealed;
  if (store_.put(claim.tag, value, lifetime_) != store::StoreError::None) {
    store_failed("api_idempotency");
  }
}

Reply run_idempotent(Context& ctx, const ApiIdempotency& idempotency, std::string_view client_id,
                     const std::function<Reply(Context&)>& work) {
  const http::Request& request = ctx.request;
  if (request.idempotency_key.empty()) return work(ctx);
  if (!idempotency_key_valid(request.idempotency_key)) {
    ApiRefusal refusal;
    refusal.problem = ApiProblem::BadRequest;
    refusal.detail = "Idempotency-Key: 1 to 255 printable ASCII characters.";
    return problem_response(refusal);
  }
  IdempotencyBegun begun = idempotency.begin(client_id, request.idempotency_key, request.method,
                                             request.path, request.body);
  switch (begun.verdict) {
    case IdempotencyVerdict::Replay:
      log::info("api_idempotent_replay", {{"request_id", request.request_id}});
      begun.answer->add_header("Idempotent-Replayed", "true");
      return std::move(*begun.answer);
    case IdempotencyVerdict::InFlight:
      return problem_response(ApiProblem::IdempotencyInFlight);
    case IdempotencyVerdict::Reused:
      log::warning("api_idempotency_key_reused", {{"request_id", request.request_id}});
      return problem_response(ApiProblem::IdempotencyReused);
    case IdempotencyVerdict::StoreDown:
      return problem_response(ApiProblem::Unavailable);
    case IdempotencyVerdict::Run:
      break;
  }
  const IdempotencyClaim& claim = begun.claim;
  const http::Response failed{500, {}, {}, {}};
  Reply reply;
  try {
    reply = work(ctx);
  } catch (...) {
    idempotency.finish(claim, failed);  // frees the key: the retry runs
    throw;
  }
  if (auto* response = std::get_if<http::Response>(&reply)) {
    idempotency.finish(claim, *response);
    return reply;
  }
  Pending& pending = std::get<Pending>(reply);
  pending.answer = [inner = std::move(pending.answer), claim, failed, keeper = &idempotency](
                       Context& c, const verify::Outcome& outcome) {
    http::Response response;
    try {
      response = inner(c, outcome);
    } catch (...) {
      keeper->finish(claim, failed);
      throw;
    }
    keeper->finish(claim, response);
    return response;
  };
  return reply;
}

}  // namespace voiceverify::web
