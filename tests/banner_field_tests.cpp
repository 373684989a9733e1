// Which field each banner is about: the number's problems mark the number field, the typed code's
// the code field, and a limit, an outage or a verification that is over marks none.
#include "view/banner_field.hpp"

#include <boost/test/unit_test.hpp>
#include <utility>
#include <vector>

using namespace voiceverify::view;

BOOST_AUTO_TEST_SUITE(banner_field_tests)

BOOST_AUTO_TEST_CASE(each_message_names_its_field) {
  const std::vector<std::pair<MessageId, BannerField>> table{
      {MessageId::NumberMissing, BannerField::Number},
      {MessageId::NumberInvalid, BannerField::Number},
      {MessageId::NumberTypeRefused, BannerField::Number},
      {MessageId::CountryRefused, BannerField::Number},
      {MessageId::NumberBlocked, BannerField::Number},
      {MessageId::CodeMissing, BannerField::Code},
      {MessageId::CodeFormat, BannerField::Code},
      {MessageId::WrongCode, BannerField::Code},
      {MessageId::CallFailed, BannerField::None},
      {MessageId::ServiceUnavailable, BannerField::None},
      {MessageId::Busy, BannerField::None},
      {MessageId::CheckFailed, BannerField::None},
      {MessageId::NoTriesLeft, BannerField::None},
      {MessageId::Expired, BannerField::None},
      {MessageId::AlreadyUsed, BannerField::None},
      {MessageId::UnknownVerification, BannerField::None},
      {MessageId::LimitResend, BannerField::None},
      {MessageId::LimitNumber, BannerField::None},
      {MessageId::LimitClient, BannerField::None},
      {MessageId::LimitSite, BannerField::None},
      {MessageId::LimitCountry, BannerField::None},
      {MessageId::LimitBusy, BannerField::None},
  };
  for (const auto& [id, field] : table) {
    BOOST_TEST_CONTEXT(message_key(id)) {
      BOOST_TEST(static_cast<int>(banner_field(id)) == static_cast<int>(field));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_banner_is_about_its_own_field_only) {
  const std::optional<Banner> wrong_code = Banner{BannerKind::Error, MessageId::WrongCode, 2};
  BOOST_TEST(banner_is_about(wrong_code, BannerField::Code));
  BOOST_TEST(!banner_is_about(wrong_code, BannerField::Number));
  BOOST_TEST(!banner_is_about(wrong_code, BannerField::None));
  const std::optional<Banner> limit = Banner{BannerKind::Error, MessageId::LimitNumber, 60};
  BOOST_TEST(!banner_is_about(limit, BannerField::Number));
  BOOST_TEST(!banner_is_about(limit, BannerField::None));
  BOOST_TEST(!banner_is_about(std::nullopt, BannerField::Number));
}

BOOST_AUTO_TEST_SUITE_END()
