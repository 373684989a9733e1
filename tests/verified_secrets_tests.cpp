// oidc/verified_secrets.cpp: a secret that verified is taken from memory until its lifetime
// ends; a wrong one is asked of PBKDF2 every time; the memory stays within its bound; a new
// stored hash (a client file read again) matches none of the old entries.
#include "oidc/verified_secrets.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace oidc = voiceverify::oidc;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  std::chrono::steady_clock::time_point now{};
  int checks = 0;  // how many times the (slow) check ran
  oidc::VerifiedSecrets secrets{2, 5min, [this] { return now; },
                                [this](const oidc::Client& client, std::string_view presented) {
                                  ++checks;
                                  return presented == "right-" + client.id;
                                }};

  static oidc::Client client(const std::string& id, const std::string& hash = "pbkdf2-a") {
    oidc::Client c;
    c.id = id;
    c.secret_hash = hash;
    c.flags = {oidc::ClientFlag::Api};
    return c;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(verified_secrets_tests)

BOOST_FIXTURE_TEST_CASE(a_right_secret_is_checked_once_per_lifetime, Fixture) {
  const oidc::Client a = client("client-a");
  BOOST_TEST(secrets.secret_matches(a, "right-client-a"));
  BOOST_TEST(secrets.secret_matches(a, "right-client-a"));
  now += 5min - 1s;
  BOOST_TEST(secrets.secret_matches(a, "right-client-a"));
  BOOST_TEST(checks == 1);
  now += 1s;
  BOOST_TEST(secrets.secret_matches(a, "right-client-a"));
  BOOST_TEST(checks == 2);
}

BOOST_FIXTURE_TEST_CASE(a_wrong_secret_never_reaches_the_memory, Fixture) {
  const oidc::Client a = client("client-a");
  BOOST_TEST(secrets.secret_matches(a, "right-client-a"));
  for (int i = 0; i < 3; ++i) BOOST_TEST(!secrets.secret_matches(a, "wrong"));
  BOOST_TEST(!secrets.secret_matches(a, ""));
  BOOST_TEST(checks == 5);
  BOOST_TEST(secrets.size() == 1u);
  // Another client's right secret is not this one's.
  BOOST_TEST(!secrets.secret_matches(client("client-b"), "right-client-a"));
}

BOOST_FIXTURE_TEST_CASE(the_memory_keeps_its_bound_and_forgets_the_oldest, Fixture) {
  for (const char* id : {"client-a", "client-b", "client-c"}) {
    BOOST_TEST(secrets.secret_matches(client(id), "right-" + std::string(id)));
    now += 1s;
  }
  BOOST_TEST(secrets.size() == 2u);
  BOOST_TEST(checks == 3);
  BOOST_TEST(secrets.secret_matches(client("client-c"), "right-client-c"));
  BOOST_TEST(checks == 3);
  BOOST_TEST(secrets.secret_matches(client("client-a"), "right-client-a"));
  BOOST_TEST(checks == 4);
  BOOST_TEST(secrets.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_new_hash_or_a_clear_asks_again, Fixture) {
  BOOST_TEST(secrets.secret_matches(client("client-a"), "right-client-a"));
  BOOST_TEST(secrets.secret_matches(client("client-a", "pbkdf2-b"), "right-client-a"));
  BOOST_TEST(checks == 2);
  secrets.clear();
  BOOST_TEST(secrets.size() == 0u);
  BOOST_TEST(secrets.secret_matches(client("client-a"), "right-client-a"));
  BOOST_TEST(checks == 3);
}

BOOST_AUTO_TEST_CASE(public_clients_are_never_remembered) {
  int checks = 0;
  oidc::VerifiedSecrets secrets(8, 5min, {}, [&](const oidc::Client&, std::string_view) {
    ++checks;
    return true;
  });
  oidc::Client spa;
  spa.id = "spa-client";
  spa.flags = {oidc::ClientFlag::Public};
  secrets.secret_matches(spa, "x");
  secrets.secret_matches(spa, "x");
  BOOST_TEST(checks == 2);
  BOOST_TEST(secrets.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
