// Every region libphonenumber supports, end to end through what a person's number goes through
// before the code page: the phone check, then the session cookie that carries its masked form
// across the redirect (encode, sign, verify, decode). A number we would call must never come
// back from the cookie unreadable: that is a paid call whose code the person can no longer enter.
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <set>
#include <string>

#include "forms/phone.hpp"
#include "http/signed_cookie.hpp"
#include "shipped_settings.hpp"
#include "web/session.hpp"

namespace forms = voiceverify::forms;
namespace web = voiceverify::web;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

// libphonenumber's types that the default ALLOWED_NUMBER_TYPES lets through.
bool default_type(PhoneNumberUtil::PhoneNumberType type) {
  return type == PhoneNumberUtil::MOBILE || type == PhoneNumberUtil::FIXED_LINE ||
         type == PhoneNumberUtil::FIXED_LINE_OR_MOBILE;
}

bool masked_shape(const std::string& masked) {
  if (masked.size() < 4 || masked.front() != '+' || masked.back() == ' ') return false;
  for (std::size_t i = 1; i < masked.size(); ++i) {
    const char c = masked[i];
    if (!((c >= '0' && c <= '9') || c == '*' || c == ' ')) return false;
    if (c == ' ' && masked[i - 1] == ' ') return false;
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(phone_regions_tests)

BOOST_AUTO_TEST_CASE(every_regions_example_numbers_survive_the_check_and_the_session_cookie) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const voiceverify::http::CookieSigner signer(std::string(40, 'k'));
  std::set<std::string> regions;
  util.GetSupportedRegions(&regions);
  BOOST_TEST_REQUIRE(regions.size() > 200u);

  int checked = 0;
  for (const std::string& region : regions) {
    for (const auto type : {PhoneNumberUtil::MOBILE, PhoneNumberUtil::FIXED_LINE}) {
      PhoneNumber example;
      // Some regions have no example of a type, and some examples are not valid or are of
      // another type by libphonenumber's own metadata: only a number we would call is asked for.
      if (!util.GetExampleNumberForType(region, type, &example)) continue;
      if (!util.IsValidNumber(example) || !default_type(util.GetNumberType(example))) continue;
      std::string typed;
      util.Format(example, PhoneNumberUtil::INTERNATIONAL, &typed);
      BOOST_TEST_CONTEXT(region << " '" << typed << "'") {
        // A few territories share a country code and ranges with a bigger neighbour, and
        // libphonenumber files their examples under it (AX's under FI, CX's under AU, IM's
        // under GB): the policy allows the region the number is filed under, as a sysadmin
        // listing it in ALLOWED_COUNTRIES would.
        std::string filed_under;
        util.GetRegionCodeForNumber(example, &filed_under);
        forms::PhonePolicy policy = voiceverify::testing::shipped_phone_policy();
        policy.allowed_countries = {filed_under};
        const forms::PhoneCheck check = forms::check_phone(typed, policy);
        BOOST_TEST(static_cast<int>(check.error) == static_cast<int>(forms::PhoneError::None));
        BOOST_TEST(masked_shape(check.masked), check.masked);

        const web::Session session{std::string(32, 'a'), "4e213b01155d1e35a9d9571v00162985",
                                   check.masked, false};
        const std::string cookie =
            signer.sign("session", web::encode_session(session), std::chrono::seconds(600));
        const auto payload = signer.verify("session", cookie);
        BOOST_TEST_REQUIRE(payload.has_value());
        const auto decoded = web::decode_session(*payload);
        BOOST_TEST_REQUIRE(decoded.has_value(), check.masked);
        BOOST_TEST(decoded->masked_number == check.masked);
        BOOST_TEST(decoded->verify_id == session.verify_id);
        ++checked;
      }
    }
  }
  // Most regions have both examples: a metadata change that skipped most of them would show here.
  BOOST_TEST(checked > 400);
}

BOOST_AUTO_TEST_SUITE_END()
