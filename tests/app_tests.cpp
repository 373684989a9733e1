// The request pipeline without a server: plain Request in, plain Response out, MessageBird
// replaced by a scripted transport. What a browser would notice: status, Location, banner
// cookie, Allow, and that refused requests never reach MessageBird.
#include <boost/test/unit_test.hpp>

#include <deque>
#include <future>
#include <memory>
#include <utility>
#include <variant>

#include "capture_stderr.hpp"
#include "config/config.hpp"
#include "http/cookies.hpp"
#include "shipped_settings.hpp"
#include "web/pipeline.hpp"
#include "web/reply.hpp"
#include "web/session.hpp"

using namespace voiceverify;
using voiceverify::testing::capture_stderr;

namespace {

class ScriptedTransport : public messagebird::Transport {
 public:
  void submit(messagebird::HttpRequest request, messagebird::ResponseHandler done) override {
    requests.push_back(std::move(request));
    if (answers.empty()) {
      done({messagebird::TransportError::ConnectFailed, 0, "", "no answer"});
      return;
    }
    auto answer = answers.front();
    answers.pop_front();
    done(std::move(answer));
  }
  std::deque<messagebird::HttpResponse> answers;
  std::vector<messagebird::HttpRequest> requests;
};

const std::string kId = "4e213b01155d1e35a9d9571v00162985";

// Waits for a parked request's answer, as the pool would write it.
struct PromisedAnswer final : http::AnswerSink {
  std::promise<http::Response> promise;
  void answer(const http::Response& response) override { promise.set_value(response); }
};

http::Response resolve(http::Handled handled) {
  if (auto* response = std::get_if<http::Response>(&handled)) return *response;
  auto sink = std::make_shared<PromisedAnswer>();
  auto answer = sink->promise.get_future();
  std::get<http::Deferred>(handled).start(http::Answer(sink));
  return answer.get();
}

// The client settings these tests have always run with (the ScriptedTransport answers, so only
// the shape of the request matters): the production endpoint and no access key.
messagebird::VerifySettings verify_settings() {
  return voiceverify::testing::test_verify_settings("https://rest.messagebird.com", "");
}

messagebird::HttpResponse created() {
  return {messagebird::TransportError::None, 201,
          R"({"id":")" + kId + R"(","recipient":31612345678,"status":"sent"})", ""};
}

struct Fixture {
  config::Config config = [] {
    config::Config c;
    c.signing_key = std::string(40, 'k');
    c.messagebird_access_key = "test_key";
    c.templates_dir = std::string(VV_SOURCE_DIR) + "/templates";
    c.window_sizes[guard::LimitWindow::Attempts] = 3;
    return c;
  }();
  // SIGNING_KEY_PREVIOUS set, as in the middle of a key change: cookies signed by `before` pass.
  const std::string previous_key = std::string(40, 'p');
  http::CookieSigner signer{config.signing_key, previous_key};
  http::CookieSigner before{previous_key};
  view::Templates templates = [this] {
    std::string error;
    auto t = view::Templates::load(config.templates_dir, error);
    BOOST_REQUIRE_MESSAGE(t, error);
    return *t;
  }();
  std::unique_ptr<store::Store> store = store::make_memory_store();
  guard::Limiter limiter{*store,
                         voiceverify::testing::roomy_limit_settings("app-tests-key-secret")};
  guard::FraudGuard fraud_guard{
      *store, voiceverify::testing::shipped_fraud_settings("app-tests-key-secret")};
  web::ErrorPages error_pages{templates};
  forms::PhonePolicy policy = voiceverify::testing::shipped_phone_policy();
  messagebird::VerifySettings client_settings = verify_settings();
  ScriptedTransport transport;
  messagebird::VerifyClient client{client_settings, transport};
  messagebird::Breaker breaker{{5, std::chrono::seconds(30)}};
  util::TaskQueue tasks{1};
  verify::Runner runner{{16, std::chrono::seconds(10)}, client, breaker, tasks};
  guard::CallRecords call_records{*store, "app-tests-key-secret"};
  verify::CallVoice call_voice;  // no languages: the client's LANGUAGE and VERIFY_TEMPLATE
  web::AppDeps deps{signer,
                    templates,
                    error_pages,
                    verify::FlowDeps{policy,
                                     limiter,
                                     fraud_guard,
                                     {config.code_timeout, config.token_length},
                                     call_voice,
                                     call_records,
                                     runner},
                    runner,
                    config.code_timeout + std::chrono::seconds(120),
                    config.metrics_allow,
                    nullptr};
  std::map<std::string, std::string> jar;
  std::string remote = "127.0.0.1";  // REMOTE_ADDR of the requests send() makes

