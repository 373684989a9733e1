// The curl transport against a real cpp-httplib server on loopback: status, body and headers,
// handle reuse, timeouts, refused connections, the size cap, redirects, protocols and TLS
// verification; the event thread (many transfers at once, answers off the caller's thread,
// connection reuse, per-request timeouts, stopping); and the Verify client over it. Every request
// goes through submit(), the transport's one way in.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>
#include <json/json.h>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "messagebird/curl_transport.hpp"
#include "messagebird/verify_client.hpp"
#include "verify_fixtures.hpp"

namespace mb = voiceverify::messagebird;
using mb::VerifyError;
using voiceverify::testing::verify::check_code;
using voiceverify::testing::verify::create_call;
using voiceverify::testing::verify::exchange;
using voiceverify::testing::verify::fixture;
using voiceverify::testing::verify::kId;
using voiceverify::testing::verify::test_settings;

BOOST_AUTO_TEST_SUITE(curl_transport_tests)

// How long a test waits for something that should happen soon: only a broken transport or
// server ever waits this out, never a slow machine or a sanitizer build.
constexpr std::chrono::milliseconds kPatience = std::chrono::seconds(60);

// ---------------------------------------------------------------- curl against a loopback server

// A cpp-httplib server on 127.0.0.1 and a random port, serving from its own thread.
class LocalServer {
 public:
  explicit LocalServer(
      std::unique_ptr<httplib::Server> server = std::make_unique<httplib::Server>())
      : server_(std::move(server)) {}
  ~LocalServer() { stop(); }
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  httplib::Server& routes() { return *server_; }

  void start() {
    port_ = server_->bind_to_any_port("127.0.0.1");
    BOOST_REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    BOOST_REQUIRE(server_->is_running());
  }

  // cpp-httplib listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG) and keeps its socket to
  // itself: a burst of connections overflows the queue, and each dropped SYN waits a second to be
  // sent again. Linux lets listen() on a listening socket change its backlog, so the socket is
  // found by its port among this process's descriptors.
  void widen_backlog(int backlog) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
      const int fd = std::stoi(entry.path().filename().string());
      sockaddr_in address{};
      socklen_t length = sizeof address;
      int listening = 0;
      socklen_t size = sizeof listening;
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
          address.sin_family == AF_INET && ntohs(address.sin_port) == port_ &&
          ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0 && listening != 0) {
        BOOST_REQUIRE(::listen(fd, backlog) == 0);
        return;
      }
    }
    BOOST_FAIL("no listening socket on port " << port_);
  }

  void stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }

  std::string url(const std::string& scheme, const std::string& path) const {
    return scheme + "://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string url(const std::string& path) const { return url("http", path); }

 private:
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

// What the server saw, written by its thread and read by the test after the answer came.
struct Seen {
  std::mutex mutex;
  std::vector<std::string> methods;
  std::string body;
  std::string authorization, accept, content_type, user_agent, expect;
  int hits = 0;

  void record(const httplib::Request& request) {
    std::lock_guard lock(mutex);
    ++hits;
    methods.push_back(request.method);
    body = request.body;
    authorization = request.get_header_value("Authorization");
    accept = request.get_header_value("Accept");
    content_type = request.get_header_value("Content-Type");
    user_agent = request.get_header_value("User-Agent");
    expect = request.get_header_value("Expect");
  }
};

mb::CurlOptions fast_options() {
  mb::CurlOptions options;
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.total_timeout = std::chrono::milliseconds(2000);
  options.max_response_bytes = 1024;
  return options;
}

// A port with nothing listening: bind one, read its number, close it.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  BOOST_REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  BOOST_REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

struct CurlFixture {
  mb::CurlGlobal curl_global;
};

BOOST_FIXTURE_TEST_CASE(curl_round_trips_status_body_and_headers, CurlFixture) {
  Seen seen;
  LocalServer server;
  server.routes().Post("/verify", [&](const httplib::Request& request, httplib::Response& out) {
    seen.record(request);
    out.status = 201;
    out.set_content(R"({"id":"x","status":"sent"})", "application/json");
  });
  server.start();

  mb::CurlTransport transport(fast_options());
  mb::HttpRequest request;
  request.method = "POST";
  request.url = server.url("/verify");
  request.headers = {"Authorization: AccessKey test_key", "Accept: application/json",
                     "Content-Type: application/json", "User-Agent: voiceverify-test/1"};
  // Over 1 KiB, where curl 7.88 would otherwise wait for "100 Continue".
  request.body = R"({"recipient":"31612345678","template":")" + std::string(1500, 'a') + "\"}";
  const mb::HttpResponse response = exchange(transport, request);

  BOOST_TEST(response.error == mb::TransportError::None);
  BOOST_TEST(response.status == 201);
  BOOST_TEST(response.body == R"({"id":"x","status":"sent"})");
  BOOST_TEST(response.detail.empty());
  std::lock_guard lock(seen.mutex);
  BOOST_TEST(seen.methods == std::vector<std::string>{"POST"}, boost::test_tools::per_element());
  BOOST_TEST(seen.body == request.body);
  BOOST_TEST(seen.authorization == "AccessKey test_key");
  BOOST_TEST(seen.accept == "application/json");
  BOOST_TEST(seen.content_type == "application/json");
  BOOST_TEST(seen.user_agent == "voiceverify-test/1");
  BOOST_TEST(seen.expect.empty());
}

