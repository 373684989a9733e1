// Phone number validation over libphonenumber (PhoneNumberUtil is thread-safe after first use:
// docs/platform.md, "libphonenumber"). The input is screened before libphonenumber sees it: a
// length cap and a small character set, so the parser only ever gets short ASCII text. Every
// libphonenumber call sits inside one try: a throw there means "not a number we will call",
// never a 500.
#include "forms/phone.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <utility>

#include "log/log.hpp"

#include "util/ascii.hpp"
#include "util/name_table.hpp"

namespace voiceverify::forms {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Every fact about a number type: its name (in settings and the log) and libphonenumber's type.
struct TypeName {
  NumberType type;
  const char* name;
  PhoneNumberUtil::PhoneNumberType libphonenumber;
};

constexpr auto kTypeNames = std::to_array<TypeName>({
    {NumberType::FixedLine, "fixed-line", PhoneNumberUtil::FIXED_LINE},
    {NumberType::Mobile, "mobile", PhoneNumberUtil::MOBILE},
    {NumberType::FixedLineOrMobile, "fixed-line-or-mobile", PhoneNumberUtil::FIXED_LINE_OR_MOBILE},
    {NumberType::TollFree, "toll-free", PhoneNumberUtil::TOLL_FREE},
    {NumberType::PremiumRate, "premium-rate", PhoneNumberUtil::PREMIUM_RATE},
    {NumberType::SharedCost, "shared-cost", PhoneNumberUtil::SHARED_COST},
    {NumberType::Voip, "voip", PhoneNumberUtil::VOIP},
    {NumberType::PersonalNumber, "personal", PhoneNumberUtil::PERSONAL_NUMBER},
    {NumberType::Pager, "pager", PhoneNumberUtil::PAGER},
    {NumberType::Uan, "uan", PhoneNumberUtil::UAN},
    {NumberType::Voicemail, "voicemail", PhoneNumberUtil::VOICEMAIL},
    {NumberType::Unknown, "unknown", PhoneNumberUtil::UNKNOWN},
});

NumberType from_libphonenumber(PhoneNumberUtil::PhoneNumberType type) {
  return util::field_of(kTypeNames, &TypeName::libphonenumber, type, &TypeName::type,
                        NumberType::Unknown);
}

// What people type in a phone field: digits and the usual separators. Letters (vanity numbers,
// "ext."), "tel:" URIs, control and non-ASCII bytes are refused before parsing; libphonenumber
// would accept some of them and we would then call a number the user did not write.
bool allowed_char(char c) {
  return util::is_digit(c) || c == ' ' || c == '+' || c == '-' || c == '.' || c == '(' ||
         c == ')' || c == '/';
}

// "+31 6 12345678" -> "+31 * ******78": the "+<country code>" prefix stays, then every digit but
// the last two becomes '*'. The mask travels in the session cookie, whose decoder accepts only
// digits, '*', '+' and spaces, so it is rebuilt from those alone: libphonenumber's international
// format puts '-' in many countries' numbers ("+1 650-253-0000", "+7 912 345-67-89",
// "+81 90-1234-5678"), and a mask holding one made the session unreadable right after a paid
// call. Every run of other characters becomes one space, so the shape is still recognisable.
std::string mask_international(const std::string& international) {
  std::string out;
  for (char c : international) {
    if (util::is_digit(c) || (c == '+' && out.empty())) {
      out += c;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();

  std::size_t prefix = out.starts_with('+') ? 1 : 0;
  while (prefix < out.size() && util::is_digit(out[prefix])) ++prefix;
  auto digits_left =
      std::count_if(out.begin() + static_cast<std::ptrdiff_t>(prefix), out.end(), util::is_digit);
  for (std::size_t i = prefix; i < out.size(); ++i) {
    if (!util::is_digit(out[i])) continue;
    if (digits_left-- > 2) out[i] = '*';
  }
  return out;
}

const std::set<std::string>& supported_regions() {
  static const std::set<std::string> regions = [] {
    std::set<std::string> out;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&out);
    return out;
  }();
  return regions;
}

}  // namespace

bool parse_number_type(std::string_view name, NumberType& out) {
  const auto* row = util::find_row(kTypeNames, &TypeName::name, name);
  if (row == nullptr) return false;
  out = row->type;
  return true;
}

const char* number_type_name(NumberType type) {
  return util::field_of(kTypeNames, &TypeName::type, type, &TypeName::name, "unknown");
}

bool is_known_region(std::string_view region) {
  if (region.size() != 2) return false;
  try {
    return supported_regions().count(std::string(region)) > 0;
  } catch (...) {
    return false;
  }
}

bool PhonePolicy::allows_region(std::string_view region) const {
  if (allowed_countries.find(region) != allowed_countries.end()) return true;
  return any_geographic_region && is_known_region(region);
}

PhoneCheck check_phone(std::string_view input, const PhonePolicy& policy) {
  PhoneCheck check;
  input = util::trim(input);
  if (input.empty()) {
    check.error = PhoneError::Missing;
    return check;
  }
  if (input.size() > policy.max_input_bytes) {
    check.error = PhoneError::TooLong;
    return check;
  }
  if (!std::all_of(input.begin(), input.end(), allowed_char)) {
    check.error = PhoneError::Invalid;
    return check;
  }

  try {
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util.Parse(std::string(input), policy.default_region, &number) !=
            PhoneNumberUtil::NO_PARSING_ERROR ||
        number.has_extension() || !util.IsValidNumber(number)) {
      check.error = PhoneError::Invalid;
      return check;
    }
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    // libphonenumber's E.164 is not always a fixed point: a Mexican mobile typed with the old
    // mobile "1" ("+52 1 1278 278 3426") formats as +5212782783426, which parses back as
    // +522782783426. Parse the E.164 form once more, so the number we call, count in the limits
    // and show is the canonical one whichever way it was typed (found by fuzz_forms).
    PhoneNumber canonical;
    if (util.Parse(e164, "ZZ", &canonical) == PhoneNumberUtil::NO_PARSING_ERROR &&
        util.IsValidNumber(canonical)) {
      number = canonical;
      e164.clear();
      util.Format(number, PhoneNumberUtil::E164, &e164);
    }
    // E.164 caps a number at 15 digits. libphonenumber's metadata accepts some longer ones
    // (German fixed lines with dial-through digits, "+49 3537 0581087889" is valid to it), which
    // no E.164 recipient can be and the Verify client refuses: refuse them here, before a
    // limiter slot is spent or a previous verification is cancelled.
    if (e164.size() < 2 || e164.size() > 16 || e164.front() != '+') {
      check.error = PhoneError::Invalid;
      return check;
    }
    util.Format(number, PhoneNumberUtil::INTERNATIONAL, &check.international);
    util.GetRegionCodeForNumber(number, &check.region);
    check.type = from_libphonenumber(util.GetNumberType(number));
    check.masked = mask_international(check.international);
    check.log_number = log::mask_number(e164);

    if (!policy.allows_region(check.region)) {
      check.error = PhoneError::CountryNotAllowed;
    } else if (policy.allowed_types.count(check.type) == 0) {
      check.error = PhoneError::TypeNotAllowed;
    } else {
      check.digits = e164.substr(1);
      return check;
    }
    // Refused: keep region, type and masked for the log line, drop what could be dialled.
    check.international.clear();
    return check;
  } catch (...) {
    PhoneCheck invalid;
    invalid.error = PhoneError::Invalid;
    return invalid;
  }
}

std::string calling_code_region(std::string_view international) {
  int code = 0;
  std::size_t i = 1;
  if (international.empty() || international[0] != '+') return "ZZ";
  for (; i < international.size() && i <= 3 && util::is_digit(international[i]); ++i) {
    code = code * 10 + (international[i] - '0');
  }
  if (i == 1) return "ZZ";
  std::string region;
  PhoneNumberUtil::GetInstance()->GetRegionCodeForCountryCode(code, &region);
  return region;
}

}  // namespace voiceverify::forms
