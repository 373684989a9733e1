// The runner that makes the flow's upstream calls without holding a thread, over a transport
// whose answers the test gives by hand: nothing waits on the calling thread, the continuation
// runs on the answer threads, the bound on waiting requests, the shared time budget and the
// breaker's refusals.
#include "verify/runner.hpp"

#include <boost/test/unit_test.hpp>

#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "capture_stderr.hpp"
#include "flow_fixture.hpp"

using namespace voiceverify;
using messagebird::HttpRequest;
using messagebird::HttpResponse;
using verify::OutcomeKind;

namespace {

const std::string kId = "4e213b01155d1e35a9d9571v00162985";

// Keeps every request until the test answers it, as a slow MessageBird would.
class HeldTransport : public messagebird::Transport {
 public:
  void submit(HttpRequest request, messagebird::ResponseHandler done) override {
    const std::lock_guard lock(mutex);
    held.push_back({std::move(request), std::move(done)});
  }
  std::size_t count() {
    const std::lock_guard lock(mutex);
    return held.size();
  }
  // Answers the oldest request still held, from a thread of its own (the event thread).
  HttpRequest answer(HttpResponse response) {
    Held first;
    {
      const std::lock_guard lock(mutex);
      first = std::move(held.front());
      held.erase(held.begin());
    }
    std::thread([&] { first.done(std::move(response)); }).join();
    return first.request;
  }

  struct Held {
    HttpRequest request;
    messagebird::ResponseHandler done;
  };
  std::mutex mutex;
  std::vector<Held> held;
};

HttpResponse created() {
  return {messagebird::TransportError::None, 201,
          R"({"id":")" + kId + R"(","recipient":31612345678,"status":"sent"})", ""};
}

struct Fixture : voiceverify::testing::FlowFixture {
  messagebird::VerifySettings settings =
      voiceverify::testing::test_verify_settings("https://rest.messagebird.com", "key");
  HeldTransport transport;
  messagebird::VerifyClient client{settings, transport};
  messagebird::Breaker breaker{{2, std::chrono::seconds(30)}};
  util::TaskQueue tasks{1};
  verify::Runner runner{{2, std::chrono::seconds(10)}, client, breaker, tasks};