BOOST_FIXTURE_TEST_CASE(curl_reuses_its_handle_without_leaking_options, CurlFixture) {
  Seen seen;
  LocalServer server;
  const auto handler = [&](const httplib::Request& request, httplib::Response& out) {
    seen.record(request);
    out.status = request.method == "DELETE" ? 204 : 200;
    if (request.method != "DELETE") out.set_content("{}", "application/json");
  };
  server.routes().Get("/verify/abc", handler);
  server.routes().Delete("/verify/abc", handler);
  server.routes().Post("/verify", handler);
  server.start();

  mb::CurlTransport transport(fast_options());
  mb::HttpRequest post{"POST", server.url("/verify"), {"Content-Type: application/json"}, "{}"};
  mb::HttpRequest remove{"DELETE", server.url("/verify/abc"), {}, ""};
  mb::HttpRequest get{"GET", server.url("/verify/abc?token=123456"), {}, ""};
  BOOST_TEST(exchange(transport, post).status == 200);
  BOOST_TEST(exchange(transport, remove).status == 204);
  const mb::HttpResponse last = exchange(transport, get);
  BOOST_TEST(last.status == 200);
  BOOST_TEST(last.body == "{}");
  std::lock_guard lock(seen.mutex);
  const std::vector<std::string> methods = {"POST", "DELETE", "GET"};
  BOOST_TEST(seen.methods == methods, boost::test_tools::per_element());
  BOOST_TEST(seen.body.empty());  // the POST body did not follow the GET
}

BOOST_FIXTURE_TEST_CASE(curl_times_out, CurlFixture) {
  std::atomic<bool> release{false};
  LocalServer server;
  server.routes().Get("/slow", [&](const httplib::Request&, httplib::Response& out) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (!release && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    out.set_content("{}", "application/json");
  });
  server.start();

  mb::CurlOptions options = fast_options();
  options.total_timeout = std::chrono::milliseconds(200);
  mb::CurlTransport transport(options);
  const auto started = std::chrono::steady_clock::now();
  const mb::HttpResponse response = exchange(transport, {"GET", server.url("/slow"), {}, ""});
  const auto took = std::chrono::steady_clock::now() - started;
  release = true;

  BOOST_TEST(response.error == mb::TransportError::Timeout);
  BOOST_TEST(!response.detail.empty());
  BOOST_TEST(response.body.empty());
  BOOST_TEST(took >= std::chrono::milliseconds(150));
  // Well before the server would have answered: the timeout, not the answer, ended it.
  BOOST_TEST(took < kPatience / 2);
}

