// The operators' view of the limits (limits.hpp): the numbers held by the windows marked for
// operators, and lifting every window of one number. Apart from limits.cpp, which counts.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "guard/limits.hpp"
#include "log/log.hpp"
#include "util/ascii.hpp"

namespace voiceverify::guard {
namespace {

using std::chrono::seconds;
using store::Fetched;
using store::Listed;

// Where list_held finds the numbers note_held wrote: "<masked>|<until>".
constexpr const char* kHeldPrefix = "held:";

// E.164: at most 15 digits, optionally after a '+' (as limits.cpp refuses any other).
bool valid_number(std::string_view number) {
  if (number.starts_with('+')) number.remove_prefix(1);
  return !number.empty() && number.size() <= 15 &&
         std::all_of(number.begin(), number.end(), util::is_digit);
}

}  // namespace

// A number held by its own windows is noted, masked, for operators (list_held): the rows marked
// ListAndLift. The resend interval is too short to be worth it, and other windows hold
// addresses, the site or a country.
LimitResult Limiter::note_held(const std::string& number, const std::string& tag,
                               LimitResult result) {
  if (limit_window(result.window).operators == Operators::ListAndLift) {
    // "<masked>|<until>": the value's own time, since a string key has no counter to peek.
    const auto until =
        std::chrono::duration_cast<seconds>(
            (std::chrono::system_clock::now() + result.retry_after).time_since_epoch())
            .count();
    store_.put(kHeldPrefix + tag, log::mask_number(number) + "|" + std::to_string(until),
               result.retry_after);  // best effort
  }
  return result;
}

StoreError Limiter::list_held(std::vector<HeldNumber>& out) {
  const Listed listed = store_.keys_with_prefix(kHeldPrefix, 10'000);
  if (listed.error != StoreError::None) return listed.error;
  const auto now =
      std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch());
  for (const auto& key : listed.keys) {
    const Fetched value = store_.get(key);
    if (value.error != StoreError::None) return value.error;
    const auto bar = value.value ? value.value->rfind('|') : std::string::npos;
    if (bar == std::string::npos) continue;
    long until = 0;
    const std::string_view text = std::string_view(*value.value).substr(bar + 1);
    if (std::from_chars(text.data(), text.data() + text.size(), until).ec != std::errc{}) continue;
    out.push_back({value.value->substr(0, bar), std::max(seconds{0}, seconds{until} - now)});
  }
  return StoreError::None;
}

bool Limiter::release(const std::string& number, StoreError& error) {
  error = StoreError::None;
  if (!valid_number(number)) return false;
  const std::string tag = number_tag(settings_.key_secret, number);
  const Fetched held = store_.get(kHeldPrefix + tag);
  if (held.error != StoreError::None) {
    error = held.error;
    return false;
  }
  for (const auto& row : kLimitWindows) {
    if (row.operators == Operators::None) continue;
    std::vector<std::string> keys{row.key_prefix + tag};
    if (row.counts == CountsPer::NumberAndNetwork) {
      // One key per network the number was called from.
      Listed listed = store_.keys_with_prefix(row.key_prefix + tag + ":", 10'000);
      if (listed.error != StoreError::None) error = listed.error;
      keys = std::move(listed.keys);
    }
    for (const auto& key : keys) {
      if (const auto e = store_.remove(key); e != StoreError::None) error = e;
    }
  }
  if (const auto e = store_.remove(kHeldPrefix + tag); e != StoreError::None) error = e;
  return error == StoreError::None && held.value.has_value();
}

}  // namespace voiceverify::guard