  http::Response send(const std::string& method, const std::string& path,
                      const std::string& body = "",
                      const std::string& type = "application/x-www-form-urlencoded") {
    http::Request request;
    request.method = method;
    request.path = path;
    request.body = body;
    request.content_type = method == "POST" ? type : "";
    request.remote_addr = remote;
    for (const auto& [name, value] : jar) request.cookie_header += name + "=" + value + "; ";
    http::Response response = resolve(web::handle_request(request, deps));
    for (const auto& [name, value] : response.headers) {
      if (name != "Set-Cookie") continue;
      const auto eq = value.find('='), semi = value.find(';');
      if (value.find("Max-Age=0") != std::string::npos)
        jar.erase(value.substr(0, eq));
      else
        jar[value.substr(0, eq)] = value.substr(eq + 1, semi - eq - 1);
    }
    return response;
  }
  std::string csrf() {
    auto page = send("GET", "/");
    const std::string marker = "name=\"csrf_token\" value=\"";
    auto at = page.body.find(marker) + marker.size();
    return page.body.substr(at, page.body.find('"', at) - at);
  }
  static std::string header(const http::Response& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
      if (n == name) return v;
    return "";
  }
  std::string banner_on(const std::string& path) {
    auto page = send("GET", path);
    auto at = page.body.find("role=\"alert\">");
    if (at == std::string::npos) return "";
    at += 13;
    return page.body.substr(at, page.body.find("</div>", at) - at);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(app_tests, Fixture)

BOOST_AUTO_TEST_CASE(unknown_path_is_404_and_wrong_method_405_with_allow) {
  BOOST_TEST(send("GET", "/admin").status == 404);
  auto r = send("DELETE", "/");
  BOOST_TEST(r.status == 405);
  BOOST_TEST(header(r, "Allow") == "GET, HEAD, POST");
  BOOST_TEST(send("PUT", "/success").status == 405);
}

BOOST_AUTO_TEST_CASE(other_content_types_get_415_and_no_call) {
  const std::string token = csrf();
  BOOST_TEST(
      send("POST", "/", "number=0612345678&csrf_token=" + token, "application/json").status == 415);
  BOOST_TEST(
      send("POST", "/", "number=0612345678&csrf_token=" + token, "multipart/form-data").status ==
      415);
  BOOST_TEST(transport.requests.empty());
}

BOOST_AUTO_TEST_CASE(unreadable_forms_get_400_and_no_call) {
  const std::string token = csrf();
  BOOST_TEST(send("POST", "/", "number=%zz&csrf_token=" + token).status == 400);
  BOOST_TEST(send("POST", "/", "number=06%0d%0a12345678&csrf_token=" + token).status == 400);
  BOOST_TEST(send("POST", "/", "number=06%0012345678&csrf_token=" + token).status == 400);
  BOOST_TEST(send("POST", "/", "number=1&number=2&csrf_token=" + token).status == 400);
  BOOST_TEST(transport.requests.empty());
}

BOOST_AUTO_TEST_CASE(csrf_token_is_required_and_tied_to_the_browser) {
  csrf();
  BOOST_TEST(send("POST", "/", "number=0612345678").status == 403);
  BOOST_TEST(send("POST", "/", "number=0612345678&csrf_token=" + std::string(64, '0')).status ==
             403);
  BOOST_TEST(transport.requests.empty());
}

BOOST_AUTO_TEST_CASE(start_call_redirects_to_the_code_page_and_sends_e164_digits) {
  transport.answers.push_back(created());
  auto r = send("POST", "/", "number=06+12345678&csrf_token=" + csrf());
  BOOST_TEST(r.status == 303);
  BOOST_TEST(header(r, "Location") == "/EnterCode/" + kId);
  BOOST_REQUIRE(transport.requests.size() == 1u);
  BOOST_TEST(transport.requests[0].body.find("31612345678") != std::string::npos);
  auto page = send("GET", "/EnterCode/" + kId);
  BOOST_TEST(page.status == 200);
  BOOST_TEST(header(page, "Cache-Control") == "no-store");
}

BOOST_AUTO_TEST_CASE(banner_is_shown_once) {
  auto r = send("POST", "/", "number=12345&csrf_token=" + csrf());
  BOOST_TEST(r.status == 303);
  BOOST_TEST(header(r, "Location") == "/");
  BOOST_TEST(jar.count("vv_flash") == 1u);
  BOOST_TEST(banner_on("/").find("check the number") != std::string::npos);
  BOOST_TEST(jar.count("vv_flash") == 0u);
  BOOST_TEST(banner_on("/").empty());
}

BOOST_AUTO_TEST_CASE(wrong_code_counts_attempts_on_the_server) {
  transport.answers.push_back(created());
  send("POST", "/", "number=0612345678&csrf_token=" + csrf());
  const auto saved_jar = jar;
  const std::string token = csrf();
  const std::string invalid =
      R"({"errors":[{"code":10,"description":"The token is invalid.","parameter":"token"}]})";
  for (int i = 0; i < 2; ++i)
    transport.answers.push_back({messagebird::TransportError::None, 422, invalid, ""});
  BOOST_TEST(header(send("POST", "/EnterCode/" + kId, "token=111111&csrf_token=" + token),
                    "Location") == "/EnterCode/" + kId);
  BOOST_TEST(banner_on("/EnterCode/" + kId) == "That code is not right. You have 2 tries left.");
  // Replaying the old cookie does not give the attempts back.
  jar = saved_jar;
  send("POST", "/EnterCode/" + kId, "token=111111&csrf_token=" + token);
  BOOST_TEST(banner_on("/EnterCode/" + kId) == "That code is not right. You have 1 try left.");
}

BOOST_AUTO_TEST_CASE(code_of_wrong_shape_never_reaches_messagebird) {
  transport.answers.push_back(created());
  send("POST", "/", "number=0612345678&csrf_token=" + csrf());
  const std::string token = csrf();
  for (const char* code : {"12345", "1234567", "abcdef", "12 34 5x", ""}) {
    auto r =
        send("POST", "/EnterCode/" + kId, std::string("token=") + code + "&csrf_token=" + token);
    BOOST_TEST(header(r, "Location") == "/EnterCode/" + kId);
  }
  BOOST_TEST(transport.requests.size() == 1u);
}

BOOST_AUTO_TEST_CASE(cookies_are_secure_and_host_prefixed_only_over_https) {
  http::Request request;
  request.method = "GET";
  request.path = "/";
  request.https = true;
  const auto over_https = resolve(web::handle_request(request, deps));
  const std::string secure = header(over_https, "Set-Cookie");
  BOOST_TEST(secure.rfind("__Host-vv_session=", 0) == 0u, secure);
  BOOST_TEST(secure.find("; Secure") != std::string::npos);
  BOOST_TEST(secure.find("HttpOnly; SameSite=Lax") != std::string::npos);
  request.https = false;
  const auto plain = resolve(web::handle_request(request, deps));
  BOOST_TEST(header(plain, "Set-Cookie").rfind("vv_session=", 0) == 0u);
  BOOST_TEST(header(plain, "Set-Cookie").find("Secure") == std::string::npos);
}

// Each scheme reads its own name only: an https request ignores a plain vv_session, and the
// other way round, so a cookie planted over http never stands in for the https one.
BOOST_AUTO_TEST_CASE(a_request_reads_the_cookie_name_of_its_scheme) {
  const web::Session session{std::string(32, 'b'), kId, "+31 * ******78", false};
  const std::string value =
      signer.sign("session", web::encode_session(session), std::chrono::seconds(600));
  http::Request request;
  request.method = "GET";
  request.path = "/EnterCode/" + kId;
  for (const bool https : {true, false}) {
    request.https = https;
    request.cookie_header = "__Host-vv_session=" + value;
    BOOST_TEST(resolve(web::handle_request(request, deps)).status == (https ? 200 : 303), https);
    request.cookie_header = "vv_session=" + value;
    BOOST_TEST(resolve(web::handle_request(request, deps)).status == (https ? 303 : 200), https);
  }
}

// The middle of a key change: a browser whose session was signed with the previous key keeps its
// verification, its form (CSRF token made with the previous key) still posts, and what it gets
// back is signed with the new key only.
BOOST_AUTO_TEST_CASE(a_key_change_keeps_the_verification_in_progress) {
  const web::Session session{std::string(32, 'c'), kId, "+31 * ******78", false};
  jar["vv_session"] =
      before.sign("session", web::encode_session(session), std::chrono::seconds(600));
  const auto page = send("GET", "/EnterCode/" + kId);
  BOOST_TEST(page.status == 200);
  BOOST_TEST(page.body.find("+31 * ******78") != std::string::npos);
  const http::CookieSigner new_key_only{config.signing_key};
  BOOST_TEST(new_key_only.verify("session", jar["vv_session"]).has_value());
  BOOST_TEST(!before.verify("session", jar["vv_session"]).has_value());

  const std::string old_token = before.mac_hex("csrf", session.browser_id);
  const auto posted = capture_stderr(
      [&] { send("POST", "/EnterCode/" + kId, "token=123456&csrf_token=" + old_token); });
  BOOST_TEST(posted.find("csrf_rejected") == std::string::npos, posted);
  const auto forged = capture_stderr([&] {
    send("POST", "/EnterCode/" + kId,
         "token=123456&csrf_token=" +
             http::CookieSigner(std::string(40, 'x')).mac_hex("csrf", session.browser_id));
  });
  BOOST_TEST(forged.find("csrf_rejected") != std::string::npos, forged);
}

BOOST_AUTO_TEST_CASE(head_is_routed_like_get) {
  BOOST_TEST(send("HEAD", "/").status == 200);
  BOOST_TEST(send("HEAD", "/success").status == 303);
}

// libphonenumber writes these countries' numbers with '-' ("+1 650-253-0000"): the person who
// typed one must still reach the code page after the call, not be sent back to the form.
BOOST_AUTO_TEST_CASE(numbers_formatted_with_dashes_reach_the_code_page) {
  policy.allowed_countries = {"US", "RU", "JP"};
  const std::pair<const char*, const char*> cases[] = {{"%2B1+650+253+0000", "+1 *** *** **00"},
                                                       {"%2B7+912+345+6789", "+7 *** *** ** 89"},
                                                       {"%2B81+90+1234+5678", "+81 ** **** **78"}};
  for (const auto& [number, masked] : cases) {
    jar.clear();
    transport.answers.push_back(created());
    auto r = send("POST", "/", std::string("number=") + number + "&csrf_token=" + csrf());
    BOOST_TEST(header(r, "Location") == "/EnterCode/" + kId, number);
    auto page = send("GET", "/EnterCode/" + kId);
    BOOST_TEST(page.status == 200, number);
    BOOST_TEST(page.body.find(masked) != std::string::npos, number << " " << masked);
  }
}

// A session cookie that carries our signature but a payload we cannot decode is our own bug (or a
// cookie from an older version): an error line with the request id, never the payload, and the
// browser starts afresh.
BOOST_AUTO_TEST_CASE(a_signed_session_we_cannot_decode_is_logged_as_an_error) {
  const std::string old_shape = "v1|" + std::string(32, 'a') + "|" + kId + "|+1 ***-***-**00|0";
  for (const std::string& payload : {old_shape, std::string("v0|older|layout")}) {
    jar.clear();
    jar["vv_session"] = signer.sign("session", payload, std::chrono::seconds(600));
    http::Response r;
    const std::string log = capture_stderr([&] { r = send("GET", "/EnterCode/" + kId); });
    BOOST_TEST(r.status == 303);
    BOOST_TEST(header(r, "Location") == "/");
    BOOST_TEST(log.find("level=error event=session_undecodable request_id=") != std::string::npos,
               log);
    BOOST_TEST(log.find("***-***") == std::string::npos, log);
    BOOST_TEST(log.find("older") == std::string::npos, log);
  }
  // A cookie we did not sign is a stranger's, not our bug: no error line.
  jar.clear();
  jar["vv_session"] = "forged";
  const std::string log = capture_stderr([&] { send("GET", "/EnterCode/" + kId); });
  BOOST_TEST(log.find("level=error") == std::string::npos, log);
}

// The pool's own check behind nginx's: a local-only route is an unknown path (404, whatever the
// method) for anyone but loopback and METRICS_ALLOW.
BOOST_AUTO_TEST_CASE(local_only_routes_exist_only_for_loopback_and_metrics_allow) {
  remote = "203.0.113.9";
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    BOOST_TEST(send("GET", path).status == 404, path);
    BOOST_TEST(send("POST", path, "a=b").status == 404, path);
  }
  std::string error;
  config.metrics_allow = *http::AddressAllowList::parse("203.0.113.0/24", error);
  const http::Response health = send("GET", "/healthz");
  BOOST_TEST(health.status == 200);
  BOOST_TEST(health.body == "ok\n");
  remote = "::ffff:203.0.113.10";
  BOOST_TEST(send("GET", "/metrics").status == 200);
  remote = "198.51.100.1";
  BOOST_TEST(send("GET", "/healthz").status == 404);
  // Loopback only when listed (a proxy on the same host makes every visitor loopback).
  remote = "::1";
  BOOST_TEST(send("GET", "/readyz").status == 404);
  config.metrics_allow = *http::AddressAllowList::parse("203.0.113.0/24,::1", error);
  const http::Response ready = send("GET", "/readyz");
  BOOST_TEST(ready.status == 200);
  BOOST_TEST(ready.body == "ready: store=ok templates=loaded upstream_breaker=closed\n");
  const http::Response post = send("POST", "/metrics", "a=b");
  BOOST_TEST(post.status == 405);
  BOOST_TEST(header(post, "Allow") == "GET, HEAD");
}

BOOST_AUTO_TEST_SUITE_END()
