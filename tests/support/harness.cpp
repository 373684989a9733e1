// The integration fixture (see harness.hpp). Children get a clean environment: only what the
// test gives them, PATH, and the sanitizer options, so the host's settings cannot leak in.
#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <json/json.h>

#include "guard/limit_windows.hpp"

extern char** environ;

namespace voiceverify::testing {
namespace {

using namespace std::chrono_literals;

// How long a child (simulator, redis, nginx, the pool) may take to start listening: it takes a
// moment; the bound only ends a run whose child never starts, and a slow build must not meet it.
constexpr int kStartLimitMs = 60000;

std::atomic<int> g_site_counter{0};

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

// ---- Process ---------------------------------------------------------------------------------

Process::Process(const std::vector<std::string>& argv,
                 const std::map<std::string, std::string>& env, const std::string& log_path,
                 const std::vector<std::pair<int, int>>& fds) {
  std::vector<std::string> args = argv;
  std::vector<std::string> envs;
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  for (const char* inherited :
       {"PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"}) {
    if (env.count(inherited)) continue;
    if (const char* value = std::getenv(inherited))
      envs.push_back(std::string(inherited) + "=" + value);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // dup2 clears close-on-exec on the target, so a socket made SOCK_CLOEXEC reaches this child only.
  for (const auto& [from, to] : fds) posix_spawn_file_actions_adddup2(&actions, from, to);
  auto argv_c = c_strings(args);
  auto env_c = c_strings(envs);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv_c[0], &actions, nullptr, argv_c.data(), env_c.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  pid_ = pid;
}

Process::~Process() {
  stop(SIGKILL);
}

Process::Process(Process&& other) noexcept : pid_(other.pid_) {
  other.pid_ = -1;
}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    stop(SIGKILL);
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

int Process::stop(int signal_number) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal_number);
  int status = 0;
  // Give a graceful stop 60 s (a slow build may need some), then kill: a test must never hang
  // on a stuck child.
  for (int i = 0; i < 6000; ++i) {
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (i == 5999) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    std::this_thread::sleep_for(10ms);
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

int Process::wait_exit(int timeout_ms) {
  if (pid_ <= 0) return -1;
  int status = 0;
  for (int waited = 0; waited <= timeout_ms; waited += 10) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
    }
    std::this_thread::sleep_for(10ms);
  }
  return -1;
}

// ---- helpers ---------------------------------------------------------------------------------

// A port below the ephemeral range (32768 and up), so that no outgoing connection of the tests
// (nginx to the pool, the pool to the simulator) can take it between this check and the child's
// bind(); bind(0) would hand out exactly such ephemeral ports.
int free_port() {
  static std::mt19937 engine{std::random_device{}()};
  static std::set<int> handed_out;  // never the same port twice in one test run
  // scripts/lib/site.sh takes 10000-17999, so the browser suite can run beside this one.
  std::uniform_int_distribution<int> pick(20000, 32000);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const int port = pick(engine);
    if (!handed_out.insert(port).second) continue;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (free) return port;
  }
  throw std::runtime_error("no free loopback port");
}

