// The simulator's state machine (SimState) row by row against docs/messagebird-verify.md, with a
// fake clock: keys, ids and codes, attempts, expiry, test keys, behaviour switches, counters.
#include <json/json.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "sim_helpers.hpp"

using namespace voiceverify::sim_testing;

BOOST_AUTO_TEST_SUITE(sim_state_tests)

// ---- POST /verify ----

BOOST_FIXTURE_TEST_CASE(ids_and_codes_are_fresh_and_sized_by_token_length, StateFixture) {
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(create("3161234567" + std::to_string(i % 10)));
  std::sort(ids.begin(), ids.end());
  BOOST_TEST((std::unique(ids.begin(), ids.end()) == ids.end()));
  const bool any_v = std::any_of(ids.begin(), ids.end(),
                                 [](const std::string& id) { return id.find('v') != id.npos; });
  BOOST_TEST(any_v);  // about one id in four: missing in 40 has odds of 1e-5

  create("31612345678", {{"tokenLength", "10"}});
  BOOST_TEST(std::regex_match(code_for(), std::regex("^[0-9]{10}$")));
}

BOOST_FIXTURE_TEST_CASE(a_wrong_or_missing_key_answers_401, StateFixture) {
  const sim::Params params{{"recipient", "31612345678"}};
  for (const char* auth : {"", "AccessKey wrong", "AccessKey live_simkey2", "AccessKey ",
                           "Bearer live_simkey", "accesskey live_simkey", "live_simkey"}) {
    const sim::ApiResult result = state.create(auth, {params, false});
    BOOST_TEST(result.status == 401, auth);
    BOOST_TEST(result.body == k401Body, auth);
    BOOST_TEST(!result.call.has_value());
  }
  const std::string id = create();
  BOOST_TEST(state.check("AccessKey wrong", id, code_for()).status == 401);
  BOOST_TEST(state.remove("", id).status == 401);
  BOOST_TEST(status_of(id) == "sent");  // neither touched the object
}

BOOST_FIXTURE_TEST_CASE(an_unparsable_json_body_answers_400_code_21, StateFixture) {
  const sim::ApiResult result = state.create(kAuth, {{}, true});
  single_error(result, 400, 21);
}

BOOST_FIXTURE_TEST_CASE(a_test_key_answers_201_but_stores_and_sends_nothing, StateFixture) {
  sim::SimState test_state("test_simkey", time.clock(), true);
  const sim::ApiResult result =
      test_state.create("AccessKey test_simkey", {{{"recipient", "31612345678"}}, false});
  BOOST_TEST(result.status == 201);
  BOOST_TEST(!result.call.has_value());
  const std::string id = parse_json(result.body)["id"].asString();
  BOOST_TEST(test_state.check("AccessKey test_simkey", id, "").status == 404);
  BOOST_TEST(test_state.remove("AccessKey test_simkey", id).status == 404);
}

// ---- GET /verify/{id}?token= ----

BOOST_FIXTURE_TEST_CASE(the_right_code_verifies_once, StateFixture) {
  const std::string id = create();
  const sim::ApiResult right = state.check(kAuth, id, code_for());
  BOOST_TEST(right.status == 200);
  const Json::Value body = parse_json(right.body);
  BOOST_TEST(body["status"].asString() == "verified");
  BOOST_TEST(body["id"].asString() == id);
  BOOST_TEST(body["recipient"].asUInt64() == 31612345678u);

  const Json::Value again = single_error(state.check(kAuth, id, code_for()), 422, 10);
  BOOST_TEST(again["description"].asString() == "The token has already been processed.");
  BOOST_TEST(status_of(id) == "verified");
}

BOOST_FIXTURE_TEST_CASE(one_wrong_code_ends_a_verify_with_one_attempt, StateFixture) {
  const std::string id = create();
  const std::string code = code_for();
  const Json::Value wrong = single_error(state.check(kAuth, id, wrong_code(code)), 422, 10);
  BOOST_TEST(wrong["description"].asString() == "The token is invalid.");
  BOOST_TEST(wrong["parameter"].asString() == "token");
  BOOST_TEST(status_of(id) == "failed");
  const Json::Value right = single_error(state.check(kAuth, id, code), 422, 10);
  BOOST_TEST(right["description"].asString() == "The token has already been processed.");
}

