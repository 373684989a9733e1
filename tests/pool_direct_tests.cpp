// The pool asked directly over FastCGI (cgi-fcgi from libfcgi-bin), without nginx: start-up
// refusals, every way it can listen, and its own caps that nginx would otherwise hit first.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <future>
#include <regex>
#include <thread>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;

BOOST_AUTO_TEST_SUITE(pool_direct_tests)

namespace {

std::map<std::string, std::string> pool_env(const std::string& listen) {
  return {{"MESSAGEBIRD_ACCESS_KEY", "test_direct"},
          {"MESSAGEBIRD_ENDPOINT", "http://127.0.0.1:9"},
          {"SIGNING_KEY", "direct-test-signing-key-0123456789abcdef"},
          {"TEMPLATES_DIR", std::string(VV_SOURCE_DIR) + "/templates"},
          {"THREADS", "2"},
          {"LISTEN", listen}};
}

void expect_phone_form(const std::string& out) {
  BOOST_TEST(contains(out, "Status: 200"), out);
  BOOST_TEST(contains(out, "name=\"number\""));
}

}  // namespace

BOOST_AUTO_TEST_CASE(bad_config_or_templates_stop_start_up_with_a_message_naming_them) {
  const std::string dir =
      std::string(VV_BINARY_DIR) + "/test-runs/startup-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir + "/broken-templates");
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(VV_SOURCE_DIR) + "/templates"))
    std::filesystem::copy_file(entry.path(),
                               dir + "/broken-templates/" + entry.path().filename().string(),
                               std::filesystem::copy_options::overwrite_existing);
  std::filesystem::remove(dir + "/broken-templates/success.tpl");
  const std::string secret = "short-secret";
  const std::vector<std::pair<std::map<std::string, std::string>, std::string>> cases = {
      {{{"THREADS", "0"}}, "THREADS"},
      {{{"SIGNING_KEY", secret}}, "SIGNING_KEY"},
      {{{"MESSAGEBIRD_ACCESS_KEY", ""}}, "MESSAGEBIRD_ACCESS_KEY"},
      {{{"MESSAGEBIRD_ENDPOINT", "http://example.com"}}, "MESSAGEBIRD_ENDPOINT"},
      {{{"TEMPLATES_DIR", dir + "/broken-templates"}}, "success.tpl"},
  };
  int n = 0;
  for (const auto& [overrides, named] : cases) {
    auto env = pool_env("127.0.0.1:" + std::to_string(voiceverify::testing::free_port()));
    for (const auto& [k, v] : overrides) env[k] = v;
    const std::string log = dir + "/pool-" + std::to_string(n++) + ".log";
    voiceverify::testing::Process pool({VV_POOL_BIN}, env, log);
    BOOST_TEST(pool.wait_exit(10000) == 2, named);
    const std::string said = voiceverify::testing::read_file(log);
    BOOST_TEST(contains(said, named), said);
    BOOST_TEST(!contains(said, secret));
  }
}

BOOST_AUTO_TEST_CASE(pool_listens_on_a_unix_socket_nginx_workers_can_reach) {
  const std::string dir =
      std::string(VV_BINARY_DIR) + "/test-runs/unix-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/pool.sock";
  voiceverify::testing::Process pool({VV_POOL_BIN}, pool_env("unix:" + path), dir + "/pool.log");
  expect_phone_form(fastcgi_get(path));
  // Group-writable for nginx's workers, not world-writable.
  using std::filesystem::perms;
  const perms mode = std::filesystem::status(path).permissions();
  BOOST_TEST(((mode & perms::group_write) != perms::none));
  BOOST_TEST(((mode & perms::others_write) == perms::none));
  BOOST_TEST(pool.stop() == 0);
}

BOOST_AUTO_TEST_CASE(pool_serves_a_socket_inherited_on_stdin_from_spawn_fcgi) {
  const std::string dir =
      std::string(VV_BINARY_DIR) + "/test-runs/stdin-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const int port = voiceverify::testing::free_port();
  voiceverify::testing::Process pool({"/usr/bin/spawn-fcgi", "-n", "-a", "127.0.0.1", "-p",
                                      std::to_string(port), "--", VV_POOL_BIN},
                                     pool_env("stdin"), dir + "/pool.log");
  expect_phone_form(fastcgi_get("127.0.0.1:" + std::to_string(port)));
  BOOST_TEST(pool.stop() == 0);
}

BOOST_AUTO_TEST_CASE(pool_takes_a_systemd_activated_socket) {
  const std::string dir =
      std::string(VV_BINARY_DIR) + "/test-runs/systemd-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const int port = voiceverify::testing::free_port();
  std::vector<std::string> argv = {"/usr/bin/systemd-socket-activate", "-l",
                                   "127.0.0.1:" + std::to_string(port)};
  for (const auto& [key, value] : pool_env("systemd")) argv.push_back("-E" + key + "=" + value);
  argv.push_back(VV_POOL_BIN);
  voiceverify::testing::Process pool(argv, {}, dir + "/pool.log");
  expect_phone_form(fastcgi_get("127.0.0.1:" + std::to_string(port)));
  BOOST_TEST(pool.stop() == 0);
}

// Behind an nginx with larger header buffers than ours, the pool answers an oversized Cookie
// header itself, with a page that says how to recover, and logs it.
BOOST_AUTO_TEST_CASE(pool_answers_oversized_cookies_with_a_way_out) {
  Site site;
  const std::string out = voiceverify::testing::run_command(
      "env -i REQUEST_METHOD=GET DOCUMENT_URI=/ HTTP_COOKIE=junk=" + std::string(9000, 'x') +
      " /usr/bin/cgi-fcgi -bind -connect 127.0.0.1:" + std::to_string(site.pool_port()) +
      " </dev/null 2>&1");
  BOOST_TEST(contains(out, "Status: 431"), out.substr(0, 200));
  BOOST_TEST(contains(out, "clear the cookies for this site"));
  BOOST_TEST(contains(site.pool_log(), "event=cookies_too_large"));
  expect_still_serving(site);
}

BOOST_AUTO_TEST_CASE(pool_refuses_bodies_over_its_cap_without_nginx) {
  Site site;
  const std::string command =
      "head -c 10000 /dev/zero | tr '\\0' 'a' | env -i REQUEST_METHOD=POST DOCUMENT_URI=/ "
      "CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=10000 "
      "/usr/bin/cgi-fcgi -bind -connect 127.0.0.1:" +
      std::to_string(site.pool_port()) + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  BOOST_REQUIRE(pipe);
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  ::pclose(pipe);
  BOOST_TEST(out.find("Status: 413") != std::string::npos, out);
  BOOST_TEST(out.find("Request too large") != std::string::npos, out);
  BOOST_TEST(site.sim_stats()["creates"] == 0);
  expect_still_serving(site);
}

BOOST_AUTO_TEST_SUITE_END()
