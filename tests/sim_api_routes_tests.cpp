// The simulator's API routes (sim_api_routes) through a real loopback SimServer and
// httplib::Client: JSON, form and query parameters, and errors as JSON.
#include <httplib.h>
#include <json/json.h>

#include <boost/test/unit_test.hpp>

#include <mutex>
#include <regex>
#include <string>

#include "sim_helpers.hpp"

using namespace voiceverify::sim_testing;

BOOST_AUTO_TEST_SUITE(sim_api_routes_tests)

BOOST_FIXTURE_TEST_CASE(server_runs_the_guide_flow_over_json, ServerFixture) {
  auto created = create_json(kGuideBody);
  BOOST_REQUIRE(created);
  BOOST_TEST(created->status == 201);
  BOOST_TEST(created->get_header_value("Content-Type") == "application/json");
  const std::string id = parse_json(created->body)["id"].asString();
  const std::string code = last_code("31612345678");
  BOOST_TEST(std::regex_match(code, std::regex("^[0-9]{6}$")));
  {
    std::lock_guard lock(lines_mutex);
    BOOST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0].rfind("[messagebird-sim] calling +31*******78: \"Your security code is ",
                              0) == 0u);
    BOOST_TEST(lines[0].find("\" code " + code) != std::string::npos);
  }
  auto cli = client();
  const httplib::Headers auth{{"Authorization", kAuth}};
  auto checked = cli->Get("/verify/" + id + "?token=" + code, auth);
  BOOST_REQUIRE(checked);
  BOOST_TEST(checked->status == 200);
  BOOST_TEST(parse_json(checked->body)["status"].asString() == "verified");
  auto deleted = cli->Delete("/verify/" + id, auth);
  BOOST_REQUIRE(deleted);
  BOOST_TEST(deleted->status == 204);
  BOOST_TEST(deleted->body.empty());
}

BOOST_FIXTURE_TEST_CASE(server_takes_form_and_query_parameters, ServerFixture) {
  auto form = client()->Post("/verify", {{"Authorization", kAuth}},
                             httplib::Params{{"recipient", "31612345678"}, {"type", "tts"}});
  BOOST_REQUIRE(form);
  BOOST_TEST(form->status == 201);
  BOOST_TEST(parse_json(form->body)["recipient"].asUInt64() == 31612345678u);
  auto query = client()->Post("/verify?recipient=31687654321&tokenLength=8",
                              {{"Authorization", kAuth}}, "", "text/plain");
  BOOST_REQUIRE(query);
  BOOST_TEST(query->status == 201);
  BOOST_TEST(last_code("31687654321").size() == 8u);
  BOOST_TEST(last_code("%2B31687654321").size() == 8u);  // "+316..." works for a person's typing
}

BOOST_FIXTURE_TEST_CASE(server_answers_contract_errors_as_json, ServerFixture) {
  auto bad_key = create_json(kGuideBody, "AccessKey nope");
  BOOST_REQUIRE(bad_key);
  BOOST_TEST(bad_key->status == 401);
  BOOST_TEST(bad_key->body == k401Body);

  auto no_key = client()->Get("/verify/4e213b01155d1e35a9d9571v00162985");
  BOOST_REQUIRE(no_key);
  BOOST_TEST(no_key->status == 401);

  auto bad_json = create_json(R"({"recipient":)");
  BOOST_REQUIRE(bad_json);
  BOOST_TEST(bad_json->status == 400);
  BOOST_TEST(parse_json(bad_json->body)["errors"][0]["code"].asInt() == 21);

  for (const char* path : {"/", "/verify/", "/messages", "/verify/a/b"}) {
    auto unknown = client()->Get(path, {{"Authorization", kAuth}});
    BOOST_REQUIRE(unknown);
    BOOST_TEST(unknown->status == 404, path);
    BOOST_TEST(parse_json(unknown->body)["errors"][0]["code"].asInt() == 98, path);
  }
  auto put = client()->Put("/verify/x", {{"Authorization", kAuth}}, "", "text/plain");
  BOOST_REQUIRE(put);
  BOOST_TEST(put->status == 404);
}

BOOST_AUTO_TEST_SUITE_END()