BOOST_FIXTURE_TEST_CASE(curl_reports_a_closed_port_as_connect_failed, CurlFixture) {
  mb::CurlTransport transport(fast_options());
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/verify";
  const mb::HttpResponse response = exchange(transport, {"GET", url, {}, ""});
  BOOST_TEST(response.error == mb::TransportError::ConnectFailed);
  BOOST_TEST(response.status == 0);
  BOOST_TEST(!response.detail.empty());
}

BOOST_FIXTURE_TEST_CASE(curl_caps_the_response_size, CurlFixture) {
  LocalServer server;
  const std::size_t cap = fast_options().max_response_bytes;
  server.routes().Get("/exact", [&](const httplib::Request&, httplib::Response& out) {
    out.set_content(std::string(cap, 'x'), "text/plain");
  });
  server.routes().Get("/big", [&](const httplib::Request&, httplib::Response& out) {
    out.set_content(std::string(cap + 1, 'x'), "text/plain");
  });
  // Chunked: no Content-Length, so only the write callback can stop it.
  server.routes().Get("/chunked", [&](const httplib::Request&, httplib::Response& out) {
    out.set_chunked_content_provider("text/plain", [](std::size_t, httplib::DataSink& sink) {
      const std::string chunk(512, 'y');
      for (int i = 0; i < 8; ++i) sink.write(chunk.data(), chunk.size());
      sink.done();
      return true;
    });
  });
  server.start();

  mb::CurlTransport transport(fast_options());
  const mb::HttpResponse exact = exchange(transport, {"GET", server.url("/exact"), {}, ""});
  BOOST_TEST(exact.error == mb::TransportError::None);
  BOOST_TEST(exact.body.size() == cap);
  const mb::HttpResponse big = exchange(transport, {"GET", server.url("/big"), {}, ""});
  BOOST_TEST(big.error == mb::TransportError::TooLarge);
  BOOST_TEST(big.body.empty());
  const mb::HttpResponse chunked = exchange(transport, {"GET", server.url("/chunked"), {}, ""});
  BOOST_TEST(chunked.error == mb::TransportError::TooLarge);
  BOOST_TEST(chunked.body.empty());
}

BOOST_FIXTURE_TEST_CASE(curl_does_not_follow_redirects, CurlFixture) {
  Seen seen;
  LocalServer server;
  server.routes().Get("/verify", [&](const httplib::Request&, httplib::Response& out) {
    out.set_redirect("/elsewhere", 302);
  });
  server.routes().Get("/elsewhere", [&](const httplib::Request& request, httplib::Response& out) {
    seen.record(request);
    out.set_content("{}", "application/json");
  });
  server.start();

  mb::CurlTransport transport(fast_options());
  const mb::HttpResponse response = exchange(transport, {"GET", server.url("/verify"), {}, ""});
  BOOST_TEST(response.error == mb::TransportError::None);
  BOOST_TEST(response.status == 302);
  std::lock_guard lock(seen.mutex);
  BOOST_TEST(seen.hits == 0);
}

BOOST_FIXTURE_TEST_CASE(curl_refuses_other_protocols, CurlFixture) {
  mb::CurlTransport transport(fast_options());
  for (const char* url : {"file:///etc/hostname", "ftp://127.0.0.1/", "gopher://127.0.0.1/"}) {
    BOOST_TEST_CONTEXT(url) {
      const mb::HttpResponse response = exchange(transport, {"GET", url, {}, ""});
      BOOST_TEST(response.error == mb::TransportError::Other);
      BOOST_TEST(response.body.empty());
      BOOST_TEST(!response.detail.empty());
    }
  }
}

