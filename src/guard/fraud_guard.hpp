// The conversion guard against toll fraud ("pumping"): calls to a number range, or a country,
// that are placed but almost never verified are what an attacker paid per call produces, and the
// one signal an attacker cannot fake. The guard counts, per range (the number without its last
// four, five and six digits: three widths) and per country, the calls started, how each settled
// and the source networks they came from, in the Store so every pool shares them, and
// quarantines a range (or country) whose settled calls, from enough sources, convert too rarely.
// It also caps the calls open at once in one four-digit range.
// docs/fraud-guard.md says why each rule is as it is.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace voiceverify::guard {

using store::Store;
using store::StoreError;

// FRAUD_GUARD (ranges) and FRAUD_COUNTRY_MODE (countries): Enforce refuses calls while a
// quarantine holds; Monitor quarantines and logs what it would have refused, refusing nothing;
// Off counts nothing. The country of DEFAULT_REGION is at most monitored: one quarantine of the
// home country would switch the site off for nearly everyone (docs/fraud-guard.md).
enum class GuardMode { Off, Monitor, Enforce };
// "off", "monitor", "enforce"; false for anything else.
bool parse_guard_mode(std::string_view text, GuardMode& mode);
const char* guard_mode_name(GuardMode mode);

enum class GuardScope { Range, Country };
const char* guard_scope_name(GuardScope scope);  // "range", "country"

// No defaults here: app/settings.cpp fills every field from the config.
struct FraudSettings {
  GuardMode range_mode;
  GuardMode country_mode;
  std::chrono::seconds window;           // FRAUD_WINDOW: calls counted by their start time
  std::chrono::seconds quarantine;       // FRAUD_QUARANTINE
  std::chrono::seconds code_timeout;     // CODE_TIMEOUT: an unverified call settles after it
  long range_min_calls;                  // FRAUD_RANGE_MIN_CALLS: settled calls before judging
  long country_min_calls;                // FRAUD_COUNTRY_MIN_CALLS
  double min_ratio;                      // FRAUD_MIN_RATIO: verified / settled below this trips
  std::vector<std::string> safe_ranges;  // FRAUD_SAFE_RANGES: E.164 digit prefixes, no '+'
  std::string key_secret;                // app::store_secret (STORE_KEY), as for the limits
  long min_sources;                      // FRAUD_MIN_SOURCES: source networks before judging
  long range_max_open;                   // FRAUD_RANGE_MAX_OPEN: open calls per 4-digit range
  std::chrono::seconds known_for;        // KNOWN_DAYS: a verified call marks its ranges this long
  std::string home_region;               // DEFAULT_REGION: its country is at most monitored
  int ipv4_net_prefix;                   // LIMIT_IPV4_NET_PREFIX: a source network's bits
  int ipv6_net_prefix;                   // LIMIT_IPV6_NET_PREFIX
};

// A number's range: its E.164 digits without the last four ("31612345678" -> "3161234").
std::string number_range(std::string_view number);

// The widths of range the guard watches: the number without its last `dropped` digits, judged
// from `min_calls_factor` times FRAUD_RANGE_MIN_CALLS settled calls (docs/fraud-guard.md, "Three
// widths"). A wider range is watched only while at least kMinRangeDigits remain, so that it
// never spans a whole country code.
struct RangeWidth {
  std::size_t dropped;
  long min_calls_factor;
  std::string_view tag_label;  // what the range's digits are tagged with: keeps widths apart
};
inline constexpr RangeWidth kRangeWidths[] = {{4, 1, "r"}, {5, 3, "r5:"}, {6, 10, "r6:"}};
inline constexpr std::size_t kMinRangeDigits = 5;

enum class GuardVerdict { Allowed, Refused, StoreDown };

struct GuardResult {
  GuardVerdict verdict = GuardVerdict::Allowed;
  GuardScope scope = GuardScope::Range;  // when Refused
  std::chrono::seconds retry_after{0};   // when Refused: until the quarantine ends
};

// How a call stopped counting as open.
enum class Settlement { Verified, TriesSpent };

// A quarantine, as operators see it (voiceverify --list-blocks).
struct Block {
  GuardScope scope = GuardScope::Range;
  std::string label;  // the range's digits with '+', or the country's code
  std::chrono::seconds left{0};
};

using WallClock = std::function<std::chrono::system_clock::time_point()>;

class FraudGuard {
 public:
  // Throws std::invalid_argument for an empty key_secret or a ratio outside 0..1 (wiring bugs).
  // `clock` replaces system_clock::now for tests.
  FraudGuard(Store& store, FraudSettings settings, WallClock clock = {});

  // Before a call to `number` (E.164 digits, '+' optional) of `region` (ISO code): Refused while
  // one of its ranges or its country is quarantined in Enforce mode, when this call's look at
  // the counts begins a quarantine, and while FRAUD_RANGE_MAX_OPEN calls to its four-digit range
  // are open. A `number_known` (verified within KNOWN_DAYS) passes all of that: its look still
  // begins a quarantine for others. A store error is StoreDown (the caller fails closed). Logs
  // the beginning of a quarantine once across every pool (at error level when the range had a
  // verified call within KNOWN_DAYS), and in Monitor mode what it would refuse.
  GuardResult before_call(std::string_view number, std::string_view region,
                          bool number_known = false);

  // MessageBird accepted the call: it now counts as started, and open until it settles, and
  // `client_ip`'s network (LIMIT_IPV4_NET_PREFIX / LIMIT_IPV6_NET_PREFIX, as a keyed tag) as one
  // of its subjects' sources. An empty or unreadable address counts as one source of its own.
  StoreError call_started(std::string_view verify_id, std::string_view number,
                          std::string_view region, std::string_view client_ip = {});

  // The call settled before its code expired. A call whose record is gone (expired, or settled
  // already) changes nothing.
  StoreError call_settled(std::string_view verify_id, Settlement how);

  // Logs the end of every quarantine that has ended since the last look (once across pools).
  // The pool calls it now and then; it lists keys, so never on a request's path.
  void report_ended();

  // The quarantines in force, for operators.
  StoreError blocks(std::vector<Block>& out);
  // Lifts the quarantine of a range ("+3161234") or a country ("NL"); false when none held.
  bool lift(std::string_view label, StoreError& error);

 private:
  struct Subject;
  Subject range_subject(std::string_view range, const RangeWidth& width) const;
  Subject country_subject(std::string_view region) const;
  std::vector<Subject> subjects(std::string_view number, std::string_view region) const;
  GuardResult judge(const std::vector<Subject>& subjects, bool known);
  bool trips(const Subject& subject, const std::vector<long>& counts, std::size_t at) const;
  bool too_many_open(const Subject& subject, const std::vector<long>& counts, std::size_t at) const;
  StoreError begin_quarantine(const Subject& subject);
  long now() const;

  Store& store_;
  FraudSettings settings_;
  WallClock clock_;
};

}  // namespace voiceverify::guard
