#include "app/service_manager.hpp"

#include <systemd/sd-daemon.h>

#include "http/fcgi_server.hpp"
#include "log/log.hpp"

namespace voiceverify::app {

ServiceManager::ServiceManager() {
  std::uint64_t usec = 0;
  // Read before any thread starts; 0 keeps WATCHDOG_USEC in the environment for children.
  if (sd_watchdog_enabled(0, &usec) > 0) interval_ = std::chrono::microseconds(usec);
}

ServiceManager::~ServiceManager() {
  stopping();
}

void ServiceManager::ready() {
  const std::lock_guard lock(mutex_);  // a SIGTERM may be stopping it from another thread
  if (stopped_) return;
  sd_notify(0, "READY=1");
  if (interval_.count() > 0) {
    log::info("watchdog", {{"interval_ms", std::to_string(interval_.count() / 1000)}});
    watchdog_ = std::thread([this] { watch(); });
  }
}

void ServiceManager::stopping() {
  std::thread watchdog;
  {
    const std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    watchdog = std::move(watchdog_);
  }
  sd_notify(0, "STOPPING=1");
  stop_.notify_all();
  if (watchdog.joinable()) watchdog.join();
}

// A canary every third of the interval; WATCHDOG=1 only when one of the pool's threads took it
// within half the interval. A pool whose threads are all stuck stops petting, and systemd
// restarts it once the interval passes.
void ServiceManager::watch() {
  const auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(interval_ / 2);
  const auto period = interval_ / 3;
  std::unique_lock lock(mutex_);
  while (!stopped_) {
    const auto started = std::chrono::steady_clock::now();
    lock.unlock();
    const bool serving = http::serves_within(limit);
    if (serving) {
      sd_notify(0, "WATCHDOG=1");
    } else {
      log::error("watchdog_missed", {{"limit_ms", std::to_string(limit.count())}});
    }
    lock.lock();
    stop_.wait_until(lock, started + period, [this] { return stopped_; });
  }
}

}  // namespace voiceverify::app
