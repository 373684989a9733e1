// forms::check_phone against libphonenumber 8.12 (docs/platform.md, "libphonenumber"): local and
// international input, other regions, the default policy's refusals, the country allow list, and
// input that must never reach the parser.
#include "forms/phone.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include "printable.hpp"
#include "shipped_settings.hpp"

namespace bdata = boost::unit_test::data;
namespace forms = voiceverify::forms;
using forms::NumberType;
using forms::PhoneError;
using voiceverify::testing::shipped_phone_policy;

namespace {

struct Accepted {
  std::string input;
  std::string region;  // the policy's default region
  std::string digits;
  std::string international;
  std::string masked;
  std::string number_region;
  NumberType type;
};

std::ostream& operator<<(std::ostream& os, const Accepted& c) {
  return os << c.region << " '" << c.input << "'";
}

const Accepted kAccepted[] = {
    // A Mexican mobile typed with the old mobile "1" is the same number as without it: we call,
    // count and show the canonical form (libphonenumber's own E.164 kept the "1"; fuzz_forms).
    {"+52 1 1278 278 3426", "NL", "522782783426", "+52 278 278 3426", "+52 *** *** **26", "MX",
     NumberType::FixedLineOrMobile},
    {"+52 278 278 3426", "NL", "522782783426", "+52 278 278 3426", "+52 *** *** **26", "MX",
     NumberType::FixedLineOrMobile},
    {"06 12345678", "NL", "31612345678", "+31 6 12345678", "+31 * ******78", "NL",
     NumberType::Mobile},
    {"0612345678", "NL", "31612345678", "+31 6 12345678", "+31 * ******78", "NL",
     NumberType::Mobile},
    {"+31 6 12345678", "NL", "31612345678", "+31 6 12345678", "+31 * ******78", "NL",
     NumberType::Mobile},
    {"0031 6 12345678", "NL", "31612345678", "+31 6 12345678", "+31 * ******78", "NL",
     NumberType::Mobile},
    {"+31 (0)6-1234.5678", "NL", "31612345678", "+31 6 12345678", "+31 * ******78", "NL",
     NumberType::Mobile},
    {"  06 12345678\t", "NL", "31612345678", "+31 6 12345678", "+31 * ******78", "NL",
     NumberType::Mobile},
    {"(020) 123 4567", "NL", "31201234567", "+31 20 123 4567", "+31 ** *** **67", "NL",
     NumberType::FixedLine},
    {"+44 7400 123456", "NL", "447400123456", "+44 7400 123456", "+44 **** ****56", "GB",
     NumberType::Mobile},
    {"07400 123456", "GB", "447400123456", "+44 7400 123456", "+44 **** ****56", "GB",
     NumberType::Mobile},
    {"020 7946 0000", "GB", "442079460000", "+44 20 7946 0000", "+44 ** **** **00", "GB",
     NumberType::FixedLine},
    {"+1 650-253-0000", "NL", "16502530000", "+1 650-253-0000", "+1 *** *** **00", "US",
     NumberType::FixedLineOrMobile},
    {"650 253 0000", "US", "16502530000", "+1 650-253-0000", "+1 *** *** **00", "US",
     NumberType::FixedLineOrMobile},
    {"+49 1512 3456789", "NL", "4915123456789", "+49 1512 3456789", "+49 **** *****89", "DE",
     NumberType::Mobile},
    {"+32 470 12 34 56", "NL", "32470123456", "+32 470 12 34 56", "+32 *** ** ** 56", "BE",
     NumberType::Mobile},
};

struct Refused {
  std::string input;
  std::string region;
  PhoneError error;
};

std::ostream& operator<<(std::ostream& os, const Refused& c) {
  os << c.region << ' ';
  return voiceverify::testing::print_escaped(os, c.input);
}

// Under the default types (mobile and fixed-line) and input cap (32 bytes), with every country
// and non-geographic numbers allowed, so that the type is what refuses.
const Refused kRefused[] = {
    {"", "NL", PhoneError::Missing},
    {"   \t ", "NL", PhoneError::Missing},
    {"12345", "NL", PhoneError::Invalid},
    {"0", "NL", PhoneError::Invalid},
    {"+31 6 1234567", "NL", PhoneError::Invalid},  // one digit short
    {"06 12345678", "GB", PhoneError::Invalid},    // not a British number
    {"hello", "NL", PhoneError::Invalid},
    {"0800-FLOWERS", "NL", PhoneError::Invalid},  // vanity letters
    {"06 12345678 ext 12", "NL", PhoneError::Invalid},
    {"0612345678;ext=12", "NL", PhoneError::Invalid},
    {"tel:+31612345678", "NL", PhoneError::Invalid},
    {"06\n12345678", "NL", PhoneError::Invalid},
    {"0612345678\r\n", "NL", PhoneError::Invalid},
    {std::string("06\0"
                 "12345678",
                 11),
     "NL", PhoneError::Invalid},
    {"06\x1b[2J12345678", "NL", PhoneError::Invalid},
    {"+31 \xef\xbc\x96 12345678", "NL", PhoneError::Invalid},  // full-width 6
    {"\xff\xfe\xfd", "NL", PhoneError::Invalid},
    {"<script>", "NL", PhoneError::Invalid},
    {"+31 900 1234567", "NL", PhoneError::TypeNotAllowed},  // premium rate
    {"0900 1234567", "NL", PhoneError::TypeNotAllowed},
    {"0800 0123456", "NL", PhoneError::TypeNotAllowed},  // toll free
    {"+1 800 253 0000", "NL", PhoneError::TypeNotAllowed},
    {"+44 800 123 4567", "NL", PhoneError::TypeNotAllowed},
    {"+31 85 123 4567", "NL", PhoneError::TypeNotAllowed},  // VoIP
    {"+800 1234 5678", "NL", PhoneError::TypeNotAllowed},   // international freephone
    {"+31 6 12345678 9999999999999999999", "NL", PhoneError::TooLong},
    {std::string(33, '1'), "NL", PhoneError::TooLong},
    {std::string(100000, '6'), "NL", PhoneError::TooLong},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(phone_tests)

BOOST_DATA_TEST_CASE(accepted_numbers, bdata::make(kAccepted), c) {
  forms::PhonePolicy policy = shipped_phone_policy();
  policy.default_region = c.region;
  policy.any_geographic_region = true;
  const forms::PhoneCheck check = forms::check_phone(c.input, policy);
  BOOST_TEST((check.error == PhoneError::None));
  BOOST_TEST(check.digits == c.digits);
  BOOST_TEST(check.international == c.international);
  BOOST_TEST(check.masked == c.masked);
  BOOST_TEST(check.region == c.number_region);
  BOOST_TEST(forms::number_type_name(check.type) == forms::number_type_name(c.type));
}

BOOST_DATA_TEST_CASE(refused_numbers, bdata::make(kRefused), c) {
  forms::PhonePolicy policy = shipped_phone_policy();
  policy.default_region = c.region;
  policy.any_geographic_region = true;
  policy.allowed_countries = {"001"};
  const forms::PhoneCheck check = forms::check_phone(c.input, policy);
  BOOST_TEST(static_cast<int>(check.error) == static_cast<int>(c.error));
  // Nothing that could be dialled comes out of a refusal.
  BOOST_TEST(check.digits.empty());
  BOOST_TEST(check.international.empty());
}

BOOST_AUTO_TEST_CASE(refused_type_still_reports_type_region_and_mask_for_the_log) {
  const forms::PhoneCheck check = forms::check_phone("+31 900 1234567", shipped_phone_policy());
  BOOST_TEST((check.error == PhoneError::TypeNotAllowed));
  BOOST_TEST((check.type == NumberType::PremiumRate));
  BOOST_TEST(check.region == "NL");
  BOOST_TEST(check.masked == "+31 *** *****67");
}

BOOST_AUTO_TEST_CASE(a_policy_can_allow_premium_rate_and_toll_free) {
  forms::PhonePolicy policy = shipped_phone_policy();
  policy.allowed_types = {NumberType::PremiumRate, NumberType::TollFree};
  auto check = forms::check_phone("+31 900 1234567", policy);
  BOOST_TEST((check.error == PhoneError::None));
  BOOST_TEST(check.digits == "319001234567");
  check = forms::check_phone("0800 0123456", policy);
  BOOST_TEST((check.error == PhoneError::None));
  BOOST_TEST((check.type == NumberType::TollFree));
  // ...and then a mobile number is the refused type.
  check = forms::check_phone("06 12345678", policy);
  BOOST_TEST((check.error == PhoneError::TypeNotAllowed));
}

BOOST_AUTO_TEST_CASE(country_allow_list) {
  forms::PhonePolicy policy = shipped_phone_policy();
  policy.allowed_countries = {"NL", "BE"};
  BOOST_TEST((forms::check_phone("06 12345678", policy).error == PhoneError::None));
  BOOST_TEST((forms::check_phone("+32 470 12 34 56", policy).error == PhoneError::None));
  const auto gb = forms::check_phone("+44 7400 123456", policy);
  BOOST_TEST((gb.error == PhoneError::CountryNotAllowed));
  BOOST_TEST(gb.region == "GB");
  BOOST_TEST(gb.digits.empty());
  // A country outside the list is refused even when its type would also be refused.
  BOOST_TEST(
      (forms::check_phone("+1 800 253 0000", policy).error == PhoneError::CountryNotAllowed));
  // The list does not widen the type policy.
  BOOST_TEST((forms::check_phone("0900 1234567", policy).error == PhoneError::TypeNotAllowed));
}

BOOST_AUTO_TEST_CASE(length_cap_is_on_the_trimmed_input) {
  forms::PhonePolicy policy = shipped_phone_policy();
  policy.max_input_bytes = 14;
  BOOST_TEST((forms::check_phone("+31 6 12345678", policy).error == PhoneError::None));  // 14
  BOOST_TEST((forms::check_phone("   +31 6 12345678   ", policy).error == PhoneError::None));
  BOOST_TEST((forms::check_phone("+31 6 123 45678", policy).error == PhoneError::TooLong));
}

BOOST_AUTO_TEST_CASE(an_unknown_default_region_only_accepts_international_input) {
  forms::PhonePolicy policy = shipped_phone_policy();
  policy.default_region = "XX";
  BOOST_TEST((forms::check_phone("06 12345678", policy).error == PhoneError::Invalid));
  BOOST_TEST((forms::check_phone("+31612345678", policy).error == PhoneError::None));
}

BOOST_AUTO_TEST_CASE(number_type_names_round_trip) {
  const char* names[] = {"mobile",    "fixed-line",   "fixed-line-or-mobile",
                         "toll-free", "premium-rate", "shared-cost",
                         "voip",      "personal",     "pager",
                         "uan",       "voicemail",    "unknown"};
  for (const char* name : names) {
    NumberType type{};
    BOOST_TEST_REQUIRE(forms::parse_number_type(name, type), name);
    BOOST_TEST(std::string(forms::number_type_name(type)) == name);
  }
  NumberType type = NumberType::Mobile;
  BOOST_TEST(!forms::parse_number_type("Mobile", type));
  BOOST_TEST(!forms::parse_number_type("", type));
  BOOST_TEST(!forms::parse_number_type("premium_rate", type));
  BOOST_TEST((type == NumberType::Mobile));  // untouched on failure
}

BOOST_AUTO_TEST_CASE(known_regions) {
  for (const char* region : {"NL", "GB", "US", "DE", "BE", "JP"}) {
    BOOST_TEST(forms::is_known_region(region), region);
  }
  for (const char* region : {"", "XX", "nl", "NLD", "001", "N", "ZZ"}) {
    BOOST_TEST(!forms::is_known_region(region), region);
  }
}

// Calls cost money: by default, only the country of the default region.
BOOST_AUTO_TEST_CASE(the_default_policy_calls_the_default_region_alone) {
  const forms::PhonePolicy policy = shipped_phone_policy();
  BOOST_TEST((forms::check_phone("06 12345678", policy).error == PhoneError::None));
  const auto be = forms::check_phone("+32 470 12 34 56", policy);
  BOOST_TEST((be.error == PhoneError::CountryNotAllowed));
  BOOST_TEST(be.region == "BE");
  BOOST_TEST(be.masked == "+32 *** ** ** 56");
}

BOOST_AUTO_TEST_CASE(every_country_when_any_geographic_region) {
  forms::PhonePolicy policy = shipped_phone_policy();
  policy.any_geographic_region = true;
  for (const char* number : {"+1 650 253 0000", "+81 90 1234 5678", "+32 470 12 34 56"}) {
    BOOST_TEST((forms::check_phone(number, policy).error == PhoneError::None), number);
  }
}

// libphonenumber calls Iridium and Inmarsat numbers valid mobiles of region "001": they are the
// dearest numbers to call and the classic toll-fraud target, so "every country" never includes
// them; only naming 001 does.
BOOST_AUTO_TEST_CASE(satellite_numbers_only_when_001_is_listed_by_name) {
  const char* satellite[] = {"+881 6 123 45678", "+870 301 234 567", "+882 34 21234"};
  forms::PhonePolicy policy = shipped_phone_policy();
  policy.any_geographic_region = true;
  for (const char* number : satellite) {
    const auto check = forms::check_phone(number, policy);
    BOOST_TEST((check.error == PhoneError::CountryNotAllowed), number);
    BOOST_TEST(check.region == "001", number);
    BOOST_TEST((check.type == NumberType::Mobile), number);
    BOOST_TEST(check.digits.empty(), number);
  }
  policy.any_geographic_region = false;
  policy.allowed_countries = {"NL", std::string(forms::kNonGeographicRegion)};
  for (const char* number : satellite) {
    BOOST_TEST((forms::check_phone(number, policy).error == PhoneError::None), number);
  }
  BOOST_TEST(
      (forms::check_phone("+32 470 12 34 56", policy).error == PhoneError::CountryNotAllowed));
}

// Logs name a number one way only (log::mask_number's), whether it was called or refused; the
// page's spaced form is for people.
BOOST_AUTO_TEST_CASE(refused_and_accepted_numbers_log_in_one_masked_form) {
  const auto policy = voiceverify::testing::shipped_phone_policy();
  const auto premium = forms::check_phone("0900 1234567", policy);
  BOOST_TEST((premium.error == PhoneError::TypeNotAllowed));
  BOOST_TEST(premium.log_number == "+31********67");
  const auto mobile = forms::check_phone("06 12345678", policy);
  BOOST_TEST(mobile.log_number == "+31*******78");
  BOOST_TEST(mobile.masked == "+31 * ******78");
}

// The /metrics country label: a start (masked number from check_phone) and its check (the
// session's masked number) must land under the same region.
BOOST_AUTO_TEST_CASE(calling_code_region_of_masked_numbers) {
  const auto checked = forms::check_phone("06 12345678", shipped_phone_policy());
  BOOST_TEST_REQUIRE((checked.error == PhoneError::None));
  BOOST_TEST(forms::calling_code_region(checked.masked) == "NL");
  BOOST_TEST(forms::calling_code_region("+32 * ******78") == "BE");
  BOOST_TEST(forms::calling_code_region("+1 *** ***-**78") == "US");
  BOOST_TEST(forms::calling_code_region("+44 **** ****78") == "GB");
  BOOST_TEST(forms::calling_code_region("+881 * ****78") == "001");
  for (const char* odd : {"", "+", "31 6", "+ 31", "+999 1", "abc"}) {
    BOOST_TEST(forms::calling_code_region(odd) == "ZZ", odd);
  }
}

BOOST_AUTO_TEST_SUITE_END()
