// The integration fixture: starts the real thing on free loopback ports — the MessageBird
// simulator, the voiceverify worker pool pointed at it, and nginx in front — each as a child
// process with its own run folder under the build directory, and stops them all at the end.
// A Browser talks to nginx only, keeps cookies like a browser and reads banners like a person.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace voiceverify::testing {

// A child process with its stdout and stderr in one log file.
class Process {
 public:
  Process() = default;
  // `fds` maps descriptors of this process onto descriptors of the child (e.g. a listening
  // socket onto fd 3); they are the only ones it inherits besides 0 (/dev/null), 1 and 2.
  Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
          const std::string& log_path, const std::vector<std::pair<int, int>>& fds = {});
  ~Process();
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;

  // SIGTERM, then waits; returns the exit status (128+signal if killed), -1 if not running.
  int stop(int signal_number = 15);
  // Waits up to `timeout_ms` for the child to exit by itself; its status, or -1 if still running.
  int wait_exit(int timeout_ms);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

int free_port();
// Waits until something accepts TCP connections on 127.0.0.1:port; false after `timeout_ms`.
bool wait_for_port(int port, int timeout_ms);
std::string read_file(const std::string& path);
// The value of `key` in scripts/lib/no-limits.env (every limit switched off), or "".
std::string no_limits_value(const std::string& key);

struct SiteOptions {
  std::map<std::string, std::string> env;  // extra or overriding pool config keys
  bool start_sim = true;
  std::string sim_key = "test_sim_key_0123456789";  // the key the simulator accepts
  bool with_redis = false;  // start a redis-server and point REDIS_URL at it
  // A listening socket the test owns, handed to the pool as `listener_target_fd` (3: LISTEN=systemd
  // with LISTEN_FDS=1; 0: LISTEN=stdin) instead of a port the pool opens itself.
  int listener_fd = -1;
  int listener_target_fd = 3;
  int listener_port = 0;  // the port listener_fd is bound to
  // nginx's TRUSTED_PROXIES (scripts/lib/make-nginx-conf): addresses or CIDRs, comma-separated,
  // whose X-Forwarded-For and X-Forwarded-Proto it believes. Empty: nobody's.
  std::string trusted_proxies{};
  // nginx's rate limit on form posts (NGINX_POST_RATE, scripts/lib/make-nginx-conf), e.g. "1r/m".
  // Empty: lifted, as scripts/lib/no-limits.env lifts it (the suites post fast from one address).
  std::string nginx_post_rate{};
  // OpenID Connect on (docs/oidc.md): a signing key, a subject secret and an empty client file
  // (Site::oidc_clients_path) under the run directory, OIDC_ISSUER = http://127.0.0.1:<nginx port>.
  bool oidc = false;
};

class Site {
 public:
  explicit Site(SiteOptions options = {});
  ~Site();

  std::string host() const { return "127.0.0.1"; }
  int port() const { return nginx_port_; }
  int pool_port() const { return pool_port_; }
  const std::string& run_dir() const { return run_dir_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(nginx_port_); }
  std::string oidc_clients_path() const { return run_dir_ + "/oidc-clients"; }

  // The simulator's control endpoints (/_sim/...).
  std::string last_code(const std::string& recipient_digits);
  // The `language` and `template` the newest create for the recipient sent; nullopt when it sent
  // none (found false: no create for the recipient).
  struct Spoken {
    bool found = false;
    std::optional<std::string> language;
    std::optional<std::string> template_text;
  };
  Spoken last_create(const std::string& recipient_digits);
  std::map<std::string, long> sim_stats();
  void sim_faults(const std::map<std::string, std::string>& fields);
  void sim_reset();
  void sim_expire_all();
  void stop_sim();
  void stop_redis();
  // Where this site's pool keeps its counters (with_redis): for a second pool to share them.
  std::string redis_url() const;
  const std::string& redis_prefix() const { return redis_prefix_; }

  // Everything the pool and nginx wrote so far (for log assertions).
  std::string pool_log() const;
  std::string nginx_logs() const;

  pid_t pool_pid() const { return pool_.pid(); }
  // Waits up to `timeout_ms` for the pool to exit by itself; its status, or -1 if still running.
  int wait_pool_exit(int timeout_ms) { return pool_.wait_exit(timeout_ms); }
  // Stops the pool with SIGTERM; returns its exit status.
  int stop_pool();
  // Starts a pool again with the same settings (and the same inherited socket, if any).
  void start_pool();

 private:
  SiteOptions options_;
  std::string run_dir_;
  int sim_port_ = 0, pool_port_ = 0, nginx_port_ = 0, redis_port_ = 0;
  std::string redis_prefix_;
  std::map<std::string, std::string> pool_env_;
  int pool_starts_ = 0;
  Process sim_, pool_, nginx_, redis_;
};

struct Page {
  int status = 0;
  std::string location;  // Location header, if any
  std::string body;
  httplib::Headers headers;
  // The text of the role="alert" element, or "" when the page has no banner.
  std::string banner() const;
  // The hidden csrf_token value of the page's form, or "".
  std::string csrf_token() const;
  std::string header(const std::string& name) const;
};

// A browser: one cookie jar, no automatic redirects (tests look at each 303).
class Browser {
 public:
  explicit Browser(const Site& site);
  // A browser of `url` ("https://127.0.0.1:port") that trusts the certificate in `ca_file`.
  Browser(const std::string& url, const std::string& ca_file);
  Page get(const std::string& path);
  Page head(const std::string& path);
  // Posts a urlencoded form; adds csrf_token from the last page seen unless `fields` has one or
  // `with_csrf` is false.
  Page post(const std::string& path, std::vector<std::pair<std::string, std::string>> fields,
            bool with_csrf = true);
  Page post_raw(const std::string& path, const std::string& body, const std::string& content_type);
  // GET of the last response's Location.
  Page follow(const Page& redirect);

  std::map<std::string, std::string>& cookies() { return cookies_; }
  // Extra request headers sent with every request (e.g. X-Forwarded-For, as a proxy would).
  std::map<std::string, std::string> headers;
  const std::string& last_csrf() const { return csrf_; }

 private:
  Page finish(const httplib::Result& result);
  httplib::Headers request_headers() const;

  httplib::Client http_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_;
};

// Small words the integration suites share.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
// A code of the same length that is certainly not `code`.
std::string wrong_code_for(const std::string& code);
// Follows a 303 and returns the banner the next page shows.
std::string banner_after(Browser& browser, const Page& redirect);

// Runs a shell command and returns what it printed.
std::string run_command(const std::string& command);
// GET / straight over FastCGI at `address` (host:port or a unix socket path), as nginx would
// ask, with cgi-fcgi from libfcgi-bin; retried `tries` times 50 ms apart until an answer with a
// Status line comes back. "" when none did.
std::string fastcgi_get(const std::string& address, int tries = 100);

// URL-encodes for a form body.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace voiceverify::testing
