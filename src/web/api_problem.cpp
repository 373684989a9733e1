// See api_problem.hpp. RFC 9457: the members type, title, status and detail; Retry-After as
// RFC 9110 section 10.2.3 (delay in seconds) for 429 (RFC 6585) and 503.
#include "web/api_problem.hpp"

#include "oidc/json.hpp"
#include "util/name_table.hpp"

namespace voiceverify::web {
namespace {

using verify::OutcomeKind;

const ApiProblemRow& row_of(ApiProblem problem) {
  const ApiProblemRow* row = util::find_row(kApiProblems, &ApiProblemRow::problem, problem);
  return row != nullptr ? *row : kApiProblems.back();
}

ApiRefusal refusal(ApiProblem problem, std::chrono::seconds retry_after = {}) {
  ApiRefusal refused;
  refused.problem = problem;
  refused.retry_after = retry_after;
  return refused;
}

ApiProblem phone_problem(forms::PhoneError error) {
  switch (error) {
    case forms::PhoneError::CountryNotAllowed:
      return ApiProblem::CountryNotAllowed;
    case forms::PhoneError::TypeNotAllowed:
      return ApiProblem::NumberTypeNotAllowed;
    default:
      return ApiProblem::InvalidPhoneNumber;
  }
}

constexpr bool rows_follow_the_enum() {
  for (std::size_t i = 0; i < kApiProblems.size(); ++i) {
    if (static_cast<std::size_t>(kApiProblems[i].problem) != i) return false;
  }
  return kApiProblems.back().problem == ApiProblem::Unavailable;
}
static_assert(rows_follow_the_enum(), "one row per ApiProblem, in the enum's order");

}  // namespace

std::string problem_type(const ApiRefusal& refusal) {
  std::string type = "urn:voiceverify:problem:";
  type += row_of(refusal.problem).name;
  if (refusal.problem == ApiProblem::Limited) {
    type += '-';
    type += guard::limit_window_name(refusal.window);
  }
  return type;
}

std::optional<ApiRefusal> refusal_of(const verify::Outcome& outcome) {
  switch (outcome.kind) {
    case OutcomeKind::CallPlaced:
    case OutcomeKind::WrongCode:
    case OutcomeKind::NoTriesLeft:
    case OutcomeKind::Verified:
    case OutcomeKind::Cancelled:
      return std::nullopt;
    case OutcomeKind::NumberRefused:
      return refusal(phone_problem(outcome.phone_error));
    case OutcomeKind::Limited: {
      ApiRefusal limited = refusal(ApiProblem::Limited, outcome.retry_after);
      limited.window = outcome.window;
      return limited;
    }
    case OutcomeKind::NumberBlocked:
      return refusal(ApiProblem::NumberBlocked, outcome.retry_after);
    case OutcomeKind::RecipientRefused:
      return refusal(ApiProblem::NumberNotCallable);
    case OutcomeKind::NotOwner:
      return refusal(ApiProblem::NotFound);
    case OutcomeKind::CodeRefused:
      return refusal(ApiProblem::InvalidCode);
    case OutcomeKind::Expired:
      return refusal(ApiProblem::Expired);
    case OutcomeKind::AlreadyUsed:
    case OutcomeKind::UnknownVerification:
      return refusal(ApiProblem::Ended);
    case OutcomeKind::TooSoon:
      return refusal(ApiProblem::TooSoon, outcome.retry_after);
    case OutcomeKind::Busy:
      return refusal(ApiProblem::Busy);
    case OutcomeKind::CallFailed:
    case OutcomeKind::CheckFailed:
    case OutcomeKind::UpstreamDown:
      return refusal(ApiProblem::UpstreamUnavailable);
    case OutcomeKind::StoreDown:
    case OutcomeKind::AccountProblem:
      break;
  }
  return refusal(ApiProblem::Unavailable);
}

http::Response problem_response(const ApiRefusal& refusal) {
  const ApiProblemRow& row = row_of(refusal.problem);
  Json::Value body(Json::objectValue);
  body["type"] = problem_type(refusal);
  body["title"] = std::string(row.title);
  body["status"] = row.status;
  if (!refusal.detail.empty()) body["detail"] = refusal.detail;
  http::Response response;
  response.status = row.status;
  response.content_type = "application/problem+json";
  response.add_header("Cache-Control", "no-store");
  if (row.status == 409 || row.status == 429 || row.status == 503) {
    const auto after =
        refusal.retry_after > std::chrono::seconds{0} ? refusal.retry_after : row.retry_after;
    if (after > std::chrono::seconds{0}) {
      response.add_header("Retry-After", std::to_string(after.count()));
    }
  }
  if (row.status == 401) response.add_header("WWW-Authenticate", "Basic realm=\"voiceverify\"");
  response.body = oidc::compact_json(body);
  return response;
}

http::Response problem_response(ApiProblem problem) {
  return problem_response(refusal(problem));
}

http::Response pipeline_problem(int status) {
  switch (status) {
    case 400:
      return problem_response(ApiProblem::BadRequest);
    case 404: {
      ApiRefusal unknown = refusal(ApiProblem::NotFound);
      unknown.detail = "No such path.";
      return problem_response(unknown);
    }
    case 405:
      return problem_response(ApiProblem::MethodNotAllowed);
    case 413:
      return problem_response(ApiProblem::PayloadTooLarge);
    case 431:
      return problem_response(ApiProblem::HeadersTooLarge);
    default:
      return problem_response(ApiProblem::InternalError);
  }
}

bool is_api_path(std::string_view path) {
  constexpr std::string_view kApi = "/api/v1";
  return path.starts_with(kApi) && (path.size() == kApi.size() || path[kApi.size()] == '/');
}

}  // namespace voiceverify::web
