// The simulator's /_sim/ control routes (sim_control_routes) through a real loopback SimServer.
#include <httplib.h>
#include <json/json.h>

#include <boost/test/unit_test.hpp>

#include <string>

#include "sim_helpers.hpp"

using namespace voiceverify::sim_testing;

BOOST_AUTO_TEST_SUITE(sim_control_routes_tests)

BOOST_FIXTURE_TEST_CASE(control_endpoints_report_set_and_reset, ServerFixture) {
  auto none = client()->Get("/_sim/last-code?recipient=31600000000");
  BOOST_REQUIRE(none);
  BOOST_TEST(none->status == 404);

  BOOST_REQUIRE(create_json(kGuideBody)->status == 201);
  client()->Get("/verify/unknown", {{"Authorization", kAuth}});
  Json::Value counts = stats();
  BOOST_TEST(counts["creates"].asInt() == 1);
  BOOST_TEST(counts["checks"].asInt() == 1);
  BOOST_TEST(counts["deletes"].asInt() == 0);
  BOOST_TEST(counts["active"].asInt() == 1);

  // JSON works too; a bad field is refused and changes nothing.
  auto json =
      client()->Post("/_sim/faults", R"({"latency_ms":5,"garbage":true})", "application/json");
  BOOST_REQUIRE(json);
  BOOST_TEST(json->status == 204);
  auto refused =
      client()->Post("/_sim/faults", httplib::Params{{"no_balance", "1"}, {"fail_percent", "200"}});
  BOOST_REQUIRE(refused);
  BOOST_TEST(refused->status == 400);
  BOOST_TEST(server->faults().latency_ms == 5);
  BOOST_TEST(server->faults().garbage);
  BOOST_TEST(server->faults().fail_percent == 0);
  BOOST_TEST(!server->faults().behaviour.no_balance);
  set_faults({{"no_balance", "1"}, {"garbage", "0"}});
  auto no_balance = create_json(kGuideBody);
  BOOST_REQUIRE(no_balance);
  BOOST_TEST(no_balance->status == 422);
  BOOST_TEST(parse_json(no_balance->body)["errors"][0]["code"].asInt() == 25);
  BOOST_TEST(client()->Get("/_sim/faults")->body.find(R"("no_balance":1)") != std::string::npos);

  auto expire = client()->Post("/_sim/expire");
  BOOST_REQUIRE(expire);
  BOOST_TEST(expire->status == 204);
  BOOST_TEST(stats()["active"].asInt() == 0);

  auto reset = client()->Post("/_sim/reset");
  BOOST_REQUIRE(reset);
  BOOST_TEST(reset->status == 204);
  counts = stats();
  BOOST_TEST(counts["creates"].asInt() + counts["checks"].asInt() + counts["active"].asInt() == 0);
  BOOST_TEST(!server->faults().garbage);
  BOOST_TEST(server->faults().latency_ms == 0);
  BOOST_TEST(client()->Get("/_sim/last-code?recipient=31612345678")->status == 404);
}

BOOST_FIXTURE_TEST_CASE(last_create_shows_the_language_and_template_as_sent, ServerFixture) {
  BOOST_TEST(client()->Get("/_sim/last-create?recipient=31612345678")->status == 404);
  BOOST_REQUIRE(create_json(R"({"recipient":"31612345678","type":"tts","language":"de-de",)"
                            R"("template":"Ihr Code \"%token\"."})")
                    ->status == 201);
  auto sent = client()->Get("/_sim/last-create?recipient=%2B31612345678");
  BOOST_REQUIRE(sent);
  BOOST_TEST(sent->status == 200);
  Json::Value spoken = parse_json(sent->body);
  BOOST_TEST(spoken["language"].asString() == "de-de");
  BOOST_TEST(spoken["template"].asString() == "Ihr Code \"%token\".");

  // Neither sent: both null, though the API fills in defaults.
  BOOST_REQUIRE(create_json(R"({"recipient":"31612345678","type":"tts"})")->status == 201);
  spoken = parse_json(client()->Get("/_sim/last-create?recipient=31612345678")->body);
  BOOST_TEST(spoken["language"].isNull());
  BOOST_TEST(spoken["template"].isNull());
  BOOST_TEST(spoken.isMember("template"));
}

BOOST_AUTO_TEST_SUITE_END()
