// See key_checks.hpp: the checks of the abuse keys (the limit windows, the country budgets and
// the fraud guard). Messages name what is expected, never the value.
#include "config/key_checks.hpp"

#include <map>
#include <string_view>
#include <vector>

#include "config/values.hpp"
#include "forms/phone.hpp"
#include "guard/fraud_guard.hpp"
#include "guard/limit_windows.hpp"

namespace voiceverify::config {

using Reason = std::string;

// A window's setting, as its row says: a whole number in the row's range (an Interval in
// seconds), a decimal from 0 to 1 for a Reserve, or, where the row allows it, empty for 0.
Reason apply_window(guard::LimitWindow window, const std::string& v, Config& c) {
  const guard::LimitWindowRow& row = guard::limit_window(window);
  const guard::WindowSetting& setting = row.setting;
  if (row.sizing == guard::Sizing::Reserve) {
    long share = 0;
    if (!parse_fraction(v, share)) return "must be a decimal from 0 to 1, e.g. 0.5";
    c.window_sizes[window] = share;
    return {};
  }
  if (setting.when_empty != nullptr && v.empty()) {
    c.window_sizes[window] = 0;
    return {};
  }
  long n = 0;
  if (!parse_int(std::string_view(v), setting.min, setting.max, n)) {
    Reason reason = range_reason(setting.min, setting.max);
    if (row.sizing == guard::Sizing::Interval) reason += " (seconds)";
    if (setting.when_empty == nullptr) return reason;
    return "must be empty (" + std::string(setting.when_empty) + ") or " + reason;
  }
  c.window_sizes[window] = n;
  return {};
}

// "BE:300, DE:100": a region code libphonenumber knows and its calls per hour, each.
Reason apply_country_limits(const std::string& v, Config& c) {
  Reason reason =
      "must be a comma-separated list of REGION:CALLS, e.g. BE:300,DE:100 (calls per hour, 1 or "
      "more, for a region code libphonenumber knows)";
  std::vector<std::string> items;
  if (!split_list(v, items)) return reason;
  std::map<std::string, long> limits;
  for (const auto& item : items) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) return reason;
    const std::string region = upper(trim(std::string_view(item).substr(0, colon)));
    long calls = 0;
    if (!forms::is_known_region(region) ||
        !parse_int(trim(std::string_view(item).substr(colon + 1)), 1L, kMaxLimit, calls) ||
        !limits.emplace(region, calls).second) {
      return reason;
    }
  }
  c.country_limits = std::move(limits);
  return {};
}

namespace {

Reason apply_guard_mode(const std::string& v, guard::GuardMode& mode) {
  if (!guard::parse_guard_mode(v, mode)) return "must be enforce, monitor or off";
  return {};
}

}  // namespace

Reason apply_fraud_guard(const std::string& v, Config& c) {
  return apply_guard_mode(v, c.fraud_range_mode);
}

Reason apply_fraud_country_mode(const std::string& v, Config& c) {
  return apply_guard_mode(v, c.fraud_country_mode);
}

// A decimal from 0 to 1 with at most four places: "0.2", "0", "1".
Reason apply_fraud_min_ratio(const std::string& v, Config& c) {
  Reason reason = "must be a decimal from 0 to 1, e.g. 0.2";
  const auto dot = v.find('.');
  const std::string_view whole = std::string_view(v).substr(0, dot);
  const std::string_view places =
      dot == std::string::npos ? std::string_view{} : std::string_view(v).substr(dot + 1);
  long w = 0;
  long f = 0;
  if (!parse_int(whole, 0L, 1L, w)) return reason;
  if (dot != std::string::npos && (places.size() > 4 || !parse_int(places, 0L, 9999L, f))) {
    return reason;
  }
  double fraction = static_cast<double>(f);
  for (std::size_t i = 0; i < places.size(); ++i) fraction /= 10.0;
  if (w == 1 && f != 0) return reason;
  c.fraud_min_ratio = static_cast<double>(w) + fraction;
  return {};
}

// "+3161234, +44740012": E.164 prefixes (a '+' and 1 to 14 digits), kept as digits.
Reason apply_fraud_safe_ranges(const std::string& v, Config& c) {
  std::vector<std::string> items;
  Reason reason = "must be a comma-separated list of E.164 prefixes, e.g. +3161234,+44740012";
  if (!split_list(v, items)) return reason;
  std::vector<std::string> prefixes;
  for (const auto& item : items) {
    const std::string_view digits = std::string_view(item).substr(1);
    if (!item.starts_with('+') || digits.empty() || digits.size() > 14 || !is_digits(digits)) {
      return reason;
    }
    prefixes.emplace_back(digits);
  }
  c.fraud_safe_ranges = std::move(prefixes);
  return {};
}

}  // namespace voiceverify::config
