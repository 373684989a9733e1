// The refusals the pipeline and nginx make themselves on the verification API's paths (docs/api.md,
// "Errors"), through real nginx and the pool: an unknown path under /api/v1, a method a path does
// not take, a path over its cap, a body over nginx's cap, nginx's post limit and a pool that does
// not answer are each application/problem+json with a stable type, never the pages' HTML; the
// pages keep their HTML. Each answer is checked against
// docs/openapi.json: by its operation where the document has one, else against its Problem schema.
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "api_client.hpp"
#include "web/api_problem.hpp"

using namespace voiceverify::testing;
using namespace voiceverify::api_testing;

BOOST_AUTO_TEST_SUITE(api_refusals_integration_tests)

BOOST_AUTO_TEST_CASE(unknown_paths_and_methods_are_problems) {
  ApiTestSite api;
  const std::string problems = api.answers_path + ".problems";
  ApiClient a(*api.site, "client-a-0001", kSecretA, problems);
  for (const std::string& path :
       std::vector<std::string>{"/nope", "", "/verifications/", "/verifications/short",
                                "/verifications/" + std::string(300, 'a')}) {
    const Answer answer = a.call("GET", path, path);
    BOOST_TEST(answer.status == 404, path << ": " << answer.body);
    BOOST_TEST(answer.type() == kProblem + "not-found", path);
    BOOST_TEST(answer.header("Content-Type") == "application/problem+json", path);
  }
  const Answer unknown_post = a.call("POST", "/nope", "/nope", "{}");
  BOOST_TEST(unknown_post.status == 404);
  const Answer put = a.call("PUT", "/verifications", "/verifications", "{}");
  BOOST_TEST(put.status == 405, put.body);
  BOOST_TEST(put.type() == kProblem + "method-not-allowed");
  BOOST_TEST(put.header("Allow") == "POST");
  const std::string out = checker("problems " + openapi_document() + " " + problems);
  BOOST_TEST(contains(out, "ok\n"), out);
  std::remove(problems.c_str());
  // The pages keep their own error page.
  httplib::Client http(api.site->host(), api.site->port());
  const auto page = http.Get("/nope");
  BOOST_REQUIRE(page);
  BOOST_TEST(page->status == 404);
  BOOST_TEST(contains(page->get_header_value("Content-Type"), "text/html"));
}

BOOST_AUTO_TEST_CASE(a_body_over_nginx_cap_is_the_pools_own_problem) {
  ApiTestSite api;
  ApiClient a = api.client_a();
  const std::string big = "{\"phone_number\":\"" + std::string(5000, '1') + "\"}";
  const Answer answer = a.call("POST", "/verifications", "/verifications", big);
  BOOST_TEST(answer.status == 413, answer.body);
  BOOST_TEST(answer.type() == kProblem + "payload-too-large");
  BOOST_TEST(answer.header("Content-Type") == "application/problem+json");
  // Word for word what the pool would say (nginx/snippets/voiceverify-locations.conf).
  BOOST_TEST(
      answer.body ==
      voiceverify::web::problem_response(voiceverify::web::ApiProblem::PayloadTooLarge).body);
  BOOST_TEST(!answer.header("X-Content-Type-Options").empty());
  // The pages' 413 is still their HTML page.
  httplib::Client http(api.site->host(), api.site->port());
  const auto page =
      http.Post("/", "number=" + std::string(5000, '1'), "application/x-www-form-urlencoded");
  BOOST_REQUIRE(page);
  BOOST_TEST(page->status == 413);
  BOOST_TEST(contains(page->get_header_value("Content-Type"), "text/html"));
}

BOOST_AUTO_TEST_CASE(nginx_s_rate_limit_and_a_missing_pool_are_problems) {
  ApiTestSite api({}, "1r/m");
  ApiClient a = api.client_a();
  Answer limited;
  for (int i = 0; i < 30 && limited.status != 429; ++i) {
    limited = a.call("POST", "/verifications", "/verifications", "{}");
  }
  BOOST_TEST_REQUIRE(limited.status == 429, limited.body);
  BOOST_TEST(limited.type() == kProblem + "limit-nginx-post");
  BOOST_TEST(limited.header("Content-Type") == "application/problem+json");
  BOOST_TEST(limited.header("Retry-After") == "1");
  api.site->stop_pool();
  const Answer down =
      a.call("GET", "/verifications/" + std::string(32, 'a'), "/verifications/{id}");
  BOOST_TEST(down.status == 503, down.body);
  BOOST_TEST(down.body ==
             voiceverify::web::problem_response(voiceverify::web::ApiProblem::Unavailable).body);
  BOOST_TEST(!down.header("Retry-After").empty());
}

BOOST_AUTO_TEST_SUITE_END()
