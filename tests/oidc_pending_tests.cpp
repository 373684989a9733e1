// The authorization request as the browser carries it between pages (oidc/pending.hpp): it comes
// back as it went, and nothing else reads as one.
#include <boost/test/unit_test.hpp>

#include "oidc/pending.hpp"

namespace oidc = voiceverify::oidc;

BOOST_AUTO_TEST_SUITE(oidc_pending_tests)

BOOST_AUTO_TEST_CASE(a_request_comes_back_as_it_went) {
  oidc::PendingAuthorization pending;
  pending.browser_id = std::string(32, 'a');
  pending.began_at = 1796000000;
  oidc::AuthorizationRequest& request = pending.request;
  request.client_id = "shop000001";
  request.client_name = "not carried";
  request.redirect_uri = "https://shop.example/cb?x=\"|\\";
  request.state = "st|ate\"";
  request.nonce = "n";
  request.code_challenge = std::string(43, 'c');
  request.phone_scope = true;
  request.login_hint = "+31612345678";
  request.ui_locales = {"nl", "en-GB"};
  const auto back = oidc::decode_pending(oidc::encode_pending(pending));
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(back->browser_id == pending.browser_id);
  BOOST_TEST(back->began_at == pending.began_at);
  BOOST_TEST(back->request.client_id == request.client_id);
  BOOST_TEST(back->request.client_name.empty());
  BOOST_TEST(back->request.redirect_uri == request.redirect_uri);
  BOOST_TEST(back->request.state == request.state);
  BOOST_TEST(back->request.nonce == request.nonce);
  BOOST_TEST(back->request.code_challenge == request.code_challenge);
  BOOST_TEST(back->request.phone_scope);
  BOOST_TEST(back->request.login_hint == request.login_hint);
  BOOST_TEST(back->request.ui_locales == request.ui_locales, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(anything_else_is_refused) {
  oidc::PendingAuthorization pending;
  pending.browser_id = std::string(32, 'a');
  const std::string good = oidc::encode_pending(pending);
  BOOST_TEST(oidc::decode_pending(good).has_value());
  for (const std::string& bad :
       {std::string(""), std::string("[]"), std::string("{}"), good.substr(0, good.size() - 1),
        std::string(R"({"b":1})"), good + "x"}) {
    BOOST_TEST(!oidc::decode_pending(bad).has_value(), bad);
  }
  std::string wrong_type = good;
  wrong_type.replace(wrong_type.find("\"phone\":false"), 13, "\"phone\":0");
  BOOST_TEST(!oidc::decode_pending(wrong_type).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