BOOST_FIXTURE_TEST_CASE(max_attempts_3_allows_two_wrong_codes_then_the_right_one, StateFixture) {
  const std::string id = create("31612345678", {{"maxAttempts", "3"}});
  const std::string code = code_for();
  for (int i = 0; i < 2; ++i) {
    const Json::Value wrong = single_error(state.check(kAuth, id, wrong_code(code)), 422, 10);
    BOOST_TEST(wrong["description"].asString() == "The token is invalid.");
    BOOST_TEST(status_of(id) == "sent");
  }
  const sim::ApiResult right = state.check(kAuth, id, code);
  BOOST_TEST(right.status == 200);
  BOOST_TEST(parse_json(right.body)["status"].asString() == "verified");
}

BOOST_FIXTURE_TEST_CASE(max_attempts_3_fails_on_the_third_wrong_code, StateFixture) {
  const std::string id = create("31612345678", {{"maxAttempts", "3"}});
  const std::string code = code_for();
  for (int i = 0; i < 3; ++i) {
    const Json::Value wrong = single_error(state.check(kAuth, id, wrong_code(code)), 422, 10);
    BOOST_TEST(wrong["description"].asString() == "The token is invalid.");
  }
  BOOST_TEST(status_of(id) == "failed");
  const Json::Value right = single_error(state.check(kAuth, id, code), 422, 10);
  BOOST_TEST(right["description"].asString() == "The token has already been processed.");
}

