// See prometheus_metrics.hpp. prometheus-cpp's families and metrics are thread-safe (Family::Add
// locks, counters and gauges are atomic, a histogram locks per observation), and a metric Add
// returns lives as long as the registry: docs/platform.md, "prometheus-cpp".
#include "app/prometheus_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>

#include "guard/limit_windows.hpp"

namespace voiceverify::app {
namespace {

// Callers pass names from our own tables; this is the last guard that no label value is ever
// something a visitor typed, and that a new name cannot make the series unbounded by accident.
std::string name_label(std::string_view name) {
  const bool ok =
      !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      });
  return ok ? std::string(name) : "other";
}

// ISO 3166 alpha-2 only; libphonenumber's "ZZ" (unknown) and "001" (non-geographic) go in one
// fixed bucket.
std::string country_label(std::string_view region) {
  const bool ok =
      region.size() == 2 && region != "ZZ" &&
      std::all_of(region.begin(), region.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  return ok ? std::string(region) : "other";
}

std::string status_label(int status) {
  return status >= 100 && status <= 599 ? std::to_string(status) : "other";
}

double seconds(std::chrono::microseconds took) {
  return static_cast<double>(took.count()) / 1e6;
}

// Pages answer in milliseconds; a request waiting for MessageBird takes up to TOTAL_TIMEOUT_MS.
const prometheus::Histogram::BucketBoundaries kRequestBuckets{
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
const prometheus::Histogram::BucketBoundaries kUpstreamBuckets{0.05, 0.1, 0.25, 0.5, 1,
                                                               2,    3,   5,    10,  30};

// One family registered in `registry`: its builder (prometheus::BuildCounter() and the like),
// name and help text.
template <typename Builder>
auto& registered(Builder builder, prometheus::Registry& registry, const char* name,
                 const char* help) {
  return builder.Name(name).Help(help).Register(registry);
}

}  // namespace

struct PrometheusMetrics::Families {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& requests =
      registered(prometheus::BuildCounter(), registry, "voiceverify_http_requests_total",
                 "Requests answered by the pool, by route (web/routes.hpp) and status");
  prometheus::Family<prometheus::Histogram>& request_seconds = registered(
      prometheus::BuildHistogram(), registry, "voiceverify_http_request_duration_seconds",
      "Time from a request's arrival in the pool to its answer, by route");
  prometheus::Family<prometheus::Counter>& upstream =
      registered(prometheus::BuildCounter(), registry, "voiceverify_upstream_calls_total",
                 "Calls to MessageBird's Verify API by operation and outcome (ok, or the error)");
  prometheus::Family<prometheus::Histogram>& upstream_seconds = registered(
      prometheus::BuildHistogram(), registry, "voiceverify_upstream_call_duration_seconds",
      "Time from sending a call to MessageBird to its answer, by operation");
  prometheus::Family<prometheus::Counter>& started =
      registered(prometheus::BuildCounter(), registry, "voiceverify_verifications_started_total",
                 "Calls placed, by the main region of the number's calling code");
  prometheus::Family<prometheus::Counter>& verified =
      registered(prometheus::BuildCounter(), registry, "voiceverify_verifications_verified_total",
                 "Codes accepted, by the main region of the number's calling code");
  prometheus::Family<prometheus::Counter>& limit_hits =
      registered(prometheus::BuildCounter(), registry, "voiceverify_limit_hits_total",
                 "Calls or checks refused by a limit, by window");
  prometheus::Family<prometheus::Counter>& shares =
      registered(prometheus::BuildCounter(), registry, "voiceverify_calls_by_share_total",
                 "Calls the limits allowed, by whose share of the site-wide hour they spent "
                 "(known people, strangers)");
  prometheus::Family<prometheus::Counter>& fraud_refusals =
      registered(prometheus::BuildCounter(), registry, "voiceverify_fraud_refusals_total",
                 "Calls the fraud guard refused, by what was quarantined (range or country)");
  prometheus::Family<prometheus::Counter>& test_number_uses =
      registered(prometheus::BuildCounter(), registry, "voiceverify_test_number_uses_total",
                 "TEST_NUMBERS verifications answered without calling anyone, by step");
  prometheus::Family<prometheus::Counter>& authorizations =
      registered(prometheus::BuildCounter(), registry, "voiceverify_oidc_authorizations_total",
                 "OpenID Connect authorizations by client and stage (started, completed, failed)");
  prometheus::Family<prometheus::Counter>& token_requests =
      registered(prometheus::BuildCounter(), registry, "voiceverify_oidc_token_requests_total",
                 "POST /token answers by client and outcome (ok, or the OAuth error)");
  prometheus::Family<prometheus::Gauge>& quarantined =
      registered(prometheus::BuildGauge(), registry, "voiceverify_fraud_quarantined",
                 "Number ranges and countries in quarantine now, by scope");
  prometheus::Counter& store_errors =
      registered(prometheus::BuildCounter(), registry, "voiceverify_store_errors_total",
                 "Store operations that failed (the flow failed closed)")
          .Add({});
  prometheus::Counter& redis_primary_changes =
      registered(prometheus::BuildCounter(), registry, "voiceverify_redis_primary_changes_total",
                 "Times Redis Sentinel named a new primary (failovers this pool saw)")
          .Add({});
  prometheus::Counter& redis_without_primary =
      registered(prometheus::BuildCounter(), registry,
                 "voiceverify_redis_without_primary_seconds_total",
                 "Time with no Redis primary known, from a loss to the next confirmed primary")
          .Add({});
  prometheus::Gauge& in_flight =
      registered(prometheus::BuildGauge(), registry, "voiceverify_upstream_in_flight",
                 "Requests waiting for MessageBird now")
          .Add({});
  prometheus::Gauge& busy =
      registered(prometheus::BuildGauge(), registry, "voiceverify_workers_busy",
                 "Worker threads handling a request now")
          .Add({});
  prometheus::Family<prometheus::Gauge>& threads =
      registered(prometheus::BuildGauge(), registry, "voiceverify_worker_threads",
                 "Worker threads in the pool (THREADS)");
  prometheus::Family<prometheus::Gauge>& build =
      registered(prometheus::BuildGauge(), registry, "voiceverify_build_info",
                 "Always 1; the version of this build in its label");
};

PrometheusMetrics::PrometheusMetrics(const std::string& version, int threads)
    : families_(std::make_unique<Families>()) {
  families_->build.Add({{"version", version}}).Set(1);
  families_->threads.Add({}).Set(threads);
  // Zero from the start, so rate() and the alerts in docs/operations.md have a series before the
  // first hit.
  for (const auto& window : guard::kLimitWindows) {
    families_->limit_hits.Add({{"window", window.name}});
  }
  for (const auto share : {util::Share::Known, util::Share::Strangers}) {
    families_->shares.Add({{"share", std::string(util::share_name(share))}});
  }
  for (const char* scope : {"range", "country"}) {
    families_->fraud_refusals.Add({{"scope", scope}});
    families_->quarantined.Add({{"scope", scope}});
  }
}

PrometheusMetrics::~PrometheusMetrics() = default;

void PrometheusMetrics::request(std::string_view route, int status,
                                std::chrono::microseconds took) {
  const std::string name = name_label(route);
  families_->requests.Add({{"route", name}, {"status", status_label(status)}}).Increment();
  families_->request_seconds.Add({{"route", name}}, kRequestBuckets).Observe(seconds(took));
}

void PrometheusMetrics::upstream(std::string_view operation, std::string_view outcome,
                                 std::chrono::microseconds took) {
  const std::string op = name_label(operation);
  families_->upstream.Add({{"operation", op}, {"outcome", name_label(outcome)}}).Increment();
  families_->upstream_seconds.Add({{"operation", op}}, kUpstreamBuckets).Observe(seconds(took));
}

void PrometheusMetrics::verification(util::Verification stage, std::string_view region) {
  auto& family = stage == util::Verification::Started ? families_->started : families_->verified;
  family.Add({{"country", country_label(region)}}).Increment();
}

void PrometheusMetrics::share_spent(util::Share share) {
  families_->shares.Add({{"share", std::string(util::share_name(share))}}).Increment();
}

void PrometheusMetrics::limit_hit(std::string_view window) {
  families_->limit_hits.Add({{"window", name_label(window)}}).Increment();
}

void PrometheusMetrics::store_error() {
  families_->store_errors.Increment();
}

void PrometheusMetrics::test_number_use(std::string_view step) {
  families_->test_number_uses.Add({{"step", name_label(step)}}).Increment();
}

void PrometheusMetrics::fraud_refused(std::string_view scope) {
  families_->fraud_refusals.Add({{"scope", name_label(scope)}}).Increment();
}

void PrometheusMetrics::authorization(std::string_view client, util::Authorization stage) {
  families_->authorizations
      .Add(
          {{"client", name_label(client)}, {"stage", std::string(util::authorization_name(stage))}})
      .Increment();
}

void PrometheusMetrics::token_request(std::string_view client, std::string_view outcome) {
  families_->token_requests.Add({{"client", name_label(client)}, {"outcome", name_label(outcome)}})
      .Increment();
}

void PrometheusMetrics::quarantined(long ranges, long countries) {
  families_->quarantined.Add({{"scope", "range"}}).Set(static_cast<double>(ranges));
  families_->quarantined.Add({{"scope", "country"}}).Set(static_cast<double>(countries));
}

void PrometheusMetrics::add(util::Gauge gauge, long delta) {
  prometheus::Gauge& target =
      gauge == util::Gauge::UpstreamInFlight ? families_->in_flight : families_->busy;
  target.Increment(static_cast<double>(delta));
}

void PrometheusMetrics::redis_primary_changed() {
  families_->redis_primary_changes.Increment();
}

void PrometheusMetrics::redis_without_primary(std::chrono::milliseconds without) {
  families_->redis_without_primary.Increment(static_cast<double>(without.count()) / 1e3);
}

std::string PrometheusMetrics::exposition() const {
  return prometheus::TextSerializer().Serialize(families_->registry.Collect());
}

}  // namespace voiceverify::app