bool wait_for_port(int port, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string no_limits_value(const std::string& key) {
  std::istringstream lines(read_file(std::string(VV_SOURCE_DIR) + "/scripts/lib/no-limits.env"));
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  return "";
}

std::string run_command(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return "";
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

std::string fastcgi_get(const std::string& address, int tries) {
  for (int i = 0; i < tries; ++i) {
    const std::string out = run_command(
        "env -i REQUEST_METHOD=GET DOCUMENT_URI=/ REMOTE_ADDR=127.0.0.1 /usr/bin/cgi-fcgi -bind "
        "-connect " +
        address + " </dev/null 2>&1");
    if (out.find("Status: ") != std::string::npos) return out;
    std::this_thread::sleep_for(50ms);
  }
  return "";
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  auto encode = [](const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else if (c == ' ') {
        out += '+';
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  };
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    body += encode(name) + "=" + encode(value);
  }
  return body;
}

// ---- Site ------------------------------------------------------------------------------------

Site::Site(SiteOptions options) : options_(std::move(options)) {
  run_dir_ = std::string(VV_BINARY_DIR) + "/test-runs/" + std::to_string(::getpid()) + "-" +
             std::to_string(g_site_counter++);
  std::filesystem::remove_all(run_dir_);
  std::filesystem::create_directories(run_dir_);
  sim_port_ = free_port();
  pool_port_ = options_.listener_fd >= 0 ? options_.listener_port : free_port();
  nginx_port_ = free_port();

  if (options_.start_sim) {
    // 64 threads, the default before 1280, which is for benchmarks and
    // would only slow every start under the sanitizers.
    sim_ = Process(
        {VV_SIM_BIN, "--listen", "127.0.0.1:" + std::to_string(sim_port_), "--threads", "64"},
        {{"SIM_ACCESS_KEY", options_.sim_key}}, run_dir_ + "/sim.log");
    if (!wait_for_port(sim_port_, kStartLimitMs))
      throw std::runtime_error("simulator did not start");
  }
  std::map<std::string, std::string> env = {
      {"MESSAGEBIRD_ACCESS_KEY", options_.sim_key},
      {"MESSAGEBIRD_ENDPOINT", "http://127.0.0.1:" + std::to_string(sim_port_)},
      {"SIGNING_KEY", "integration-test-signing-key-0123456789abcdef"},
      {"LISTEN", "127.0.0.1:" + std::to_string(pool_port_)},
      {"THREADS", "4"},
      {"TEMPLATES_DIR", std::string(VV_SOURCE_DIR) + "/templates"},
      {"CONNECT_TIMEOUT_MS", "300"},
      // A request's whole upstream budget: far more than the simulator needs even on a slow
      // build, so only the tests of a timeout (which set their own) ever meet it.
      {"TOTAL_TIMEOUT_MS", "10000"},
      {"MAX_ATTEMPTS", "1"},
  };
  // Generous limits: the foundation's tests all come from one loopback address. The limit
  // tests set their own. Every window of the table, so a new one needs no line here.
  for (const auto& window : guard::kLimitWindows) {
    switch (window.sizing) {
      case guard::Sizing::Interval:
      case guard::Sizing::Reserve:  // nothing reserved: everyone shares the site-wide hour
        env[window.setting.key] = "0";
        break;
      case guard::Sizing::Calls:
        env[window.setting.key] = "100000";
        break;
      case guard::Sizing::Tries:
        break;
    }
  }
  if (options_.with_redis) {
    redis_port_ = free_port();
    redis_ = Process({"/usr/bin/redis-server", "--port", std::to_string(redis_port_), "--bind",
                      "127.0.0.1", "--save", "", "--appendonly", "no"},
                     {}, run_dir_ + "/redis.log");
    if (!wait_for_port(redis_port_, kStartLimitMs)) throw std::runtime_error("redis did not start");
    env["REDIS_URL"] = "redis://127.0.0.1:" + std::to_string(redis_port_) + "/0";
    redis_prefix_ =
        "vvtest" + std::to_string(::getpid()) + "x" + std::to_string(g_site_counter.load()) + ":";
    env["REDIS_PREFIX"] = redis_prefix_;
  }
  if (options_.listener_fd >= 0) {
    env["LISTEN"] = options_.listener_target_fd == 0 ? "stdin" : "systemd";
    if (options_.listener_target_fd == 3) env["LISTEN_FDS"] = "1";
  }
  if (options_.oidc) {
    const std::string key = run_dir_ + "/oidc-signing.pem";
    const std::string subject = run_dir_ + "/oidc-subject.key";
    // Both keys in one file, as scripts/run and the package make it (docs/oidc.md, "Keys").
    run_command("(umask 077 && openssl ecparam -name prime256v1 -genkey -noout -out '" + key +
                "' && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 >>'" + key +
                "' && head -c 48 /dev/urandom | base64 | tr -d '\\n/+=' >'" + subject + "') 2>&1");
    std::ofstream(oidc_clients_path()) << "";
    env["OIDC_ISSUER"] = base_url();
    env["OIDC_CLIENTS"] = oidc_clients_path();
    env["OIDC_SIGNING_KEY_FILE"] = key;
    env["OIDC_SUBJECT_KEY_FILE"] = subject;
  }
  for (const auto& [k, v] : options_.env) env[k] = v;
  pool_env_ = env;
  start_pool();

  // Always set: a TRUSTED_PROXIES or NGINX_POST_RATE in the test runner's own environment must
  // not leak in.
  for (const char c : options_.trusted_proxies)
    if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '/' ||
          c == ','))
      throw std::invalid_argument("SiteOptions::trusted_proxies: not addresses");
  const std::string post_rate = options_.nginx_post_rate.empty()
                                    ? no_limits_value("NGINX_POST_RATE")
                                    : options_.nginx_post_rate;
  for (const char c : post_rate)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/'))
      throw std::invalid_argument("SiteOptions::nginx_post_rate: not a rate");
  if (post_rate.empty()) throw std::runtime_error("no NGINX_POST_RATE in no-limits.env");
  const std::string make_conf =
      "NGINX_POST_RATE='" + post_rate + "' TRUSTED_PROXIES='" + options_.trusted_proxies + "' " +
      std::string(VV_SOURCE_DIR) + "/scripts/lib/make-nginx-conf " + run_dir_ + " " +
      std::to_string(nginx_port_) + " 127.0.0.1:" + std::to_string(pool_port_) + " " +
      env["THREADS"] + " " + VV_BINARY_DIR;
  if (std::system(make_conf.c_str()) != 0) throw std::runtime_error("make-nginx-conf failed");
  nginx_ = Process({"/usr/sbin/nginx", "-p", run_dir_, "-c", run_dir_ + "/nginx.conf"}, {},
                   run_dir_ + "/nginx.out");
  if (!wait_for_port(nginx_port_, kStartLimitMs)) {
    throw std::runtime_error("nginx did not start: " + read_file(run_dir_ + "/nginx-error.log"));
  }
}

