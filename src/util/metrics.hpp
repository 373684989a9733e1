// What the pool counts for /metrics, as a small interface every layer records through
// (docs/operations.md, "Health and metrics"). The sink is process-wide: a no-op until main installs
// the real one (app/prometheus_metrics.cpp, the only user of prometheus-cpp), so unit tests, tools
// and the simulator record into nothing and need nothing.
//
// Labels are bounded by construction: a route is a name from web/routes.hpp, an operation and an
// outcome come from messagebird's name tables, a client is a registered client's id, a window from
// guard::limit_window_name, a region from libphonenumber (the sink files anything but two capital
// letters under one fixed bucket). Never a phone number, an address, an id or a secret. Every
// method is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

namespace voiceverify::util {

enum class Verification { Started, Verified };
// An OpenID Connect authorization: begun at /authorize, ended with a code, or ended with an error
// sent back to the client after the person was verified (docs/oidc.md).
enum class Authorization { Started, Completed, Failed };

constexpr std::string_view authorization_name(Authorization stage) {
  switch (stage) {
    case Authorization::Started:
      return "started";
    case Authorization::Completed:
      return "completed";
    case Authorization::Failed:
      return "failed";
  }
  return "failed";
}
enum class Gauge { UpstreamInFlight, WorkersBusy };
// Whose share of the site-wide hour a call the limits allowed spent (docs/fraud-guard.md, "Known
// people"): a known requester's, or the strangers'.
enum class Share { Known, Strangers };

constexpr std::string_view share_name(Share share) {
  return share == Share::Known ? "known" : "strangers";
}

class Metrics {
 public:
  virtual ~Metrics() = default;

  // One finished request: its route's name, the status sent, and how long it took.
  virtual void request(std::string_view /*route*/, int /*status*/,
                       std::chrono::microseconds /*took*/) {}
  // One call MessageBird answered (or that failed on the way): "create", "check", "cancel",
  // "look_up"; the outcome "ok" or messagebird::verify_error_name's.
  virtual void upstream(std::string_view /*operation*/, std::string_view /*outcome*/,
                        std::chrono::microseconds /*took*/) {}
  // A call placed (Started) or a code accepted (Verified), by ISO region code ("NL").
  virtual void verification(Verification /*stage*/, std::string_view /*region*/) {}
  // An authorization's stage, by client id (a registered client: bounded by the clients file).
  virtual void authorization(std::string_view /*client*/, Authorization /*stage*/) {}
  // A POST /token answered, by client id ("unknown" when none was recognised) and outcome ("ok",
  // or oidc::error_name's).
  virtual void token_request(std::string_view /*client*/, std::string_view /*outcome*/) {}
  // A limit refused a call or a check: guard::limit_window_name's name of the window.
  virtual void limit_hit(std::string_view /*window*/) {}
  // The limits allowed a call, spending this share of the site-wide hour.
  virtual void share_spent(Share /*share*/) {}
  // The store did not answer (the flow failed closed).
  virtual void store_error() {}
  // A test number's verification answered in MessageBird's place (verify/test_numbers.hpp):
  // messagebird::call_name's "create", "check" or "cancel".
  virtual void test_number_use(std::string_view /*step*/) {}
  // The fraud guard refused a call: store::guard_scope_name's "range" or "country".
  virtual void fraud_refused(std::string_view /*scope*/) {}
  // How many ranges and countries the fraud guard holds in quarantine now (all pools together).
  virtual void quarantined(long /*ranges*/, long /*countries*/) {}
  virtual void add(Gauge /*gauge*/, long /*delta*/) {}
  // Redis Sentinel named a primary other than the one used before (a failover seen).
  virtual void redis_primary_changed() {}
  // A primary was confirmed after `without` with none known (the time Redis was unusable).
  virtual void redis_without_primary(std::chrono::milliseconds /*without*/) {}

  // The Prometheus text exposition of everything counted so far; "" for the no-op sink.
  virtual std::string exposition() const { return {}; }
};

namespace detail {
inline Metrics no_metrics;
inline std::atomic<Metrics*> metrics_sink{&no_metrics};
}  // namespace detail

// The process's sink.
inline Metrics& metrics() {
  return *detail::metrics_sink.load(std::memory_order_acquire);
}

// Installs `sink` (which must outlive every thread that records), or the no-op one for nullptr.
// main does this before any thread starts.
inline void install_metrics(Metrics* sink) {
  detail::metrics_sink.store(sink != nullptr ? sink : &detail::no_metrics,
                             std::memory_order_release);
}

// A gauge raised for as long as this lives (a busy worker, a request waiting upstream).
class GaugeHold {
 public:
  explicit GaugeHold(Gauge gauge) : gauge_(gauge) { metrics().add(gauge_, 1); }
  ~GaugeHold() { metrics().add(gauge_, -1); }
  GaugeHold(const GaugeHold&) = delete;
  GaugeHold& operator=(const GaugeHold&) = delete;

 private:
  Gauge gauge_;
};

}  // namespace voiceverify::util
