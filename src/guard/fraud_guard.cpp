// See fraud_guard.hpp; the rules and their reasons are in docs/fraud-guard.md.
//
// Store layout (every key built from strings of known shape; numbers, ranges and client networks
// only as keyed tags, as in limits.cpp):
//   fraud:{range:<tag>}:started|verified|spent   timelines of call ids, scored by start time
//   fraud:{range:<tag>}:sources                  "<network tag>|<call id>" of unverified calls
//   fraud:{range:<tag>}:known                    "1" for KNOWN_DAYS after a verified call
//   fraud:{country:<CC>}:started|...|sources     the same per country
// A range's tag keys its width too (kRangeWidths' tag_label). A subject's timelines are counted
// by one script, so they share a Redis Cluster hash tag, the subject's id in braces
// (docs/redis.md, "Cluster-ready keys").
//   fraud:call:<verify id>                     "source:<network tag>|<subject id>|...|<start>"
//                                              while the call is open
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
// The timeline counts judge() asks for each subject (see trips and too_many_open).
constexpr std::size_t kQueries = 6;

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
  bool open_capped = false;  // the four-digit range: FRAUD_RANGE_MAX_OPEN holds for it
  bool safe = false;         // in FRAUD_SAFE_RANGES: counted, never judged
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

FraudGuard::Subject FraudGuard::range_subject(std::string_view range,
                                              const RangeWidth& width) const {
  Subject s{GuardScope::Range, settings_.range_mode, "+" + std::string(range),
            "range:" +
                number_tag(settings_.key_secret, std::string(width.tag_label) + std::string(range)),
            settings_.range_min_calls * width.min_calls_factor};
  s.open_capped = width.dropped == kRangeWidths[0].dropped;
  return s;
}

FraudGuard::Subject FraudGuard::country_subject(std::string_view region) const {
  // The home country is at most monitored (fraud_guard.hpp).
  const GuardMode mode = region == settings_.home_region
                             ? std::min(settings_.country_mode, GuardMode::Monitor)
                             : settings_.country_mode;
  return Subject{GuardScope::Country, mode, std::string(region), "country:" + std::string(region),
                 settings_.country_min_calls};
}

// Every subject a call to `number` counts in: its ranges, widest last, then its country.
std::vector<FraudGuard::Subject> FraudGuard::subjects(std::string_view number,
                                                      std::string_view region) const {
  const std::string_view digits = digits_of(number);
  const bool safe =
      std::any_of(settings_.safe_ranges.begin(), settings_.safe_ranges.end(),
                  [&](const std::string& prefix) { return digits.starts_with(prefix); });
  std::vector<Subject> out;
  for (const RangeWidth& width : kRangeWidths) {
    if (digits.size() <
        width.dropped + (width.dropped == kRangeWidths[0].dropped ? 1 : kMinRangeDigits)) {
      break;
    }
    const std::string_view range = digits.substr(0, digits.size() - width.dropped);
    out.push_back(range_subject(range, width));
    out.back().safe = safe;
  }
  out.push_back(country_subject(region));
  return out;
}

GuardResult FraudGuard::before_call(std::string_view number, std::string_view region,
                                    bool number_known) {
  if (!valid_number(number) || !valid_region(region)) return {GuardVerdict::StoreDown};
  return judge(subjects(number, region), number_known);
}