Site::~Site() {
  nginx_.stop(SIGQUIT);
  pool_.stop();
  sim_.stop();
  redis_.stop();
}

std::string Site::last_code(const std::string& recipient) {
  httplib::Client client("127.0.0.1", sim_port_);
  auto result = client.Get(("/_sim/last-code?recipient=" + recipient).c_str());
  if (!result || result->status != 200) return "";
  std::string code = result->body;
  while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.pop_back();
  return code;
}

Site::Spoken Site::last_create(const std::string& recipient) {
  httplib::Client client("127.0.0.1", sim_port_);
  auto result = client.Get(("/_sim/last-create?recipient=" + recipient).c_str());
  Spoken spoken;
  if (!result || result->status != 200) return spoken;
  Json::Value root;
  std::istringstream in(result->body);
  Json::CharReaderBuilder builder;
  std::string errors;
  if (!Json::parseFromStream(builder, in, &root, &errors) || !root.isObject()) return spoken;
  spoken.found = true;
  if (root["language"].isString()) spoken.language = root["language"].asString();
  if (root["template"].isString()) spoken.template_text = root["template"].asString();
  return spoken;
}

std::map<std::string, long> Site::sim_stats() {
  httplib::Client client("127.0.0.1", sim_port_);
  auto result = client.Get("/_sim/stats");
  std::map<std::string, long> stats;
  if (!result || result->status != 200) return stats;
  Json::Value root;
  std::istringstream in(result->body);
  Json::CharReaderBuilder builder;
  std::string errors;
  if (!Json::parseFromStream(builder, in, &root, &errors)) return stats;
  for (const auto& name : root.getMemberNames())
    if (root[name].isIntegral()) stats[name] = root[name].asInt64();
  return stats;
}

void Site::sim_faults(const std::map<std::string, std::string>& fields) {
  httplib::Client client("127.0.0.1", sim_port_);
  httplib::Params params(fields.begin(), fields.end());
  auto result = client.Post("/_sim/faults", params);
  if (!result || result->status >= 300) throw std::runtime_error("cannot set simulator faults");
}

void Site::sim_reset() {
  httplib::Client client("127.0.0.1", sim_port_);
  auto result = client.Post("/_sim/reset");
  if (!result || result->status >= 300) throw std::runtime_error("cannot reset simulator");
}

void Site::sim_expire_all() {
  httplib::Client client("127.0.0.1", sim_port_);
  auto result = client.Post("/_sim/expire");
  if (!result || result->status >= 300) throw std::runtime_error("cannot expire simulator objects");
}

void Site::stop_sim() {
  sim_.stop();
}
void Site::stop_redis() {
  redis_.stop();
}
int Site::stop_pool() {
  return pool_.stop(SIGTERM);
}

void Site::start_pool() {
  std::vector<std::pair<int, int>> fds;
  if (options_.listener_fd >= 0)
    fds.emplace_back(options_.listener_fd, options_.listener_target_fd);
  pool_ = Process({VV_POOL_BIN}, pool_env_, run_dir_ + "/pool.log", fds);
  ++pool_starts_;
  // An inherited socket accepts connections whether a pool runs or not: wait for the pool's
  // own word instead.
  const auto started = [&] {
    const std::string log = read_file(run_dir_ + "/pool.log");
    std::size_t count = 0;
    for (auto at = log.find("event=started"); at != std::string::npos;
         at = log.find("event=started", at + 1))
      ++count;
    return count >= static_cast<std::size_t>(pool_starts_);
  };
  for (int waited = 0; waited < kStartLimitMs && !started(); waited += 20)
    std::this_thread::sleep_for(20ms);
  if (!started() || !wait_for_port(pool_port_, kStartLimitMs)) {
    throw std::runtime_error("pool did not start: " + read_file(run_dir_ + "/pool.log"));
  }
}

