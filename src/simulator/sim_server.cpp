#include "simulator/sim_server.hpp"

#include "log/log.hpp"

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <utility>

#include "simulator/sim_control_routes.hpp"
#include "simulator/sim_params.hpp"
#include "util/ascii.hpp"

namespace voiceverify::simulator {
namespace {

// Faulted 5xx bodies: "may be HTML or empty: not JSON" (docs/messagebird-verify.md, Errors).
constexpr const char* kBadGatewayHtml = "<html>502 Bad Gateway</html>";
// The garbage switch's body: labelled JSON but not JSON, so a client must not trust the header.
constexpr const char* kGarbageBody = "<html>garbage: this is not JSON {\"id\":";
constexpr std::size_t kBodyCap =
    std::size_t{64} * 1024;  // deny by default: real verify bodies are tiny
// A client keeps its connections: a benchmark's pool reuses each one for as many calls as it
// likes. httplib 0.11 waits for a kept-alive connection's next request by polling it every 10 ms
// (about 90 wake-ups a second; a thousand idle connections measured 1.7 cores), so one left idle
// this long is closed and gives its thread back: long enough for a client under load to reuse
// it, short enough that idle ones cost little. curl sees the close and connects again.
constexpr std::size_t kKeepAliveMaxCount = 1'000'000;
constexpr time_t kKeepAliveSeconds = 2;

std::optional<long long> parse_whole_int(const std::string& text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

void answer_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  if (!body.empty()) res.set_content(body, "application/json");
}

void print_line(const std::string& line) {
  static std::mutex stdout_mutex;
  std::lock_guard lock(stdout_mutex);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// The port of a connected socket's own end, or -1 for any other descriptor (not a socket, not
// TCP, or not connected: the listening socket has no peer).
int local_port_if_connected(int fd) {
  sockaddr_storage local{};
  sockaddr_storage peer{};
  socklen_t local_size = sizeof local;
  socklen_t peer_size = sizeof peer;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_size) != 0 ||
      getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_size) != 0) {
    return -1;
  }
  if (local.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
  if (local.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
  return -1;
}

// httplib 0.11 keeps no list of the connections it accepted, and a thread waiting for a kept-alive
// connection's next request looks at the server's state only when that wait ends (after
// kKeepAliveSeconds). Shutting down every connection accepted on `port` ends those waits at once;
// called after the listening socket is closed, so no new one can appear meanwhile.
void shut_down_connections(int port) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
    const std::string name = entry.path().filename().string();
    const int fd = std::atoi(name.c_str());
    if (local_port_if_connected(fd) == port) shutdown(fd, SHUT_RDWR);
  }
}

int roll_percent() {
  thread_local std::mt19937 engine{std::random_device{}()};
  return std::uniform_int_distribution<int>(0, 99)(engine);
}

}  // namespace

bool set_fault(Faults& faults, const std::string& name, const std::string& value) {
  if (name == "error_description") {
    if (value.size() > 200) return false;
    faults.behaviour.error_description = value;
    return true;
  }
  bool* const flag = name == "hang"                  ? &faults.hang
                     : name == "garbage"             ? &faults.garbage
                     : name == "refuse_recipient"    ? &faults.behaviour.refuse_recipient
                     : name == "no_balance"          ? &faults.behaviour.no_balance
                     : name == "ignore_max_attempts" ? &faults.behaviour.ignore_max_attempts
                                                     : nullptr;
  if (flag != nullptr) {
    if (value == "1" || value == "true") {
      *flag = true;
    } else if (value == "0" || value == "false") {
      *flag = false;
    } else {
      return false;
    }
    return true;
  }
  const auto number = parse_whole_int(value);
  if (name == "latency_ms" && number && *number >= 0 && *number <= 600'000) {
    faults.latency_ms = static_cast<int>(*number);
    return true;
  }
  if (name == "fail_percent" && number && *number >= 0 && *number <= 100) {
    faults.fail_percent = static_cast<int>(*number);
    return true;
  }
  return false;
}

std::string mask_recipient(std::string_view recipient) {
  // A phone number reads as in the pool's own log; anything else (an e-mail address) keeps its
  // first two and last two characters.
  if (util::is_digits(recipient)) return log::mask_number("+" + std::string(recipient));
  std::string masked(recipient);
  for (std::size_t i = 2; i + 2 < masked.size(); ++i) masked[i] = '*';
  return masked;
}

std::string announcement(const PlacedCall& call) {
  const char* verb = call.type == "tts"     ? "calling"
                     : call.type == "email" ? "mailing"
                     : call.type == "flash" ? "flashing"
                                            : "texting";
  std::string message = call.message;
  // One call, one line: a template with a newline must not break the log apart.
  std::replace_if(
      message.begin(), message.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; },
      ' ');
  return std::string("[messagebird-sim] ") + verb + " " + mask_recipient(call.recipient) + ": \"" +
         message + "\" code " + call.token;
}

SimServer::SimServer(ServerConfig config)
    : config_(std::move(config)),
      state_(config_.access_key, config_.clock, config_.test_keys_send_nothing),
      server_(std::make_unique<httplib::Server>()) {
  if (!config_.announce) config_.announce = print_line;
  if (!config_.speak_dir.empty()) speaker_.emplace(config_.speak_dir);
  set_faults(config_.faults);
  routes();
}