GuardResult FraudGuard::judge(const std::vector<Subject>& subjects, bool known) {
  std::vector<const Subject*> watched;
  for (const Subject& s : subjects) {
    if (s.mode != GuardMode::Off && !s.safe) watched.push_back(&s);
  }
  if (watched.empty()) return {};

  // What a refusal becomes: a refusal in Enforce mode unless the number is known, else a line.
  GuardResult passed;
  auto refuse = [&](const Subject& s, seconds retry_after, const char* reason) -> bool {
    if (s.mode == GuardMode::Enforce && !known) {
      passed = {GuardVerdict::Refused, s.scope, retry_after};
      return true;
    }
    log::info(
        s.mode == GuardMode::Enforce ? "fraud_guard_known_passes" : "fraud_guard_would_refuse",
        {{"scope", guard_scope_name(s.scope)}, {"label", s.label}, {"reason", reason}});
    return false;
  };

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
    if (refuse(*s, seconds(std::max(1L, until - t)), "quarantine")) return passed;
  }
  if (judged.empty()) return {};

  const long w = static_cast<long>(settings_.window.count());
  const long c = static_cast<long>(settings_.code_timeout.count());
  std::vector<TimelineQuery> queries;
  for (const Subject* s : judged) {
    queries.push_back({s->timeline("started"), t - w, t - c});
    queries.push_back({s->timeline("verified"), t - w, t});
    queries.push_back({s->timeline("verified"), t - w, t - c});
    queries.push_back({s->timeline("spent"), t - c + 1, t});
    queries.push_back({s->timeline("started"), t - c + 1, t});
    queries.push_back({s->timeline("sources"), t - w, t - c, true});
  }
  const Counts counts = store_.count_in_timelines(queries);
  if (counts.error != StoreError::None || counts.values.size() != queries.size()) {
    return {GuardVerdict::StoreDown};
  }
  for (std::size_t i = 0; i < judged.size(); ++i) {
    const Subject& s = *judged[i];
    if (trips(s, counts.values, i * kQueries)) {
      if (begin_quarantine(s) != StoreError::None) return {GuardVerdict::StoreDown};
      if (refuse(s, settings_.quarantine, "quarantine")) return passed;
    } else if (too_many_open(s, counts.values, i * kQueries)) {
      // The oldest open call settles within CODE_TIMEOUT.
      if (refuse(s, settings_.code_timeout, "open")) return passed;
    }
  }
  return {};
}

// Settled calls: every call whose code has expired, plus the newer ones verified or with their
// tries spent. Open calls count on neither side. Sources: the networks the unverified calls whose
// codes have expired came from, so that one network can never poison a range, nor people
// verifying from theirs help it to.
bool FraudGuard::trips(const Subject& s, const std::vector<long>& counts, std::size_t at) const {
  const long expired = counts[at];
  const long verified = counts[at + 1];
  const long verified_recent = verified - counts[at + 2];
  const long spent_recent = counts[at + 3];
  const long settled = expired + verified_recent + spent_recent;
  const long sources = counts[at + 5];
  return settled >= s.min_calls && sources >= settings_.min_sources &&
         static_cast<double>(verified) < settings_.min_ratio * static_cast<double>(settled);
}

// Open calls: started within CODE_TIMEOUT, neither verified nor spent yet.
bool FraudGuard::too_many_open(const Subject& s, const std::vector<long>& counts,
                               std::size_t at) const {
  if (!s.open_capped) return false;
  const long verified_recent = counts[at + 1] - counts[at + 2];
  const long open = counts[at + 4] - verified_recent - counts[at + 3];
  return open >= settings_.range_max_open;
}

StoreError FraudGuard::begin_quarantine(const Subject& s) {
  const long until = now() + static_cast<long>(settings_.quarantine.count());
  const std::string record = s.label + "|" + std::to_string(until);
  const Created created = store_.put_if_absent("fraud:block:" + s.id, record, settings_.quarantine);
  if (created.error != StoreError::None) return created.error;
  if (!created.created) return StoreError::None;  // another pool began it a moment ago
  // A range where someone verified within KNOWN_DAYS is one people use: an operator should look.
  bool known = false;
  if (s.scope == GuardScope::Range) {
    const Fetched mark = store_.get(s.timeline("known"));
    if (mark.error != StoreError::None) return mark.error;
    known = mark.value.has_value();
  }
  for (const char* which : {"started", "verified", "spent", "sources"}) {
    if (const auto error = store_.remove(s.timeline(which)); error != StoreError::None)
      return error;
  }
  const std::string quarantine_seconds = std::to_string(settings_.quarantine.count());
  log::write(known ? log::Level::Error : log::Level::Warning, "fraud_quarantine",
             {{"state", "begins"},
              {"scope", guard_scope_name(s.scope)},
              {"label", s.label},
              {"mode", guard_mode_name(s.mode)},
              {"seconds", quarantine_seconds},
              {"verified_lately", known ? "yes" : "no"}});
  return store_.put("fraud:watch:" + s.id, record, settings_.quarantine + kWatchExtra);
}