// TLS verification stays on: a self-signed certificate (for the right address) is refused.
BOOST_FIXTURE_TEST_CASE(curl_verifies_tls_certificates, CurlFixture) {
  char dir_template[] = "/tmp/vv-mb-tls-XXXXXX";
  const char* dir = ::mkdtemp(dir_template);
  BOOST_REQUIRE(dir != nullptr);
  const std::string cert = std::string(dir) + "/cert.pem";
  const std::string key = std::string(dir) + "/key.pem";
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
      " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  BOOST_REQUIRE(std::system(command.c_str()) == 0);

  Seen seen;
  LocalServer server(std::make_unique<httplib::SSLServer>(cert.c_str(), key.c_str()));
  BOOST_REQUIRE(server.routes().is_valid());
  server.routes().Get("/verify", [&](const httplib::Request& request, httplib::Response& out) {
    seen.record(request);
    out.set_content("{}", "application/json");
  });
  server.start();

  mb::CurlTransport transport(fast_options());
  const mb::HttpResponse response =
      exchange(transport, {"GET", server.url("https", "/verify"), {}, ""});
  server.stop();
  std::filesystem::remove_all(dir);

  BOOST_TEST(response.error == mb::TransportError::Other);
  BOOST_TEST(response.status == 0);
  BOOST_TEST(response.detail.find("certificate") != std::string::npos, response.detail);
  std::lock_guard lock(seen.mutex);
  BOOST_TEST(seen.hits == 0);
}

// ---------------------------------------------------------------- submit() and the event thread

// Collects what `done` handlers were given, and on which thread, for the test to wait on.
struct Answers {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<mb::HttpResponse> responses;
  std::vector<std::thread::id> threads;

  mb::ResponseHandler handler() {
    return [this](mb::HttpResponse response) {
      std::lock_guard lock(mutex);
      responses.push_back(std::move(response));
      threads.push_back(std::this_thread::get_id());
      changed.notify_all();
    };
  }
  bool wait_for(std::size_t count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, kPatience, [&] { return responses.size() >= count; });
  }
};

// Holds server handlers until opened (or until a safety deadline), counting who arrived.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  int arrived = 0;
  bool opened = false;

  // Waits until opened or until `ready(arrived)` holds; false if the deadline came first.
  template <typename Ready>
  bool arrive_and_wait(std::chrono::steady_clock::time_point deadline, Ready ready) {
    std::unique_lock lock(mutex);
    ++arrived;
    changed.notify_all();
    return changed.wait_until(lock, deadline, [&] { return opened || ready(arrived); });
  }
  bool arrive_and_wait(std::chrono::milliseconds limit) {
    return arrive_and_wait(std::chrono::steady_clock::now() + limit, [](int) { return false; });
  }
  bool wait_arrivals(int count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, kPatience, [&] { return arrived >= count; });
  }
  void open() {
    std::lock_guard lock(mutex);
    opened = true;
    changed.notify_all();
  }
};

// Outlasts every wait of the tests below: only a transfer that is meant to time out does.
mb::CurlOptions patient_options() {
  mb::CurlOptions options = fast_options();
  options.total_timeout = 2 * kPatience;
  return options;
}

