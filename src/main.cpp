// voiceverify: the FastCGI worker pool. Wiring only: config, start-up checks, signals, pool.
//
//   voiceverify [--config FILE] [--check-config]
//
// FILE defaults to $VOICEVERIFY_CONFIG; every key can also come from the environment. Exit
// status: 0 after a clean stop (SIGTERM/SIGINT), 2 for a bad config or template, 1 otherwise.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "forms/phone.hpp"
#include "http/fcgi_server.hpp"
#include "http/signed_cookie.hpp"
#include "log/log.hpp"
#include "messagebird/curl_transport.hpp"
#include "messagebird/verify_client.hpp"
#include "store/limits.hpp"
#include "store/store.hpp"
#include "view/templates.hpp"
#include "web/pipeline.hpp"
#include "web/reply.hpp"

namespace vv = voiceverify;

namespace {

// The per-thread part: one curl handle (keep-alive to MessageBird) and the client over it.
class PoolWorker final : public vv::http::Worker {
 public:
  PoolWorker(const vv::web::AppDeps& deps, const vv::messagebird::VerifySettings& settings,
             vv::messagebird::CurlOptions options)
      : deps_(deps), transport_(options), client_(settings, transport_) {}
  vv::http::Response handle(const vv::http::Request& request) override {
    return vv::web::handle_request(request, deps_, client_);
  }

 private:
  const vv::web::AppDeps& deps_;
  vv::messagebird::CurlTransport transport_;
  vv::messagebird::VerifyClient client_;
};

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

void watch_signals(const std::atomic<bool>& pool_ended) {
  const sigset_t set = owned_signals();
  while (true) {
    int number = 0;
    if (sigwait(&set, &number) != 0) continue;
    if (pool_ended.load()) return;
    if (number == SIGTERM || number == SIGINT) {
      vv::log::info("stopping", {{"signal", signal_name(number)}});
      vv::http::stop_pool();
      return;
    }
    vv::log::info("signal_ignored", {{"signal", signal_name(number)}});
  }
}

int fail(int status, const std::string& event, const std::string& message) {
  vv::log::error(event, {{"message", message}});
  return status;
}

vv::forms::PhonePolicy phone_policy(const vv::config::Config& config) {
  vv::forms::PhonePolicy policy;
  policy.default_region = config.default_region;
  policy.allowed_types.clear();
  for (const auto& name : config.allowed_number_types) {
    vv::forms::NumberType type;
    if (vv::forms::parse_number_type(name, type)) policy.allowed_types.insert(type);
  }
  policy.allowed_countries = {config.allowed_countries.begin(), config.allowed_countries.end()};
  policy.any_geographic_region = config.any_geographic_region;
  return policy;
}

vv::messagebird::VerifySettings verify_settings(const vv::config::Config& config) {
  vv::messagebird::VerifySettings s;
  s.endpoint = config.messagebird_endpoint;
  s.access_key = config.messagebird_access_key;
  s.type = config.verify_type;
  s.template_text = config.verify_template;
  s.originator = config.originator;
  s.voice = config.voice;
  s.language = config.language;
  s.token_length = config.token_length;
  s.timeout = config.code_timeout;
  s.max_attempts = config.max_attempts;
  return s;
}

vv::store::LimitSettings limit_settings(const vv::config::Config& config) {
  vv::store::LimitSettings s;
  s.resend_interval = config.resend_interval;
  s.number_calls_per_10min = config.limit_number_10min;
  s.number_calls_per_day = config.limit_number_day;
  s.ip_calls_per_hour = config.limit_ip_hour;
  s.global_calls_per_hour = config.limit_global_hour;
  s.max_attempts = config.max_attempts;
  s.key_secret = vv::store::store_key_secret(config.signing_key);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  forbid_core_dumps();
  const sigset_t signals = owned_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::string config_path;
  if (const char* env = std::getenv("VOICEVERIFY_CONFIG")) config_path = env;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg == "--check-config") {
      check_only = true;
    } else {
      std::fprintf(stderr, "usage: voiceverify [--config FILE] [--check-config]\n");
      return 2;
    }
  }

  const vv::config::LoadResult loaded = vv::config::load(config_path, vv::config::environment());
  if (!loaded.config) return fail(2, "config_invalid", loaded.error);
  const vv::config::Config& config = *loaded.config;

  std::string error;
  const auto templates = vv::view::Templates::load(config.templates_dir, error);
  if (!templates) return fail(2, "template_invalid", error);

  std::unique_ptr<vv::store::Store> store;
  if (config.redis_url.empty()) {
    // Sized from the limits: a fixed cap would let a busy day (or an attacker) fill it and
    // switch the site off, since a full store refuses new keys (fail closed).
    store = vv::store::make_memory_store(vv::store::memory_store_capacity(limit_settings(config)));
  } else {
    store = vv::store::make_redis_store(config.redis_url, config.redis_prefix,
                                        std::chrono::milliseconds(500), error);
    if (!store) return fail(2, "config_invalid", "REDIS_URL: " + error);
  }
  if (check_only) {
    vv::log::info("config_ok");
    return 0;
  }

  // curl_global_init must run before any thread starts (platform notes).
  const vv::messagebird::CurlGlobal curl_global;
  const vv::http::CookieSigner signer(config.signing_key);
  vv::store::Limiter limiter(*store, limit_settings(config));
  const vv::forms::PhonePolicy policy = phone_policy(config);
  const vv::messagebird::VerifySettings verify = verify_settings(config);
  const vv::web::ErrorPages error_pages(*templates);
  // Session cookies outlive the code by two minutes, so a slow typist still owns the page.
  const vv::web::AppDeps deps{
      signer, *templates, error_pages,
      vv::verify::FlowDeps{policy, limiter, config.code_timeout, config.token_length},
      config.code_timeout + std::chrono::seconds(120)};
  const vv::messagebird::CurlOptions curl_options{config.connect_timeout, config.total_timeout,
                                                  std::size_t{64} * 1024};

  const int listen_fd = vv::http::open_listener(config.listen, error);
  if (listen_fd < 0) return fail(1, "listen_failed", error);
  ::signal(SIGPIPE, SIG_IGN);  // a write to a connection nginx closed is EPIPE, nothing more

  std::atomic<bool> pool_ended{false};
  std::thread signal_watcher([&pool_ended] { watch_signals(pool_ended); });

  vv::log::info("started", {{"listen", config.listen},
                            {"threads", std::to_string(config.threads)},
                            {"store", config.redis_url.empty() ? "memory" : "redis"},
                            {"endpoint", config.messagebird_endpoint}});
  const vv::http::PoolOptions pool_options{config.threads, config.max_body_bytes,
                                           config.fastcgi_allowed_peers};
  const int status = vv::http::run_pool(listen_fd, pool_options, [&deps, &verify, &curl_options] {
    return std::make_unique<PoolWorker>(deps, verify, curl_options);
  });
  // The pool may have ended by itself (a broken listener): release the signal watcher.
  pool_ended.store(true);
  ::pthread_kill(signal_watcher.native_handle(), SIGTERM);
  signal_watcher.join();
  vv::log::info("stopped", {{"status", std::to_string(status)}});
  return status;
}
