// The client file's commands (src/app/client_commands.cpp): --add-client prints the id and the
// secret once and keeps only its hash, --list-clients never shows a hash, --remove-client; each
// change replaces the file whole, keeping its mode, and a refused request leaves it untouched.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "app/client_commands.hpp"
#include "config_helpers.hpp"
#include "oidc/clients.hpp"

namespace app = voiceverify::app;
namespace oidc = voiceverify::oidc;
using voiceverify::testing::TempDir;

namespace {

// What a command printed on one stream.
class Capture {
 public:
  Capture() : file_(std::tmpfile()) {}
  ~Capture() { std::fclose(file_); }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string out;
    for (int c = std::fgetc(file_); c != EOF; c = std::fgetc(file_)) out += static_cast<char>(c);
    return out;
  }

 private:
  std::FILE* file_;
};

std::string value_after(const std::string& text, const std::string& label) {
  const auto at = text.find(label);
  if (at == std::string::npos) return {};
  const auto start = at + label.size();
  return text.substr(start, text.find('\n', start) - start);
}

oidc::ClientRegistry read_back(const std::string& path) {
  std::string text;
  if (std::FILE* in = std::fopen(path.c_str(), "r")) {
    for (int c = std::fgetc(in); c != EOF; c = std::fgetc(in)) text += static_cast<char>(c);
    std::fclose(in);
  }
  auto parsed = oidc::parse_clients(text);
  BOOST_TEST(parsed.error.empty(), parsed.error);
  return parsed.registry;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(client_commands_tests)

BOOST_AUTO_TEST_CASE(add_list_remove) {
  const TempDir dir;
  const std::string path = dir.write("clients", "");
  ::chmod(path.c_str(), 0640);

  Capture out, err;
  BOOST_TEST(app::add_client(path, "Example Shop", {"https://shop.example/cb"}, false, false,
                             out.file(), err.file()) == 0);
  const std::string printed = out.text();
  const std::string id = value_after(printed, "client_id: ");
  const std::string secret = value_after(printed, "client_secret: ");
  BOOST_TEST(id.size() == 32u, printed);
  BOOST_TEST(secret.size() == 43u, printed);
  auto registry = read_back(path);
  BOOST_TEST_REQUIRE(registry.find(id) != nullptr);
  BOOST_TEST(registry.find(id)->secret_matches(secret));
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 07777) == 0640u);

  Capture out2, err2;
  BOOST_TEST(app::add_client(path, "Example App", {"http://127.0.0.1/cb"}, true, false, out2.file(),
                             err2.file()) == 0);
  const std::string public_id = value_after(out2.text(), "client_id: ");
  BOOST_TEST(out2.text().find("client_secret") == std::string::npos);
  BOOST_TEST(read_back(path).clients.size() == 2u);
  BOOST_TEST((read_back(path).find(public_id)->id_token_alg() == oidc::SigningAlg::ES256));
  Capture out_rs, err_rs;
  BOOST_TEST(app::add_client(path, "RSA Shop", {"https://rsa.example/cb"}, false, false,
                             out_rs.file(), err_rs.file(), oidc::SigningAlg::RS256) == 0);
  const std::string rs_id = value_after(out_rs.text(), "client_id: ");
  BOOST_TEST((read_back(path).find(rs_id)->id_token_alg() == oidc::SigningAlg::RS256));
  Capture out_rm, err_rm;
  BOOST_TEST(app::remove_client(path, rs_id, out_rm.file(), err_rm.file()) == 0);

  Capture listed, err3;
  BOOST_TEST(app::list_clients(path, listed.file(), err3.file()) == 0);
  const std::string list = listed.text();
  BOOST_TEST(
      list.find(id + " confidential \"Example Shop\" https://shop.example/cb") != std::string::npos,
      list);
  BOOST_TEST(list.find(public_id + " public \"Example App\"") != std::string::npos, list);
  BOOST_TEST(list.find("pbkdf2") == std::string::npos, list);

  Capture out4, err4;
  BOOST_TEST(app::remove_client(path, id, out4.file(), err4.file()) == 0);
  registry = read_back(path);
  BOOST_TEST(registry.clients.size() == 1u);
  BOOST_TEST(registry.find(id) == nullptr);
  Capture out5, err5;
  BOOST_TEST(app::remove_client(path, id, out5.file(), err5.file()) == 1);
}

