// web/api_problem.cpp: every outcome of the flow a client can meet has one stable problem type
// and the status that fits; 429 and 503 say when to try again; 401 names the scheme.
#include "web/api_problem.hpp"

#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace web = voiceverify::web;
namespace verify = voiceverify::verify;
namespace guard = voiceverify::guard;
using verify::OutcomeKind;

namespace {

std::string header(const voiceverify::http::Response& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

verify::Outcome outcome(OutcomeKind kind) {
  verify::Outcome out;
  out.kind = kind;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_problem_tests)

BOOST_AUTO_TEST_CASE(each_refusal_has_its_type_and_status) {
  struct Case {
    OutcomeKind kind;
    const char* type;
    int status;
  };
  for (const Case& c :
       {Case{OutcomeKind::NumberRefused, "invalid-phone-number", 422},
        Case{OutcomeKind::NumberBlocked, "number-blocked", 429},
        Case{OutcomeKind::StoreDown, "service-unavailable", 503},
        Case{OutcomeKind::CallFailed, "upstream-unavailable", 503},
        Case{OutcomeKind::AccountProblem, "service-unavailable", 503},
        Case{OutcomeKind::RecipientRefused, "number-not-callable", 422},
        Case{OutcomeKind::NotOwner, "not-found", 404},
        Case{OutcomeKind::CodeRefused, "invalid-code", 422},
        Case{OutcomeKind::Expired, "verification-expired", 410},
        Case{OutcomeKind::AlreadyUsed, "verification-ended", 410},
        Case{OutcomeKind::UnknownVerification, "verification-ended", 410},
        Case{OutcomeKind::CheckFailed, "upstream-unavailable", 503},
        Case{OutcomeKind::TooSoon, "too-soon", 409}, Case{OutcomeKind::Busy, "busy", 503},
        Case{OutcomeKind::UpstreamDown, "upstream-unavailable", 503}}) {
    const auto refusal = web::refusal_of(outcome(c.kind));
    BOOST_TEST_REQUIRE(refusal.has_value(), verify::outcome_name(c.kind));
    BOOST_TEST(web::problem_type(*refusal) == std::string("urn:voiceverify:problem:") + c.type);
    const auto response = web::problem_response(*refusal);
    BOOST_TEST(response.status == c.status, verify::outcome_name(c.kind));
    BOOST_TEST(response.content_type == "application/problem+json");
    BOOST_TEST(header(response, "Cache-Control") == "no-store");
    BOOST_TEST(response.body.find("\"type\":\"urn:voiceverify:problem:") != std::string::npos);
  }
  for (OutcomeKind kind :
       {OutcomeKind::CallPlaced, OutcomeKind::WrongCode, OutcomeKind::NoTriesLeft,
        OutcomeKind::Verified, OutcomeKind::Cancelled}) {
    BOOST_TEST(!web::refusal_of(outcome(kind)).has_value(), verify::outcome_name(kind));
  }
}

BOOST_AUTO_TEST_CASE(the_phone_refusals_say_why) {
  verify::Outcome refused = outcome(OutcomeKind::NumberRefused);
  refused.phone_error = voiceverify::forms::PhoneError::CountryNotAllowed;
  BOOST_TEST(web::problem_type(*web::refusal_of(refused)) ==
             "urn:voiceverify:problem:country-not-allowed");
  refused.phone_error = voiceverify::forms::PhoneError::TypeNotAllowed;
  BOOST_TEST(web::problem_type(*web::refusal_of(refused)) ==
             "urn:voiceverify:problem:number-type-not-allowed");
}

// One type per window, from the window table: a new window is a new type.
BOOST_AUTO_TEST_CASE(each_limit_window_is_a_type_of_its_own_with_retry_after) {
  std::set<std::string> types;
  for (const auto& row : guard::kLimitWindows) {
    verify::Outcome limited = outcome(OutcomeKind::Limited);
    limited.window = row.window;
    limited.retry_after = std::chrono::seconds{42};
    const auto refusal = web::refusal_of(limited);
    BOOST_TEST_REQUIRE(refusal.has_value());
    types.insert(web::problem_type(*refusal));
    const auto response = web::problem_response(*refusal);
    BOOST_TEST(response.status == 429);
    BOOST_TEST(header(response, "Retry-After") == "42");
  }
  BOOST_TEST(types.size() == guard::kLimitWindows.size());
  BOOST_TEST(types.count("urn:voiceverify:problem:limit-number-10min") == 1u);
}

BOOST_AUTO_TEST_CASE(unavailable_says_when_and_unauthenticated_names_basic) {
  const auto busy = web::problem_response(web::ApiProblem::Busy);
  BOOST_TEST(!header(busy, "Retry-After").empty());
  const auto unauthenticated = web::problem_response(web::ApiProblem::Unauthenticated);
  BOOST_TEST(unauthenticated.status == 401);
  BOOST_TEST(header(unauthenticated, "WWW-Authenticate") == "Basic realm=\"voiceverify\"");
  BOOST_TEST(header(unauthenticated, "Retry-After").empty());
  std::set<std::string> names;
  for (const auto& row : web::kApiProblems) names.insert(std::string(row.name));
  BOOST_TEST(names.size() == web::kApiProblems.size());
}

BOOST_AUTO_TEST_CASE(the_pipelines_own_refusals_are_problems_of_their_status) {
  for (const auto& [status, name] :
       std::vector<std::pair<int, std::string>>{{400, "bad-request"},
                                                {404, "not-found"},
                                                {405, "method-not-allowed"},
                                                {413, "payload-too-large"},
                                                {431, "headers-too-large"},
                                                {500, "internal-error"},
                                                {418, "internal-error"}}) {
    const auto response = web::pipeline_problem(status);
    BOOST_TEST(response.status == (status == 418 ? 500 : status));
    BOOST_TEST(response.content_type == "application/problem+json");
    BOOST_TEST(response.body.find("urn:voiceverify:problem:" + name + "\"") != std::string::npos,
               response.body);
  }
}

BOOST_AUTO_TEST_CASE(api_paths_are_api_v1_and_below) {
  for (const char* path : {"/api/v1", "/api/v1/", "/api/v1/verifications", "/api/v1/x/y"}) {
    BOOST_TEST(web::is_api_path(path), path);
  }
  for (const char* path : {"/", "/api", "/api/", "/api/v10", "/api/v1x", "/API/v1", "/x/api/v1"}) {
    BOOST_TEST(!web::is_api_path(path), path);
  }
}

BOOST_AUTO_TEST_SUITE_END()