StoreError FraudGuard::call_started(std::string_view verify_id, std::string_view number,
                                    std::string_view region, std::string_view client_ip) {
  if (!util::is_verify_id(verify_id) || !valid_number(number) || !valid_region(region)) {
    return StoreError::Unavailable;
  }
  const std::string network =
      client_network_key(client_ip, settings_.ipv4_net_prefix, settings_.ipv6_net_prefix);
  const std::string source =
      network.empty() ? std::string("unknown") : address_tag(settings_.key_secret, network);
  const long t = now();
  const seconds keep = settings_.window + settings_.code_timeout;
  const std::string id(verify_id);
  const std::string sourced = source + "|" + id;
  std::string record = "source:" + source + "|";
  for (const Subject& s : subjects(number, region)) {
    record += s.id + "|";
    if (s.mode == GuardMode::Off) continue;
    for (const auto& [which, member] :
         {std::pair{"started", &id}, std::pair{"sources", &sourced}}) {
      if (const auto e = store_.add_to_timeline(s.timeline(which), *member, t, keep);
          e != StoreError::None) {
        return e;
      }
    }
  }
  return store_.put("fraud:call:" + id, record + std::to_string(t),
                    settings_.code_timeout + seconds(60));
}

StoreError FraudGuard::call_settled(std::string_view verify_id, Settlement how) {
  if (!util::is_verify_id(verify_id)) return StoreError::Unavailable;
  const std::string id(verify_id);
  const Fetched record = store_.get("fraud:call:" + id);
  if (record.error != StoreError::None || !record.value) return record.error;
  // "<subject id>|...|<subject id>|<start>"
  std::vector<std::string> fields;
  for (std::size_t from = 0;;) {
    const auto bar = record.value->find('|', from);
    fields.push_back(record.value->substr(from, bar - from));
    if (bar == std::string::npos) break;
    from = bar + 1;
  }
  if (fields.size() < 2) return StoreError::Unavailable;
  long start = 0;
  try {
    start = std::stol(fields.back());
  } catch (const std::exception&) {
    return StoreError::Unavailable;
  }
  fields.pop_back();
  std::string source;
  if (fields.front().starts_with("source:")) {
    source = fields.front().substr(std::string_view("source:").size());
    fields.erase(fields.begin());
  }
  const std::string member = source + "|" + id;  // in each subject's sources
  const char* which = how == Settlement::Verified ? "verified" : "spent";
  const seconds keep = settings_.window + settings_.code_timeout;
  const long code_timeout = static_cast<long>(settings_.code_timeout.count());
  for (const std::string& subject_id : fields) {
    if (const auto e = store_.add_to_timeline(timeline_key(subject_id, which), id, start, keep);
        e != StoreError::None) {
      return e;
    }
    // A verified call is no evidence against its range: its network is no longer one of the
    // sources. A call with its tries spent is evidence at once: judge() counts sources of
    // members scored up to CODE_TIMEOUT ago, so it moves there.
    const std::string sources = timeline_key(subject_id, "sources");
    if (const auto e = how == Settlement::Verified
                           ? store_.remove_from_timeline(sources, member)
                           : store_.add_to_timeline(sources, member, now() - code_timeout, keep);
        e != StoreError::None) {
      return e;
    }
    if (how != Settlement::Verified) continue;
    if (!subject_id.starts_with("range:") || settings_.known_for <= seconds{0}) continue;
    if (const auto e = store_.put(timeline_key(subject_id, "known"), "1", settings_.known_for);
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
  // A range as operators write it ("+3161234"), of any width: each width's quarantine of those
  // digits is lifted.
  const std::string range_digits(digits_of(label));
  const bool is_range = range_digits.size() < 12 &&
                        std::all_of(range_digits.begin(), range_digits.end(), util::is_digit) &&
                        !range_digits.empty();
  if (!is_range && !valid_region(label)) return false;
  std::vector<Subject> candidates;
  if (is_range) {
    for (const RangeWidth& width : kRangeWidths) {
      candidates.push_back(range_subject(range_digits, width));
    }
  } else {
    candidates.push_back(country_subject(label));
  }
  bool lifted = false;
  for (const Subject& s : candidates) {
    const Fetched held = store_.get("fraud:block:" + s.id);
    if (held.error != StoreError::None) {
      error = held.error;
      return false;
    }
    if (!held.value) continue;
    error = store_.remove("fraud:block:" + s.id);
    if (error == StoreError::None) error = store_.remove("fraud:watch:" + s.id);
    if (error != StoreError::None) return false;
    log::warning("fraud_quarantine",
                 {{"state", "lifted"}, {"scope", guard_scope_name(s.scope)}, {"label", s.label}});
    lifted = true;
  }
  return lifted;
}

}  // namespace voiceverify::guard