BOOST_AUTO_TEST_CASE(a_refused_client_leaves_the_file_as_it_was) {
  const TempDir dir;
  const std::string path = dir.write("clients", "");
  for (const std::vector<std::string>& uris :
       {std::vector<std::string>{}, std::vector<std::string>{"http://shop.example/cb"},
        std::vector<std::string>{"https://shop.example/cb#x"}}) {
    Capture out, err;
    BOOST_TEST(app::add_client(path, "Shop", uris, false, false, out.file(), err.file()) == 2);
    BOOST_TEST(!err.text().empty());
    BOOST_TEST(out.text().empty());
  }
  BOOST_TEST(read_back(path).clients.empty());
  Capture out, err;
  BOOST_TEST(app::add_client(dir.path() + "/missing", "Shop", {"https://shop.example/cb"}, false,
                             false, out.file(), err.file()) == 1);
  BOOST_TEST(err.text().find("OIDC_CLIENTS") != std::string::npos);
}

// A server that only uses the verification API (docs/api.md) registers without a redirect URI;
// the flag is kept in the file and shown in the list.
BOOST_AUTO_TEST_CASE(an_api_client_needs_no_redirect_uri) {
  const TempDir dir;
  const std::string path = dir.write("clients", "");
  Capture out, err;
  BOOST_TEST(app::add_client(path, "Back Office", {}, false, true, out.file(), err.file()) == 0,
             err.text());
  const std::string id = value_after(out.text(), "client_id: ");
  const std::string secret = value_after(out.text(), "client_secret: ");
  const auto registry = read_back(path);
  BOOST_TEST_REQUIRE(registry.find(id) != nullptr);
  BOOST_TEST(registry.find(id)->has(oidc::ClientFlag::Api));
  BOOST_TEST(registry.find(id)->secret_matches(secret));
  BOOST_TEST(registry.find(id)->redirect_uris.empty());
  Capture listed, err2;
  BOOST_TEST(app::list_clients(path, listed.file(), err2.file()) == 0);
  BOOST_TEST(listed.text().find(id + " confidential,api \"Back Office\"") != std::string::npos,
             listed.text());
}

BOOST_AUTO_TEST_CASE(arguments) {
  const auto parse = [](std::vector<const char*> args) {
    app::ClientCommand command;
    for (int i = 0; i < static_cast<int>(args.size()); ++i) {
      const char* next = i + 1 < static_cast<int>(args.size()) ? args[i + 1] : nullptr;
      BOOST_TEST_REQUIRE(command.take(args[i], next, i), args[i]);
    }
    return command;
  };
  BOOST_TEST(parse({"--list-clients"}).asked());
  BOOST_TEST(!app::ClientCommand{}.asked());
  int i = 0;
  app::ClientCommand other;
  BOOST_TEST(!other.take("--list-blocks", nullptr, i));
  BOOST_TEST(!other.take("--remove-client", nullptr, i));  // no id
  // Two commands, or add's options with another, are usage errors (2) before any file is read.
  BOOST_TEST(parse({"--list-clients", "--remove-client", "x"}).run("/nonexistent") == 2);
  BOOST_TEST(parse({"--list-clients", "--public"}).run("/nonexistent") == 2);
  BOOST_TEST(parse({"--redirect-uri", "https://a.example/cb"}).run("/nonexistent") == 2);
  BOOST_TEST(parse({"--api"}).asked());
  BOOST_TEST(parse({"--list-clients", "--api"}).run("/nonexistent") == 2);
  BOOST_TEST(parse({"--id-token-alg", "RS256"}).asked());
  BOOST_TEST(parse({"--list-clients", "--id-token-alg", "RS256"}).run("/nonexistent") == 2);
  BOOST_TEST(parse({"--add-client", "Shop", "--redirect-uri", "https://a.example/cb",
                    "--id-token-alg", "HS256"})
                 .run("/nonexistent") == 2);
}

BOOST_AUTO_TEST_SUITE_END()
