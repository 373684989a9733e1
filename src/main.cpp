// voiceverify: the FastCGI worker pool. Wiring only: config, start-up checks, signals, pool.
//
//   voiceverify [--config FILE] [--check-config | --check-key]
//
// FILE defaults to $VOICEVERIFY_CONFIG; every key can also come from the environment. Exit
// status: 0 after a clean stop (SIGTERM/SIGINT), 2 for a bad config or template, 1 otherwise.
// --check-key asks MessageBird whether it accepts the configured key, says so on stdout, and
// exits 0 (it does) or 1 (it does not, or cannot be reached).
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/check_key.hpp"
#include "app/client_commands.hpp"
#include "app/operator_commands.hpp"
#include "app/periodic.hpp"
#include "app/prometheus_metrics.hpp"
#include "app/service_manager.hpp"
#include "app/settings.hpp"
#include "app/upstream.hpp"
#include "config/config.hpp"
#include "guard/call_records.hpp"
#include "guard/fraud_guard.hpp"
#include "guard/limits.hpp"
#include "http/fcgi_server.hpp"
#include "http/signed_cookie.hpp"
#include "log/log.hpp"
#include "messagebird/curl_transport.hpp"
#include "store/store.hpp"
#include "util/metrics.hpp"
#include "verify/call_language.hpp"
#include "verify/runner.hpp"
#include "verify/test_numbers.hpp"
#include "view/templates.hpp"
#include "web/api_site.hpp"
#include "web/oidc_site.hpp"
#include "web/pipeline.hpp"
#include "web/reply.hpp"

namespace vv = voiceverify;

namespace {

// A pool thread's part: nothing of its own; upstream calls go through the shared runner.
class PoolWorker final : public vv::http::Worker {
 public:
  explicit PoolWorker(const vv::web::AppDeps& deps) : deps_(deps) {}
  vv::http::Handled handle(const vv::http::Request& request) override {
    return vv::web::handle_request(request, deps_);
  }

 private:
  const vv::web::AppDeps& deps_;
};

// Each request waiting for MessageBird holds its FastCGI connection and an upstream one. Raise
// the soft limit on open files as far as the hard one allows (systemd's soft default is 1024;
// the unit sets LimitNOFILE=), and say so when it is still short.
void make_room_for_connections(std::size_t max_in_flight, int threads) {
  const auto needed =
      static_cast<rlim_t>(2 * max_in_flight + 4 * static_cast<std::size_t>(threads) + 64);
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur >= needed) return;
  files.rlim_cur = std::min(needed, files.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &files);
  if (files.rlim_cur < needed) {
    vv::log::warning("open_files_short", {{"limit", std::to_string(files.rlim_cur)},
                                          {"needed", std::to_string(needed)}});
  }
}

// Secrets live in this process's memory: no core dumps, no ptrace by other users.
void forbid_core_dumps() {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  struct rlimit none {
    0, 0
  };
  ::setrlimit(RLIMIT_CORE, &none);
}

// Every signal the pool reacts to is handled here, in one thread, by sigwait: all threads block
// them (the mask is set before the first thread starts and inherited), so libfcgi's own handlers
// (SIGUSR1 would make it refuse every later request) never run.
//   TERM, INT  stop: requests in flight finish, then exit 0
//   HUP        logged and ignored: the config is read at start only; restart to apply it
//              (with socket activation no connection is lost)
//   USR1, USR2 logged and ignored
struct OwnedSignal {
  int number;
  const char* name;
};
constexpr OwnedSignal kOwnedSignals[] = {
    {SIGTERM, "TERM"}, {SIGINT, "INT"}, {SIGHUP, "HUP"}, {SIGUSR1, "USR1"}, {SIGUSR2, "USR2"}};

sigset_t owned_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (const auto& owned : kOwnedSignals) sigaddset(&set, owned.number);
  return set;
}

const char* signal_name(int number) {
  for (const auto& owned : kOwnedSignals)
    if (owned.number == number) return owned.name;
  return "other";
}

void watch_signals(const std::atomic<bool>& pool_ended, vv::app::ServiceManager& service) {
  const sigset_t set = owned_signals();
  while (true) {
    int number = 0;
    if (sigwait(&set, &number) != 0) continue;
    if (pool_ended.load()) return;
    if (number == SIGTERM || number == SIGINT) {
      vv::log::info("stopping", {{"signal", signal_name(number)}});
      vv::http::stop_pool();
      service.stopping();
      return;
    }
    vv::log::info("signal_ignored", {{"signal", signal_name(number)}});
  }
}

