// The route table (web/routes.hpp): every method on every path gets exactly one answer, a route
// that takes an id gets only MessageBird's shape, and 405 carries the Allow list from the table.
#include "web/routes.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <ostream>
#include <string>

#include "messagebird/verify_id.hpp"

namespace {

using voiceverify::messagebird::is_verify_id;
using voiceverify::web::route;
using voiceverify::web::route_log_name;
using voiceverify::web::RouteMatch;

const std::string kId = "0123456789abcdefghijklmnopqrstuv";     // 32 of [0-9a-z]
const std::string kHexId = "e7a0c5b1f3d24c8a9b6e1f0a2d3c4b5e";  // MessageBird's usual shape

struct RouteCase {
  std::string method;
  std::string path;
  std::string expected;   // route_log_name: the row, "not_found" or "method_not_allowed"
  std::string verify_id;  // expected for the rows that take an id
  std::string allow;      // expected for MethodNotAllowed
};
std::ostream& operator<<(std::ostream& os, const RouteCase& c) {
  return os << c.method << " '" << c.path << "'";
}

const std::string kGHP = "GET, HEAD, POST";
const std::string kGH = "GET, HEAD";

const RouteCase kRouteCases[] = {
    // "/"
    {"GET", "/", "phone_form", "", ""},
    {"HEAD", "/", "phone_form", "", ""},
    {"POST", "/", "start_call", "", ""},
    {"PUT", "/", "method_not_allowed", "", kGHP},
    {"DELETE", "/", "method_not_allowed", "", kGHP},
    {"OPTIONS", "/", "method_not_allowed", "", kGHP},
    {"get", "/", "method_not_allowed", "", kGHP},  // methods are case-sensitive
    {"", "/", "method_not_allowed", "", kGHP},
    // "/EnterCode/<id>"
    {"GET", "/EnterCode/" + kId, "code_form", kId, ""},
    {"HEAD", "/EnterCode/" + kId, "code_form", kId, ""},
    {"POST", "/EnterCode/" + kId, "check_code", kId, ""},
    {"GET", "/EnterCode/" + kHexId, "code_form", kHexId, ""},
    {"POST", "/EnterCode/" + kHexId, "check_code", kHexId, ""},
    {"PATCH", "/EnterCode/" + kId, "method_not_allowed", "", kGHP},
    {"PATCH", "/EnterCode/short", "not_found", "", ""},  // unknown path beats method
    {"GET", "/EnterCode/" + kId.substr(0, 31), "not_found", "", ""},
    {"POST", "/EnterCode/" + kId.substr(0, 31), "not_found", "", ""},
    {"GET", "/EnterCode/" + kId + "w", "not_found", "", ""},  // 33
    {"GET", "/EnterCode/0123456789ABCDEFGHIJKLMNOPQRSTUV", "not_found", "", ""},
    {"GET", "/EnterCode/0123456789abcdefghijklmnopqrstuV", "not_found", "", ""},
    {"GET", "/EnterCode/", "not_found", "", ""},
    {"GET", "/EnterCode", "not_found", "", ""},
    {"GET", "/EnterCode/" + kId + "/", "not_found", "", ""},
    {"GET", "/EnterCode/" + kId + "/x", "not_found", "", ""},
    {"GET", "/EnterCode//" + kId, "not_found", "", ""},
    {"GET", "/entercode/" + kId, "not_found", "", ""},
    {"GET", "/EnterCode/../success", "not_found", "", ""},
    {"GET", "/EnterCode/" + kId.substr(0, 30) + "..", "not_found", "", ""},
    {"GET", "/EnterCode/" + kId.substr(0, 29) + "%2F", "not_found", "", ""},
    {"GET", "/EnterCode/" + kId.substr(0, 31) + "-", "not_found", "", ""},
    {"GET", "/EnterCode/" + kId.substr(0, 31) + "_", "not_found", "", ""},
    {"GET", "/EnterCode/" + kId.substr(0, 31) + " ", "not_found", "", ""},
    {"GET", "/EnterCode/" + kId + "?x=1", "not_found", "", ""},
    {"GET", "/x/EnterCode/" + kId, "not_found", "", ""},
    // the code page's buttons: "/EnterCode/<id>/call-again", "/EnterCode/<id>/other-number"
    {"POST", "/EnterCode/" + kId + "/call-again", "call_again", kId, ""},
    {"POST", "/EnterCode/" + kHexId + "/other-number", "other_number", kHexId, ""},
    {"GET", "/EnterCode/" + kId + "/call-again", "method_not_allowed", "", "POST"},
    {"HEAD", "/EnterCode/" + kId + "/other-number", "method_not_allowed", "", "POST"},
    {"POST", "/EnterCode/" + kId.substr(0, 31) + "/call-again", "not_found", "", ""},
    {"POST", "/EnterCode//call-again", "not_found", "", ""},
    {"POST", "/EnterCode/call-again", "not_found", "", ""},
    {"POST", "/EnterCode/" + kId + "/call-again/", "not_found", "", ""},
    {"POST", "/EnterCode/" + kId + "/Call-Again", "not_found", "", ""},
    {"POST", "/EnterCode/" + kId + "/call-again/other-number", "not_found", "", ""},
    {"POST", "/EnterCode/" + kId + "/other-number" + "/call-again", "not_found", "", ""},
    // "/success"
    {"GET", "/success", "success", "", ""},
    {"HEAD", "/success", "success", "", ""},
    {"POST", "/success", "method_not_allowed", "", kGH},
    {"PUT", "/success", "method_not_allowed", "", kGH},
    {"GET", "/success/", "not_found", "", ""},
    {"GET", "/Success", "not_found", "", ""},
    {"GET", "/success/..", "not_found", "", ""},
    {"GET", "/success%2F", "not_found", "", ""},
    // everything else
    {"GET", "", "not_found", "", ""},
    {"GET", "//", "not_found", "", ""},
    {"POST", "//", "not_found", "", ""},
    {"GET", "/.", "not_found", "", ""},
    {"GET", "/..", "not_found", "", ""},
    {"GET", "/%2F", "not_found", "", ""},
    {"GET", "/index.html", "not_found", "", ""},
    {"PUT", "/nowhere", "not_found", "", ""},
    {"GET", "success", "not_found", "", ""},
    {"GET", std::string("/\0", 2), "not_found", "", ""},
    {"GET", std::string("/success\0", 9), "not_found", "", ""},
};

BOOST_AUTO_TEST_SUITE(routes_tests)

BOOST_DATA_TEST_CASE(route_table, boost::unit_test::data::make(kRouteCases), sample) {
  const auto got = route(sample.method, sample.path);
  BOOST_TEST(route_log_name(got) == sample.expected);
  BOOST_TEST(got.verify_id == sample.verify_id);
  BOOST_TEST(got.allow == sample.allow);
}

BOOST_AUTO_TEST_CASE(every_method_on_every_path_gets_a_consistent_answer) {
  // The full method x path grid: a path is either known for all methods (a route or 405) or for
  // none (404), and HEAD always goes where GET goes.
  const char* const methods[] = {"GET",     "HEAD",  "POST",    "PUT", "DELETE", "PATCH",
                                 "OPTIONS", "TRACE", "CONNECT", "get", "post",   ""};
  const std::string paths[] = {
      "/",     "/success", "/EnterCode/" + kId,          "/EnterCode/" + kId + "/",
      "/nope", "//",       "/EnterCode/" + kId.substr(1)};
  const bool known[] = {true, true, true, false, false, false, false};
  for (std::size_t p = 0; p < std::size(paths); ++p) {
    for (const char* method : methods) {
      BOOST_TEST_INFO(method << " " << paths[p]);
      const auto got = route(method, paths[p]);
      BOOST_TEST((got.match != RouteMatch::NotFound) == known[p]);
      if (got.match == RouteMatch::MethodNotAllowed) {
        BOOST_TEST((got.allow == kGH || got.allow == kGHP));
      } else {
        BOOST_TEST(got.allow.empty());
      }
      const bool takes_id = got.match == RouteMatch::Found && got.row->takes_id;
      BOOST_TEST(got.verify_id == (takes_id ? kId : std::string()));
    }
    BOOST_TEST(route_log_name(route("HEAD", paths[p])) == route_log_name(route("GET", paths[p])));
  }
}

BOOST_AUTO_TEST_CASE(verify_id_shape) {
  BOOST_TEST(is_verify_id(kId));
  BOOST_TEST(is_verify_id(kHexId));
  BOOST_TEST(is_verify_id(std::string(32, '0')));
  BOOST_TEST(is_verify_id(std::string(32, 'z')));
  BOOST_TEST(!is_verify_id(""));
  BOOST_TEST(!is_verify_id(std::string(31, 'a')));
  BOOST_TEST(!is_verify_id(std::string(33, 'a')));
  for (const char bad : {'A', 'Z', '-', '_', '.', '/', '%', ' ', '\0', '{', '`', ':', '@'}) {
    std::string id = kId;
    id[17] = bad;
    BOOST_TEST_INFO("character " << static_cast<int>(bad));
    BOOST_TEST(!is_verify_id(id));
  }
}

BOOST_AUTO_TEST_CASE(local_only_rows_exist_only_for_a_local_asker) {
  using voiceverify::web::Asker;
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    BOOST_TEST_INFO(path);
    BOOST_TEST(route_log_name(route("GET", path)) == "not_found");
    BOOST_TEST(route_log_name(route("POST", path, Asker::Public)) == "not_found");
    const auto local = route("GET", path, Asker::Local);
    BOOST_TEST_REQUIRE((local.match == RouteMatch::Found));
    BOOST_TEST(local.row->local_only);
    BOOST_TEST(local.row->name == std::string(path).substr(1));
    BOOST_TEST(route("HEAD", path, Asker::Local).row == local.row);
    BOOST_TEST(route("POST", path, Asker::Local).allow == kGH);
  }
  // Every page a visitor uses is public.
  BOOST_TEST((route("GET", "/", Asker::Public).match == RouteMatch::Found));
  BOOST_TEST(route_log_name(route("GET", "/healthz/", Asker::Local)) == "not_found");
}

