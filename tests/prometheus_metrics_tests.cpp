// The /metrics sink (app/prometheus_metrics.cpp): what an operator reads in the text exposition,
// that label values stay within their fixed sets whatever a caller passes, and that recording
// from many threads at once loses nothing.
#include "app/prometheus_metrics.hpp"

#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

using voiceverify::app::PrometheusMetrics;
using voiceverify::util::Gauge;
using voiceverify::util::Verification;
using namespace std::chrono_literals;

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prometheus_metrics_tests)

BOOST_AUTO_TEST_CASE(every_family_an_operator_needs_is_in_the_exposition) {
  PrometheusMetrics metrics("9.8.7", 4);
  metrics.request("start_call", 303, 1500us);
  metrics.request("start_call", 303, 2ms);
  metrics.request("not_found", 404, 10us);
  metrics.upstream("create", "ok", 120ms);
  metrics.upstream("check", "unavailable", 3s);
  metrics.verification(Verification::Started, "NL");
  metrics.verification(Verification::Verified, "NL");
  metrics.limit_hit("ip-hour");
  metrics.store_error();
  metrics.fraud_refused("range");
  metrics.quarantined(2, 0);
  metrics.add(Gauge::WorkersBusy, 2);
  metrics.add(Gauge::UpstreamInFlight, 3);
  metrics.add(Gauge::UpstreamInFlight, -1);
  const std::string text = metrics.exposition();
  BOOST_TEST_MESSAGE(text);
  for (const char* line : {
           "# TYPE voiceverify_http_requests_total counter",
           "voiceverify_http_requests_total{route=\"start_call\",status=\"303\"} 2",
           "voiceverify_http_requests_total{route=\"not_found\",status=\"404\"} 1",
           "# TYPE voiceverify_http_request_duration_seconds histogram",
           "voiceverify_http_request_duration_seconds_count{route=\"start_call\"} 2",
           "voiceverify_http_request_duration_seconds_bucket{route=\"start_call\",le=\"0.0025\"} 2",
           "voiceverify_upstream_calls_total{operation=\"create\",outcome=\"ok\"} 1",
           "voiceverify_upstream_calls_total{operation=\"check\",outcome=\"unavailable\"} 1",
           "voiceverify_upstream_call_duration_seconds_bucket{operation=\"check\",le=\"2\"} 0",
           "voiceverify_upstream_call_duration_seconds_bucket{operation=\"check\",le=\"3\"} 1",
           "voiceverify_verifications_started_total{country=\"NL\"} 1",
           "voiceverify_verifications_verified_total{country=\"NL\"} 1",
           "voiceverify_limit_hits_total{window=\"ip-hour\"} 1",
           "voiceverify_limit_hits_total{window=\"global-hour\"} 0",
           "voiceverify_store_errors_total 1",
           "voiceverify_limit_hits_total{window=\"country-hour\"} 0",
           "voiceverify_fraud_refusals_total{scope=\"range\"} 1",
           "voiceverify_fraud_refusals_total{scope=\"country\"} 0",
           "voiceverify_fraud_quarantined{scope=\"range\"} 2",
           "voiceverify_upstream_in_flight 2",
           "voiceverify_workers_busy 2",
           "voiceverify_worker_threads 4",
           "voiceverify_build_info{version=\"9.8.7\"} 1",
       }) {
    BOOST_TEST(has(text, line), line);
  }
}

BOOST_AUTO_TEST_CASE(label_values_outside_their_sets_fall_into_one_bucket) {
  PrometheusMetrics metrics("1", 1);
  for (const char* region : {"nl", "ZZ", "001", "NLD", "", "N\"", "+31612345678"}) {
    metrics.verification(Verification::Started, region);
  }
  metrics.request("Route\"} 1\nevil", 200, 1us);
  metrics.request("phone_form", 1000, 1us);
  metrics.limit_hit(std::string(40, 'a'));
  const std::string text = metrics.exposition();
  BOOST_TEST(has(text, "voiceverify_verifications_started_total{country=\"other\"} 7"), text);
  BOOST_TEST(!has(text, "31612345678"));
  BOOST_TEST(!has(text, "evil"));
  BOOST_TEST(has(text, "voiceverify_http_requests_total{route=\"other\",status=\"200\"} 1"));
  BOOST_TEST(has(text, "voiceverify_http_requests_total{route=\"phone_form\",status=\"other\"} 1"));
  BOOST_TEST(has(text, "voiceverify_limit_hits_total{window=\"other\"} 1"));
}

BOOST_AUTO_TEST_CASE(threads_recording_at_once_lose_no_count) {
  PrometheusMetrics metrics("1", 8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 1000; ++i) {
        metrics.request(t % 2 == 0 ? "phone_form" : "code_form", 200, 5us);
        metrics.add(Gauge::WorkersBusy, 1);
        metrics.add(Gauge::WorkersBusy, -1);
        if (i % 100 == 0) (void)metrics.exposition();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const std::string text = metrics.exposition();
  BOOST_TEST(
      has(text, "voiceverify_http_requests_total{route=\"phone_form\",status=\"200\"} 4000"));
  BOOST_TEST(has(text, "voiceverify_http_requests_total{route=\"code_form\",status=\"200\"} 4000"));
  BOOST_TEST(has(text, "voiceverify_workers_busy 0"));
}

BOOST_AUTO_TEST_SUITE_END()
