// The verification API's test client and site (docs/api.md), shared by the API's integration
// suites: a site with OpenID Connect on and three clients (A and B may use the API, "web" may
// not), and a client whose every answer is written down and checked, when the site goes, against
// docs/openapi.json (tests/api/openapi_check.py, python3-jsonschema).
#pragma once

#include <httplib.h>
#include <json/json.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "harness.hpp"
#include "oidc/clients.hpp"

// Their own namespace: site_steps.hpp has a kNumber of its own (a national number).
namespace voiceverify::api_testing {

using namespace voiceverify::testing;

inline const std::string kSecretA = "secret-of-client-a-0123456789";
inline const std::string kSecretB = "secret-of-client-b-0123456789";
inline const std::string kSecretWeb = "secret-of-a-web-client-01234";
inline const std::string kNumber = "+31612345678";
inline const std::string kDigits = "31612345678";

inline std::string checker(const std::string& arguments) {
  return run_command("/usr/bin/python3 " + std::string(VV_SOURCE_DIR) +
                     "/tests/api/openapi_check.py " + arguments + " 2>&1");
}

inline std::string openapi_document() {
  return std::string(VV_SOURCE_DIR) + "/docs/openapi.json";
}

struct Answer {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  Json::Value json;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  std::string type() const { return json["type"].asString(); }
};

// A client of the API: every answer is appended to a file the document's checker reads.
// `idempotency_key`, when set, is sent with every POST.
class ApiClient {
 public:
  ApiClient(const Site& site, std::string id, std::string secret, std::string log)
      : http_(site.host(), site.port()),
        id_(std::move(id)),
        secret_(std::move(secret)),
        log_(std::move(log)) {
    http_.set_read_timeout(15, 0);
  }

  // `templated`: the document's path ("/verifications/{id}/check") for the checker. `path` is
  // under /api/v1; GET, DELETE, PUT or POST.
  Answer call(const std::string& method, const std::string& path, const std::string& templated,
              const std::string& body = {}, const std::string& content_type = "application/json",
              bool with_auth = true) {
    Answer answer = send(method, path, body, content_type, with_auth);
    BOOST_REQUIRE(answer.status != 0);
    return checked(method, templated, std::move(answer));
  }

  // The request alone, without a check or a log line: status 0 when nothing answered. The only
  // call a thread other than the test's own may make, since Boost.Test's checks are not
  // thread-safe; the test passes the answer to checked() once the thread is joined.
  Answer send(const std::string& method, const std::string& path, const std::string& body = {},
              const std::string& content_type = "application/json", bool with_auth = true) {
    httplib::Headers headers;
    if (with_auth) headers.insert(httplib::make_basic_authentication_header(id_, secret_));
    if (method == "POST" && !idempotency_key.empty()) {
      headers.emplace("Idempotency-Key", idempotency_key);
    }
    const std::string url = "/api/v1" + path;
    httplib::Result result = method == "GET"      ? http_.Get(url.c_str(), headers)
                             : method == "DELETE" ? http_.Delete(url.c_str(), headers)
                             : method == "PUT"
                                 ? http_.Put(url.c_str(), headers, body, content_type.c_str())
                                 : http_.Post(url.c_str(), headers, body, content_type.c_str());
    Answer answer;
    if (!result) return answer;
    answer.status = result->status;
    answer.body = result->body;
    answer.headers = result->headers;
    Json::Reader().parse(answer.body, answer.json);
    return answer;
  }

  // Writes `answer` down for the OpenAPI checker and checks what every answer of the API does.
  Answer checked(const std::string& method, const std::string& templated, Answer answer) {
    Json::Value line(Json::objectValue);
    line["path"] = templated;
    std::string lower_method = method;
    for (char& c : lower_method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    line["method"] = lower_method;
    line["status"] = answer.status;
    line["content_type"] = answer.header("Content-Type");
    Json::Value seen(Json::objectValue);
    for (const auto& [name, value] : answer.headers) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      seen[lower] = value;
    }
    line["headers"] = seen;
    line["body"] = answer.body;
    std::ofstream(log_, std::ios::app) << Json::FastWriter().write(line);
    // What every answer of the API does, whatever it says.
    BOOST_TEST(answer.header("Cache-Control") == "no-store", method + " " + templated);
    BOOST_TEST(!answer.headers.count("Set-Cookie"), method + " " + templated);
    return answer;
  }

  Answer start(const std::string& number, const std::string& extra = {}) {
    return call("POST", "/verifications", "/verifications",
                "{\"phone_number\":\"" + number + "\"" + extra + "}");
  }
  Answer check(const std::string& id, const std::string& code) {
    return call("POST", "/verifications/" + id + "/check", "/verifications/{id}/check",
                "{\"code\":\"" + code + "\"}");
  }
  Answer show(const std::string& id) {
    return call("GET", "/verifications/" + id, "/verifications/{id}");
  }
  Answer cancel(const std::string& id) {
    return call("DELETE", "/verifications/" + id, "/verifications/{id}");
  }
  Answer resend(const std::string& id) {
    return call("POST", "/verifications/" + id + "/resend", "/verifications/{id}/resend", "{}");
  }

  std::string idempotency_key;

 private:
  httplib::Client http_;
  std::string id_, secret_, log_;
};

// A site with OpenID Connect on and three clients: A and B may use the API, "web" may not.
struct ApiTestSite {
  std::string clients_path;
  std::string answers_path;
  std::unique_ptr<Site> site;

  using Env = std::map<std::string, std::string>;
  // `nginx_post_rate`: SiteOptions::nginx_post_rate (empty: lifted).
  explicit ApiTestSite(Env env = {}, std::string nginx_post_rate = {}) {
    const std::string dir = std::string(VV_BINARY_DIR) + "/test-runs";
    const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(++counter());
    clients_path = dir + "/api-clients-" + tag;
    answers_path = dir + "/api-answers-" + tag + ".jsonl";
    run_command("mkdir -p " + dir);
    std::ofstream(clients_path) << "client-a-0001|Client A|" << oidc::hash_client_secret(kSecretA)
                                << "|api|\n"
                                << "client-b-0001|Client B|" << oidc::hash_client_secret(kSecretB)
                                << "|api|\n"
                                << "web-client-01|Web|" << oidc::hash_client_secret(kSecretWeb)
                                << "|-|https://web.example/cb\n";
    std::remove(answers_path.c_str());
    SiteOptions options;
    options.oidc = true;
    options.env = std::move(env);
    options.nginx_post_rate = std::move(nginx_post_rate);
    options.env["OIDC_CLIENTS"] = clients_path;
    site = std::make_unique<Site>(options);
  }
  ~ApiTestSite() {
    // Every answer the case received, against the document.
    if (!std::ifstream(answers_path)) return;
    const std::string out = checker("answers " + openapi_document() + " " + answers_path);
    BOOST_TEST(contains(out, "ok\n"), out);
    std::remove(clients_path.c_str());
    std::remove(answers_path.c_str());
  }
  ApiClient client_a() { return ApiClient(*site, "client-a-0001", kSecretA, answers_path); }
  ApiClient client_b() { return ApiClient(*site, "client-b-0001", kSecretB, answers_path); }
  ApiClient as(const std::string& id, const std::string& secret) {
    return ApiClient(*site, id, secret, answers_path);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

inline const std::string kProblem = "urn:voiceverify:problem:";

}  // namespace voiceverify::api_testing