BOOST_AUTO_TEST_CASE(oidc_documents_are_public_gets) {
  for (const char* path : {"/.well-known/openid-configuration", "/jwks.json"}) {
    BOOST_TEST_INFO(path);
    const auto found = route("GET", path);
    BOOST_TEST_REQUIRE((found.match == RouteMatch::Found));
    BOOST_TEST(!found.row->csrf);
    BOOST_TEST(!found.row->local_only);
    BOOST_TEST(route("POST", path).allow == kGH);
  }
  BOOST_TEST(route_log_name(route("GET", "/.well-known/openid-configuration/")) == "not_found");
  // A client's own requests: no CSRF token (it proves itself by its secret or PKCE).
  const auto token = route("POST", "/token");
  BOOST_TEST_REQUIRE((token.match == RouteMatch::Found));
  BOOST_TEST(!token.row->csrf);
  BOOST_TEST(route("GET", "/token").allow == "POST");
  BOOST_TEST((route("GET", "/userinfo").match == RouteMatch::Found));
  BOOST_TEST((route("POST", "/userinfo").match == RouteMatch::Found));
}

// Without OIDC_ISSUER the OpenID Connect paths are unknown whatever the method: 404, never a
// 405 that would tell a prober they exist.
BOOST_AUTO_TEST_CASE(oidc_rows_do_not_exist_without_oidc) {
  using voiceverify::web::Asker;
  using voiceverify::web::Family;
  for (const auto& row : voiceverify::web::kRoutes) {
    if (row.family != Family::OidcClient) continue;
    for (const char* method : {"GET", "HEAD", "POST", "PUT"}) {
      BOOST_TEST_INFO(method << " " << row.path);
      BOOST_TEST((route(method, row.path, Asker::Local, false).match == RouteMatch::NotFound));
    }
  }
  BOOST_TEST((route("GET", "/", Asker::Public, false).match == RouteMatch::Found));
}

