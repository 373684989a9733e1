// oidc/redirect_uri.cpp: which URIs may be registered, exact matching with RFC 8252's loopback
// port exception, and appending parameters to a URI that may already have a query.
#include "oidc/redirect_uri.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <string>

namespace vo = voiceverify::oidc;
namespace bdata = boost::unit_test::data;

namespace {

const char* const kAllowed[] = {
    "https://app.example.org/cb", "https://app.example.org:8443/oidc/callback?tenant=7",
    "https://[2001:db8::1]/cb",   "http://127.0.0.1/cb",
    "http://127.0.0.1:8080/cb",   "http://[::1]:53000/",
    "http://localhost:3000/auth",
};

const char* const kRefused[] = {
    "",
    "http://app.example.org/cb",        // http off loopback
    "http://127.0.0.1.example.org/cb",  // looks like loopback, is not
    "https://app.example.org/cb#frag",  // fragment
    "https://user@app.example.org/cb",  // user info
    "https:///cb",                      // no host
    "https://app.example.org:80a/cb",   // port not a number
    "com.example.app:/oauth2redirect",  // private-use scheme: not supported
    "https://app.example.org/c b",      // space
    "https://app.example.org/c|b",      // the file's separator
    "https://app.example.org/\x01",     // control byte
    "javascript:alert(1)",
};

}  // namespace

BOOST_AUTO_TEST_SUITE(oidc_redirect_uri_tests)

BOOST_DATA_TEST_CASE(these_may_be_registered, bdata::make(kAllowed), uri) {
  BOOST_TEST(vo::redirect_uri_problem(uri).empty(), uri << ": " << vo::redirect_uri_problem(uri));
}

BOOST_DATA_TEST_CASE(these_may_not, bdata::make(kRefused), uri) {
  BOOST_TEST(!vo::redirect_uri_problem(uri).empty(), uri);
}

BOOST_AUTO_TEST_CASE(over_long_uri_is_refused) {
  const std::string uri = "https://app.example.org/" + std::string(vo::kMaxRedirectUriBytes, 'a');
  BOOST_TEST(!vo::redirect_uri_problem(uri).empty());
}

BOOST_AUTO_TEST_CASE(matching_is_exact) {
  const std::string reg = "https://app.example.org/cb";
  BOOST_TEST(vo::redirect_uri_matches(reg, reg));
  BOOST_TEST(!vo::redirect_uri_matches(reg, reg + "/evil"));  // prefix match: refused
  BOOST_TEST(!vo::redirect_uri_matches(reg, reg + "?x=1"));
  BOOST_TEST(!vo::redirect_uri_matches(reg, "https://APP.example.org/cb"));
  BOOST_TEST(!vo::redirect_uri_matches(reg, "https://app.example.org:443/cb"));
  BOOST_TEST(!vo::redirect_uri_matches(reg, "https://app.example.org/cb/"));
}

BOOST_AUTO_TEST_CASE(loopback_may_use_any_port) {
  // RFC 8252 section 7.3.
  BOOST_TEST(vo::redirect_uri_matches("http://127.0.0.1/cb", "http://127.0.0.1:51234/cb"));
  BOOST_TEST(vo::redirect_uri_matches("http://127.0.0.1:8080/cb", "http://127.0.0.1:9090/cb"));
  BOOST_TEST(vo::redirect_uri_matches("http://[::1]/cb", "http://[::1]:4000/cb"));
  BOOST_TEST(vo::redirect_uri_matches("http://localhost:1/cb", "http://localhost/cb"));
  // ...but nothing else may differ: path, host, scheme.
  BOOST_TEST(!vo::redirect_uri_matches("http://127.0.0.1/cb", "http://127.0.0.1:5/cb2"));
  BOOST_TEST(!vo::redirect_uri_matches("http://127.0.0.1/cb", "http://localhost:5/cb"));
  BOOST_TEST(!vo::redirect_uri_matches("http://127.0.0.1/cb", "http://127.0.0.1:x/cb"));
  BOOST_TEST(
      !vo::redirect_uri_matches("https://app.example.org/cb", "https://app.example.org:1/cb"));
  BOOST_TEST(!vo::redirect_uri_matches("http://127.0.0.1/cb", "http://127.0.0.1:5@evil.org/cb"));
}

// CORS: the origins of the registered URIs, exact, but a loopback http URI's with any port.
BOOST_AUTO_TEST_CASE(redirect_origins_follow_the_matching_rules) {
  vo::RedirectOrigins origins;
  for (const char* uri : {"https://spa.example/cb", "https://app.example:8443/a?b=c",
                          "http://127.0.0.1/cb", "http://[::1]:8080/cb", "not a uri"})
    origins.add(uri);
  for (const char* allowed : {"https://spa.example", "https://app.example:8443", "http://127.0.0.1",
                              "http://127.0.0.1:43210", "http://[::1]", "http://[::1]:5"}) {
    BOOST_TEST(origins.allows(allowed), allowed);
  }
  for (const char* refused :
       {"https://spa.example.evil", "https://spa.example/cb", "https://spa.example:443",
        "http://spa.example", "https://app.example", "https://127.0.0.1", "http://localhost:5",
        "http://127.0.0.1:x", "http://127.0.0.1:5@evil.org", "http://127.0.0.1/", "null", ""}) {
    BOOST_TEST(!origins.allows(refused), refused);
  }
}

BOOST_AUTO_TEST_CASE(with_query_appends_and_escapes) {
  BOOST_TEST(vo::with_query("https://a.example/cb", {{"code", "abc"}, {"state", "x y&z"}}) ==
             "https://a.example/cb?code=abc&state=x%20y%26z");
  BOOST_TEST(vo::with_query("https://a.example/cb?tenant=7", {{"code", "c"}}) ==
             "https://a.example/cb?tenant=7&code=c");
  BOOST_TEST(vo::with_query("https://a.example/cb?", {{"code", "c"}}) ==
             "https://a.example/cb?code=c");
  BOOST_TEST(vo::with_query("https://a.example/cb", {{"iss", "https://vv.example:8443"}}) ==
             "https://a.example/cb?iss=https%3A%2F%2Fvv.example%3A8443");
  BOOST_TEST(vo::percent_encode("aZ09-._~ é") == "aZ09-._~%20%C3%A9");
}

BOOST_AUTO_TEST_SUITE_END()