// 200 requests held by the server until all 200 are there at once: only transfers that truly
// run concurrently can pass, and they all come back through the one event thread. The deadline
// only ends a failing run: a slow machine gets all the time it needs to open 200 connections.
BOOST_FIXTURE_TEST_CASE(curl_runs_200_submits_at_once_on_one_thread, CurlFixture) {
  constexpr int kRequests = 200;
  Gate gate;
  std::atomic<int> released_by_deadline{0};
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  auto routes = std::make_unique<httplib::Server>();
  routes->new_task_queue = [] { return new httplib::ThreadPool(256); };
  routes->set_keep_alive_timeout(1);
  LocalServer server(std::move(routes));
  server.routes().Get("/held", [&](const httplib::Request&, httplib::Response& out) {
    if (!gate.arrive_and_wait(deadline, [](int arrived) { return arrived >= kRequests; })) {
      ++released_by_deadline;
    }
    out.set_content("{}", "application/json");
  });
  server.start();
  server.widen_backlog(1024);

  Answers answers;
  mb::CurlTransport transport(patient_options());
  for (int i = 0; i < kRequests; ++i) {
    transport.submit({"GET", server.url("/held"), {}, ""}, answers.handler());
  }
  BOOST_REQUIRE(answers.wait_for(kRequests));

  BOOST_TEST(released_by_deadline.load() == 0);
  std::lock_guard lock(answers.mutex);
  BOOST_TEST(answers.responses.size() == std::size_t{kRequests});
  int ok = 0;
  for (const mb::HttpResponse& response : answers.responses) {
    ok += response.error == mb::TransportError::None && response.status == 200 ? 1 : 0;
  }
  BOOST_TEST(ok == kRequests, "first answer: error "
                                  << static_cast<int>(answers.responses.front().error) << " "
                                  << answers.responses.front().detail);
  const std::set<std::thread::id> threads(answers.threads.begin(), answers.threads.end());
  BOOST_TEST(threads.size() == 1u);
  BOOST_TEST(!threads.contains(std::this_thread::get_id()));
}

BOOST_FIXTURE_TEST_CASE(curl_runs_done_once_and_never_on_the_submitting_thread, CurlFixture) {
  LocalServer server;
  server.routes().Get("/verify", [&](const httplib::Request&, httplib::Response& out) {
    out.set_content("{}", "application/json");
  });
  server.start();

  Answers answers;
  mb::CurlTransport transport(fast_options());
  transport.submit({"GET", server.url("/verify"), {}, ""}, answers.handler());
  // A failure is answered the same way: through curl, on the event thread.
  transport.submit({"GET", "ftp://127.0.0.1/", {}, ""}, answers.handler());
  BOOST_REQUIRE(answers.wait_for(2));
  // Anything a second call of either handler would add has time to arrive: a round trip more.
  BOOST_TEST(exchange(transport, {"GET", server.url("/verify"), {}, ""}).status == 200);

  std::lock_guard lock(answers.mutex);
  BOOST_REQUIRE(answers.responses.size() == 2u);
  for (const std::thread::id id : answers.threads) BOOST_TEST(id != std::this_thread::get_id());
  int ok = 0, refused = 0;
  for (const mb::HttpResponse& response : answers.responses) {
    ok += response.status == 200 ? 1 : 0;
    refused += response.error == mb::TransportError::Other ? 1 : 0;
  }
  BOOST_TEST(ok == 1);
  BOOST_TEST(refused == 1);
}

// A handler may chain the next call with submit().
BOOST_FIXTURE_TEST_CASE(curl_lets_done_submit_the_next_request, CurlFixture) {
  LocalServer server;
  server.routes().Get("/verify", [&](const httplib::Request&, httplib::Response& out) {
    out.set_content("{}", "application/json");
  });
  server.start();

  Answers answers;
  mb::CurlTransport transport(fast_options());
  const mb::HttpRequest request{"GET", server.url("/verify"), {}, ""};
  transport.submit(request,
                   [&](const mb::HttpResponse&) { transport.submit(request, answers.handler()); });
  BOOST_REQUIRE(answers.wait_for(1));
  std::lock_guard lock(answers.mutex);
  BOOST_TEST(answers.responses.front().status == 200);
}