// The verification API (docs/api.md): JSON rows, no CSRF token, an id of MessageBird's shape.
BOOST_AUTO_TEST_CASE(api_routes_are_json_rows) {
  using voiceverify::web::Asker;
  using voiceverify::web::Family;
  const std::string base = "/api/v1/verifications";
  struct Case {
    std::string method, path, expected;
  };
  for (const Case& c : {Case{"POST", base, "api_start"}, Case{"GET", base + "/" + kId, "api_show"},
                        Case{"HEAD", base + "/" + kId, "api_show"},
                        Case{"POST", base + "/" + kId + "/check", "api_check"},
                        Case{"POST", base + "/" + kId + "/resend", "api_resend"},
                        Case{"DELETE", base + "/" + kId, "api_cancel"},
                        Case{"GET", "/api/v1/openapi.json", "api_openapi"}}) {
    BOOST_TEST_INFO(c.method << " " << c.path);
    const auto found = route(c.method, c.path);
    BOOST_TEST_REQUIRE(route_log_name(found) == c.expected);
    BOOST_TEST((found.row->family == Family::Api));
    BOOST_TEST(!found.row->csrf);
  }
  BOOST_TEST(route("GET", base).allow == "POST");
  BOOST_TEST(route("POST", base + "/" + kId).allow == "GET, HEAD, DELETE");
  BOOST_TEST(route("PUT", "/").allow == kGHP);
  BOOST_TEST(route("GET", base + "/" + kId + "/check").allow == "POST");
  BOOST_TEST(route_log_name(route("POST", base + "/")) == "not_found");
  BOOST_TEST(route_log_name(route("GET", base + "/" + kId.substr(0, 31))) == "not_found");
  BOOST_TEST(route_log_name(route("POST", base + "/" + kId + "/Check")) == "not_found");
  BOOST_TEST((route("GET", "/").row->family == Family::Site));
  // Its clients are OpenID Connect's: without OIDC_ISSUER it does not exist.
  BOOST_TEST((route("POST", base, Asker::Public, false).match == RouteMatch::NotFound));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
