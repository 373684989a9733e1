// The MessageBird Verify simulator's HTTP side: a loopback httplib::Server answering the API
// routes (sim_api_routes.hpp) and the control routes under /_sim/ (sim_control_routes.hpp), with
// fault switches (latency, a share of 5xx, hang, garbage bodies; docs/messagebird-verify.md, Fault
// switches) that apply to API answers only, never to /_sim/. start() throws std::runtime_error if
// the address cannot be bound; stop() returns promptly even while requests hang or clients hold
// idle kept-alive connections. The destructor stops.
//
// Sized to stand in for MessageBird under a benchmark (docs/messagebird-verify.md, The
// simulator): every open connection holds one thread, while its request waits out the latency or
// the hang and while it sits idle between kept-alive requests. Those waits sleep on a condition
// variable, so a thousand slow requests cost no CPU until they are answered.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

// Also declares httplib::Server and httplib::Response, and ApiCall.
#include "simulator/sim_api_routes.hpp"
#include "simulator/sim_speaker.hpp"
#include "simulator/sim_state.hpp"

namespace voiceverify::simulator {

struct Faults {
  int latency_ms = 0;    // added before every API answer
  int fail_percent = 0;  // 0..100: share of API requests answered 502 (HTML) or 503 (empty)
  bool hang = false;     // API requests wait, unanswered, until this is off or the server stops
  bool garbage = false;  // API answers 201 (POST) or 200 with a body that is not JSON
  Behaviour behaviour;   // refuse_recipient, no_balance, ignore_max_attempts (see SimState)
};

// Parses a control value: latency_ms 0..600000, fail_percent 0..100, and 0/1/true/false for
// hang, garbage, refuse_recipient, no_balance and ignore_max_attempts.
// Returns false and leaves `faults` alone when the name is unknown or the value out of range.
bool set_fault(Faults& faults, const std::string& name, const std::string& value);

// The pool keeps up to 1024 calls in flight (UPSTREAM_MAX_INFLIGHT) over as many kept-alive
// connections; a connection beyond the thread count would wait unserved, so there are more
// threads than that. Their stacks are reserved address space: only the pages touched count
// towards RSS.
inline constexpr std::size_t kDefaultThreads = 1280;
inline constexpr std::size_t kMaxThreads = 32768;

struct ServerConfig {
  std::string host = "127.0.0.1";  // the caller checks it is loopback
  int port = 0;                    // 0: any free port
  std::string access_key;
  bool test_keys_send_nothing = false;  // see SimState
  Faults faults;
  std::size_t threads = kDefaultThreads;  // 1..kMaxThreads: the most connections served at once
  // Called once per placed call with the line to show; default: stdout, flushed.
  std::function<void(const std::string& line)> announce;
  // Non-empty: each tts call is also spoken to a WAV file there (sim_speaker.hpp).
  std::string speak_dir;
  SimState::Clock clock = &std::chrono::system_clock::now;
};

class SimServer {
 public:
  explicit SimServer(ServerConfig config);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  // Binds, starts serving on a background thread and returns once accepting; returns the port.
  int start();
  // Releases hanging requests, stops accepting, joins. Idempotent.
  void stop();

  int port() const { return port_; }
  Faults faults() const;
  void set_faults(const Faults& faults);
  SimState& state() { return state_; }
  // API requests being answered now (waiting included), and the most there have been at once
  // since start or reset(): what a benchmark reads to see that the load reached the simulator.
  int in_flight() const { return in_flight_; }
  int max_concurrent() const { return max_concurrent_; }
  // Forgets every object and counter and turns every switch off (POST /_sim/reset).
  void reset();

 private:
  void serve_api(httplib::Response& res, int garbage_status, const ApiCall& call);
  void routes();
  // Waits out the latency, then the hang, without polling; false once stopping.
  bool wait_to_answer(int latency_ms);

  // The announcement line for a placed call, with the WAV's path when calls are spoken.
  std::string announce_line(const PlacedCall& call) const;

  ServerConfig config_;
  SimState state_;
  std::optional<Speaker> speaker_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  int listen_fd_ = -1;  // the listening socket, seen by the socket-options hook
  // Guards the changes of stopping_ and hang_ that wake_ announces, so no waiter misses one.
  std::mutex wait_mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listen_done_{false};
  std::atomic<int> latency_ms_{0};
  std::atomic<int> fail_percent_{0};
  std::atomic<bool> hang_{false};
  std::atomic<bool> garbage_{false};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_concurrent_{0};
};

// "+31*******78": the first two and last two characters kept, the rest masked.
std::string mask_recipient(std::string_view recipient);
// The line printed for a placed call, e.g.
// [messagebird-sim] calling +31*******78: "Your security code is 1 2 3 4 5 6." code 123456
std::string announcement(const PlacedCall& call);

}  // namespace voiceverify::simulator