BOOST_FIXTURE_TEST_CASE(curl_reuses_one_connection_for_sequential_submits, CurlFixture) {
  std::mutex mutex;
  std::set<int> ports;
  LocalServer server;
  server.routes().Post("/verify", [&](const httplib::Request& request, httplib::Response& out) {
    std::lock_guard lock(mutex);
    ports.insert(request.remote_port);
    out.set_content("{}", "application/json");
  });
  server.start();

  Answers answers;
  mb::CurlTransport transport(fast_options());
  for (std::size_t i = 1; i <= 5; ++i) {
    transport.submit({"POST", server.url("/verify"), {}, "{}"}, answers.handler());
    BOOST_REQUIRE(answers.wait_for(i));
  }
  std::lock_guard lock(mutex);
  BOOST_TEST(ports.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(curl_honours_a_shorter_per_request_timeout, CurlFixture) {
  Gate gate;
  LocalServer server;
  server.routes().Get("/slow", [&](const httplib::Request&, httplib::Response& out) {
    gate.arrive_and_wait(std::chrono::milliseconds(2000));
    out.set_content("{}", "application/json");
  });
  server.start();

  mb::CurlTransport transport(patient_options());
  mb::HttpRequest request{"GET", server.url("/slow"), {}, ""};
  request.timeout = std::chrono::milliseconds(200);
  const mb::HttpResponse response = exchange(transport, request);
  gate.open();

  BOOST_TEST(response.error == mb::TransportError::Timeout);
  BOOST_TEST(response.body.empty());
  BOOST_TEST(!response.detail.empty());
}

// Destroying the transport answers what is running (the server holds it) and what may still be
// queued (submitted just before), each exactly once, off the test's thread.
BOOST_FIXTURE_TEST_CASE(curl_answers_hanging_transfers_when_destroyed, CurlFixture) {
  Gate gate;
  LocalServer server;
  server.routes().Get("/hang", [&](const httplib::Request&, httplib::Response& out) {
    gate.arrive_and_wait(kPatience);  // opened once the transport is gone
    out.set_content("{}", "application/json");
  });
  server.start();

  Answers answers;
  auto transport = std::make_unique<mb::CurlTransport>(patient_options());
  transport->submit({"GET", server.url("/hang"), {}, ""}, answers.handler());
  BOOST_REQUIRE(gate.wait_arrivals(1));
  for (int i = 0; i < 3; ++i) {
    transport->submit({"GET", server.url("/hang"), {}, ""}, answers.handler());
  }
  transport.reset();
  gate.open();

  std::lock_guard lock(answers.mutex);
  BOOST_REQUIRE(answers.responses.size() == 4u);
  for (std::size_t i = 0; i < answers.responses.size(); ++i) {
    BOOST_TEST(answers.responses[i].error == mb::TransportError::Other);
    BOOST_TEST(answers.responses[i].detail == "transport stopped");
    BOOST_TEST(answers.threads[i] != std::this_thread::get_id());
  }
}

// The client over the real transport, end to end on loopback.
BOOST_FIXTURE_TEST_CASE(client_over_curl_creates_and_checks, CurlFixture) {
  Seen seen;
  LocalServer server;
  const std::string created = fixture("create_201.json");
  const std::string invalid = fixture("token_invalid.json");
  server.routes().Post("/verify", [&](const httplib::Request& request, httplib::Response& out) {
    seen.record(request);
    out.status = 201;
    out.set_content(created, "application/json");
  });
  server.routes().Get("/verify/" + kId,
                      [&](const httplib::Request& request, httplib::Response& out) {
                        seen.record(request);
                        out.status = 422;
                        out.set_content(invalid, "application/json");
                      });
  server.start();

  mb::VerifySettings settings = test_settings();
  settings.endpoint = server.url("");
  mb::CurlTransport transport(fast_options());
  mb::VerifyClient client(settings, transport);
  const mb::VerifyResult call = create_call(client, "31612345678");
  BOOST_TEST(call.error == VerifyError::None);
  BOOST_TEST(call.id == kId);
  {
    std::lock_guard lock(seen.mutex);
    BOOST_TEST(seen.authorization == "AccessKey " + settings.access_key);
    BOOST_TEST(seen.content_type == "application/json");
    Json::Value body;
    std::istringstream in(seen.body);
    BOOST_REQUIRE(Json::parseFromStream(Json::CharReaderBuilder(), in, &body, nullptr));
    BOOST_TEST(body["recipient"].asString() == "31612345678");
  }
  BOOST_TEST(check_code(client, call.id, "123456").error == VerifyError::WrongCode);
}

BOOST_AUTO_TEST_SUITE_END()
