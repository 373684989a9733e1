// The simulator's create-parameter checks (sim_params) through SimState::create: the defaults the
// API fills in, each invalid parameter's 422 error, several errors in one body.
#include <json/json.h>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>

#include "sim_helpers.hpp"

namespace bdata = boost::unit_test::data;
using namespace voiceverify::sim_testing;

BOOST_AUTO_TEST_SUITE(sim_params_tests)

BOOST_FIXTURE_TEST_CASE(create_uses_the_contract_defaults, StateFixture) {
  const sim::ApiResult result = state.create(kAuth, {{{"recipient", "31612345678"}}, false});
  BOOST_TEST(result.status == 201);
  const Json::Value body = parse_json(result.body);
  // type sms, timeout 30 s, template "Your code is: %token", tokenLength 6.
  BOOST_TEST(body["messages"]["href"].asString().find("/messages/") != std::string::npos);
  BOOST_TEST(body["validUntilDatetime"].asString() == "2026-01-02T03:04:35+00:00");
  BOOST_REQUIRE(result.call.has_value());
  BOOST_TEST(result.call->type == "sms");
  BOOST_TEST(result.call->message == "Your code is: " + code_for());
}

struct BadParam {
  const char* name;
  const char* value;  // nullptr: leave the parameter out
  int code;
  const char* parameter;
};
std::ostream& operator<<(std::ostream& out, const BadParam& row) {
  return out << row.name << "=" << (row.value ? row.value : "(absent)");
}

const BadParam kBadParams[] = {
    {"recipient", nullptr, 9, "recipient"},
    {"recipient", "", 9, "recipient"},
    {"recipient", "+31612345678", 10, "recipient"},
    {"recipient", "31 612345678", 10, "recipient"},
    {"recipient", "316123", 10, "recipient"},            // 6 digits
    {"recipient", "3161234567812345", 10, "recipient"},  // 16 digits
    {"recipient", "31abc345678", 10, "recipient"},
    {"type", "voice", 10, "type"},
    {"tokenLength", "5", 10, "tokenLength"},
    {"tokenLength", "11", 10, "tokenLength"},
    {"tokenLength", "six", 10, "tokenLength"},
    {"timeout", "0", 10, "timeout"},
    {"timeout", "-5", 10, "timeout"},
    {"template", "Your code is coming", 10, "template"},
    {"maxAttempts", "0", 10, "maxAttempts"},
    {"voice", "robot", 10, "voice"},
    {"language", "xx-yy", 10, "language"},
    {"reference", "a b", 10, "reference"},
};

BOOST_DATA_TEST_CASE(invalid_parameters_answer_422, bdata::make(kBadParams), row) {
  FakeClock time;
  sim::SimState state(kKey, time.clock());
  sim::Params params{{"recipient", "31612345678"}, {"type", "tts"}};
  if (row.value) {
    params[row.name] = row.value;
  } else {
    params.erase(row.name);
  }
  const sim::ApiResult result = state.create(kAuth, {params, false});
  const Json::Value error = single_error(result, 422, row.code);
  BOOST_TEST(error["parameter"].asString() == row.parameter);
  BOOST_TEST(!result.call.has_value());
  BOOST_TEST(!state.last_code("31612345678").has_value());
}

BOOST_FIXTURE_TEST_CASE(several_invalid_parameters_are_reported_together, StateFixture) {
  const sim::ApiResult result =
      state.create(kAuth, {{{"recipient", "12"}, {"tokenLength", "4"}}, false});
  BOOST_TEST(result.status == 422);
  BOOST_TEST(parse_json(result.body)["errors"].size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
