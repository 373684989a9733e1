// Telling systemd how the pool is doing (Type=notify; docs/platform.md, "systemd"): READY=1 once
// the pool serves, STOPPING=1 when it starts to stop, and WATCHDOG=1 only while a canary handed
// to the pool's threads is picked up within half the unit's WatchdogSec. The only includer of
// libsystemd. Run outside systemd (no NOTIFY_SOCKET) every call does nothing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace voiceverify::app {

class ServiceManager {
 public:
  ServiceManager();
  ~ServiceManager();
  ServiceManager(const ServiceManager&) = delete;
  ServiceManager& operator=(const ServiceManager&) = delete;

  // The pool serves: READY=1, and the watchdog starts when the unit asks for one.
  void ready();
  // SIGTERM: STOPPING=1; the watchdog stops (systemd does not expect it while stopping).
  void stopping();

 private:
  void watch();

  std::chrono::microseconds interval_{0};  // WatchdogSec; zero: no watchdog
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopped_ = false;
  std::thread watchdog_;
};

}  // namespace voiceverify::app
