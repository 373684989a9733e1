// A redis-server child process for the store suites: started on a free loopback port (IPv4, or
// IPv6 ::1 when asked), answering PING before the constructor returns, killed with the object or
// with the test binary. A missing redis-server fails the test that asked for it: the Redis backend
// is what a multi-host deployment relies on, so it must not go untested silently.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace voiceverify::testing {

class RedisServer {
 public:
  // `bind` is "127.0.0.1" or "::1"; a `password` becomes the server's requirepass; `extra_args`
  // go on its command line (e.g. {"--replicaof", "127.0.0.1", "6379"}).
  explicit RedisServer(std::string bind = "127.0.0.1", std::string password = {},
                       std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts on `port`; pid() stays 0 if the server exited or never answered PING.
  void start(int port);
  // SIGKILL, as a crash would.
  void stop();
  // The command line arguments the next start() adds.
  void set_extra_args(std::vector<std::string> extra_args) { extra_args_ = std::move(extra_args); }

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  // redis://127.0.0.1:PORT/DB, or redis://[::1]:PORT/DB for an IPv6 server.
  std::string url(int db = 0) const;

 private:
  std::string bind_;
  std::string password_;
  std::vector<std::string> extra_args_;
  pid_t pid_ = 0;
  int port_ = 0;
};

// A Redis Sentinel on 127.0.0.1 (redis-server --sentinel) watching the primary at
// 127.0.0.1:primary_port under `name` with a quorum of 2, its config file (which it rewrites)
// under `dir`. Answers PING before the constructor returns; killed with the object.
class RedisSentinel {
 public:
  RedisSentinel(const std::string& dir, const std::string& name, int primary_port,
                int down_after_ms, int failover_timeout_ms);
  ~RedisSentinel();
  RedisSentinel(const RedisSentinel&) = delete;
  RedisSentinel& operator=(const RedisSentinel&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
};

// One IPv4 server for the whole test binary; started on first use.
RedisServer& shared_redis();

// A key prefix no other test (or earlier run against the same server) uses.
std::string unique_redis_prefix();

}  // namespace voiceverify::testing
