// The verification API's refusals (docs/api.md, "Errors"): RFC 9457 problem details, one stable
// `type` per cause. Every fact of a cause is one row of kApiProblems: its name (the end of the
// type URI), HTTP status, title and whether the answer says when to try again (Retry-After). A
// limit window's refusal is one type per window ("limit-" and the window's name,
// guard/limit_windows.hpp), so a new window is a new type without a row here.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "guard/limit_windows.hpp"
#include "http/request.hpp"
#include "verify/outcome.hpp"

namespace voiceverify::web {

enum class ApiProblem {
  BadRequest,            // the body is no JSON object, or a field is missing or of another type
  Unauthenticated,       // no Basic credentials of a client allowed to use the API
  NotFound,              // no such verification for this client (another's is not found either)
  UnsupportedMediaType,  // the body is not application/json
  InvalidPhoneNumber,    // not a number, or one we cannot call (NumberRefused: missing, invalid)
  CountryNotAllowed,     // outside ALLOWED_COUNTRIES
  NumberTypeNotAllowed,  // a type we do not call (premium rate, satellite, ...)
  NumberNotCallable,     // MessageBird refused the recipient
  InvalidCode,           // the code is missing or not TOKEN_LENGTH digits: never sent upstream
  TooSoon,               // resend before RESEND_INTERVAL has passed
  Ended,                 // the verification is over: verified, failed, cancelled, unknown upstream
  Expired,               // the code is older than CODE_TIMEOUT
  IdempotencyInFlight,   // the first request with this Idempotency-Key still runs
  IdempotencyReused,     // the Idempotency-Key answered another request (api_idempotency.hpp)
  Limited,               // a limit window (the type names the window)
  NumberBlocked,         // the fraud guard quarantines the number's range or country
  Busy,                  // UPSTREAM_MAX_INFLIGHT requests already wait for MessageBird
  UpstreamUnavailable,   // MessageBird did not answer, or is known to be down
  MethodNotAllowed,      // the pipeline's own: a known path, another method (Allow lists them)
  PayloadTooLarge,       // the pipeline's own (and nginx's): a body over the cap
  HeadersTooLarge,       // the pipeline's own: the headers are over their caps
  InternalError,         // the pipeline's own: our bug
  Unavailable,           // our store, or our MessageBird account: the operator must act
};

struct ApiProblemRow {
  ApiProblem problem;
  std::string_view name;  // the end of the type URI; never renamed (clients match on it)
  int status;
  std::string_view title;
  std::chrono::seconds retry_after;  // Retry-After when the outcome gives none; 0: no header
};

inline constexpr auto kApiProblems = [] {
  using std::chrono::seconds;
  return std::to_array<ApiProblemRow>({
      {ApiProblem::BadRequest, "bad-request", 400, "The request body cannot be read", seconds{0}},
      {ApiProblem::Unauthenticated, "unauthenticated", 401, "Client authentication failed",
       seconds{0}},
      {ApiProblem::NotFound, "not-found", 404, "No such verification", seconds{0}},
      {ApiProblem::UnsupportedMediaType, "unsupported-media-type", 415,
       "The body must be application/json", seconds{0}},
      {ApiProblem::InvalidPhoneNumber, "invalid-phone-number", 422, "The phone number is not valid",
       seconds{0}},
      {ApiProblem::CountryNotAllowed, "country-not-allowed", 422,
       "Numbers of this country are not called", seconds{0}},
      {ApiProblem::NumberTypeNotAllowed, "number-type-not-allowed", 422,
       "Numbers of this type are not called", seconds{0}},
      {ApiProblem::NumberNotCallable, "number-not-callable", 422, "This number cannot be called",
       seconds{0}},
      {ApiProblem::InvalidCode, "invalid-code", 422, "The code is not of the right form",
       seconds{0}},
      {ApiProblem::TooSoon, "too-soon", 409, "Too soon to call again", seconds{0}},
      {ApiProblem::Ended, "verification-ended", 410, "The verification has ended", seconds{0}},
      {ApiProblem::Expired, "verification-expired", 410, "The code has expired", seconds{0}},
      {ApiProblem::IdempotencyInFlight, "idempotency-key-in-flight", 409,
       "A request with this Idempotency-Key is still running", seconds{1}},
      {ApiProblem::IdempotencyReused, "idempotency-key-reused", 422,
       "This Idempotency-Key was used for another request", seconds{0}},
      {ApiProblem::Limited, "limit", 429, "A limit has been reached", seconds{60}},
      {ApiProblem::NumberBlocked, "number-blocked", 429, "Calls to this number are paused",
       seconds{3600}},
      {ApiProblem::Busy, "busy", 503, "Too many verifications at once", seconds{2}},
      {ApiProblem::UpstreamUnavailable, "upstream-unavailable", 503,
       "The call service is unavailable", seconds{30}},
      {ApiProblem::MethodNotAllowed, "method-not-allowed", 405,
       "The method is not allowed on this path", seconds{0}},
      {ApiProblem::PayloadTooLarge, "payload-too-large", 413, "The body is larger than 4 KiB",
       seconds{0}},
      {ApiProblem::HeadersTooLarge, "headers-too-large", 431, "The request headers are too large",
       seconds{0}},
      {ApiProblem::InternalError, "internal-error", 500, "Something went wrong on our side",
       seconds{0}},
      {ApiProblem::Unavailable, "service-unavailable", 503, "The service is unavailable",
       seconds{60}},
  });
}();

// A refusal to answer: the cause, the window of a Limited one, and when to try again (0: the
// row's own). `detail` is ours, never input (RFC 9457 section 3.1.4), and never names a number.
struct ApiRefusal {
  ApiProblem problem = ApiProblem::Unavailable;
  guard::LimitWindow window = guard::LimitWindow::Resend;  // Limited
  std::chrono::seconds retry_after{0};
  std::string detail;
};

// "urn:voiceverify:problem:<name>", with "limit-<window>" for Limited.
std::string problem_type(const ApiRefusal& refusal);

// The refusal an outcome of the flow answers, or nothing for the outcomes that are not refusals
// (CallPlaced, WrongCode, NoTriesLeft, Verified, Cancelled: each endpoint answers them).
std::optional<ApiRefusal> refusal_of(const verify::Outcome& outcome);

// The application/problem+json answer, with Retry-After for a 409, 429 or 503 and Cache-Control:
// no-store; 401 adds WWW-Authenticate: Basic realm="voiceverify".
http::Response problem_response(const ApiRefusal& refusal);
http::Response problem_response(ApiProblem problem);

// The problem for a refusal the pipeline makes itself on an API path (pipeline.cpp): 400, 404,
// 405, 413, 431, and 500 for any other status.
http::Response pipeline_problem(int status);

// Whether `path` is the API's (docs/api.md): "/api/v1" and everything under it, whether a route
// serves it or not.
bool is_api_path(std::string_view path);

}  // namespace voiceverify::web
