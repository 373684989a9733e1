// The curl transport against a real cpp-httplib server on loopback: status, body and headers,
// handle reuse, timeouts, refused connections, the size cap, redirects, protocols and TLS
// verification; and the Verify client over it, end to end.
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
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "messagebird/curl_transport.hpp"
#include "messagebird/verify_client.hpp"
#include "verify_fixtures.hpp"

namespace mb = voiceverify::messagebird;
using mb::VerifyError;
using voiceverify::testing::verify::fixture;
using voiceverify::testing::verify::kId;
using voiceverify::testing::verify::test_settings;

BOOST_AUTO_TEST_SUITE(curl_transport_tests)

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
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    BOOST_REQUIRE(server_->is_running());
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

// What the server saw, written by its thread and read by the test after perform() returned.
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
  const mb::HttpResponse response = transport.perform(request);

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
  BOOST_TEST(transport.perform(post).status == 200);
  BOOST_TEST(transport.perform(remove).status == 204);
  const mb::HttpResponse last = transport.perform(get);
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
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
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
  const mb::HttpResponse response = transport.perform({"GET", server.url("/slow"), {}, ""});
  const auto took = std::chrono::steady_clock::now() - started;
  release = true;

  BOOST_TEST(response.error == mb::TransportError::Timeout);
  BOOST_TEST(!response.detail.empty());
  BOOST_TEST(response.body.empty());
  BOOST_TEST(took >= std::chrono::milliseconds(150));
  BOOST_TEST(took < std::chrono::milliseconds(1500));
}

BOOST_FIXTURE_TEST_CASE(curl_reports_a_closed_port_as_connect_failed, CurlFixture) {
  mb::CurlTransport transport(fast_options());
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/verify";
  const mb::HttpResponse response = transport.perform({"GET", url, {}, ""});
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
  const mb::HttpResponse exact = transport.perform({"GET", server.url("/exact"), {}, ""});
  BOOST_TEST(exact.error == mb::TransportError::None);
  BOOST_TEST(exact.body.size() == cap);
  const mb::HttpResponse big = transport.perform({"GET", server.url("/big"), {}, ""});
  BOOST_TEST(big.error == mb::TransportError::TooLarge);
  BOOST_TEST(big.body.empty());
  const mb::HttpResponse chunked = transport.perform({"GET", server.url("/chunked"), {}, ""});
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
  const mb::HttpResponse response = transport.perform({"GET", server.url("/verify"), {}, ""});
  BOOST_TEST(response.error == mb::TransportError::None);
  BOOST_TEST(response.status == 302);
  std::lock_guard lock(seen.mutex);
  BOOST_TEST(seen.hits == 0);
}

BOOST_FIXTURE_TEST_CASE(curl_refuses_other_protocols, CurlFixture) {
  mb::CurlTransport transport(fast_options());
  for (const char* url : {"file:///etc/hostname", "ftp://127.0.0.1/", "gopher://127.0.0.1/"}) {
    BOOST_TEST_CONTEXT(url) {
      const mb::HttpResponse response = transport.perform({"GET", url, {}, ""});
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
      transport.perform({"GET", server.url("https", "/verify"), {}, ""});
  server.stop();
  std::filesystem::remove_all(dir);

  BOOST_TEST(response.error == mb::TransportError::Other);
  BOOST_TEST(response.status == 0);
  BOOST_TEST(response.detail.find("certificate") != std::string::npos, response.detail);
  std::lock_guard lock(seen.mutex);
  BOOST_TEST(seen.hits == 0);
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
  const mb::VerifyResult call = client.create_call("31612345678");
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
  BOOST_TEST(client.check_code(call.id, "123456").error == VerifyError::WrongCode);
}

BOOST_AUTO_TEST_SUITE_END()
