// The MessageBird Verify simulator: SimState row by row against shared/messagebird-verify-api.md
// with a fake clock, then the HTTP side (faults, control endpoints) through a real loopback
// SimServer and httplib::Client, then the messagebird-sim binary itself.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>
#include <json/json.h>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "simulator/sim_server.hpp"
#include "simulator/sim_state.hpp"

namespace sim = voiceverify::simulator;
namespace bdata = boost::unit_test::data;
using namespace std::chrono_literals;
using std::chrono::system_clock;

extern char** environ;

namespace {

constexpr const char* kKey = "live_simkey";
constexpr const char* kAuth = "AccessKey live_simkey";
// Contract, Errors: the 401 body word for word.
constexpr const char* k401Body =
    R"json({"errors":[{"code":2,"description":"Request not allowed (incorrect access_key)","parameter":"access_key"}]})json";

Json::Value parse_json(const std::string& text) {
  Json::CharReaderBuilder builder;
  const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value root;
  std::string errors;
  const bool ok = reader->parse(text.data(), text.data() + text.size(), &root, &errors);
  BOOST_REQUIRE_MESSAGE(ok, "not JSON: " << text);
  return root;
}

bool is_json(const std::string& text) {
  Json::CharReaderBuilder builder;
  const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value root;
  std::string errors;
  return reader->parse(text.data(), text.data() + text.size(), &root, &errors);
}

// Asserts the contract's error shape with exactly one error, and returns it.
Json::Value single_error(const sim::ApiResult& result, int http_status, int code) {
  BOOST_TEST(result.status == http_status);
  const Json::Value body = parse_json(result.body);
  BOOST_REQUIRE(body["errors"].isArray());
  BOOST_REQUIRE(body["errors"].size() == 1u);
  BOOST_TEST(body["errors"][0]["code"].asInt() == code);
  return body["errors"][0];
}

// 2026-01-02T03:04:05Z, plus whatever a test advances.
struct FakeClock {
  std::shared_ptr<system_clock::time_point> now =
      std::make_shared<system_clock::time_point>(system_clock::from_time_t(1'767'323'045));
  sim::SimState::Clock clock() const {
    return [now = now] { return *now; };
  }
  void advance(system_clock::duration by) const { *now += by; }
};

struct StateFixture {
  FakeClock time;
  sim::SimState state{kKey, time.clock()};

  // Creates a tts verify for `recipient` and returns its id.
  std::string create(const std::string& recipient = "31612345678", sim::Params extra = {}) {
    extra["recipient"] = recipient;
    extra.emplace("type", "tts");
    const sim::ApiResult result = state.create(kAuth, {extra, false});
    BOOST_REQUIRE_MESSAGE(result.status == 201, result.body);
    return parse_json(result.body)["id"].asString();
  }
  std::string code_for(const std::string& recipient = "31612345678") {
    const auto code = state.last_code(recipient);
    BOOST_REQUIRE(code.has_value());
    return *code;
  }
  // Any code of the right length that is not the real one.
  std::string wrong_code(const std::string& right) {
    std::string wrong = right;
    wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
    return wrong;
  }
  std::string status_of(const std::string& id) {
    const sim::ApiResult result = state.check(kAuth, id, "");
    BOOST_REQUIRE(result.status == 200);
    return parse_json(result.body)["status"].asString();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(simulator_tests)

// ---- SimState: POST /verify ----

BOOST_FIXTURE_TEST_CASE(create_answers_201_in_the_contract_shape, StateFixture) {
  const sim::ApiResult result =
      state.create(kAuth, {{{"recipient", "31612345678"},
                            {"type", "tts"},
                            {"timeout", "600"},
                            {"template", "Your security code is %token."}},
                           false});
  BOOST_TEST(result.status == 201);
  // The contract's example starts with "id"; keep its order for a reader comparing by eye.
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

// ---- SimState: GET /verify/{id}?token= ----

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

// ---- SimState: DELETE /verify/{id}, counters, helpers ----

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

BOOST_AUTO_TEST_CASE(the_call_line_masks_the_number_and_shows_the_code) {
  BOOST_TEST(sim::mask_recipient("31612345678") == "+31*******78");
  BOOST_TEST(sim::mask_recipient("123") == "+123");
  const sim::PlacedCall call{"tts", "31612345678", "Your code is 1 2 3 4 5 6.\nBye", "123456"};
  BOOST_TEST(
      sim::announcement(call) ==
      R"([messagebird-sim] calling +31*******78: "Your code is 1 2 3 4 5 6. Bye" code 123456)");
}

BOOST_AUTO_TEST_CASE(fault_fields_parse_within_their_ranges) {
  sim::Faults faults;
  BOOST_TEST(sim::set_fault(faults, "latency_ms", "250"));
  BOOST_TEST(sim::set_fault(faults, "fail_percent", "100"));
  BOOST_TEST(sim::set_fault(faults, "hang", "1"));
  BOOST_TEST(sim::set_fault(faults, "garbage", "true"));
  BOOST_TEST(faults.latency_ms == 250);
  BOOST_TEST(faults.fail_percent == 100);
  BOOST_TEST(faults.hang);
  BOOST_TEST(faults.garbage);
  BOOST_TEST(!sim::set_fault(faults, "fail_percent", "101"));
  BOOST_TEST(!sim::set_fault(faults, "latency_ms", "-1"));
  BOOST_TEST(!sim::set_fault(faults, "latency_ms", "10ms"));
  BOOST_TEST(!sim::set_fault(faults, "hang", "yes"));
  BOOST_TEST(!sim::set_fault(faults, "speed", "1"));
  BOOST_TEST(sim::set_fault(faults, "no_balance", "1"));
  BOOST_TEST(sim::set_fault(faults, "refuse_recipient", "true"));
  BOOST_TEST(sim::set_fault(faults, "ignore_max_attempts", "1"));
  BOOST_TEST(faults.behaviour.no_balance);
  BOOST_TEST(faults.behaviour.refuse_recipient);
  BOOST_TEST(faults.behaviour.ignore_max_attempts);
  BOOST_TEST(faults.fail_percent == 100);  // unchanged by the refusals
}

// ---- SimServer through httplib::Client ----

namespace {

struct ServerFixture {
  std::mutex lines_mutex;
  std::vector<std::string> lines;
  std::unique_ptr<sim::SimServer> server;
  int port = 0;

  ServerFixture() {
    sim::ServerConfig config;
    config.access_key = kKey;
    config.threads = 8;
    config.announce = [this](const std::string& line) {
      std::lock_guard lock(lines_mutex);
      lines.push_back(line);
    };
    server = std::make_unique<sim::SimServer>(config);
    port = server->start();
  }

  std::unique_ptr<httplib::Client> client(std::chrono::milliseconds read_timeout = 3000ms) {
    auto cli = std::make_unique<httplib::Client>("127.0.0.1", port);
    cli->set_read_timeout(read_timeout);
    cli->set_connection_timeout(2, 0);
    return cli;
  }
  httplib::Result create_json(const std::string& body, const char* auth = kAuth) {
    return client()->Post("/verify", {{"Authorization", auth}}, body, "application/json");
  }
  std::string last_code(const std::string& recipient) {
    auto res = client()->Get("/_sim/last-code?recipient=" + recipient);
    BOOST_REQUIRE(res);
    BOOST_REQUIRE_MESSAGE(res->status == 200, res->body);
    return res->body;
  }
  void set_faults(const httplib::Params& fields) {
    auto res = client()->Post("/_sim/faults", fields);
    BOOST_REQUIRE(res);
    BOOST_REQUIRE_MESSAGE(res->status == 204, res->body);
  }
  Json::Value stats() {
    auto res = client()->Get("/_sim/stats");
    BOOST_REQUIRE(res && res->status == 200);
    return parse_json(res->body);
  }
};

constexpr const char* kGuideBody =
    R"({"recipient":31612345678,"type":"tts","template":"Your security code is %token."})";

}  // namespace

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

BOOST_FIXTURE_TEST_CASE(latency_delays_api_answers_but_not_control_ones, ServerFixture) {
  set_faults({{"latency_ms", "150"}});
  auto started = std::chrono::steady_clock::now();
  auto res = create_json(kGuideBody);
  const auto api_took = std::chrono::steady_clock::now() - started;
  BOOST_REQUIRE(res);
  BOOST_TEST(res->status == 201);
  BOOST_TEST((api_took >= 150ms));

  started = std::chrono::steady_clock::now();
  stats();
  BOOST_TEST((std::chrono::steady_clock::now() - started < 150ms));
}

BOOST_FIXTURE_TEST_CASE(fail_percent_100_answers_5xx_that_is_not_json, ServerFixture) {
  set_faults({{"fail_percent", "100"}});
  for (int i = 0; i < 8; ++i) {
    auto res = create_json(kGuideBody);
    BOOST_REQUIRE(res);
    BOOST_TEST(res->status >= 500);
    BOOST_TEST(res->status <= 599);
    BOOST_TEST((res->body.empty() || res->body == "<html>502 Bad Gateway</html>"));
    BOOST_TEST(!is_json(res->body));
  }
  BOOST_TEST(stats()["creates"].asInt() == 0);  // the API never saw them
  set_faults({{"fail_percent", "0"}});
  BOOST_TEST(create_json(kGuideBody)->status == 201);
}

BOOST_FIXTURE_TEST_CASE(garbage_answers_2xx_with_a_body_that_is_not_json, ServerFixture) {
  set_faults({{"garbage", "1"}});
  auto created = create_json(kGuideBody);
  BOOST_REQUIRE(created);
  BOOST_TEST(created->status == 201);
  BOOST_TEST(!created->body.empty());
  BOOST_TEST(!is_json(created->body));
  auto checked = client()->Get("/verify/unknown?token=123456", {{"Authorization", kAuth}});
  BOOST_REQUIRE(checked);
  BOOST_TEST(checked->status == 200);
  BOOST_TEST(!is_json(checked->body));
}

BOOST_FIXTURE_TEST_CASE(hang_holds_answers_until_switched_off, ServerFixture) {
  set_faults({{"hang", "1"}});
  auto timed_out =
      client(300ms)->Post("/verify", {{"Authorization", kAuth}}, kGuideBody, "application/json");
  BOOST_TEST(!timed_out);                       // no answer within the client's read timeout
  BOOST_TEST(stats()["creates"].asInt() == 0);  // control endpoints still answer

  auto pending = std::async(std::launch::async, [this] { return create_json(kGuideBody); });
  BOOST_TEST((pending.wait_for(200ms) == std::future_status::timeout));
  set_faults({{"hang", "0"}});
  BOOST_REQUIRE((pending.wait_for(3s) == std::future_status::ready));
  auto released = pending.get();
  BOOST_REQUIRE(released);
  BOOST_TEST(released->status == 201);
}

BOOST_FIXTURE_TEST_CASE(stop_returns_promptly_while_requests_hang, ServerFixture) {
  set_faults({{"hang", "1"}, {"latency_ms", "600000"}});
  std::vector<std::future<httplib::Result>> hanging;
  for (int i = 0; i < 3; ++i) {
    hanging.push_back(std::async(std::launch::async, [this] {
      return client(5000ms)->Post("/verify", {{"Authorization", kAuth}}, kGuideBody,
                                  "application/json");
    }));
  }
  std::this_thread::sleep_for(150ms);  // let them reach the handlers
  const auto started = std::chrono::steady_clock::now();
  server->stop();
  BOOST_TEST((std::chrono::steady_clock::now() - started < 1500ms));
  for (auto& request : hanging) {
    auto res = request.get();
    BOOST_TEST((!res || res->status >= 500));  // never a real answer
  }
  server->stop();  // idempotent
}

// ---- the messagebird-sim binary ----

namespace {

struct Spawned {
  pid_t pid = -1;
  int out = -1;  // the child's stdout
};

Spawned spawn_sim(const std::vector<std::string>& args, const std::string& key_env) {
  int pipe_fds[2];
  BOOST_REQUIRE(pipe(pipe_fds) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  // The refusals print a usage text: keep it out of the test log.
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> arg_text{VV_SIM_BIN};
  arg_text.insert(arg_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : arg_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text;
  for (char** env = environ; *env; ++env) {
    if (std::string_view(*env).rfind("SIM_ACCESS_KEY=", 0) != 0) env_text.emplace_back(*env);
  }
  env_text.push_back("SIM_ACCESS_KEY=" + key_env);
  std::vector<char*> envp;
  for (auto& env : env_text) envp.push_back(env.data());
  envp.push_back(nullptr);
  Spawned child;
  const int rc = posix_spawn(&child.pid, VV_SIM_BIN, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  BOOST_REQUIRE(rc == 0);
  child.out = pipe_fds[0];
  return child;
}

// One line of the child's stdout, or "" after 5 s or at end of file.
std::string read_line(int fd) {
  std::string line;
  char c = 0;
  while (true) {
    pollfd ready{fd, POLLIN, 0};
    if (poll(&ready, 1, 5000) <= 0 || read(fd, &c, 1) != 1 || c == '\n') return line;
    line += c;
  }
}

int wait_exit(pid_t pid) {
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(10ms);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -2;
}

}  // namespace

BOOST_AUTO_TEST_CASE(binary_announces_its_port_and_stops_on_sigterm) {
  Spawned child = spawn_sim({"--listen", "127.0.0.1:0", "--latency-ms", "1"}, "envkey");
  const std::string line = read_line(child.out);
  std::smatch match;
  const bool listening = std::regex_match(
      line, match, std::regex(R"(\[messagebird-sim\] listening on http://127\.0\.0\.1:(\d+))"));
  BOOST_TEST_REQUIRE(listening, line);
  httplib::Client cli("127.0.0.1", std::stoi(match[1]));
  // The key came from SIM_ACCESS_KEY; latency from the command line.
  auto created =
      cli.Post("/verify", {{"Authorization", "AccessKey envkey"}}, kGuideBody, "application/json");
  BOOST_REQUIRE(created);
  BOOST_TEST(created->status == 201);
  BOOST_TEST(cli.Get("/_sim/faults")->body.find(R"("latency_ms":1,)") != std::string::npos);
  BOOST_TEST(read_line(child.out).rfind("[messagebird-sim] calling +31*******78: ", 0) == 0u);
  kill(child.pid, SIGTERM);
  BOOST_TEST(wait_exit(child.pid) == 0);
  close(child.out);
}

BOOST_AUTO_TEST_CASE(binary_refuses_a_non_loopback_address) {
  for (const char* listen : {"0.0.0.0:0", "192.168.1.1:8080", "example.com:80"}) {
    Spawned child = spawn_sim({"--listen", listen}, "k");
    BOOST_TEST(wait_exit(child.pid) == 2, listen);
    close(child.out);
  }
}

BOOST_AUTO_TEST_SUITE_END()
