// util/seal.cpp: what is sealed opens only under the same key and associated data, and any
// altered, cut or extended byte makes it refuse; the plain text never shows in the sealed bytes.
#include "util/seal.hpp"

#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <string>

namespace util = voiceverify::util;

namespace {

const std::string kKey(32, 'k');
const std::string kPlain = R"({"phone_number":"+31612345678"})";

}  // namespace

BOOST_AUTO_TEST_SUITE(seal_tests)

BOOST_AUTO_TEST_CASE(a_sealed_value_opens_and_hides_its_text) {
  const std::string sealed = util::seal(kKey, "oidc:code:abc", kPlain);
  BOOST_TEST(sealed.size() == kPlain.size() + 28u);  // nonce and tag
  BOOST_TEST(sealed.find("31612345678") == std::string::npos);
  const auto opened = util::unseal(kKey, "oidc:code:abc", sealed);
  BOOST_REQUIRE(opened.has_value());
  BOOST_TEST(*opened == kPlain);
  BOOST_TEST(util::unseal(kKey, "", util::seal(kKey, "", "")).value_or("x").empty());
}

BOOST_AUTO_TEST_CASE(each_seal_takes_a_fresh_nonce) {
  BOOST_TEST(util::seal(kKey, "a", kPlain) != util::seal(kKey, "a", kPlain));
}

BOOST_AUTO_TEST_CASE(a_wrong_key_or_associated_data_does_not_open) {
  const std::string sealed = util::seal(kKey, "oidc:code:abc", kPlain);
  BOOST_TEST(!util::unseal(std::string(32, 'j'), "oidc:code:abc", sealed).has_value());
  BOOST_TEST(!util::unseal(kKey, "oidc:code:abd", sealed).has_value());
  BOOST_TEST(!util::unseal(kKey, "", sealed).has_value());
}

BOOST_AUTO_TEST_CASE(any_altered_byte_does_not_open) {
  const std::string sealed = util::seal(kKey, "k", kPlain);
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    BOOST_TEST(!util::unseal(kKey, "k", tampered).has_value(), "byte " << i);
  }
  BOOST_TEST(!util::unseal(kKey, "k", sealed.substr(0, sealed.size() - 1)).has_value());
  BOOST_TEST(!util::unseal(kKey, "k", sealed + "x").has_value());
  BOOST_TEST(!util::unseal(kKey, "k", "").has_value());
  BOOST_TEST(!util::unseal(kKey, "k", std::string(27, '\0')).has_value());
}

BOOST_AUTO_TEST_CASE(a_key_of_another_length_is_our_bug) {
  BOOST_CHECK_THROW(util::seal("short", "k", kPlain), std::invalid_argument);
  BOOST_CHECK_THROW(util::unseal(std::string(33, 'k'), "k", "x"), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
