// See redis_server.hpp. PING goes over a plain socket, so the fixture does not depend on the code
// under test.
#include "redis_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "harness.hpp"

namespace voiceverify::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kRedisServer = "/usr/bin/redis-server";

bool is_ipv6(const std::string& bind) {
  return bind.find(':') != std::string::npos;
}

bool redis_answers_ping(const std::string& bind, int port) {
  const bool v6 = is_ipv6(bind);
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  timeval timeout{0, 200'000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr4{};
  sockaddr_in6 addr6{};
  sockaddr* addr = nullptr;
  socklen_t length = 0;
  if (v6) {
    addr6.sin6_family = AF_INET6;
    addr6.sin6_port = htons(static_cast<uint16_t>(port));
    addr6.sin6_addr = in6addr_loopback;
    addr = reinterpret_cast<sockaddr*>(&addr6);
    length = sizeof addr6;
  } else {
    addr4.sin_family = AF_INET;
    addr4.sin_port = htons(static_cast<uint16_t>(port));
    addr4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr = reinterpret_cast<sockaddr*>(&addr4);
    length = sizeof addr4;
  }
  bool pong = false;
  if (::connect(fd, addr, length) == 0 && ::send(fd, "PING\r\n", 6, MSG_NOSIGNAL) == 6) {
    char buffer[16] = {};
    // A server with a password answers, but asks for it first.
    const bool read = ::recv(fd, buffer, sizeof buffer - 1, 0) >= 5;
    pong = read &&
           (std::string(buffer).starts_with("+PONG") || std::string(buffer).starts_with("-NOAUTH"));
  }
  ::close(fd);
  return pong;
}

// Starts `args` (argv[0] is redis-server) and waits until it answers PING on bind:port: its pid,
// or 0 when it exited or never answered.
pid_t spawn_redis(std::vector<std::string> args, const std::string& bind, int port) {
  BOOST_REQUIRE_MESSAGE(::access(kRedisServer, X_OK) == 0,
                        "redis-server is required at " << kRedisServer);
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int null_fd = ::open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      ::dup2(null_fd, STDOUT_FILENO);
      ::dup2(null_fd, STDERR_FILENO);
    }
    ::execv(kRedisServer, argv.data());
    ::_exit(127);
  }
  // Bounded only so that a redis that never starts ends the run; a slow machine never meets it.
  for (int waited_ms = 0; waited_ms < 60000; waited_ms += 20) {
    int status = 0;
    if (::waitpid(child, &status, WNOHANG) == child) return 0;  // exited: port taken?
    if (redis_answers_ping(bind, port)) return child;
    std::this_thread::sleep_for(20ms);
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  return 0;
}

void kill_and_wait(pid_t& pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  pid = 0;
}

}  // namespace

RedisServer::RedisServer(std::string bind, std::string password,
                         std::vector<std::string> extra_args)
    : bind_(std::move(bind)), password_(std::move(password)), extra_args_(std::move(extra_args)) {
  // A port picked free can be taken before redis binds it; try a few.
  for (int attempt = 0; attempt < 3 && pid_ <= 0; ++attempt) start(free_port());
  BOOST_REQUIRE_MESSAGE(pid_ > 0, "redis-server did not start on " << bind_);
}

RedisServer::~RedisServer() {
  stop();
}

void RedisServer::start(int port) {
  port_ = port;
  const std::string port_text = std::to_string(port);
  std::vector<std::string> args = {kRedisServer, "--port",           port_text, "--bind",
                                   bind_,        "--save",           "",        "--appendonly",
                                   "no",         "--daemonize",      "no",      "--loglevel",
                                   "warning",    "--protected-mode", "yes"};
  if (!password_.empty()) {
    args.emplace_back("--requirepass");
    args.push_back(password_);
  }
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_ = spawn_redis(std::move(args), bind_, port);
}

void RedisServer::stop() {
  kill_and_wait(pid_);
}

RedisSentinel::RedisSentinel(const std::string& dir, const std::string& name, int primary_port,
                             int down_after_ms, int failover_timeout_ms) {
  for (int attempt = 0; attempt < 3 && pid_ <= 0; ++attempt) {
    port_ = free_port();
    const std::string conf = dir + "/sentinel-" + std::to_string(port_) + ".conf";
    std::ofstream out(conf);
    out << "port " << port_ << "\nbind 127.0.0.1\ndaemonize no\nloglevel warning\n"
        << "dir " << dir << "\n"
        << "sentinel monitor " << name << " 127.0.0.1 " << primary_port << " 2\n"
        << "sentinel down-after-milliseconds " << name << " " << down_after_ms << "\n"
        << "sentinel failover-timeout " << name << " " << failover_timeout_ms << "\n"
        << "sentinel parallel-syncs " << name << " 1\n";
    out.close();
    pid_ = spawn_redis({kRedisServer, conf, "--sentinel"}, "127.0.0.1", port_);
  }
  BOOST_REQUIRE_MESSAGE(pid_ > 0, "redis-server --sentinel did not start");
}

RedisSentinel::~RedisSentinel() {
  kill_and_wait(pid_);
}

std::string RedisServer::url(int db) const {
  const std::string host = is_ipv6(bind_) ? "[" + bind_ + "]" : bind_;
  return "redis://" + host + ":" + std::to_string(port_) + "/" + std::to_string(db);
}

RedisServer& shared_redis() {
  static RedisServer server;
  return server;
}

std::string unique_redis_prefix() {
  static std::atomic<int> counter{0};
  return "vvtest:" + std::to_string(::getpid()) + ":" + std::to_string(counter++) + ":";
}

}  // namespace voiceverify::testing
