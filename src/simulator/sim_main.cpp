// messagebird-sim: the local MessageBird Verify simulator (see simulator/sim_server.hpp).
//   messagebird-sim --listen 127.0.0.1:PORT [--access-key KEY] [--latency-ms N]
//                   [--fail-percent N] [--hang] [--garbage] [--refuse-recipient]
//                   [--no-balance] [--ignore-max-attempts] [--test-keys-send-nothing]
//                   [--threads N] [--speak-dir DIR]
// The key may come from SIM_ACCESS_KEY instead, so it need not show in `ps`. PORT 0 picks a free
// port; the line "[messagebird-sim] listening on http://HOST:PORT" tells which. Exit codes:
// 0 after SIGTERM/SIGINT, 1 when the address cannot be bound, 2 for a bad command line.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "simulator/sim_server.hpp"
#include "util/ascii.hpp"

namespace {

namespace util = voiceverify::util;
using voiceverify::simulator::ServerConfig;

constexpr const char* kUsage =
    "usage: messagebird-sim --listen 127.0.0.1:PORT [--access-key KEY] [--latency-ms N]\n"
    "                       [--fail-percent N] [--hang] [--garbage] [--refuse-recipient]\n"
    "                       [--no-balance] [--ignore-max-attempts] [--test-keys-send-nothing]\n"
    "                       [--threads N] [--speak-dir DIR]\n"
    "  PORT 0 picks a free port. KEY may come from SIM_ACCESS_KEY instead.\n"
    "  --threads N: connections served at once, 1..32768 (default 1280).\n"
    "  --test-keys-send-nothing: a test_ KEY acts like MessageBird's (201, nothing stored).\n"
    "  --speak-dir DIR: also speak each call (espeak-ng) to DIR/<id>.wav, for a tester's ears.\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "[messagebird-sim] error: %s\n%s", message.c_str(), kUsage);
  return 2;
}

// A simulator that prints codes must never be reachable from another machine: loopback only.
bool is_loopback(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

// "127.0.0.1:8080" or "[::1]:8080".
bool parse_listen(const std::string& text, std::string& host, int& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port_text = text.substr(colon + 1);
  if (!util::is_digits(port_text) || port_text.size() > 5) {
    return false;
  }
  port = std::stoi(port_text);
  return port <= 65535;
}

// Each connection is a descriptor, and a benchmark opens more than the usual soft limit of 1024:
// take the hard limit, as nginx's worker_rlimit_nofile would.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  ServerConfig config;
  bool have_listen = false;
  if (const char* key = std::getenv("SIM_ACCESS_KEY")) config.access_key = key;

  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "--listen") {
      const char* text = value();
      if (!text || !parse_listen(text, config.host, config.port)) {
        return usage_error("--listen needs HOST:PORT");
      }
      if (!is_loopback(config.host)) return usage_error("--listen must be a loopback address");
      have_listen = true;
    } else if (arg == "--access-key") {
      const char* text = value();
      if (!text) return usage_error("--access-key needs a value");
      config.access_key = text;
    } else if (arg == "--latency-ms" || arg == "--fail-percent") {
      const char* text = value();
      const std::string name = arg == "--latency-ms" ? "latency_ms" : "fail_percent";
      if (!text || !voiceverify::simulator::set_fault(config.faults, name, text)) {
        return usage_error(std::string(arg) +
                           " needs a number (latency 0..600000, percent 0..100)");
      }
    } else if (arg == "--threads") {
      const char* text = value();
      const bool number = text && util::is_digits(text) && std::string_view(text).size() <= 5;
      config.threads = number ? std::stoul(text) : 0;
      if (config.threads < 1 || config.threads > voiceverify::simulator::kMaxThreads) {
        return usage_error("--threads needs a number from 1 to 32768");
      }
    } else if (arg == "--speak-dir") {
      const char* text = value();
      if (!text || !*text) return usage_error("--speak-dir needs a folder");
      config.speak_dir = text;
      std::string error;
      if (!voiceverify::simulator::Speaker(config.speak_dir).usable(error)) {
        return usage_error(error);
      }
    } else if (arg == "--hang") {
      config.faults.hang = true;
    } else if (arg == "--garbage") {
      config.faults.garbage = true;
    } else if (arg == "--refuse-recipient") {
      config.faults.behaviour.refuse_recipient = true;
    } else if (arg == "--no-balance") {
      config.faults.behaviour.no_balance = true;
    } else if (arg == "--ignore-max-attempts") {
      config.faults.behaviour.ignore_max_attempts = true;
    } else if (arg == "--test-keys-send-nothing") {
      config.test_keys_send_nothing = true;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      return usage_error("unknown argument " + std::string(arg));
    }
  }
  if (!have_listen) return usage_error("--listen is required");
  if (config.access_key.empty())
    return usage_error("no access key (--access-key or SIM_ACCESS_KEY)");

  // Block the stop signals before any thread starts so every thread inherits the mask and only
  // sigwait() below sees them: no work in a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hung up must not kill the simulator
  raise_descriptor_limit();

  try {
    voiceverify::simulator::SimServer server(config);
    const int port = server.start();
    const bool v6 = config.host.find(':') != std::string::npos;
    std::printf("[messagebird-sim] listening on http://%s%s%s:%d\n", v6 ? "[" : "",
                config.host.c_str(), v6 ? "]" : "", port);
    if (config.test_keys_send_nothing && config.access_key.rfind("test_", 0) == 0) {
      std::printf(
          "[messagebird-sim] test_ key: creates answer 201 but nothing is stored or sent\n");
    }
    std::fflush(stdout);

    int received = 0;
    sigwait(&stop_signals, &received);
    std::fprintf(stderr, "[messagebird-sim] signal %d: stopping\n", received);
    server.stop();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "[messagebird-sim] error: %s\n", error.what());
    return 1;
  }
  return 0;
}
