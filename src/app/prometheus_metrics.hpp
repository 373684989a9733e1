// The util::Metrics sink behind /metrics, on prometheus-cpp's core library (docs/platform.md,
// "prometheus-cpp"): the only file that knows it. main installs one for the whole process.
#pragma once

#include <memory>
#include <string>

#include "util/metrics.hpp"

namespace voiceverify::app {

class PrometheusMetrics final : public util::Metrics {
 public:
  // `version` goes into voiceverify_build_info; `threads` into voiceverify_worker_threads (what
  // voiceverify_workers_busy is out of).
  PrometheusMetrics(const std::string& version, int threads);
  ~PrometheusMetrics() override;
  PrometheusMetrics(const PrometheusMetrics&) = delete;
  PrometheusMetrics& operator=(const PrometheusMetrics&) = delete;

  void request(std::string_view route, int status, std::chrono::microseconds took) override;
  void upstream(std::string_view operation, std::string_view outcome,
                std::chrono::microseconds took) override;
  void verification(util::Verification stage, std::string_view region) override;
  void limit_hit(std::string_view window) override;
  void share_spent(util::Share share) override;
  void store_error() override;
  void test_number_use(std::string_view step) override;
  void fraud_refused(std::string_view scope) override;
  void authorization(std::string_view client, util::Authorization stage) override;
  void token_request(std::string_view client, std::string_view outcome) override;
  void quarantined(long ranges, long countries) override;
  void add(util::Gauge gauge, long delta) override;
  void redis_primary_changed() override;
  void redis_without_primary(std::chrono::milliseconds without) override;
  std::string exposition() const override;

 private:
  struct Families;
  std::unique_ptr<Families> families_;
};

}  // namespace voiceverify::app
