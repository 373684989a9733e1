// The conversion guard against toll fraud ("pumping"): calls to a number range, or a country,
// that are placed but almost never verified are what an attacker paid per call produces, and the
// one signal an attacker cannot fake. The guard counts, per range (the number without its last
// four digits) and per country, the calls started and how each settled, in the Store so every
// pool shares them, and quarantines a range (or country) whose settled calls convert too rarely.
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
// Off counts nothing.
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
  std::string key_secret;                // store_key_secret(SIGNING_KEY), as for the limits
};

// A number's range: its E.164 digits without the last four ("31612345678" -> "3161234").
std::string number_range(std::string_view number);

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
  // its range or country is quarantined in Enforce mode, and when this call's look at the counts
  // begins a quarantine. A store error is StoreDown (the caller fails closed). Logs the
  // beginning of a quarantine once across every pool, and in Monitor mode what it would refuse.
  GuardResult before_call(std::string_view number, std::string_view region);

  // MessageBird accepted the call: it now counts as started, and open until it settles.
  StoreError call_started(std::string_view verify_id, std::string_view number,
                          std::string_view region);

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
  Subject subject(GuardScope scope, std::string_view value) const;
  GuardResult judge(const Subject& range, const Subject& country, bool range_safe);
  bool trips(const Subject& subject, const std::vector<long>& counts, std::size_t at) const;
  StoreError begin_quarantine(const Subject& subject);
  long now() const;

  Store& store_;
  FraudSettings settings_;
  WallClock clock_;
};

}  // namespace voiceverify::guard
