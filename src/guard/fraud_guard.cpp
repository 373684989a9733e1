// See fraud_guard.hpp; the rules and their reasons are in docs/fraud-guard.md.
//
// Store layout (every key built from strings of known shape; numbers and ranges only as keyed
// tags, as in limits.cpp):
//   fraud:{range:<tag>}:started|verified|spent   timelines of call ids, scored by start time
//   fraud:{country:<CC>}:started|verified|spent  the same per country
// A subject's three timelines are counted by one script, so they share a Redis Cluster hash tag,
// the subject's id in braces (docs/redis.md, "Cluster-ready keys").
//   fraud:call:<verify id>                     "<range tag>|<CC>|<start>" while the call is open
//   fraud:block:range:<tag> / country:<CC>     "<label>|<until>" while the quarantine holds
//   fraud:watch:range:<tag> / country:<CC>     the same, kept a day longer: report_ended() logs
//                                              the end of a quarantine from it
// A quarantine clears its subject's timelines when it begins, so counting starts afresh when it
// ends: the calls that tripped it cannot trip it again.
#include "guard/fraud_guard.hpp"

#include <algorithm>
#include <stdexcept>

#include "guard/limits.hpp"
#include "log/log.hpp"
#include "util/ascii.hpp"
#include "util/verify_id.hpp"

