// /healthz, /readyz and /metrics through real nginx (the snippet's location for them) and the
// pool: they answer loopback, a verification shows in the counters by route, status and country,
// /readyz turns 503 with a reason when the store stops answering, and a client that is not local
// (a trusted proxy's X-Forwarded-For) gets 404 as if they did not exist.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;

BOOST_AUTO_TEST_SUITE(metrics_integration_tests)

BOOST_AUTO_TEST_CASE(health_and_readiness_answer_loopback) {
  Site site;
  Browser browser(site);
  const Page health = browser.get("/healthz");
  BOOST_TEST(health.status == 200);
  BOOST_TEST(health.body == "ok\n");
  BOOST_TEST(contains(health.header("Content-Type"), "text/plain"));
  const Page ready = browser.get("/readyz");
  BOOST_TEST(ready.status == 200);
  BOOST_TEST(contains(ready.body, "ready: store=ok templates=loaded upstream_breaker=closed"),
             ready.body);
  // Not even a cookie: these answers are for machines.
  BOOST_TEST(health.header("Set-Cookie").empty());
  // A check every few seconds stays out of nginx's access log; pages do not.
  BOOST_TEST(browser.get("/").status == 200);
  // nginx writes the line once the answer is sent: wait for the page's, which comes last.
  std::string access;
  for (int i = 0; i < 3000 && !contains(access, "\"GET / HTTP/1.1\" 200"); ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    access = read_file(site.run_dir() + "/nginx-access.log");
  }
  BOOST_TEST(contains(access, "\"GET / HTTP/1.1\" 200"), access);
  BOOST_TEST(!contains(access, "healthz"), access);
  BOOST_TEST(!contains(access, "readyz"), access);
}

BOOST_AUTO_TEST_CASE(a_verification_shows_in_the_counters) {
  Site site;
  Browser browser(site);
  const Page started = start(browser, kNumber);
  BOOST_REQUIRE(started.location.rfind("/EnterCode/", 0) == 0);
  BOOST_TEST(browser.post(started.location, {{"token", site.last_code(kDigits)}}).location ==
             "/success");
  Browser prometheus(site);
  const Page metrics = prometheus.get("/metrics");
  BOOST_TEST(metrics.status == 200);
  BOOST_TEST(contains(metrics.header("Content-Type"), "text/plain; version=0.0.4"));
  const std::string& text = metrics.body;
  for (const char* line : {
           "voiceverify_http_requests_total{route=\"phone_form\",status=\"200\"} 1",
           "voiceverify_http_requests_total{route=\"start_call\",status=\"303\"} 1",
           "voiceverify_http_requests_total{route=\"check_code\",status=\"303\"} 1",
           "voiceverify_http_request_duration_seconds_count{route=\"start_call\"} 1",
           "voiceverify_upstream_calls_total{operation=\"create\",outcome=\"ok\"} 1",
           "voiceverify_upstream_calls_total{operation=\"check\",outcome=\"ok\"} 1",
           "voiceverify_upstream_call_duration_seconds_count{operation=\"create\"} 1",
           "voiceverify_verifications_started_total{country=\"NL\"} 1",
           "voiceverify_verifications_verified_total{country=\"NL\"} 1",
           "voiceverify_limit_hits_total{window=\"ip-hour\"} 0",
           "voiceverify_store_errors_total 0",
           "voiceverify_upstream_in_flight ",
           "voiceverify_worker_threads ",
           "voiceverify_build_info{version=\"",
       }) {
    BOOST_TEST(contains(text, line), line);
  }
  // The scrape itself is being served while it renders.
  BOOST_TEST(contains(text, "voiceverify_workers_busy 1"));
  // Never a number, whole or masked.
  BOOST_TEST(!contains(text, "12345678"));
  BOOST_TEST(!contains(text, "31612"));
}

BOOST_AUTO_TEST_CASE(readyz_is_503_with_a_reason_when_the_store_is_down) {
  Site site({.env = {}, .with_redis = true});
  Browser browser(site);
  BOOST_TEST(browser.get("/readyz").status == 200);
  site.stop_redis();
  const Page ready = browser.get("/readyz");
  BOOST_TEST(ready.status == 503);
  BOOST_TEST(contains(ready.body, "not ready: the store does not answer"), ready.body);
  BOOST_TEST(contains(ready.body, "upstream_breaker=closed"), ready.body);
  // The pool still serves: a load balancer keeps it.
  BOOST_TEST(browser.get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(readyz_stays_200_while_the_breaker_is_open) {
  Site site({.env = {{"BREAKER_FAILURES", "1"}, {"BREAKER_COOLDOWN", "600"}}});
  site.stop_sim();
  Browser browser(site);
  start(browser, kNumber);  // fails upstream and opens the breaker
  const Page ready = browser.get("/readyz");
  BOOST_TEST(ready.status == 200);
  BOOST_TEST(contains(ready.body, "upstream_breaker=open"), ready.body);
  const std::string text = browser.get("/metrics").body;
  BOOST_TEST(
      contains(text,
               "voiceverify_upstream_calls_total{operation=\"create\",outcome=\"unavailable\"} 1"),
      text);
}

BOOST_AUTO_TEST_CASE(a_client_that_is_not_local_gets_404) {
  Site site({.env = {}, .trusted_proxies = "127.0.0.1"});
  Browser outsider(site);
  outsider.headers["X-Forwarded-For"] = "203.0.113.9";
  Browser unknown_path(site);
  const Page not_found = unknown_path.get("/no-such-page");
  BOOST_REQUIRE(not_found.status == 404);
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    const Page page = outsider.get(path);
    BOOST_TEST(page.status == 404, path);
    BOOST_TEST(!contains(page.body, "voiceverify_"), path);
    BOOST_TEST(!contains(page.body, "ok\n"), path);
    // The same page any unknown path gets.
    BOOST_TEST(page.body == not_found.body, path);
    BOOST_TEST(outsider.post_raw(path, "", "application/x-www-form-urlencoded").status == 404,
               path);
  }
  // The same proxy's own requests (loopback) still get them.
  Browser local(site);
  BOOST_TEST(local.get("/healthz").status == 200);
}

// Behind a proxy on the same host every visitor reaches nginx from loopback: a METRICS_ALLOW
// that does not list loopback keeps them out, while nginx's own check alone would let them in.
BOOST_AUTO_TEST_CASE(loopback_is_local_only_when_metrics_allow_lists_it) {
  for (const char* allow : {"none", "203.0.113.0/24"}) {
    Site site({.env = {{"METRICS_ALLOW", allow}}});
    Browser same_host_proxy(site);
    for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
      const Page page = same_host_proxy.get(path);
      BOOST_TEST(page.status == 404, allow << " " << path);
      BOOST_TEST(!contains(page.body, "voiceverify_"), path);
    }
    BOOST_TEST(same_host_proxy.get("/").status == 200);
  }
  Site listed({.env = {{"METRICS_ALLOW", "127.0.0.1,::1"}}});
  Browser scraper(listed);
  BOOST_TEST(scraper.get("/metrics").status == 200);
}

// nginx's own allow/deny, alone: the pool would answer this client (METRICS_ALLOW), nginx does not.
BOOST_AUTO_TEST_CASE(nginx_refuses_them_even_when_the_pool_would_answer) {
  Site site({.env = {{"METRICS_ALLOW", "203.0.113.0/24"}}, .trusted_proxies = "127.0.0.1"});
  Browser outsider(site);
  outsider.headers["X-Forwarded-For"] = "203.0.113.9";
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    BOOST_TEST(outsider.get(path).status == 404, path);
  }
}

BOOST_AUTO_TEST_SUITE_END()
