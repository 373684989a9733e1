// The shipped production site (nginx/voiceverify.conf) as nginx runs it, in front of the real
// pool and simulator: a copy whose listen, certificate, upstream, root and log lines are
// rewritten for this machine (ports 80 and 443 may be taken, and no test writes to /etc or
// /var), with a self-signed certificate made here by openssl. Everything else is the shipped
// text, snippets included: `nginx -t` accepts it, https answers with HSTS and __Host- cookies
// marked Secure (which the pool reads back), http answers 301 except for ACME challenges.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "harness.hpp"
#include "site_steps.hpp"

using namespace voiceverify::testing;

namespace {

const std::string kName = "verify.example.com";  // the site's placeholder name, kept

// Replaces every match of `pattern` in `text` and requires exactly `count` of them: a shipped
// file that changed shape must fail here, not quietly run with a production path.
void rewrite(std::string& text, const std::string& pattern, const std::string& with, int count) {
  const std::regex re(pattern);
  const auto found =
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator());
  BOOST_REQUIRE_MESSAGE(found == count, "nginx/voiceverify.conf: " << found << " lines match '"
                                                                   << pattern << "', expected "
                                                                   << count);
  text = std::regex_replace(text, re, with);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  BOOST_REQUIRE_MESSAGE(out.good(), "cannot write " << path);
}

// The production site beside a running Site, in run_dir/prod: its own nginx on two free ports.
struct ProductionSite {
  explicit ProductionSite(const Site& site)
      : dir(site.run_dir() + "/prod"), http_port(free_port()), https_port(free_port()) {
    std::filesystem::create_directories(dir + "/snippets");
    std::filesystem::create_directories(dir + "/acme/.well-known/acme-challenge");
    // The shipped snippets, untouched (the site includes them relative to its conf folder).
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(VV_SOURCE_DIR) + "/nginx/snippets"))
      std::filesystem::copy_file(entry.path(),
                                 dir + "/snippets/" + entry.path().filename().string());

    // A self-signed certificate for the site's name and the address the test connects to.
    const std::string made = run_command(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=" +
        kName + " -addext subjectAltName=DNS:" + kName + ",IP:127.0.0.1 -keyout " + dir +
        "/key.pem -out " + cert() + " 2>&1 && echo made");
    BOOST_REQUIRE_MESSAGE(made.find("made") != std::string::npos, made);

    std::string conf = read_file(std::string(VV_SOURCE_DIR) + "/nginx/voiceverify.conf");
    const std::string local = "127.0.0.1:";
    rewrite(conf, R"(listen 80;)", "listen " + local + std::to_string(http_port) + ";", 1);
    rewrite(conf, R"(listen 443 ssl http2;)",
            "listen " + local + std::to_string(https_port) + " ssl http2;", 1);
    rewrite(conf, R"(\n *listen \[::\]:(80|443)[^;]*;)", "", 2);  // IPv6 may be missing here
    rewrite(conf, R"(ssl_certificate /etc/letsencrypt/\S+;)", "ssl_certificate " + cert() + ";", 1);
    rewrite(conf, R"(ssl_certificate_key /etc/letsencrypt/\S+;)",
            "ssl_certificate_key " + dir + "/key.pem;", 1);
    rewrite(conf, R"(server unix:/run/voiceverify/voiceverify.sock;)",
            "server 127.0.0.1:" + std::to_string(site.pool_port()) + ";", 1);
    rewrite(conf, R"(root /usr/share/voiceverify;)", "root " + site.run_dir() + "/site;", 1);
    rewrite(conf, R"(root /var/www/letsencrypt;)", "root " + dir + "/acme;", 1);
    rewrite(conf, R"(/var/log/nginx/)", dir + "/", 4);
    write_file(dir + "/voiceverify.conf", conf);

    // What /etc/nginx/nginx.conf gives a site in sites-enabled: the http block around it.
    write_file(dir + "/nginx.conf", "daemon off;\nworker_processes 1;\npid " + dir +
                                        "/nginx.pid;\nerror_log " + dir +
                                        "/error.log warn;\nevents { worker_connections 64; }\n"
                                        "http {\n  include /etc/nginx/mime.types;\n"
                                        "  default_type application/octet-stream;\n"
                                        "  client_body_temp_path " +
                                        dir +
                                        "/client_body;\n"
                                        "  fastcgi_temp_path " +
                                        dir +
                                        "/fastcgi;\n"
                                        "  proxy_temp_path " +
                                        dir +
                                        "/proxy;\n"
                                        "  uwsgi_temp_path " +
                                        dir +
                                        "/uwsgi;\n"
                                        "  scgi_temp_path " +
                                        dir +
                                        "/scgi;\n"
                                        "  include " +
                                        dir + "/voiceverify.conf;\n}\n");
  }

  std::string cert() const { return dir + "/cert.pem"; }
  std::string https_url() const { return "https://127.0.0.1:" + std::to_string(https_port); }
  // `nginx -t` on it: its output and whether it passed.
  std::string check(bool& ok) const {
    const std::string out =
        run_command("/usr/sbin/nginx -t -p " + dir + " -c " + dir + "/nginx.conf 2>&1; echo rc=$?");
    ok = out.find("rc=0") != std::string::npos;
    return out;
  }
  void start() {
    nginx =
        Process({"/usr/sbin/nginx", "-p", dir, "-c", dir + "/nginx.conf"}, {}, dir + "/nginx.out");
    BOOST_REQUIRE_MESSAGE(wait_for_port(https_port, 10000) && wait_for_port(http_port, 10000),
                          "nginx did not start: " << read_file(dir + "/error.log"));
  }
  ~ProductionSite() { nginx.stop(3); }  // SIGQUIT: nginx's graceful stop

  std::string dir;
  int http_port, https_port;
  Process nginx;
};

