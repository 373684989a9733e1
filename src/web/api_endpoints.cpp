// The verification API (docs/api.md): servers start a verification, check the code the person
// heard, call again, cancel, and ask how it stands, in JSON, through the same flow as the pages
// (verify/flow.hpp): every limit, the fraud guard and the upstream runner. A client proves itself
// with HTTP Basic (RFC 7617) against the registry's PBKDF2 hash; a verification belongs to the
// client that started it (api_records.hpp), and any other client is told it does not exist.
// Refusals are RFC 9457 problems (api_problem.hpp). No cookie is read or set; nothing is cached.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "log/log.hpp"
#include "oidc/json.hpp"
#include "oidc/token.hpp"
#include "util/metrics.hpp"
#include "verify/flow.hpp"
#include "web/api_problem.hpp"
#include "web/api_site.hpp"
#include "web/pages.hpp"

namespace voiceverify::web {
namespace {

using verify::Outcome;
using verify::OutcomeKind;
using Answer = std::function<http::Response(Context&, const Outcome&)>;

// Caps on the fields, before anything reads them (the body itself is capped at 4 KiB).
constexpr std::size_t kMaxNumberBytes = 64;
constexpr std::size_t kMaxCodeBytes = 32;
constexpr std::size_t kMaxLocaleBytes = 35;   // BCP 47's longest usual tags
constexpr std::size_t kMaxAddressBytes = 45;  // INET6_ADDRSTRLEN - 1

constexpr std::string_view kBase = "/api/v1/verifications/";

bool is_json_content_type(std::string_view type) {
  constexpr std::string_view kJson = "application/json";
  if (type.size() < kJson.size()) return false;
  for (std::size_t i = 0; i < kJson.size(); ++i) {
    char c = type[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kJson[i]) return false;
  }
  return type.size() == kJson.size() || type[kJson.size()] == ';' || type[kJson.size()] == ' ';
}

std::string rfc3339(long epoch_seconds) {
  const std::time_t time = epoch_seconds;
  std::tm tm{};
  ::gmtime_r(&time, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

http::Response json_response(int status, const Json::Value& body) {
  http::Response response;
  response.status = status;
  response.content_type = "application/json";
  response.add_header("Cache-Control", "no-store");
  response.body = oidc::compact_json(body);
  return response;
}

http::Response refused(ApiProblem problem, std::string detail = {}) {
  ApiRefusal refusal;
  refusal.problem = problem;
  refusal.detail = std::move(detail);
  return problem_response(refusal);
}

// A request that passed the checks every endpoint makes: the API is on, the client is one of it,
// and (with a body) the body is a JSON object.
struct Admitted {
  std::optional<http::Response> refusal;
  const oidc::Client* client = nullptr;
  Json::Value body;
};

Admitted admit(const Context& ctx, bool with_body) {
  Admitted admitted;
  const ApiSite* site = ctx.deps.api;
  if (site == nullptr) {
    admitted.refusal = refused(ApiProblem::NotFound);
    return admitted;
  }
  const auto credentials = oidc::basic_credentials(ctx.request.authorization);
  const oidc::Client* client = credentials ? site->clients.find(credentials->id) : nullptr;
  // The secret's check is PBKDF2, compared in constant time (oidc/clients.hpp), once per few
  // minutes for a secret that verified (oidc/verified_secrets.hpp).
  oidc::VerifiedSecrets* secrets = site->verified_secrets;
  if (client == nullptr || !client->has(oidc::ClientFlag::Api) ||
      !(secrets != nullptr ? secrets->secret_matches(*client, credentials->secret)
                           : client->secret_matches(credentials->secret))) {
    log::warning("api_unauthenticated", {{"request_id", ctx.request.request_id},
                                         {"credentials", credentials ? "refused" : "none"}});
    admitted.refusal = refused(ApiProblem::Unauthenticated);
    return admitted;
  }
  admitted.client = client;
  if (!with_body) return admitted;
  if (!is_json_content_type(ctx.request.content_type)) {
    admitted.refusal = refused(ApiProblem::UnsupportedMediaType);
    return admitted;
  }
  auto body = oidc::parse_json_object(ctx.request.body);
  if (!body) {
    admitted.refusal = refused(ApiProblem::BadRequest, "The body is not a JSON object.");
    return admitted;
  }
  admitted.body = std::move(*body);
  return admitted;
}

// The string member `name` of `body`: nullopt when absent (or null); `bad` when it is another
// type or longer than `cap`.
std::optional<std::string> string_member(const Json::Value& body, const char* name, std::size_t cap,
                                         bool& bad) {
  const Json::Value& value = body[name];
  if (value.isNull()) return std::nullopt;
  if (!value.isString() || value.asString().size() > cap) {
    bad = true;
    return std::nullopt;
  }
  return value.asString();
}

bool is_ip_address(const std::string& text) {
  in6_addr address{};
  return ::inet_pton(AF_INET, text.c_str(), &address) == 1 ||
         ::inet_pton(AF_INET6, text.c_str(), &address) == 1;
}

bool is_locale(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Who asks, for the flow: the person's address when the client gave it, and the client itself,
// whose own hourly budget (CLIENT_LIMIT_HOUR) counts every call it starts.
verify::Caller api_caller(const Context& ctx, const oidc::Client& client, std::string address = {},
                          std::string locale = {}) {
  verify::Caller caller{ctx.request.request_id, std::move(address), std::move(locale), client.id};
  if (caller.client_address.empty()) caller.client_address = ctx.request.remote_addr;
  return caller;
}

// The flow's view of the client's verification: the record stands where the pages' session does.
verify::Current current_of(const ApiSite& site, const std::string& client_id,
                           const std::string& verify_id, const ApiRecord* record) {
  verify::Current current;
  current.browser_id = site.records.caller_id(client_id);
  if (record != nullptr) {
    current.verify_id = verify_id;
    current.verified = record->status != ApiStatus::Pending;
    current.called_at = record->called_at;
  }
  return current;
}

// A pending record whose code has run out is expired, whether or not anyone checked it.
ApiStatus status_now(const Context& ctx, const ApiRecord& record, long now) {
  const long expires = record.called_at + ctx.deps.flow.settings.code_timeout.count();
  return record.status == ApiStatus::Pending && now >= expires ? ApiStatus::Expired : record.status;
}

Json::Value verification_json(const Context& ctx, const std::string& id, const ApiRecord& record) {
  const long now = verify::epoch_seconds();
  const auto& flow = ctx.deps.flow;
  Json::Value json(Json::objectValue);
  json["id"] = id;
  json["status"] = std::string(api_status_name(status_now(ctx, record, now)));
  json["masked_number"] = record.masked_number;
  json["expires_at"] = rfc3339(record.called_at + flow.settings.code_timeout.count());
  json["resend_after"] =
      rfc3339(record.called_at + flow.limiter.settings().resend_interval().count());
  json["attempts_left"] = record.attempts_left;
  if (record.status == ApiStatus::Verified) json["verified_at"] = rfc3339(record.verified_at);
  return json;
}

http::Response store_down(const Context& ctx, const char* during) {
  util::metrics().store_error();
  log::error("store_unavailable", {{"request_id", ctx.request.request_id}, {"during", during}});
  return refused(ApiProblem::Unavailable);
}

// The client's record of `ctx.verify_id`, or the answer to give instead: 404 for none, or
// another client's (the same answer, so nobody learns what others verify).
struct Owned {
  std::optional<http::Response> refusal;
  ApiRecord record;
  const oidc::Client* client = nullptr;  // set by admit_owner
};
Owned owned_record(const Context& ctx, const oidc::Client& client) {
  const FoundRecord found = ctx.deps.api->records.find(ctx.verify_id);
  if (found.error != store::StoreError::None) return {store_down(ctx, "api_record"), {}};
  if (!found.record || found.record->client_id != client.id) {
    return {refused(ApiProblem::NotFound), {}};
  }
  return {std::nullopt, *found.record};
}

// The preamble of a call on one verification that reads no body field before the lookup: the
// client's admission, then the record it owns.
Owned admit_owner(const Context& ctx, bool with_body) {
  Admitted admitted = admit(ctx, with_body);
  if (admitted.refusal) return {std::move(admitted.refusal), {}};
  Owned owned = owned_record(ctx, *admitted.client);
  owned.client = admitted.client;
  return owned;
}

// Whether a resend or a cancel may still act on it: an expired code can still be called again.
bool still_open(ApiStatus status) {
  return status == ApiStatus::Pending || status == ApiStatus::Expired;
}

int max_attempts(const Context& ctx) {
  return static_cast<int>(ctx.deps.flow.limiter.settings().sizes[guard::LimitWindow::Attempts]);
}

// A call placed for `client_id`: its record, then 201 with the verification. A call joined (the
// same number again within RESEND_INTERVAL) answers the record it already has.
http::Response call_placed(Context& ctx, const std::string& client_id, const Outcome& outcome) {
  const ApiRecords& records = ctx.deps.api->records;
  const FoundRecord found = records.find(outcome.verify_id);
  if (found.error != store::StoreError::None) return store_down(ctx, "api_record");
  ApiRecord record;
  if (found.record && found.record->client_id == client_id) {
    record = *found.record;
  } else {
    record = ApiRecord{client_id,          outcome.called_at, outcome.masked_number,
                       ApiStatus::Pending, max_attempts(ctx), 0};
    if (records.keep(outcome.verify_id, record) != store::StoreError::None) {
      return store_down(ctx, "api_record");
    }
    util::metrics().verification(util::Verification::Started,
                                 forms::calling_code_region(outcome.masked_number));
  }
  http::Response response = json_response(201, verification_json(ctx, outcome.verify_id, record));
  response.add_header("Location", std::string(kBase) + outcome.verify_id);
  return response;
}

Reply continue_api(Context& ctx, verify::Step step, Answer answer) {
  if (step.finished()) return answer(ctx, step.outcome());
  verify::Runner::Ticket ticket = step.take_place();
  return Pending{std::move(step), std::move(ticket), {}, std::move(answer)};
}

// The answer to a check, once the flow has one; `record` as it was before.
http::Response checked(Context& ctx, const std::string& id, ApiRecord record,
                       const Outcome& outcome) {
  const ApiRecords& records = ctx.deps.api->records;
  switch (outcome.kind) {
    case OutcomeKind::Verified:
      record.status = ApiStatus::Verified;
      record.verified_at = verify::epoch_seconds();
      record.attempts_left = 0;
      util::metrics().verification(util::Verification::Verified,
                                   forms::calling_code_region(record.masked_number));
      break;
    case OutcomeKind::WrongCode:
      record.attempts_left = outcome.tries_left;
      break;
    case OutcomeKind::NoTriesLeft:
      record.status = ApiStatus::Failed;
      record.attempts_left = 0;
      break;
    default: {
      // A refusal; one that ends the verification ends the record too.
      if (outcome.kind == OutcomeKind::Expired) record.status = ApiStatus::Expired;
      if (outcome.forget_current && outcome.kind != OutcomeKind::Expired) {
        record.status = ApiStatus::Failed;
      }
      if (outcome.forget_current && records.keep(id, record) != store::StoreError::None) {
        return store_down(ctx, "api_record");
      }
      const auto refusal = refusal_of(outcome);
      return refusal ? problem_response(*refusal) : refused(ApiProblem::Unavailable);
    }
  }
  if (records.keep(id, record) != store::StoreError::None) return store_down(ctx, "api_record");
  Json::Value json = verification_json(ctx, id, record);
  // The verified number, in this answer only: the record never holds it (api_records.hpp).
  if (outcome.kind == OutcomeKind::Verified && !outcome.phone_number.empty()) {
    json["phone_number"] = outcome.phone_number;
  }
  return json_response(200, json);
}

// The answer to "call again": a new verification replaces the old one.
http::Response called_again(Context& ctx, const std::string& client_id, const std::string& id,
                            ApiRecord old, const Outcome& outcome) {
  if (outcome.forget_current || outcome.kind == OutcomeKind::CallPlaced) {
    old.status = ApiStatus::Cancelled;
    if (ctx.deps.api->records.keep(id, old) != store::StoreError::None) {
      return store_down(ctx, "api_record");
    }
  }
  if (outcome.kind == OutcomeKind::CallPlaced) return call_placed(ctx, client_id, outcome);
  const auto refusal = refusal_of(outcome);
  return refusal ? problem_response(*refusal) : refused(ApiProblem::Unavailable);
}

// The start once admitted: the body's fields, then the flow.
Reply start_admitted(Context& ctx, const oidc::Client& client, const Json::Value& body) {
  bool bad = false;
  const auto number = string_member(body, "phone_number", kMaxNumberBytes, bad);
  const auto locale = string_member(body, "locale", kMaxLocaleBytes, bad);
  const auto address = string_member(body, "end_user_ip", kMaxAddressBytes, bad);
  if (bad || !number) {
    return refused(ApiProblem::BadRequest, "phone_number is required; every field is a string.");
  }
  if (locale && !is_locale(*locale)) return refused(ApiProblem::BadRequest, "locale: a tag.");
  if (address && !is_ip_address(*address)) {
    return refused(ApiProblem::BadRequest, "end_user_ip: an IPv4 or IPv6 address.");
  }
  const std::string client_id = client.id;
  const verify::Caller caller =
      api_caller(ctx, client, address.value_or(std::string()), locale.value_or(std::string()));
  const verify::Current current = current_of(*ctx.deps.api, client_id, {}, nullptr);
  return continue_api(ctx, verify::start_call(ctx.deps.flow, caller, *number, current),
                      [client_id](Context& c, const Outcome& outcome) {
                        if (outcome.kind == OutcomeKind::CallPlaced) {
                          return call_placed(c, client_id, outcome);
                        }
                        const auto refusal = refusal_of(outcome);
                        return refusal ? problem_response(*refusal)
                                       : refused(ApiProblem::Unavailable);
                      });
}

// The check once admitted: the code, the client's record, then the flow.
Reply check_admitted(Context& ctx, const oidc::Client& client, const Json::Value& body) {
  bool bad = false;
  const auto code = string_member(body, "code", kMaxCodeBytes, bad);
  if (bad || !code) return refused(ApiProblem::BadRequest, "code is required, as a string.");
  Owned owned = owned_record(ctx, client);
  if (owned.refusal) return std::move(*owned.refusal);
  const ApiStatus now = status_now(ctx, owned.record, verify::epoch_seconds());
  if (now == ApiStatus::Expired) return refused(ApiProblem::Expired);
  if (now != ApiStatus::Pending) return refused(ApiProblem::Ended);
  const std::string id = ctx.verify_id;
  const verify::Current current = current_of(*ctx.deps.api, client.id, id, &owned.record);
  return continue_api(
      ctx, verify::check_code(ctx.deps.flow, api_caller(ctx, client), id, *code, current),
      [id, record = owned.record](Context& c, const Outcome& outcome) {
        return checked(c, id, record, outcome);
      });
}

// The resend once the client's record is found.
Reply resend_owned(Context& ctx, const Owned& owned) {
  if (!still_open(status_now(ctx, owned.record, verify::epoch_seconds()))) {
    return refused(ApiProblem::Ended);
  }
  const std::string id = ctx.verify_id;
  const std::string client_id = owned.client->id;
  const verify::Current current = current_of(*ctx.deps.api, client_id, id, &owned.record);
  return continue_api(
      ctx, verify::call_again(ctx.deps.flow, api_caller(ctx, *owned.client), id, current),
      [client_id, id, record = owned.record](Context& c, const Outcome& outcome) {
        return called_again(c, client_id, id, record, outcome);
      });
}

}  // namespace

// Each POST runs under its Idempotency-Key, once the client is known (api_idempotency.hpp):
// before the record's status is read, so that a retry of a check that verified is given its
// answer again, not told the verification has ended.
Reply api_start(Context& ctx) {
  Admitted admitted = admit(ctx, true);
  if (admitted.refusal) return std::move(*admitted.refusal);
  return run_idempotent(ctx, ctx.deps.api->idempotency, admitted.client->id, [&](Context& c) {
    return start_admitted(c, *admitted.client, admitted.body);
  });
}

Reply api_check(Context& ctx) {
  Admitted admitted = admit(ctx, true);
  if (admitted.refusal) return std::move(*admitted.refusal);
  return run_idempotent(ctx, ctx.deps.api->idempotency, admitted.client->id, [&](Context& c) {
    return check_admitted(c, *admitted.client, admitted.body);
  });
}

Reply api_show(Context& ctx) {
  Owned owned = admit_owner(ctx, false);
  if (owned.refusal) return std::move(*owned.refusal);
  return json_response(200, verification_json(ctx, ctx.verify_id, owned.record));
}

// The body may be empty (nothing to say); one that is sent must be JSON.
Reply api_resend(Context& ctx) {
  Owned owned = admit_owner(ctx, !ctx.request.body.empty());
  if (owned.refusal) return std::move(*owned.refusal);
  return run_idempotent(ctx, ctx.deps.api->idempotency, owned.client->id,
                        [&](Context& c) { return resend_owned(c, owned); });
}

// DELETE: the client gives the verification up; it is finished here and cancelled upstream
// (verify::other_number: a cancel that cannot be sent is logged, and the code dies by
// CODE_TIMEOUT, the limiter already refusing it).
Reply api_cancel(Context& ctx) {
  Owned owned = admit_owner(ctx, false);
  if (owned.refusal) return std::move(*owned.refusal);
  if (!still_open(status_now(ctx, owned.record, verify::epoch_seconds()))) {
    return refused(ApiProblem::Ended);
  }
  const std::string id = ctx.verify_id;
  const verify::Current current = current_of(*ctx.deps.api, owned.client->id, id, &owned.record);
  return continue_api(
      ctx, verify::other_number(ctx.deps.flow, api_caller(ctx, *owned.client), id, current),
      [id, record = owned.record](Context& c, const Outcome& outcome) mutable {
        if (outcome.kind != OutcomeKind::Cancelled) {
          const auto refusal = refusal_of(outcome);
          return refusal ? problem_response(*refusal) : refused(ApiProblem::Unavailable);
        }
        record.status = ApiStatus::Cancelled;
        if (c.deps.api->records.keep(id, record) != store::StoreError::None) {
          return store_down(c, "api_record");
        }
        return json_response(200, verification_json(c, id, record));
      });
}

Reply show_openapi(Context& ctx) {
  if (ctx.deps.api == nullptr) return refused(ApiProblem::NotFound);
  http::Response response;
  response.content_type = "application/json";
  response.add_header("Cache-Control", "no-store");
  response.body = ctx.deps.api->openapi_json;
  return response;
}

}  // namespace voiceverify::web
