// The simulator's server (sim_server): the call line, fault fields, and the faults themselves
// (latency, 5xx, garbage, hang), a prompt stop, and the capacity a benchmark needs (a thousand
// slow requests at once), through a real loopback SimServer.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>
#include <json/json.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sim_helpers.hpp"

using namespace voiceverify::sim_testing;

BOOST_AUTO_TEST_SUITE(sim_server_tests)

namespace {

// A blocking loopback connection to `port`, or -1.
int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string& text) {
  return send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
}

// A create as a kept-alive HTTP/1.1 request, written by hand: the capacity test sends a thousand
// of them from one thread.
std::string raw_create() {
  const std::string body = kGuideBody;
  return std::string("POST /verify HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ") + kAuth +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// How long a wait may see no progress at all before the test gives up: only a server that is
// stuck (or cannot take more) stands still that long; a slow or loaded machine, a sanitizer build,
// merely progresses slowly, and each step of progress starts the stall over.
constexpr auto kStall = 60s;

// Reads from every socket until each has an answer's head, or until none has given a byte for
// kStall; returns how many heads start with `status_line`.
int count_answers(const std::vector<int>& sockets, const std::string& status_line) {
  std::vector<pollfd> waiting;
  for (int fd : sockets) waiting.push_back({fd, POLLIN, 0});
  std::vector<std::string> heads(sockets.size());
  int answered = 0;
  int open = static_cast<int>(sockets.size());
  auto progressed = std::chrono::steady_clock::now();
  while (open > 0 && std::chrono::steady_clock::now() - progressed < kStall) {
    if (poll(waiting.data(), waiting.size(), 100) <= 0) continue;
    progressed = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < waiting.size(); ++i) {
      if (waiting[i].fd < 0 || waiting[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t got = recv(waiting[i].fd, buffer, sizeof buffer, 0);
      if (got > 0) heads[i].append(buffer, static_cast<std::size_t>(got));
      if (got <= 0 || heads[i].find("\r\n\r\n") != std::string::npos) {
        if (heads[i].rfind(status_line, 0) == 0) ++answered;
        waiting[i].fd = -1;  // poll() skips it from now on
        --open;
      }
    }
  }
  return answered;
}

// Waits until `count()` reaches `target`, or until it has not grown for kStall; returns the last
// count.
template <typename Count>
int wait_for_count(Count count, int target) {
  int last = count();
  auto progressed = std::chrono::steady_clock::now();
  while (last < target && std::chrono::steady_clock::now() - progressed < kStall) {
    std::this_thread::sleep_for(20ms);
    if (const int now = count(); now > last) {
      last = now;
      progressed = std::chrono::steady_clock::now();
    }
  }
  return last;
}

// The test holds both ends of every connection: twice as many descriptors as connections.
void allow_descriptors(rlim_t wanted) {
  rlimit limit{};
  BOOST_REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  if (limit.rlim_cur >= wanted) return;
  BOOST_REQUIRE_MESSAGE(limit.rlim_max >= wanted, "ulimit -Hn is below " << wanted);
  limit.rlim_cur = wanted;
  BOOST_REQUIRE(setrlimit(RLIMIT_NOFILE, &limit) == 0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_call_line_masks_the_number_and_shows_the_code) {
  BOOST_TEST(sim::mask_recipient("31612345678") == "+31*******78");
  BOOST_TEST(sim::mask_recipient("123") == "***");  // too short to show any of it
  const sim::PlacedCall call{"tts", "31612345678", "Your code is 1 2 3 4 5 6.\nBye", "123456", "",
                             ""};
  BOOST_TEST(
      sim::announcement(call) ==
      R"([messagebird-sim] calling +31*******78: "Your code is 1 2 3 4 5 6. Bye" code 123456)");
}

BOOST_AUTO_TEST_CASE(each_tts_language_has_an_espeak_voice) {
  BOOST_TEST(sim::espeak_voice("nl-nl") == "nl");
  BOOST_TEST(sim::espeak_voice("es-mx") == "es-419");
  BOOST_TEST(sim::espeak_voice("zh-cn") == "cmn");
  BOOST_TEST(sim::espeak_voice("") == "en-gb");  // MessageBird's default
  BOOST_TEST(sim::espeak_voice("xx-yy") == "en-gb");
}

// With a speak folder, a tester can hear the call: the line names a WAV file, and espeak-ng
// writes the sentence there, in the call's language.
BOOST_AUTO_TEST_CASE(a_spoken_call_is_written_to_a_wav_file_the_line_names) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("vv-speak-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  sim::ServerConfig config;
  config.access_key = kKey;
  config.threads = 4;
  config.speak_dir = dir.string();
  std::mutex mutex;
  std::vector<std::string> lines;
  config.announce = [&](const std::string& line) {
    const std::lock_guard lock(mutex);
    lines.push_back(line);
  };
  std::string error;
  BOOST_REQUIRE_MESSAGE(sim::Speaker(config.speak_dir).usable(error), error);
  sim::SimServer server(config);
  const int port = server.start();
  httplib::Client client("127.0.0.1", port);
  auto res = client.Post("/verify", {{"Authorization", kAuth}},
                         R"({"recipient":31612345678,"type":"tts","language":"nl-nl",)"
                         R"("template":"Uw code is %token."})",
                         "application/json");
  BOOST_REQUIRE(res);
  BOOST_REQUIRE_EQUAL(res->status, 201);
  const std::string id = parse_json(res->body)["id"].asString();
  const std::filesystem::path wav = dir / (id + ".wav");
  {
    const std::lock_guard lock(mutex);
    BOOST_REQUIRE_EQUAL(lines.size(), 1U);
    BOOST_TEST(lines[0].find("hear it: " + wav.string()) != std::string::npos, lines[0]);
  }
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!std::filesystem::exists(wav) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  BOOST_REQUIRE_MESSAGE(std::filesystem::exists(wav), "no " << wav);
  std::ifstream file(wav, std::ios::binary);
  std::string head(4, '\0');
  file.read(head.data(), 4);
  BOOST_TEST(head == "RIFF");
  BOOST_TEST(std::filesystem::file_size(wav) > 1000U);  // a sentence, not an empty header
  std::ifstream text(dir / (id + ".txt"));
  std::string sentence;
  std::getline(text, sentence);
  BOOST_TEST(sentence.find("Uw code is ") == 0U, sentence);
  server.stop();
  std::filesystem::remove_all(dir);
}

// A port whose last connection is in TIME_WAIT (its server closed first, as nginx does when a
// test site stops) can be listened on again at once: test sites pick such
// ports, and httplib's own options alone refuse them.
BOOST_AUTO_TEST_CASE(a_port_still_in_time_wait_can_be_listened_on) {
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  BOOST_REQUIRE(listener >= 0);
  const int yes = 1;  // as nginx and redis-server set it on theirs
  BOOST_REQUIRE(setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  BOOST_REQUIRE(listen(listener, 1) == 0);
  socklen_t length = sizeof address;
  BOOST_REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const int port = ntohs(address.sin_port);
  const int client = connect_to(port);
  BOOST_REQUIRE(client >= 0);
  const int accepted = accept(listener, nullptr, nullptr);
  BOOST_REQUIRE(accepted >= 0);
  close(accepted);  // the server's side closes first: its port goes into TIME_WAIT
  close(listener);
  char byte = 0;
  BOOST_REQUIRE(recv(client, &byte, 1, 0) == 0);  // the client saw the close
  close(client);

  sim::ServerConfig config;
  config.access_key = kKey;
  config.threads = 2;
  config.port = port;
  config.announce = [](const std::string&) {};
  sim::SimServer server(config);
  BOOST_CHECK_NO_THROW(server.start());
  server.stop();
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
  const auto started = std::chrono::steady_clock::now();
  auto res = create_json(kGuideBody);
  const auto api_took = std::chrono::steady_clock::now() - started;
  BOOST_REQUIRE(res);
  BOOST_TEST(res->status == 201);
  BOOST_TEST((api_took >= 150ms));

  // A latency far beyond the client's read timeout: a control answer that waited it out would
  // never arrive. No bound on how fast it comes, so a slow machine cannot fail this.
  set_faults({{"latency_ms", "600000"}});
  auto control = client()->Get("/_sim/stats");
  BOOST_REQUIRE(control);
  BOOST_TEST(control->status == 200);
  set_faults({{"latency_ms", "0"}});
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

  auto pending = std::async(std::launch::async, [this] {
    return client(kStall)->Post("/verify", {{"Authorization", kAuth}}, kGuideBody,
                                "application/json");
  });
  BOOST_TEST((pending.wait_for(200ms) == std::future_status::timeout));
  set_faults({{"hang", "0"}});
  // Bounded only so that a broken switch fails instead of hanging the run.
  BOOST_REQUIRE((pending.wait_for(kStall) == std::future_status::ready));
  auto released = pending.get();
  BOOST_REQUIRE(released);
  BOOST_TEST(released->status == 201);
}

BOOST_FIXTURE_TEST_CASE(stop_returns_promptly_while_requests_hang, ServerFixture) {
  // A client that keeps its connection open and idle, as the pool's curl does.
  const int idle = connect_to(port);
  BOOST_REQUIRE(idle >= 0);
  BOOST_REQUIRE(send_all(idle, raw_create()));
  BOOST_REQUIRE(count_answers({idle}, "HTTP/1.1 201") == 1);

  set_faults({{"hang", "1"}, {"latency_ms", "600000"}});
  std::vector<std::future<httplib::Result>> hanging;
  for (int i = 0; i < 3; ++i) {
    hanging.push_back(std::async(std::launch::async, [this] {
      return client(5000ms)->Post("/verify", {{"Authorization", kAuth}}, kGuideBody,
                                  "application/json");
    }));
  }
  // All three in the handlers, hanging, before the stop.
  BOOST_REQUIRE(wait_for_count([this] { return server->in_flight(); }, 3) == 3);
  const auto started = std::chrono::steady_clock::now();
  server->stop();
  BOOST_TEST((std::chrono::steady_clock::now() - started < 1500ms));
  for (auto& request : hanging) {
    auto res = request.get();
    BOOST_TEST((!res || res->status >= 500));  // never a real answer
  }
  server->stop();  // idempotent
  close(idle);
}

// The pool keeps up to 1024 calls in flight (docs/messagebird-verify.md, The simulator): with its
// default thread count the simulator must hold that many slow requests at once, or a benchmark
// measures the simulator instead of the pool. One thread writes all the requests, then reads.
// The hang switch keeps them all waiting until every one has arrived, so the count of concurrent
// requests does not depend on timing; and no wait has a deadline for the whole work, which a slow
// or loaded machine (a sanitizer build) could miss: each waits while the count still grows, so
// only a server that stops short of 1024 fails. How fast it takes them in is scripts/bench's
// business, not this test's.
BOOST_AUTO_TEST_CASE(the_default_server_holds_1024_slow_requests_at_once) {
  constexpr int kClients = 1024;
  allow_descriptors(2 * kClients + 256);
  sim::ServerConfig config;  // the binary's thread count
  config.access_key = kKey;
  config.faults.latency_ms = 300;
  config.faults.hang = true;
  config.announce = [](const std::string&) {};
  sim::SimServer server(config);
  const int port = server.start();

  std::vector<int> sockets;
  for (int i = 0; i < kClients; ++i) {
    const int fd = connect_to(port);
    BOOST_REQUIRE_MESSAGE(fd >= 0, "connection " << i << " refused");
    sockets.push_back(fd);
  }
  const std::string request = raw_create();
  for (int fd : sockets) BOOST_REQUIRE(send_all(fd, request));
  BOOST_TEST(wait_for_count([&server] { return server.in_flight(); }, kClients) == kClients);
  sim::Faults faults = server.faults();
  faults.hang = false;
  server.set_faults(faults);
  const int answered = count_answers(sockets, "HTTP/1.1 201");
  BOOST_TEST(answered == kClients);
  for (int fd : sockets) close(fd);

  httplib::Client control("127.0.0.1", port);
  auto stats = control.Get("/_sim/stats");
  BOOST_REQUIRE(stats);
  const Json::Value counts = parse_json(stats->body);
  BOOST_TEST(counts["creates"].asInt() == kClients);
  BOOST_TEST(counts["max_concurrent"].asInt() == kClients);  // all of them waited at once
  BOOST_TEST(counts["in_flight"].asInt() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