std::string Site::redis_url() const {
  return "redis://127.0.0.1:" + std::to_string(redis_port_) + "/0";
}

std::string Site::pool_log() const {
  return read_file(run_dir_ + "/pool.log");
}

std::string Site::nginx_logs() const {
  return read_file(run_dir_ + "/nginx-access.log") + read_file(run_dir_ + "/nginx-error.log") +
         read_file(run_dir_ + "/nginx.out");
}

// ---- Page and Browser ------------------------------------------------------------------------

std::string Page::banner() const {
  const std::string marker = "role=\"alert\">";
  auto start = body.find(marker);
  if (start == std::string::npos) return "";
  start += marker.size();
  auto end = body.find("</div>", start);
  return body.substr(start, end - start);
}

std::string Page::csrf_token() const {
  const std::string marker = "name=\"csrf_token\" value=\"";
  auto start = body.find(marker);
  if (start == std::string::npos) return "";
  start += marker.size();
  return body.substr(start, body.find('"', start) - start);
}

std::string Page::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

Browser::Browser(const Site& site) : http_(site.host(), site.port()) {
  http_.set_url_encode(false);
  http_.set_connection_timeout(5, 0);
  http_.set_read_timeout(15, 0);
  http_.set_keep_alive(true);
}

Browser::Browser(const std::string& url, const std::string& ca_file) : http_(url) {
  http_.set_url_encode(false);
  http_.set_connection_timeout(5, 0);
  http_.set_read_timeout(15, 0);
  http_.set_keep_alive(true);
  http_.set_ca_cert_path(ca_file);
  http_.enable_server_certificate_verification(true);
}

httplib::Headers Browser::request_headers() const {
  httplib::Headers headers(this->headers.begin(), this->headers.end());
  std::string cookie;
  for (const auto& [name, value] : cookies_) {
    if (!cookie.empty()) cookie += "; ";
    cookie += name + "=" + value;
  }
  if (!cookie.empty()) headers.emplace("Cookie", cookie);
  return headers;
}

Page Browser::finish(const httplib::Result& result) {
  Page page;
  if (!result)
    throw std::runtime_error("no answer from nginx: " + httplib::to_string(result.error()));
  page.status = result->status;
  page.body = result->body;
  page.headers = result->headers;
  page.location = page.header("Location");
  auto range = result->headers.equal_range("Set-Cookie");
  for (auto it = range.first; it != range.second; ++it) {
    const std::string& line = it->second;
    const auto eq = line.find('=');
    const auto semi = line.find(';');
    const std::string name = line.substr(0, eq);
    const std::string value = line.substr(eq + 1, semi == std::string::npos ? semi : semi - eq - 1);
    if (line.find("Max-Age=0") != std::string::npos) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
  }
  if (const std::string token = page.csrf_token(); !token.empty()) csrf_ = token;
  return page;
}

Page Browser::get(const std::string& path) {
  return finish(http_.Get(path.c_str(), request_headers()));
}

Page Browser::head(const std::string& path) {
  return finish(http_.Head(path.c_str(), request_headers()));
}

Page Browser::post(const std::string& path, std::vector<std::pair<std::string, std::string>> fields,
                   bool with_csrf) {
  bool has_token = false;
  for (const auto& field : fields)
    if (field.first == "csrf_token") has_token = true;
  if (with_csrf && !has_token) fields.emplace_back("csrf_token", csrf_);
  return post_raw(path, form_encode(fields), "application/x-www-form-urlencoded");
}

Page Browser::post_raw(const std::string& path, const std::string& body,
                       const std::string& content_type) {
  return finish(http_.Post(path.c_str(), request_headers(), body, content_type.c_str()));
}

Page Browser::follow(const Page& redirect) {
  return get(redirect.location);
}

std::string wrong_code_for(const std::string& code) {
  std::string wrong = code;
  if (!wrong.empty()) wrong[0] = code[0] == '9' ? '0' : static_cast<char>(code[0] + 1);
  return wrong;
}

std::string banner_after(Browser& browser, const Page& redirect) {
  return browser.follow(redirect).banner();
}

}  // namespace voiceverify::testing