namespace voiceverify::guard {

using store::Counts;
using store::Created;
using store::Fetched;
using store::Listed;
using store::TimelineQuery;
namespace {

using std::chrono::seconds;

constexpr std::string_view kModeNames[] = {"off", "monitor", "enforce"};
constexpr seconds kWatchExtra{86400};
constexpr std::size_t kMaxListed = 10'000;

std::string_view digits_of(std::string_view number) {
  if (number.starts_with('+')) number.remove_prefix(1);
  return number;
}

bool valid_number(std::string_view number) {
  number = digits_of(number);
  return number.size() > 4 && number.size() <= 15 &&
         std::all_of(number.begin(), number.end(), util::is_digit);
}

// libphonenumber's region codes: "NL", or "001" for numbers of no country.
bool valid_region(std::string_view region) {
  return (region.size() == 2 || region.size() == 3) &&
         std::all_of(region.begin(), region.end(),
                     [](char c) { return util::is_digit(c) || (c >= 'A' && c <= 'Z'); });
}

// "<label>|<until>" as the block and watch keys hold it.
// One of a subject's timelines ("started", "verified", "spent"); `id` is "range:<tag>" or
// "country:<CC>".
std::string timeline_key(std::string_view id, std::string_view which) {
  return "fraud:{" + std::string(id) + "}:" + std::string(which);
}

bool split_record(const std::string& value, std::string& label, long& until) {
  const auto bar = value.rfind('|');
  if (bar == std::string::npos) return false;
  label = value.substr(0, bar);
  try {
    until = std::stol(value.substr(bar + 1));
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

}  // namespace

bool parse_guard_mode(std::string_view text, GuardMode& mode) {
  for (std::size_t i = 0; i < std::size(kModeNames); ++i) {
    if (text == kModeNames[i]) {
      mode = static_cast<GuardMode>(i);
      return true;
    }
  }
  return false;
}

const char* guard_mode_name(GuardMode mode) {
  return kModeNames[static_cast<std::size_t>(mode)].data();
}

const char* guard_scope_name(GuardScope scope) {
  return scope == GuardScope::Range ? "range" : "country";
}

std::string number_range(std::string_view number) {
  number = digits_of(number);
  return std::string(number.substr(0, number.size() > 4 ? number.size() - 4 : 0));
}

struct FraudGuard::Subject {
  GuardScope scope;
  GuardMode mode;
  std::string label;  // "+3161234" or "NL": for the log and the operators
  std::string id;     // "range:<tag>" or "country:NL"
  long min_calls;
  std::string timeline(std::string_view which) const { return timeline_key(id, which); }
};

FraudGuard::FraudGuard(Store& store, FraudSettings settings, WallClock clock)
    : store_(store), settings_(std::move(settings)), clock_(std::move(clock)) {
  if (settings_.key_secret.empty()) throw std::invalid_argument("FraudGuard: empty key secret");
  if (!(settings_.min_ratio >= 0.0 && settings_.min_ratio <= 1.0)) {
    throw std::invalid_argument("FraudGuard: min_ratio outside 0..1");
  }
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

long FraudGuard::now() const {
  return static_cast<long>(
      std::chrono::duration_cast<seconds>(clock_().time_since_epoch()).count());
}

FraudGuard::Subject FraudGuard::subject(GuardScope scope, std::string_view value) const {
  if (scope == GuardScope::Range) {
    const std::string range = number_range(value);
    return Subject{scope, settings_.range_mode, "+" + range,
                   "range:" + number_tag(settings_.key_secret, "r" + range),
                   settings_.range_min_calls};
  }
  return Subject{scope, settings_.country_mode, std::string(value), "country:" + std::string(value),
                 settings_.country_min_calls};
}

GuardResult FraudGuard::before_call(std::string_view number, std::string_view region) {
  if (!valid_number(number) || !valid_region(region)) return {GuardVerdict::StoreDown};
  const std::string range = number_range(number);
  const bool safe = std::any_of(settings_.safe_ranges.begin(), settings_.safe_ranges.end(),
                                [&](const std::string& prefix) {
                                  return std::string_view(digits_of(number)).starts_with(prefix);
                                });
  return judge(subject(GuardScope::Range, number), subject(GuardScope::Country, region), safe);
}

GuardResult FraudGuard::judge(const Subject& range, const Subject& country, bool range_safe) {
  std::vector<const Subject*> watched;
  if (range.mode != GuardMode::Off && !range_safe) watched.push_back(&range);
  if (country.mode != GuardMode::Off) watched.push_back(&country);
  if (watched.empty()) return {};

  const long t = now();
  std::vector<const Subject*> judged;
  for (const Subject* s : watched) {
    const Fetched block = store_.get("fraud:block:" + s->id);
    if (block.error != StoreError::None) return {GuardVerdict::StoreDown};
    std::string label;
    long until = 0;
    if (!block.value || !split_record(*block.value, label, until)) {
      judged.push_back(s);
      continue;
    }
    if (s->mode == GuardMode::Enforce) {
      return {GuardVerdict::Refused, s->scope, seconds(std::max(1L, until - t))};
    }
    log::info("fraud_guard_would_refuse",
              {{"scope", guard_scope_name(s->scope)}, {"label", s->label}});
  }

  const long w = static_cast<long>(settings_.window.count());
  const long c = static_cast<long>(settings_.code_timeout.count());
  std::vector<TimelineQuery> queries;
  for (const Subject* s : judged) {
    queries.push_back({s->timeline("started"), t - w, t - c});
    queries.push_back({s->timeline("verified"), t - w, t});
    queries.push_back({s->timeline("verified"), t - w, t - c});
    queries.push_back({s->timeline("spent"), t - c + 1, t});
  }
  const Counts counts = store_.count_in_timelines(queries);
  if (counts.error != StoreError::None || counts.values.size() != queries.size()) {
    return {GuardVerdict::StoreDown};
  }
  for (std::size_t i = 0; i < judged.size(); ++i) {
    const Subject& s = *judged[i];
    if (!trips(s, counts.values, i * 4)) continue;
    if (begin_quarantine(s) != StoreError::None) return {GuardVerdict::StoreDown};
    if (s.mode == GuardMode::Enforce) {
      return {GuardVerdict::Refused, s.scope, settings_.quarantine};
    }
    log::info("fraud_guard_would_refuse",
              {{"scope", guard_scope_name(s.scope)}, {"label", s.label}});
  }
  return {};
}

// Settled calls: every call whose code has expired, plus the newer ones verified or with their
// tries spent. Open calls count on neither side.
bool FraudGuard::trips(const Subject& s, const std::vector<long>& counts, std::size_t at) const {
  const long expired = counts[at];
  const long verified = counts[at + 1];
  const long verified_recent = verified - counts[at + 2];
  const long spent_recent = counts[at + 3];
  const long settled = expired + verified_recent + spent_recent;
  return settled >= s.min_calls &&
         static_cast<double>(verified) < settings_.min_ratio * static_cast<double>(settled);
}

StoreError FraudGuard::begin_quarantine(const Subject& s) {
  const long until = now() + static_cast<long>(settings_.quarantine.count());
  const std::string record = s.label + "|" + std::to_string(until);
  const Created created = store_.put_if_absent("fraud:block:" + s.id, record, settings_.quarantine);
  if (created.error != StoreError::None) return created.error;
  if (!created.created) return StoreError::None;  // another pool began it a moment ago
  for (const char* which : {"started", "verified", "spent"}) {
    if (const auto error = store_.remove(s.timeline(which)); error != StoreError::None)
      return error;
  }
  log::warning("fraud_quarantine", {{"state", "begins"},
                                    {"scope", guard_scope_name(s.scope)},
                                    {"label", s.label},
                                    {"mode", guard_mode_name(s.mode)},
                                    {"seconds", std::to_string(settings_.quarantine.count())}});
  return store_.put("fraud:watch:" + s.id, record, settings_.quarantine + kWatchExtra);
}

StoreError FraudGuard::call_started(std::string_view verify_id, std::string_view number,
                                    std::string_view region) {
  if (!util::is_verify_id(verify_id) || !valid_number(number) || !valid_region(region)) {
    return StoreError::Unavailable;
  }
  const Subject range = subject(GuardScope::Range, number);
  const Subject country = subject(GuardScope::Country, region);
  const long t = now();
  const seconds keep = settings_.window + settings_.code_timeout;
  const std::string id(verify_id);
  for (const Subject* s : {&range, &country}) {
    if (s->mode == GuardMode::Off) continue;
    if (const auto e = store_.add_to_timeline(s->timeline("started"), id, t, keep);
        e != StoreError::None) {
      return e;
    }
  }
  return store_.put("fraud:call:" + id, range.id + "|" + country.id + "|" + std::to_string(t),
                    settings_.code_timeout + seconds(60));
}

StoreError FraudGuard::call_settled(std::string_view verify_id, Settlement how) {
  if (!util::is_verify_id(verify_id)) return StoreError::Unavailable;
  const std::string id(verify_id);
  const Fetched record = store_.get("fraud:call:" + id);
  if (record.error != StoreError::None || !record.value) return record.error;
  // "<range id>|<country id>|<start>"
  const auto first = record.value->find('|');
  const auto second = record.value->find('|', first + 1);
  if (first == std::string::npos || second == std::string::npos) return StoreError::Unavailable;
  long start = 0;
  try {
    start = std::stol(record.value->substr(second + 1));
  } catch (const std::exception&) {
    return StoreError::Unavailable;
  }
  const char* which = how == Settlement::Verified ? "verified" : "spent";
  const seconds keep = settings_.window + settings_.code_timeout;
  for (const std::string& subject_id :
       {record.value->substr(0, first), record.value->substr(first + 1, second - first - 1)}) {
    if (const auto e = store_.add_to_timeline(timeline_key(subject_id, which), id, start, keep);
        e != StoreError::None) {
      return e;
    }
  }
  return store_.remove("fraud:call:" + id);
}

void FraudGuard::report_ended() {
  const Listed watched = store_.keys_with_prefix("fraud:watch:", kMaxListed);
  const long t = now();
  for (const std::string& key : watched.keys) {
    const Fetched value = store_.get(key);
    std::string label;
    long until = 0;
    if (!value.value || !split_record(*value.value, label, until) || until > t) continue;
    const std::string id = key.substr(std::string_view("fraud:watch:").size());
    const Created first =
        store_.put_if_absent("fraud:ended:" + id + ":" + std::to_string(until), "1", kWatchExtra);
    store_.remove(key);
    if (!first.created) continue;
    log::warning("fraud_quarantine", {{"state", "ends"},
                                      {"scope", id.starts_with("range:") ? "range" : "country"},
                                      {"label", label}});
  }
}

StoreError FraudGuard::blocks(std::vector<Block>& out) {
  const Listed listed = store_.keys_with_prefix("fraud:block:", kMaxListed);
  if (listed.error != StoreError::None) return listed.error;
  const long t = now();
  for (const std::string& key : listed.keys) {
    const Fetched value = store_.get(key);
    if (value.error != StoreError::None) return value.error;
    Block block;
    long until = 0;
    if (!value.value || !split_record(*value.value, block.label, until)) continue;
    block.scope = key.starts_with("fraud:block:range:") ? GuardScope::Range : GuardScope::Country;
    block.left = seconds(std::max(0L, until - t));
    out.push_back(std::move(block));
  }
  return StoreError::None;
}

bool FraudGuard::lift(std::string_view label, StoreError& error) {
  error = StoreError::None;
  // A range as operators write it ("+3161234"): subject() takes a whole number and drops its
  // last four digits, so four are added.
  const std::string range_digits(digits_of(label));
  const bool is_range = range_digits.size() < 12 &&
                        std::all_of(range_digits.begin(), range_digits.end(), util::is_digit) &&
                        !range_digits.empty();
  if (!is_range && !valid_region(label)) return false;
  const Subject s = is_range ? subject(GuardScope::Range, range_digits + "0000")
                             : subject(GuardScope::Country, label);
  const Fetched held = store_.get("fraud:block:" + s.id);
  if (held.error != StoreError::None) {
    error = held.error;
    return false;
  }
  if (!held.value) return false;
  error = store_.remove("fraud:block:" + s.id);
  if (error == StoreError::None) error = store_.remove("fraud:watch:" + s.id);
  if (error != StoreError::None) return false;
  log::warning("fraud_quarantine",
               {{"state", "lifted"}, {"scope", guard_scope_name(s.scope)}, {"label", s.label}});
  return true;
}

}  // namespace voiceverify::guard
