// The messagebird-sim binary (sim_main): the port it announces, the key from SIM_ACCESS_KEY, a
// clean stop on SIGTERM, and its refusal of any address that is not loopback.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <boost/test/unit_test.hpp>

#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sim_helpers.hpp"

using namespace voiceverify::sim_testing;

extern char** environ;

BOOST_AUTO_TEST_SUITE(sim_main_tests)

namespace {

struct Spawned {
  pid_t pid = -1;
  int out = -1;  // the child's stdout
};

Spawned spawn_sim(const std::vector<std::string>& args, const std::string& key_env) {
  int pipe_fds[2];
  BOOST_REQUIRE(pipe(pipe_fds) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  // The refusals print a usage text: keep it out of the test log.
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> arg_text{VV_SIM_BIN};
  arg_text.insert(arg_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : arg_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text;
  for (char** env = environ; *env; ++env) {
    if (std::string_view(*env).rfind("SIM_ACCESS_KEY=", 0) != 0) env_text.emplace_back(*env);
  }
  env_text.push_back("SIM_ACCESS_KEY=" + key_env);
  std::vector<char*> envp;
  for (auto& env : env_text) envp.push_back(env.data());
  envp.push_back(nullptr);
  Spawned child;
  const int rc = posix_spawn(&child.pid, VV_SIM_BIN, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  BOOST_REQUIRE(rc == 0);
  child.out = pipe_fds[0];
  return child;
}

// One line of the child's stdout, or "" after 60 s (only a failure waits that long) or at end of
// file.
std::string read_line(int fd) {
  std::string line;
  char c = 0;
  while (true) {
    pollfd ready{fd, POLLIN, 0};
    if (poll(&ready, 1, 60000) <= 0 || read(fd, &c, 1) != 1 || c == '\n') return line;
    line += c;
  }
}

int wait_exit(pid_t pid) {
  int status = 0;
  for (int i = 0; i < 6000; ++i) {  // 60 s: the exit comes at once; the bound ends a failure
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(10ms);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -2;
}

}  // namespace

BOOST_AUTO_TEST_CASE(binary_announces_its_port_and_stops_on_sigterm) {
  Spawned child =
      spawn_sim({"--listen", "127.0.0.1:0", "--latency-ms", "1", "--threads", "4"}, "envkey");
  const std::string line = read_line(child.out);
  std::smatch match;
  const bool listening = std::regex_match(
      line, match, std::regex(R"(\[messagebird-sim\] listening on http://127\.0\.0\.1:(\d+))"));
  BOOST_TEST_REQUIRE(listening, line);
  httplib::Client cli("127.0.0.1", std::stoi(match[1]));
  // The key came from SIM_ACCESS_KEY; latency from the command line.
  auto created =
      cli.Post("/verify", {{"Authorization", "AccessKey envkey"}}, kGuideBody, "application/json");
  BOOST_REQUIRE(created);
  BOOST_TEST(created->status == 201);
  BOOST_TEST(cli.Get("/_sim/faults")->body.find(R"("latency_ms":1,)") != std::string::npos);
  BOOST_TEST(read_line(child.out).rfind("[messagebird-sim] calling +31*******78: ", 0) == 0u);
  kill(child.pid, SIGTERM);
  BOOST_TEST(wait_exit(child.pid) == 0);
  close(child.out);
}

BOOST_AUTO_TEST_CASE(binary_refuses_a_non_loopback_address) {
  for (const char* listen : {"0.0.0.0:0", "192.168.1.1:8080", "example.com:80"}) {
    Spawned child = spawn_sim({"--listen", listen}, "k");
    BOOST_TEST(wait_exit(child.pid) == 2, listen);
    close(child.out);
  }
}

BOOST_AUTO_TEST_CASE(binary_refuses_a_thread_count_out_of_range) {
  for (const char* threads : {"0", "32769", "100000", "-1", "many", ""}) {
    Spawned child = spawn_sim({"--listen", "127.0.0.1:0", "--threads", threads}, "k");
    BOOST_TEST(wait_exit(child.pid) == 2, threads);
    close(child.out);
  }
}

BOOST_AUTO_TEST_SUITE_END()