// Test numbers accept a code anyone who learns it can type: said at every start and every
// --check-config, so they are never forgotten in production (docs/operations.md, "Test numbers").
void warn_of_test_numbers(const vv::verify::TestNumbers& test_numbers) {
  if (test_numbers.empty()) return;
  vv::log::warning("test_numbers_set", {{"numbers", test_numbers.masked_list()},
                                        {"meaning", "never called; each accepts its fixed code"}});
}

int fail(int status, const std::string& event, const std::string& message) {
  vv::log::error(event, {{"message", message}});
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  forbid_core_dumps();
  const sigset_t signals = owned_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::string config_path;
  if (const char* env = std::getenv("VOICEVERIFY_CONFIG")) config_path = env;
  bool check_only = false;
  bool check_key = false;
  bool list_blocks = false;
  std::string unblock;
  vv::app::ClientCommand clients;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--check-key") {
      check_key = true;
    } else if (arg == "--list-blocks") {
      list_blocks = true;
    } else if (arg == "--unblock" && i + 1 < argc) {
      unblock = argv[++i];
    } else if (clients.take(arg, i + 1 < argc ? argv[i + 1] : nullptr, i)) {
      continue;
    } else {
      std::fprintf(stderr,
                   "usage: voiceverify [--config FILE] [--check-config | --check-key | "
                   "--list-blocks | --unblock RANGE|NUMBER|COUNTRY | --add-client NAME "
                   "[--redirect-uri URI...] [--public] [--api] "
                   "[--id-token-alg ES256|RS256] | --list-clients | "
                   "--remove-client ID]\n");
      return 2;
    }
  }

  const vv::config::LoadResult loaded = vv::config::load(config_path, vv::config::environment());
  if (!loaded.config) return fail(2, "config_invalid", loaded.error);
  const vv::config::Config& config = *loaded.config;
  const vv::app::Settings settings = vv::app::build_settings(config);
  if (clients.asked()) {
    if (!settings.oidc.enabled()) {
      return fail(2, "config_invalid", "OIDC_ISSUER: the client commands need OpenID Connect on");
    }
    return clients.run(settings.oidc.clients_path);
  }
  if (check_key) {
    const vv::app::KeyCheck checked = vv::app::check_key(settings);
    std::printf("%s\n", checked.says.c_str());
    return checked.works ? 0 : 1;
  }

  std::string error;
  const auto templates = vv::view::Templates::load(settings.templates_dir, error);
  if (!templates) return fail(2, "template_invalid", error);
  // What each call says (docs/operations.md, "The call's language").
  auto call_languages =
      vv::verify::CallLanguages::load(settings.templates_dir + "/call-languages.txt", error);
  if (!call_languages) return fail(2, "template_invalid", error);
  const vv::verify::CallVoice call_voice{std::move(*call_languages), settings.voice};

  std::unique_ptr<vv::store::Store> store;
  if (!settings.store.redis) {
    store = vv::store::make_memory_store(settings.store.memory_capacity);
  } else {
    store = vv::store::make_redis_store(*settings.store.redis, settings.store.redis_prefix,
                                        settings.store.redis_timeout, error);
    if (!store) return fail(2, "config_invalid", "REDIS_URL: " + error);
  }
  vv::verify::TestNumbers test_numbers(*store, settings.test_numbers);
  warn_of_test_numbers(test_numbers);
  if (check_only) {
    vv::log::info("config_ok");
    return 0;
  }
  if (list_blocks || !unblock.empty()) {
    vv::guard::FraudGuard guard(*store, settings.fraud);
    vv::guard::Limiter limits(*store, settings.limits);
    return list_blocks ? vv::app::list_blocks(guard, limits, stdout)
                       : vv::app::unblock(guard, limits, unblock, stdout);
  }

  make_room_for_connections(settings.runner.max_in_flight, settings.pool.threads);
  // What /metrics shows; installed before any thread starts, outlives them all (docs/operations.md,
  // "Health and metrics").
  vv::app::PrometheusMetrics metrics(VV_VERSION, settings.pool.threads);
  vv::util::install_metrics(&metrics);
  // curl_global_init must run before any thread starts (docs/platform.md, "libcurl").
  const vv::messagebird::CurlGlobal curl_global;
  // MessageBird's side: the threads that finish requests once it has answered
  // (docs/architecture.md, "Upstream calls": store calls and pages, never on the transport's event
  // thread), the transport, the client, the breaker and the runner, stopped in the order their
  // callbacks need.
  vv::app::Upstream upstream({std::max(2, settings.pool.threads / 4), settings.curl,
                              settings.verify, settings.breaker, settings.runner},
                             &test_numbers);
  vv::verify::Runner& runner = upstream.runner();
  const vv::http::CookieSigner signer(settings.cookie_signing_key, settings.cookie_previous_key);
  vv::guard::Limiter limiter(*store, settings.limits);
  vv::guard::FraudGuard fraud_guard(*store, settings.fraud);
  vv::guard::CallRecords call_records(*store, settings.limits.key_secret);
  // The end of a quarantine is logged by whichever pool looks first (docs/fraud-guard.md).
  // The same look counts the quarantines for /metrics.
  const vv::app::Periodic guard_watch(std::chrono::minutes(1), [&fraud_guard] {
    fraud_guard.report_ended();
    std::vector<vv::guard::Block> blocks;
    if (fraud_guard.blocks(blocks) != vv::store::StoreError::None) return;
    const auto ranges = std::count_if(blocks.begin(), blocks.end(), [](const auto& b) {
      return b.scope == vv::guard::GuardScope::Range;
    });
    vv::util::metrics().quarantined(static_cast<long>(ranges),
                                    static_cast<long>(blocks.size()) - static_cast<long>(ranges));
  });
  const vv::web::ErrorPages error_pages(*templates);
  std::optional<vv::web::OidcSite> oidc_site;
  if (settings.oidc.enabled()) {
    oidc_site = vv::web::make_oidc_site(settings.oidc.issuer, settings.oidc.clients,
                                        settings.oidc.signing_key, settings.oidc.previous_key,
                                        settings.oidc.subject_secret, *store);
  }
  // The verification API (docs/api.md) serves the OpenID Connect clients marked api.
  std::unique_ptr<vv::web::ApiSite> api_site;
  if (oidc_site) {
    api_site = vv::web::make_api_site(oidc_site->clients, oidc_site->verified_secrets.get(), *store,
                                      settings.limits.key_secret, settings.templates_dir, error);
    if (!api_site) return fail(2, "template_invalid", error);
  }
  const vv::web::AppDeps deps{
      signer,
      *templates,
      error_pages,
      vv::verify::FlowDeps{settings.phone, limiter, fraud_guard, settings.flow, call_voice,
                           call_records, runner, &test_numbers},
      runner,
      settings.session_lifetime,
      settings.metrics_allow,
      oidc_site ? &*oidc_site : nullptr,
      api_site.get()};

  const int listen_fd = vv::http::open_listener(settings.listen, error);
  if (listen_fd < 0) return fail(1, "listen_failed", error);
  ::signal(SIGPIPE, SIG_IGN);  // a write to a connection nginx closed is EPIPE, nothing more

  vv::app::ServiceManager service;
  std::atomic<bool> pool_ended{false};
  std::thread signal_watcher([&pool_ended, &service] { watch_signals(pool_ended, service); });

  vv::log::info("started", {{"listen", settings.listen},
                            {"threads", std::to_string(settings.pool.threads)},
                            {"store", settings.store.redis ? "redis" : "memory"},
                            {"endpoint", settings.verify.endpoint}});
  const int status = vv::http::run_pool(
      listen_fd, settings.pool, [&deps] { return std::make_unique<PoolWorker>(deps); },
      [&service] { service.ready(); });
  service.stopping();  // also when the pool ended by itself
  // Every parked request has had its answer: the transport stops (answering what is still out,
  // such as a cancel nobody waits for) while the breaker and the runner its answers use are
  // there, then the answer threads finish what those answers posted.
  upstream.stop();
  // The pool may have ended by itself (a broken listener): release the signal watcher, which
  // returns on any owned signal once pool_ended is set.
  pool_ended.store(true);
  ::pthread_kill(signal_watcher.native_handle(), SIGUSR2);
  signal_watcher.join();
  vv::log::info("stopped", {{"status", std::to_string(status)}});
  return status;
}
