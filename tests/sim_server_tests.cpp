// The simulator's server (sim_server): the call line, fault fields, and the faults themselves
// (latency, 5xx, garbage, hang) and a prompt stop, through a real loopback SimServer.
#include <httplib.h>
#include <json/json.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "sim_helpers.hpp"

using namespace voiceverify::sim_testing;

BOOST_AUTO_TEST_SUITE(sim_server_tests)

BOOST_AUTO_TEST_CASE(the_call_line_masks_the_number_and_shows_the_code) {
  BOOST_TEST(sim::mask_recipient("31612345678") == "+31*******78");
  BOOST_TEST(sim::mask_recipient("123") == "***");  // too short to show any of it
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

BOOST_AUTO_TEST_SUITE_END()
