// The simulator's wire format (sim_wire) as SimState answers with it: the verify object's keys,
// order and types, and the error body byte for byte (docs/messagebird-verify.md).
#include <json/json.h>

#include <boost/test/unit_test.hpp>

#include <regex>
#include <string>

#include "sim_helpers.hpp"

using namespace voiceverify::sim_testing;

BOOST_AUTO_TEST_SUITE(sim_wire_tests)

BOOST_FIXTURE_TEST_CASE(create_answers_201_in_the_contract_shape, StateFixture) {
  const sim::ApiResult result =
      state.create(kAuth, {{{"recipient", "31612345678"},
                            {"type", "tts"},
                            {"timeout", "600"},
                            {"template", "Your security code is %token."}},
                           false});
  BOOST_TEST(result.status == 201);
  // The example in docs/messagebird-verify.md, Create a verification, starts with "id"; keep its
  // order for a reader comparing by eye.
  BOOST_TEST(result.body.rfind(R"({"id":")", 0) == 0u);
  const Json::Value body = parse_json(result.body);
  const std::string id = body["id"].asString();
  BOOST_TEST(std::regex_match(id, std::regex("^[0-9a-fv]{32}$")));
  BOOST_TEST(body["href"].asString() == "https://rest.messagebird.com/verify/" + id);
  BOOST_TEST(body["recipient"].isIntegral());  // a JSON number, not a string
  BOOST_TEST(!body["recipient"].isString());
  BOOST_TEST(body["recipient"].asUInt64() == 31612345678u);
  BOOST_TEST(body["reference"].isNull());
  BOOST_TEST(std::regex_match(body["messages"]["href"].asString(),
                              std::regex("^https://rest\\.messagebird\\.com/voicemessages/"
                                         "[0-9a-fv]{32}$")));
  BOOST_TEST(body["status"].asString() == "sent");
  BOOST_TEST(body["createdDatetime"].asString() == "2026-01-02T03:04:05+00:00");
  BOOST_TEST(body["validUntilDatetime"].asString() == "2026-01-02T03:14:05+00:00");
  BOOST_TEST(body.getMemberNames().size() == 8u);

  BOOST_REQUIRE(result.call.has_value());
  const std::string code = code_for();
  BOOST_TEST(std::regex_match(code, std::regex("^[0-9]{6}$")));
  BOOST_TEST(result.call->token == code);
  std::string spoken;
  for (char c : code) spoken += spoken.empty() ? std::string(1, c) : std::string(" ") + c;
  BOOST_TEST(result.call->message == "Your security code is " + spoken + ".");
}

BOOST_FIXTURE_TEST_CASE(an_unknown_id_answers_404_code_20, StateFixture) {
  create();
  for (const char* id : {"4e213b01155d1e35a9d9571v00162985", "", "../verify"}) {
    const sim::ApiResult result = state.check(kAuth, id, "123456");
    BOOST_TEST(result.status == 404);
    BOOST_TEST(
        result.body ==
        R"({"errors":[{"code":20,"description":"Verify object could not be found","parameter":null}]})");
  }
}

BOOST_AUTO_TEST_SUITE_END()
