// Fuzzes the form validators (forms/phone.hpp, forms/code.hpp): they turn what a person typed
// into what we send MessageBird, so their promises are checked, not just their survival.
// Input: one selector byte (phone policy, token length), then the field as typed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <set>
#include <string>
#include <string_view>

#include "check.hpp"
#include "forms/code.hpp"
#include "forms/phone.hpp"
#include "util/ascii.hpp"

namespace {

namespace util = voiceverify::util;
using voiceverify::forms::CodeError;
using voiceverify::forms::NumberType;
using voiceverify::forms::PhoneError;
using voiceverify::forms::PhonePolicy;

std::string only_digits(std::string_view s) {
  std::string out;
  std::copy_if(s.begin(), s.end(), std::back_inserter(out), util::is_digit);
  return out;
}

const std::set<NumberType> kAllTypes{
    NumberType::FixedLine, NumberType::Mobile,         NumberType::FixedLineOrMobile,
    NumberType::TollFree,  NumberType::PremiumRate,    NumberType::SharedCost,
    NumberType::Voip,      NumberType::PersonalNumber, NumberType::Pager,
    NumberType::Uan,       NumberType::Voicemail,      NumberType::Unknown};

// The shipped default (NL only), a country list, every country with a long input cap so
// libphonenumber itself sees long text, and an unknown default region, where only "+"-prefixed
// numbers can parse, with non-geographic numbers allowed too.
PhonePolicy policy_for(unsigned selector) {
  PhonePolicy policy{};
  policy.default_region = "NL";
  policy.allowed_types = {NumberType::Mobile, NumberType::FixedLine, NumberType::FixedLineOrMobile};
  policy.allowed_countries = {"NL"};
  policy.any_geographic_region = false;
  switch (selector % 4) {
    case 0:
      break;
    case 1:
      policy.default_region = "GB";
      policy.allowed_countries = {"NL", "BE"};
      policy.allowed_types = kAllTypes;
      break;
    case 2:
      policy.default_region = "US";
      policy.any_geographic_region = true;
      policy.allowed_types = {NumberType::Mobile};
      policy.max_input_bytes = 300;
      break;
    default:
      policy.default_region = "ZZ";
      policy.any_geographic_region = true;
      policy.allowed_countries = {"001"};
      policy.allowed_types = kAllTypes;
      policy.max_input_bytes = 64;
      break;
  }
  return policy;
}

void check_phone_contract(std::string_view input, const PhonePolicy& policy) {
  const auto check = voiceverify::forms::check_phone(input, policy);
  const std::string_view trimmed = util::trim(input);
  if (trimmed.empty()) {
    VV_FUZZ_CHECK(check.error == PhoneError::Missing);
  } else if (trimmed.size() > policy.max_input_bytes) {
    VV_FUZZ_CHECK(check.error == PhoneError::TooLong);
  } else if (trimmed.find_first_not_of("0123456789 +-.()/") != std::string_view::npos) {
    VV_FUZZ_CHECK(check.error == PhoneError::Invalid);
  }

  if (check.error != PhoneError::None) {
    // Nothing dialable leaves a refused check.
    VV_FUZZ_CHECK(check.digits.empty());
    VV_FUZZ_CHECK(check.international.empty());
    if (check.error == PhoneError::TypeNotAllowed) {
      VV_FUZZ_CHECK(policy.allowed_types.count(check.type) == 0);
    }
    if (check.error == PhoneError::CountryNotAllowed) {
      VV_FUZZ_CHECK(!policy.allows_region(check.region));
    }
    return;
  }

  // E.164: 1 to 15 digits, nothing else (MessageBird's recipient).
  VV_FUZZ_CHECK(!check.digits.empty() && check.digits.size() <= 15);
  VV_FUZZ_CHECK(util::is_digits(check.digits));
  VV_FUZZ_CHECK(!check.international.empty() && check.international.front() == '+');
  // The shown form is libphonenumber's display of the number we call; numbering plans may
  // display digits E.164 does not carry, so require what the person can check: the country
  // code and the last two digits. (check_phone canonicalises E.164, so a Mexican mobile typed
  // with the old "1" no longer shows one number and calls another.)
  const std::string shown = only_digits(check.international);
  const std::string shown_country = only_digits(check.international.substr(
      0, std::min(check.international.find(' '), check.international.size())));
  VV_FUZZ_CHECK(shown.size() >= 2 && check.digits.size() >= 2);
  VV_FUZZ_CHECK(check.digits.starts_with(shown_country));
  VV_FUZZ_CHECK(shown.substr(shown.size() - 2) == check.digits.substr(check.digits.size() - 2));
  VV_FUZZ_CHECK(policy.allowed_types.count(check.type) == 1);
  // A country, or "001" for non-geographic numbers (+800 freephone, +882 networks, ...).
  VV_FUZZ_CHECK(check.region.size() == 2 || check.region == "001");
  VV_FUZZ_CHECK(policy.allows_region(check.region));
  // Non-geographic numbers (satellite phones among them) only when "001" is named.
  if (check.region == "001") VV_FUZZ_CHECK(policy.allowed_countries.count(check.region) == 1);
  // The mask keeps the country code and at most the last two digits.
  // It travels in the session cookie, whose decoder takes digits, '*', '+' and spaces only.
  VV_FUZZ_CHECK(check.masked.find_first_not_of("0123456789*+ ") == std::string::npos);
  VV_FUZZ_CHECK(check.masked.size() <= check.international.size());
  const std::size_t country_end = check.masked.find_first_not_of("+0123456789");
  VV_FUZZ_CHECK(country_end != std::string::npos);
  VV_FUZZ_CHECK(only_digits(check.masked.substr(country_end)).size() <= 2);

  // What we would send MessageBird names the same number again.
  const auto again = voiceverify::forms::check_phone("+" + check.digits, policy);
  VV_FUZZ_CHECK(again.error == PhoneError::None);
  VV_FUZZ_CHECK(again.digits == check.digits);
}

void check_code_contract(std::string_view input, int token_length) {
  const auto check = voiceverify::forms::check_code(input, token_length);
  std::string stripped;
  for (const char c : input) {
    if (!util::is_blank(c)) stripped += c;
  }
  CodeError expected = CodeError::None;
  if (input.size() > 64) {
    expected = CodeError::WrongLength;
  } else if (stripped.empty()) {
    expected = CodeError::Missing;
  } else if (!util::is_digits(stripped)) {
    expected = CodeError::NotDigits;
  } else if (token_length < 0 || stripped.size() != static_cast<std::size_t>(token_length)) {
    expected = CodeError::WrongLength;
  }
  VV_FUZZ_CHECK(check.error == expected);
  VV_FUZZ_CHECK(check.code == (expected == CodeError::None ? stripped : std::string()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned selector = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  check_phone_contract(input, policy_for(selector));

  // The configured range (6 to 10) and values a broken config might pass.
  constexpr int kTokenLengths[] = {6, 7, 8, 10, 0, -1, 1, 64};
  check_code_contract(input, kTokenLengths[(selector / 4) % 8]);
  return 0;
}
