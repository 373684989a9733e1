// Phone number validation with libphonenumber: parse under the default region, require a valid
// number of an allowed type and country, give MessageBird the E.164 digits.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace voiceverify::forms {

enum class NumberType {
  FixedLine,
  Mobile,
  FixedLineOrMobile,
  TollFree,
  PremiumRate,
  SharedCost,
  Voip,
  PersonalNumber,
  Pager,
  Uan,
  Voicemail,
  Unknown
};

// Config spelling: "mobile", "fixed-line", "fixed-line-or-mobile", "toll-free", "premium-rate",
// "shared-cost", "voip", "personal", "pager", "uan", "voicemail", "unknown".
bool parse_number_type(std::string_view name, NumberType& out);
const char* number_type_name(NumberType type);

// libphonenumber's region for numbers of no country: satellite phones (+881 Iridium, +870
// Inmarsat), global networks (+882, +883), international freephone (+800) and the like.
inline constexpr std::string_view kNonGeographicRegion = "001";

// The configured fields have no defaults here: app::phone_policy (src/app/settings.cpp) fills
// them from DEFAULT_REGION, ALLOWED_NUMBER_TYPES and ALLOWED_COUNTRIES.
struct PhonePolicy {
  std::string default_region;
  std::set<NumberType> allowed_types;
  // Where we call: the regions listed ("NL"; kNonGeographicRegion included only when listed),
  // plus every geographic region when any_geographic_region. Non-geographic numbers are never
  // implied: they are expensive and the classic toll-fraud destinations.
  std::set<std::string, std::less<>> allowed_countries;
  bool any_geographic_region;
  std::size_t max_input_bytes = 32;

  // True when a number libphonenumber files under `region` ("NL", "001") may be called.
  bool allows_region(std::string_view region) const;
};

enum class PhoneError { None, Missing, TooLong, Invalid, TypeNotAllowed, CountryNotAllowed };

struct PhoneCheck {
  PhoneError error = PhoneError::None;
  std::string digits;         // E.164 without '+': "31612345678" (MessageBird's recipient)
  std::string international;  // "+31 6 12345678"
  std::string masked;         // "+31 * ******78": country code and last two digits kept;
                              // only digits, '*', a leading '+' and single spaces
  std::string log_number;     // "+31*******78": log::mask_number's form, the one logs use
  std::string region;         // "NL"
  NumberType type = NumberType::Unknown;
};

// Trims surrounding spaces and tabs; empty is Missing, longer than max_input_bytes is TooLong.
// Only digits, spaces and + - . ( ) / are accepted (anything else, control characters included,
// and numbers with an extension are Invalid). `digits` and `international` are set only when
// error is None; on TypeNotAllowed or CountryNotAllowed, `masked`, `log_number`, `region` and
// `type` are still set for the log. Never throws.
PhoneCheck check_phone(std::string_view input, const PhonePolicy& policy);

// True when `region` is a geographic region code libphonenumber knows ("NL", "GB"); false for
// kNonGeographicRegion.
bool is_known_region(std::string_view region);

// The region a number is counted under in /metrics, from its international form ("+31 6 ...",
// masked or not): the main region of its country calling code ("NL"; "US" for every +1 number,
// "GB" for +44), so a start and its later check (which has only the masked number) count under
// the same label. libphonenumber's "ZZ" when the text does not start with a known calling code,
// "001" for non-geographic codes.
std::string calling_code_region(std::string_view international);

}  // namespace voiceverify::forms