  verify::Step start(int n) {
    return verify::start_call(deps, caller, "06 123456" + std::to_string(10 + n), {});
  }
  // Runs a start; the outcome arrives on the returned future.
  std::future<verify::Outcome> run_start(int n) {
    auto promise = std::make_shared<std::promise<verify::Outcome>>();
    auto outcome = promise->get_future();
    auto ticket = runner.admit();
    BOOST_REQUIRE(ticket);
    runner.run(start(n), *ticket,
               [promise](const verify::Outcome& result) { promise->set_value(result); });
    return outcome;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(runner_tests, Fixture)

// A continuation that throws on the answer thread (our bug: a store that throws, a page that
// cannot render) is logged at error level and reported to `failed`, which answers the error
// page; the process goes on, the place is given back and the next run works.
BOOST_AUTO_TEST_CASE(a_continuation_that_throws_is_logged_and_failed_not_the_end_of_the_process) {
  auto promise = std::make_shared<std::promise<std::string>>();
  auto failed = promise->get_future();
  verify::UpstreamCall call;
  call.op = messagebird::Call::Create;
  call.recipient = "31612345610";
  verify::Step throwing =
      verify::Step::call(call, [](const messagebird::VerifyResult&) -> verify::Step {
        throw std::runtime_error("a continuation's bug");
      });
  const std::string log = voiceverify::testing::capture_stderr([&] {
    runner.run(
        std::move(throwing), *runner.admit(), [](const verify::Outcome&) {},
        [promise](const char* what) { promise->set_value(what); });
    transport.answer(created());
    BOOST_TEST(failed.get() == "a continuation's bug");
  });
  BOOST_TEST(log.find("level=error") != std::string::npos, log);
  BOOST_TEST(log.find("continuation_exception") != std::string::npos, log);
  BOOST_TEST(runner.in_flight() == 0u);
  auto next = run_start(1);
  transport.answer(created());
  BOOST_TEST((next.get().kind == OutcomeKind::CallPlaced));
}

BOOST_AUTO_TEST_CASE(a_call_in_flight_holds_no_thread_and_its_answer_finishes_elsewhere) {
  const auto caller = std::this_thread::get_id();
  // Boost.Test is not thread-safe: the answer thread only reports, the test asserts here.
  auto promise = std::make_shared<std::promise<std::pair<OutcomeKind, std::thread::id>>>();
  auto finished = promise->get_future();
  runner.run(start(0), *runner.admit(), [promise](const verify::Outcome& outcome) {
    promise->set_value({outcome.kind, std::this_thread::get_id()});
  });
  // run() came back with the call still unanswered.
  BOOST_TEST(transport.count() == 1u);
  BOOST_TEST(runner.in_flight() == 1u);
  const HttpRequest sent = transport.answer(created());
  BOOST_TEST(sent.method == "POST");
  BOOST_TEST(sent.timeout.count() > 0);  // the request's budget goes with it
  const auto [kind, finished_on] = finished.get();
  BOOST_TEST((kind == OutcomeKind::CallPlaced));
  BOOST_TEST((finished_on != caller));
  tasks.stop();
  BOOST_TEST(runner.in_flight() == 0u);
}

BOOST_AUTO_TEST_CASE(beyond_the_bound_a_request_is_not_admitted_until_one_finishes) {
  auto first = run_start(0);
  auto second = run_start(1);
  BOOST_TEST(!runner.admit().has_value());
  transport.answer(created());
  BOOST_TEST((first.get().kind == OutcomeKind::CallPlaced));
  BOOST_TEST(runner.admit().has_value());
  transport.answer(created());
  BOOST_TEST((second.get().kind == OutcomeKind::CallPlaced));
}

BOOST_AUTO_TEST_CASE(failures_open_the_breaker_and_later_calls_are_refused_without_a_request) {
  for (int i = 0; i < 2; ++i) {
    auto outcome = run_start(i);
    transport.answer({messagebird::TransportError::Timeout, 0, "", "timed out"});
    BOOST_TEST((outcome.get().kind == OutcomeKind::CallFailed));
  }
  BOOST_TEST(runner.upstream_down());
  auto refused = run_start(2);
  BOOST_TEST((refused.get().kind == OutcomeKind::CallFailed));
  BOOST_TEST(transport.count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_finished_step_is_done_at_once_on_the_calling_thread) {
  const auto calling_thread = std::this_thread::get_id();
  std::thread::id done_on;
  runner.run(verify::start_call(deps, caller, "12345", {}), *runner.admit(),
             [&done_on](const verify::Outcome& outcome) {
               BOOST_CHECK(outcome.kind == OutcomeKind::NumberRefused);
               done_on = std::this_thread::get_id();
             });
  BOOST_TEST((done_on == calling_thread));
  BOOST_TEST(transport.count() == 0u);
}

// A test number (verify/test_numbers.hpp) is answered on the calling thread, from the store:
// nothing goes to the transport, even with the breaker open, and the code it accepts verifies.
BOOST_AUTO_TEST_CASE(test_numbers_are_answered_without_the_transport) {
  verify::TestNumbers numbers{
      *store, {{{"31612345610", "123456"}}, std::chrono::seconds(300), "flow-fixture-key-secret"}};
  verify::Runner with_tests{{2, std::chrono::seconds(10)}, client, breaker, tasks, &numbers};
  for (int i = 0; i < 2; ++i) breaker.record(true);
  BOOST_TEST_REQUIRE(breaker.refusing());
  verify::Outcome placed;
  with_tests.run(start(0), *with_tests.admit(),
                 [&placed](const verify::Outcome& outcome) { placed = outcome; });
  BOOST_TEST_REQUIRE((placed.kind == OutcomeKind::CallPlaced));
  verify::Outcome checked;
  const verify::Current current{placed.verify_id, false};
  with_tests.run(verify::check_code(deps, caller, placed.verify_id, "123456", current),
                 *with_tests.admit(),
                 [&checked](const verify::Outcome& outcome) { checked = outcome; });
  BOOST_TEST((checked.kind == OutcomeKind::Verified));
  BOOST_TEST(checked.phone_number == "+31612345610");
  BOOST_TEST(transport.count() == 0u);
  BOOST_TEST(with_tests.in_flight() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
