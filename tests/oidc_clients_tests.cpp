// oidc/clients.cpp: the client file's format, every refusal with its line number, secrets that
// are only ever stored hashed, and the registry operations the sysadmin's commands will use.
#include "oidc/clients.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

namespace vo = voiceverify::oidc;

namespace {

// A hash of "s3cret-for-tests" made by hash_client_secret (salt and hash in base64url).
std::string hash_line(const std::string& id, const std::string& uris = "https://a.example/cb") {
  static const std::string hash = vo::hash_client_secret("s3cret-for-tests");
  return id + "|Example Shop|" + hash + "|-|" + uris + "\n";
}

std::string error_of(const std::string& text) {
  return vo::parse_clients(text).error;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oidc_clients_tests)

BOOST_AUTO_TEST_CASE(a_file_of_both_kinds_parses) {
  const std::string text =
      "# comment\n\n" + hash_line("shop-0001") +
      "app-00001|Phone App|-|public|http://127.0.0.1/cb https://x.example/cb\r\n";
  const auto parse = vo::parse_clients(text);
  BOOST_REQUIRE_MESSAGE(parse.error.empty(), parse.error);
  BOOST_REQUIRE(parse.registry.clients.size() == 2u);
  const auto* shop = parse.registry.find("shop-0001");
  BOOST_REQUIRE(shop);
  BOOST_TEST(shop->name == "Example Shop");
  BOOST_TEST(!shop->is_public());
  BOOST_TEST(shop->secret_matches("s3cret-for-tests"));
  BOOST_TEST(!shop->secret_matches("s3cret-for-test"));
  BOOST_TEST(!shop->secret_matches(""));
  const auto* app = parse.registry.find("app-00001");
  BOOST_REQUIRE(app);
  BOOST_TEST(app->is_public());
  BOOST_TEST(!app->secret_matches(""));
  BOOST_TEST(app->redirect_uris.size() == 2u);
  BOOST_TEST(app->allows_redirect_uri("http://127.0.0.1:6000/cb"));
  BOOST_TEST(!app->allows_redirect_uri("https://x.example/cb2"));
  BOOST_TEST(parse.registry.find("nobody-00") == nullptr);
}

// id_token_signed_response_alg: ES256 unless the client registered RS256 (flag rs256).
BOOST_AUTO_TEST_CASE(the_id_token_algorithm_is_es256_unless_registered_rs256) {
  const auto parse = vo::parse_clients(hash_line("shop-0001") +
                                       "app-00001|Phone App|-|public,rs256|http://[::1]/cb\n");
  BOOST_REQUIRE_MESSAGE(parse.error.empty(), parse.error);
  BOOST_TEST((parse.registry.find("shop-0001")->id_token_alg() == vo::SigningAlg::ES256));
  BOOST_TEST((parse.registry.find("app-00001")->id_token_alg() == vo::SigningAlg::RS256));
  const auto again = vo::parse_clients(vo::serialise_clients(parse.registry));
  BOOST_TEST((again.registry.find("app-00001")->id_token_alg() == vo::SigningAlg::RS256));
}

BOOST_AUTO_TEST_CASE(serialise_then_parse_gives_the_same_registry) {
  const std::string text =
      hash_line("shop-0001") + "app-00001|Phone App|-|public,api|http://[::1]/cb\n";
  const auto first = vo::parse_clients(text);
  BOOST_REQUIRE(first.error.empty());
  const auto again = vo::parse_clients(vo::serialise_clients(first.registry));
  BOOST_REQUIRE_MESSAGE(again.error.empty(), again.error);
  BOOST_TEST(vo::serialise_clients(again.registry) == vo::serialise_clients(first.registry));
  BOOST_TEST(again.registry.clients[1].has(vo::ClientFlag::Api));
}

// A server of the verification API (docs/api.md) has no browser to send back: no redirect URI,
// which only the api flag allows.
BOOST_AUTO_TEST_CASE(an_api_client_may_have_no_redirect_uri) {
  static const std::string hash = vo::hash_client_secret("s3cret-for-tests");
  const auto parse = vo::parse_clients("office-01|Back Office|" + hash + "|api|\n");
  BOOST_REQUIRE_MESSAGE(parse.error.empty(), parse.error);
  const auto* office = parse.registry.find("office-01");
  BOOST_REQUIRE(office);
  BOOST_TEST(office->has(vo::ClientFlag::Api));
  BOOST_TEST(office->redirect_uris.empty());
  BOOST_TEST(!office->allows_redirect_uri("https://a.example/cb"));
  BOOST_TEST(error_of("office-01|Back Office|" + hash + "|-|\n").find("redirect URIs") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(refusals_name_the_line) {
  const std::string good = hash_line("shop-0001");
  struct Case {
    std::string line;
    std::string says;
  };
  const Case cases[] = {
      {"shop-0002|Shop|s3cret-in-clear|-|https://a.example/cb", "never write a secret in clear"},
      {"shop-0002|Shop|pbkdf2-sha256$10$c2FsdHNhbHRzYWx0c2FsdA$AAAA|-|https://a.example/cb",
       "not a pbkdf2-sha256 hash"},
      {"shop-0002|Shop|-|-|https://a.example/cb", "exactly when the flags say public"},
      {"shop-0002|Shop|-|public|http://a.example/cb", "redirect URI 1: http only on loopback"},
      {"shop-0002|Shop|-|public|https://a.example/cb https://b.example/#x", "redirect URI 2"},
      {"shop-0002|Shop|-|public|", "redirect URIs: 1 to 10"},
      {"shop-0001|Shop|-|public|https://a.example/cb", "already registered"},
      {"shop-0002|Shop\x07|-|public|https://a.example/cb", "no control characters"},
      {"shop-0002|" + std::string(65, 'n') + "|-|public|https://a.example/cb",
       "1 to 64 characters"},
      {"shop-0002|Sh\xc3|-|public|https://a.example/cb", "not UTF-8"},
      {"shop-0002| Shop|-|public|https://a.example/cb", "leading or trailing blanks"},
      {"shop-0002|Shop|-|public,admin|https://a.example/cb", "unknown flag"},
      {"short|Shop|-|public|https://a.example/cb", "client id"},
      {"shop 0002|Shop|-|public|https://a.example/cb", "client id"},
      {"shop-0002|Shop|-|public", "expected 5 fields"},
  };
  for (const auto& c : cases) {
    const auto error = error_of("# header\n" + good + c.line + "\n");
    BOOST_TEST(error.starts_with("line 3: "), c.line << " -> " << error);
    BOOST_TEST(error.find(c.says) != std::string::npos, c.line << " -> " << error);
  }
}

BOOST_AUTO_TEST_CASE(display_names_count_characters) {
  vo::ClientRegistry registry;
  std::string name;
  for (int i = 0; i < 64; ++i) name += "\xc3\xa9";  // 64 characters, 128 bytes
  BOOST_TEST(vo::add_client(registry, name, {"https://a.example/cb"}, {}).error.empty());
  BOOST_TEST(!vo::add_client(registry, name + "e", {"https://a.example/cb"}, {}).error.empty());
}

BOOST_AUTO_TEST_CASE(errors_never_show_a_secret_or_hash) {
  const auto error = error_of("shop-0002|Shop|hunter2-in-clear|-|https://a.example/cb\n");
  BOOST_TEST(!error.empty());
  BOOST_TEST(error.find("hunter2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(add_returns_the_secret_once_and_stores_its_hash) {
  vo::ClientRegistry registry;
  const auto added = vo::add_client(registry, "Example Shop", {"https://a.example/cb"}, {});
  BOOST_REQUIRE_MESSAGE(added.error.empty(), added.error);
  BOOST_TEST(added.id.size() == 32u);
  BOOST_TEST(added.secret.size() == 43u);
  const auto text = vo::serialise_clients(registry);
  BOOST_TEST(text.find(added.secret) == std::string::npos);  // never in clear
  const auto parse = vo::parse_clients(text);
  BOOST_REQUIRE_MESSAGE(parse.error.empty(), parse.error);
  BOOST_TEST(parse.registry.find(added.id)->secret_matches(added.secret));

  const auto app =
      vo::add_client(registry, "Phone App", {"http://127.0.0.1/cb"}, {vo::ClientFlag::Public});
  BOOST_REQUIRE(app.error.empty());
  BOOST_TEST(app.secret.empty());
  BOOST_TEST(app.id != added.id);
  BOOST_TEST(registry.clients.size() == 2u);

  BOOST_TEST(vo::remove_client(registry, added.id));
  BOOST_TEST(!vo::remove_client(registry, added.id));
  BOOST_TEST(registry.clients.size() == 1u);
}

BOOST_AUTO_TEST_CASE(add_refuses_what_parse_refuses) {
  vo::ClientRegistry registry;
  BOOST_TEST(!vo::add_client(registry, "Shop", {"http://a.example/cb"}, {}).error.empty());
  BOOST_TEST(!vo::add_client(registry, "Sh|op", {"https://a.example/cb"}, {}).error.empty());
  BOOST_TEST(!vo::add_client(registry, "Shop", {}, {}).error.empty());
  BOOST_TEST(registry.clients.empty());
}

BOOST_AUTO_TEST_CASE(hashes_are_salted) {
  BOOST_TEST(vo::hash_client_secret("same") != vo::hash_client_secret("same"));
  BOOST_TEST(vo::hash_client_secret("same").starts_with("pbkdf2-sha256$10000$"));
}

BOOST_AUTO_TEST_SUITE_END()