std::string set_cookie_for(const Page& page, const std::string& name) {
  for (const auto& [header, value] : page.headers)
    if (header == "Set-Cookie" && value.rfind(name + "=", 0) == 0) return value;
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_integration_tests)

BOOST_AUTO_TEST_CASE(the_shipped_site_passes_nginx_t) {
  Site site;
  ProductionSite prod(site);
  bool ok = false;
  const std::string out = prod.check(ok);
  BOOST_TEST(ok, out);
  BOOST_TEST(out.find("syntax is ok") != std::string::npos, out);
}

// A whole call start over https: the pool sees HTTPS=on, names its cookies __Host- and marks
// them Secure, and reads them back on the next request (the code page knows the number).
BOOST_AUTO_TEST_CASE(https_has_hsts_and_host_prefixed_secure_cookies) {
  Site site;
  ProductionSite prod(site);
  prod.start();
  Browser browser(prod.https_url(), prod.cert());

  const Page form = browser.get("/");
  BOOST_TEST_REQUIRE(form.status == 200);
  BOOST_TEST(form.header("Strict-Transport-Security") == "max-age=63072000");
  BOOST_TEST(form.header("X-Frame-Options") == "DENY");  // the snippet's headers are kept
  const std::string session = set_cookie_for(form, "__Host-vv_session");
  BOOST_TEST(contains(session, "; Secure"), session);
  BOOST_TEST(contains(session, "; Path=/;"), session);
  BOOST_TEST(!contains(session, "Domain"), session);
  BOOST_TEST(set_cookie_for(form, "vv_session").empty());

  // The CSRF check and the code page both need the session read back under its https name.
  const Page started = browser.post("/", {{"number", kNumber}});
  BOOST_TEST_REQUIRE(started.status == 303, started.body);
  BOOST_TEST(started.location.rfind("/EnterCode/", 0) == 0u, started.location);
  BOOST_TEST(site.sim_stats()["creates"] == 1);
  const Page code_page = browser.follow(started);
  BOOST_TEST(code_page.status == 200);
  BOOST_TEST(contains(code_page.body, "+31 * ******78"), code_page.body);

  // A banner travels in the __Host- flash cookie and is shown once.
  const Page refused = browser.post("/", {{"number", "12345"}});
  BOOST_TEST_REQUIRE(refused.status == 303);
  const std::string flash = set_cookie_for(refused, "__Host-vv_flash");
  BOOST_TEST(contains(flash, "; Secure"), flash);
  BOOST_TEST(contains(browser.follow(refused).banner(), "does not look like a phone number"));
  BOOST_TEST(browser.cookies().count("__Host-vv_flash") == 0u);  // cleared once shown

  // The listen line's http2 works (Debian 12's spelling).
  const std::string version =
      run_command("curl -s --http2 --cacert " + prod.cert() +
                  " -o /dev/null -w '%{http_version}' " + prod.https_url() + "/");
  BOOST_TEST(version == "2");
}

BOOST_AUTO_TEST_CASE(plain_http_is_redirected_except_acme_challenges) {
  Site site;
  ProductionSite prod(site);
  prod.start();
  httplib::Client http("127.0.0.1", prod.http_port);
  auto moved = http.Get("/EnterCode/abc?x=1");
  BOOST_TEST_REQUIRE(static_cast<bool>(moved));
  BOOST_TEST(moved->status == 301);
  BOOST_TEST(moved->get_header_value("Location") == "https://" + kName + "/EnterCode/abc?x=1");
  auto posted = http.Post("/", "number=1", "application/x-www-form-urlencoded");
  BOOST_TEST_REQUIRE(static_cast<bool>(posted));
  BOOST_TEST(posted->status == 301);

  // What certbot --webroot writes, the CA reads over plain http.
  write_file(prod.dir + "/acme/.well-known/acme-challenge/tok3n_-x", "tok3n_-x.thumbprint");
  auto challenge = http.Get("/.well-known/acme-challenge/tok3n_-x");
  BOOST_TEST_REQUIRE(static_cast<bool>(challenge));
  BOOST_TEST(challenge->status == 200);
  BOOST_TEST(challenge->body == "tok3n_-x.thumbprint");
  auto missing = http.Get("/.well-known/acme-challenge/unknown");
  BOOST_TEST_REQUIRE(static_cast<bool>(missing));
  BOOST_TEST(missing->status == 404);
}

BOOST_AUTO_TEST_SUITE_END()