BOOST_FIXTURE_TEST_CASE(a_code_after_valid_until_has_expired, StateFixture) {
  const std::string id = create("31612345678", {{"timeout", "60"}});
  const std::string code = code_for();
  time.advance(60s);  // exactly validUntilDatetime: still valid
  BOOST_TEST(status_of(id) == "sent");
  time.advance(1s);
  const Json::Value expired = single_error(state.check(kAuth, id, code), 422, 10);
  BOOST_TEST(expired["description"].asString() == "The token has expired.");
  BOOST_TEST(status_of(id) == "expired");
  BOOST_TEST(state.stats().active == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_test_key_works_like_any_key_by_default, StateFixture) {
  sim::SimState test_state("test_simkey", time.clock());
  const sim::ApiResult result =
      test_state.create("AccessKey test_simkey", {{{"recipient", "31612345678"}}, false});
  BOOST_TEST(result.status == 201);
  BOOST_TEST(result.call.has_value());
  BOOST_TEST(test_state.last_code("31612345678").has_value());
}

BOOST_FIXTURE_TEST_CASE(expire_all_makes_codes_expire_now, StateFixture) {
  const std::string id = create("31612345678", {{"timeout", "600"}});
  state.expire_all();
  const Json::Value expired = single_error(state.check(kAuth, id, code_for()), 422, 10);
  BOOST_TEST(expired["description"].asString() == "The token has expired.");
  BOOST_TEST(status_of(id) == "expired");
}

BOOST_FIXTURE_TEST_CASE(behaviour_switches_refuse_creates_and_ignore_max_attempts, StateFixture) {
  const sim::Params params{{"recipient", "31612345678"}, {"maxAttempts", "3"}};
  sim::Behaviour no_balance;
  no_balance.no_balance = true;
  state.set_behaviour(no_balance);
  const Json::Value balance = single_error(state.create(kAuth, {params, false}), 422, 25);
  BOOST_TEST(balance["parameter"].isNull());
  sim::Behaviour refuse;
  refuse.refuse_recipient = true;
  state.set_behaviour(refuse);
  const Json::Value refused = single_error(state.create(kAuth, {params, false}), 422, 10);
  BOOST_TEST(refused["parameter"].asString() == "recipient");
  BOOST_TEST(!state.last_code("31612345678").has_value());

  // The historical API: one attempt whatever maxAttempts asked for.
  sim::Behaviour historical;
  historical.ignore_max_attempts = true;
  state.set_behaviour(historical);
  const std::string id = create("31612345678", {{"maxAttempts", "3"}});
  single_error(state.check(kAuth, id, wrong_code(code_for())), 422, 10);
  const Json::Value right = single_error(state.check(kAuth, id, code_for()), 422, 10);
  BOOST_TEST(right["description"].asString() == "The token has already been processed.");

  state.reset();
  BOOST_TEST(!state.behaviour().ignore_max_attempts);
}

BOOST_FIXTURE_TEST_CASE(a_code_at_valid_until_still_verifies, StateFixture) {
  const std::string id = create("31612345678", {{"timeout", "60"}});
  time.advance(60s);
  BOOST_TEST(state.check(kAuth, id, code_for()).status == 200);
}

BOOST_FIXTURE_TEST_CASE(a_code_of_the_wrong_length_is_refused_without_using_the_attempt,
                        StateFixture) {
  const std::string id = create();
  for (const char* token : {"12345", "12345678901", "1"}) {
    const Json::Value error = single_error(state.check(kAuth, id, token), 422, 10);
    BOOST_TEST(error["description"].asString() == "Token should between 6 and 10 characters");
  }
  BOOST_TEST(state.check(kAuth, id, code_for()).status == 200);
}

BOOST_FIXTURE_TEST_CASE(an_empty_token_answers_the_object_as_it_stands, StateFixture) {
  const std::string id = create();
  for (int i = 0; i < 3; ++i) {
    const sim::ApiResult result = state.check(kAuth, id, "");
    BOOST_TEST(result.status == 200);
    const Json::Value body = parse_json(result.body);
    BOOST_TEST(body["status"].asString() == "sent");
    BOOST_TEST(body["id"].asString() == id);
  }
  BOOST_TEST(state.check(kAuth, id, code_for()).status == 200);  // no attempt was used
}

// ---- DELETE /verify/{id}, counters ----

BOOST_FIXTURE_TEST_CASE(delete_answers_204_then_the_object_is_gone, StateFixture) {
  const std::string id = create();
  const sim::ApiResult deleted = state.remove(kAuth, id);
  BOOST_TEST(deleted.status == 204);
  BOOST_TEST(deleted.body.empty());
  single_error(state.check(kAuth, id, ""), 404, 20);
  single_error(state.remove(kAuth, id), 404, 20);
  BOOST_TEST(!state.last_code("31612345678").has_value());
}

BOOST_FIXTURE_TEST_CASE(last_code_follows_the_newest_verify_per_recipient, StateFixture) {
  BOOST_TEST(!state.last_code("31612345678").has_value());
  create();
  const std::string first = code_for();
  create("31687654321");
  BOOST_TEST(code_for() == first);
  const std::string newer_id = create();
  BOOST_TEST(state.check(kAuth, newer_id, code_for()).status == 200);
}

BOOST_FIXTURE_TEST_CASE(stats_count_requests_and_active_objects_and_reset_clears, StateFixture) {
  const std::string a = create();
  create("31687654321");
  state.create("AccessKey nope", {{{"recipient", "31612345678"}}, false});
  state.check(kAuth, a, code_for());
  state.check(kAuth, "unknown", "");
  state.remove(kAuth, "unknown");
  sim::SimStats stats = state.stats();
  BOOST_TEST(stats.creates == 3u);
  BOOST_TEST(stats.checks == 2u);
  BOOST_TEST(stats.deletes == 1u);
  BOOST_TEST(stats.active == 1u);  // a is verified, the other still sent

  state.reset();
  stats = state.stats();
  BOOST_TEST(stats.creates + stats.checks + stats.deletes + stats.active == 0u);
  BOOST_TEST(!state.last_code("31612345678").has_value());
  single_error(state.check(kAuth, a, ""), 404, 20);
}

BOOST_AUTO_TEST_SUITE_END()