SimServer::~SimServer() {
  stop();
}

Faults SimServer::faults() const {
  return {latency_ms_.load(), fail_percent_.load(), hang_.load(), garbage_.load(),
          state_.behaviour()};
}

void SimServer::set_faults(const Faults& faults) {
  latency_ms_ = faults.latency_ms;
  fail_percent_ = faults.fail_percent;
  garbage_ = faults.garbage;
  state_.set_behaviour(faults.behaviour);
  {
    std::lock_guard lock(wait_mutex_);
    hang_ = faults.hang;
  }
  wake_.notify_all();
}

void SimServer::reset() {
  state_.reset();
  set_faults(Faults{});
  max_concurrent_ = in_flight_.load();
}

// One condition variable for every waiting request: stop() and the hang switch notify it, and a
// latency wait ends on its own deadline, so the threads sleep until there is something to do.
bool SimServer::wait_to_answer(int latency_ms) {
  std::unique_lock lock(wait_mutex_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(latency_ms);
  wake_.wait_until(lock, deadline, [this] { return stopping_.load(); });
  wake_.wait(lock, [this] { return stopping_ || !hang_; });
  return !stopping_;
}

std::string SimServer::announce_line(const PlacedCall& call) const {
  std::string line = announcement(call);
  if (!speaker_ || call.type != "tts") return line;
  const std::string path = speaker_->speak(call.id, call.language, call.message);
  return line + (path.empty() ? " (no sound: espeak-ng did not start)" : " · hear it: " + path);
}

// Faults wrap the real answer in the order a slow, flaky upstream shows them: the wait first,
// then maybe no answer at all, then maybe a proxy's 5xx (the API never saw the request), and
// last a 2xx whose body got mangled after the API did its work.
void SimServer::serve_api(httplib::Response& res, int garbage_status, const ApiCall& call) {
  struct InFlight {
    std::atomic<int>& count;
    explicit InFlight(std::atomic<int>& in_flight, std::atomic<int>& max) : count(in_flight) {
      const int now = ++count;
      int seen = max.load();
      while (now > seen && !max.compare_exchange_weak(seen, now)) {
      }
    }
    ~InFlight() { --count; }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
  } in_flight(in_flight_, max_concurrent_);

  if (!wait_to_answer(latency_ms_)) {
    res.status = 503;  // released by stop(): the client has most likely given up already
    return;
  }
  if (roll_percent() < fail_percent_) {
    if (roll_percent() < 50) {
      res.status = 502;
      res.set_content(kBadGatewayHtml, "text/html");
    } else {
      res.status = 503;
    }
    return;
  }
  const ApiResult result = call();
  if (result.call) config_.announce(announce_line(*result.call));
  if (garbage_) {
    res.status = garbage_status;
    res.set_content(kGarbageBody, "application/json");
    return;
  }
  answer_json(res, result.status, result.body);
}

void SimServer::routes() {
  httplib::Server& server = *server_;
  const std::size_t threads = std::clamp<std::size_t>(config_.threads, 1, kMaxThreads);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_keep_alive_max_count(kKeepAliveMaxCount);
  server.set_keep_alive_timeout(kKeepAliveSeconds);
  // httplib writes an answer's headers and body apart: without TCP_NODELAY, on a kept-alive
  // connection Nagle holds the body until the client's delayed ACK, 40 ms later, and every
  // answer would come 40 ms later than the latency asked for.
  server.set_tcp_nodelay(true);
  // httplib's own options, and the socket kept so that start() can lengthen the backlog.
  // httplib's defaults set SO_REUSEPORT but not SO_REUSEADDR, so a port whose last connection
  // is still in TIME_WAIT could not be bound again: a test site restarted on a port a moment ago
  // in use failed with "cannot listen" (docs/platform.md).
  server.set_socket_options([this](int fd) {
    httplib::default_socket_options(fd);
    const int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_ = fd;
  });
  server.set_payload_max_length(kBodyCap);

  // The control routes first: the API's last route catches every path.
  add_control_routes(server, *this);
  add_api_routes(server, state_,
                 [this](httplib::Response& res, int garbage_status, const ApiCall& call) {
                   serve_api(res, garbage_status, call);
                 });
}

int SimServer::start() {
  const int port = config_.port == 0
                       ? server_->bind_to_any_port(config_.host)
                       : (server_->bind_to_port(config_.host, config_.port) ? config_.port : -1);
  if (port <= 0) {
    throw std::runtime_error("cannot listen on " + config_.host + ":" +
                             std::to_string(config_.port));
  }
  port_ = port;
  // httplib 0.11 listens with a backlog of 5: a thousand clients connecting at once would see
  // most of their SYNs dropped and retried a second later. Listening again changes the backlog.
  if (listen_fd_ >= 0) ::listen(listen_fd_, SOMAXCONN);
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_done_ = true;
  });
  // httplib's stop() does nothing until the accept loop runs, so wait for it here.
  while (!server_->is_running() && !listen_done_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return port_;
}

void SimServer::stop() {
  {
    std::lock_guard lock(wait_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (!thread_.joinable()) return;
  while (!server_->is_running() && !listen_done_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_->stop();
  shut_down_connections(port_);
  thread_.join();
}

}  // namespace voiceverify::simulator
