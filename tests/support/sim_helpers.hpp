// Shared by the simulator's test files: the access key, JSON helpers that assert the documented
// error shape, a fake clock, and fixtures for a SimState on that clock and for a real loopback
// SimServer reached through httplib::Client.
#pragma once

#include <httplib.h>
#include <json/json.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "simulator/sim_server.hpp"
#include "simulator/sim_state.hpp"

namespace sim = voiceverify::simulator;

namespace voiceverify::sim_testing {

using namespace std::chrono_literals;
using std::chrono::system_clock;

inline constexpr const char* kKey = "live_simkey";
inline constexpr const char* kAuth = "AccessKey live_simkey";
// docs/messagebird-verify.md, Errors: the 401 body word for word.
inline constexpr const char* k401Body =
    R"json({"errors":[{"code":2,"description":"Request not allowed (incorrect access_key)","parameter":"access_key"}]})json";

inline Json::Value parse_json(const std::string& text) {
  Json::CharReaderBuilder builder;
  const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value root;
  std::string errors;
  const bool ok = reader->parse(text.data(), text.data() + text.size(), &root, &errors);
  BOOST_REQUIRE_MESSAGE(ok, "not JSON: " << text);
  return root;
}

inline bool is_json(const std::string& text) {
  Json::CharReaderBuilder builder;
  const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value root;
  std::string errors;
  return reader->parse(text.data(), text.data() + text.size(), &root, &errors);
}

// Asserts the error shape of docs/messagebird-verify.md, Errors, with exactly one error, and
// returns it.
inline Json::Value single_error(const sim::ApiResult& result, int http_status, int code) {
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

  // The default timeouts only stop a stuck server from hanging the run: a loaded machine or a
  // sanitizer build must never meet them. A test of a timeout passes its own, short one.
  std::unique_ptr<httplib::Client> client(std::chrono::milliseconds read_timeout = 30s) {
    auto cli = std::make_unique<httplib::Client>("127.0.0.1", port);
    cli->set_read_timeout(read_timeout);
    cli->set_connection_timeout(10, 0);
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

inline constexpr const char* kGuideBody =
    R"({"recipient":31612345678,"type":"tts","template":"Your security code is %token."})";

}  // namespace voiceverify::sim_testing
