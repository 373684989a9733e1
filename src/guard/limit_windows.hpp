// The limit windows: one row per window, with every fact about it. The limiter (limits.cpp)
// builds its keys and counts from the rows, the config reads each window's setting from them
// (config/keys.cpp), the banners, the metrics' zero series and the operators' commands are loops
// over them, and scripts/lib/no-limits.env must lift every one (limit_windows_tests checks it).
// Adding a window: a row here, its key's line in config/keys.cpp, its docs (docs/operations.md,
// voiceverify.conf.example) and its line in no-limits.env.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>

#include "view/catalogue.hpp"

namespace voiceverify::guard {

// The windows a call or a code check can be refused by, in the rows' order.
enum class LimitWindow {
  Resend,
  Number10Min,
  NumberDay,
  NumberDayAll,
  NumberClientDay,
  ClientHour,
  NetHour,
  GlobalHour,
  StrangerHour,
  CountryHour,
  AppClientHour,
  Attempts
};

// What a window counts: the part of its store key after the prefix.
enum class CountsPer {
  Number,            // calls to one number (its keyed tag, never the digits)
  NumberAndNetwork,  // calls to one number from one client network (client_network_key), so
                     // that strangers elsewhere cannot spend the owner's calls
  NumberAndSource,   // calls to one number from one client address, unless verified from there
  Source,            // calls from one client address (IPv6: its prefix, LIMIT_IPV6_PREFIX)
  SourceNetwork,     // calls from one client network: LIMIT_IPV4_NET_PREFIX, LIMIT_IPV6_NET_PREFIX
  Site,              // every call the site places: one key
  Country,           // calls to one region (COUNTRY_LIMITS), the home region only when listed
  Verification,      // code checks of one verification (Limiter::before_check), not calls
  AppClient,         // calls for one registered application: an API client (docs/api.md), or the
                     // OpenID Connect client a person was sent by (docs/oidc.md); else none
};

// What a window's setting holds.
enum class Sizing {
  Calls,     // the calls the window allows in its fixed length
  Interval,  // the window's length in seconds, one call in it; 0 switches it off
  Tries,     // code checks per verification, for as long as the verification lives
  // The share of LIMIT_GLOBAL_HOUR kept for known requesters, in ten-thousandths (the config
  // reads a decimal from 0 to 1): the window allows strangers the rest of the hour.
  Reserve,
};

// Whom a window does not count (docs/fraud-guard.md, "Known people").
enum class Spares {
  Nobody,
  KnownRequesters,  // a browser that verified a number, or a number verified, within KNOWN_DAYS
  NumbersBrowser,   // a browser that verified this very number within KNOWN_DAYS
};

// What operators see of a window's hold on a number (voiceverify --list-blocks, --unblock).
enum class Operators {
  None,         // a window of an address, the site, a country or a verification
  Lift,         // --unblock lifts it (every network's, for a number's per-network window); too
                // short-lived, or too narrow, to be listed
  ListAndLift,  // --list-blocks shows the number (masked) it holds; --unblock lifts it
};

// The config key that sizes a window: its name, default and accepted range.
struct WindowSetting {
  const char* key;
  long fallback;  // the default
  long min;
  long max;
  // Non-null: an empty value is accepted as well, stored as 0, which means this (the app
  // works the number out once every key is known, app/settings.cpp).
  const char* when_empty = nullptr;
};

// The largest value any calls setting accepts: beyond any real site's need, and far from
// overflowing a counter.
inline constexpr long kMaxCalls = 1'000'000'000;

struct LimitWindowRow {
  LimitWindow window;
  const char* name;             // in log lines and as the metrics' window label; never renamed
  const char* key_prefix;       // its store keys: this, then what it counts
  std::chrono::seconds length;  // a Calls window's fixed length; else 0 (see Sizing)
  WindowSetting setting;
  CountsPer counts;
  Sizing sizing;
  Operators operators;
  view::MessageId banner;            // what a refusal by it says (web/outcome_banner.cpp)
  const char* near_event = nullptr;  // logged once when a call fills 80 % of it (an hour's)
  Spares spares = Spares::Nobody;
};

inline constexpr auto kLimitWindows = [] {
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  using view::MessageId;
  return std::to_array<LimitWindowRow>({
      {LimitWindow::Resend,
       "resend",
       "last-call:",
       seconds{0},
       {"RESEND_INTERVAL", 60, 0, 3600},
       CountsPer::Number,
       Sizing::Interval,
       Operators::Lift,
       MessageId::LimitResend},
      // The number's own windows count per source network: calls from four networks leave the
      // owner's own free. A browser that verified the number is spared them.
      {LimitWindow::Number10Min,
       "number-10min",
       "n10:",
       minutes{10},
       {"LIMIT_NUMBER_10MIN", 3, 1, kMaxCalls},
       CountsPer::NumberAndNetwork,
       Sizing::Calls,
       Operators::Lift,
       MessageId::LimitNumber,
       nullptr,
       Spares::NumbersBrowser},
      {LimitWindow::NumberDay,
       "number-day",
       "nday:",
       hours{24},
       {"LIMIT_NUMBER_DAY", 10, 1, kMaxCalls},
       CountsPer::NumberAndNetwork,
       Sizing::Calls,
       Operators::Lift,
       MessageId::LimitNumber,
       nullptr,
       Spares::NumbersBrowser},
      // The last resort for one number, whoever asks and from wherever.
      {LimitWindow::NumberDayAll,
       "number-day-all",
       "nall:",
       hours{24},
       {"LIMIT_NUMBER_DAY_ALL", 30, 1, kMaxCalls},
       CountsPer::Number,
       Sizing::Calls,
       Operators::ListAndLift,
       MessageId::LimitNumber},
      // Harassment: one address may make one number ring this often a day, unless that number
      // was verified from there within the day.
      {LimitWindow::NumberClientDay,
       "number-client-day",
       "nc:",
       hours{24},
       {"LIMIT_NUMBER_PER_CLIENT_DAY", 3, 1, kMaxCalls},
       CountsPer::NumberAndSource,
       Sizing::Calls,
       Operators::None,
       MessageId::LimitNumber,
       nullptr,
       Spares::NumbersBrowser},
      {LimitWindow::ClientHour,
       "ip-hour",
       "ip:",
       hours{1},
       {"LIMIT_IP_HOUR", 10, 1, kMaxCalls},
       CountsPer::Source,
       Sizing::Calls,
       Operators::None,
       MessageId::LimitClient},
      // Many addresses of one network (a rented IPv6 /48, a proxy pool's IPv4 /24) share one.
      {LimitWindow::NetHour,
       "net-hour",
       "net:",
       hours{1},
       {"LIMIT_NET_HOUR", 30, 1, kMaxCalls},
       CountsPer::SourceNetwork,
       Sizing::Calls,
       Operators::None,
       MessageId::LimitClient},
      {LimitWindow::GlobalHour,
       "global-hour",
       "global",
       hours{1},
       {"LIMIT_GLOBAL_HOUR", 1000, 1, kMaxCalls},
       CountsPer::Site,
       Sizing::Calls,
       Operators::None,
       MessageId::LimitSite,
       "global_limit_near"},
      // Strangers spend only what LIMIT_GLOBAL_RESERVED leaves of the site-wide hour; known
      // requesters are not counted here, so the rest is theirs whatever strangers do.
      {LimitWindow::StrangerHour,
       "stranger-hour",
       "strangers",
       hours{1},
       {"LIMIT_GLOBAL_RESERVED", 5000, 0, 10000},
       CountsPer::Site,
       Sizing::Reserve,
       Operators::None,
       MessageId::LimitBusy,
       "stranger_share_near",
       Spares::KnownRequesters},
      // One country's attack cannot spend everyone's calls; COUNTRY_LIMITS sets a listed
      // region's own budget, this every other region's but the home region's.
      {LimitWindow::CountryHour,
       "country-hour",
       "country:",
       hours{1},
       {"LIMIT_COUNTRY_HOUR", 0, 1, kMaxCalls, "a tenth of LIMIT_GLOBAL_HOUR"},
       CountsPer::Country,
       Sizing::Calls,
       Operators::None,
       MessageId::LimitCountry},
      // One API client's budget (docs/api.md), on top of every other window.
      {LimitWindow::AppClientHour,
       "app-client-hour",
       "apic:",
       hours{1},
       {"CLIENT_LIMIT_HOUR", 0, 1, kMaxCalls, "LIMIT_GLOBAL_HOUR"},
       CountsPer::AppClient,
       Sizing::Calls,
       Operators::None,
       MessageId::LimitSite},
      // MAX_ATTEMPTS is also sent to MessageBird (messagebird::VerifySettings::max_attempts).
      {LimitWindow::Attempts,
       "attempts",
       "attempts:",
       seconds{0},
       {"MAX_ATTEMPTS", 3, 1, 10},
       CountsPer::Verification,
       Sizing::Tries,
       Operators::None,
       MessageId::LimitSite},
  });
}();

inline constexpr std::size_t kLimitWindowCount = kLimitWindows.size();

constexpr std::size_t index_of(LimitWindow window) {
  return static_cast<std::size_t>(window);
}

constexpr bool rows_follow_the_enum() {
  for (std::size_t i = 0; i < kLimitWindowCount; ++i) {
    const LimitWindowRow& row = kLimitWindows[i];
    if (index_of(row.window) != i) return false;
    // Only a window keyed on the number alone can be listed (its key names nothing else); a
    // window keyed on the number first can be lifted too (every key under the number's).
    if (row.operators == Operators::ListAndLift && row.counts != CountsPer::Number) return false;
    if (row.operators == Operators::Lift && row.counts != CountsPer::Number &&
        row.counts != CountsPer::NumberAndNetwork)
      return false;
    // The shares are of the site-wide hour; a window of one number spares only its browser.
    if ((row.sizing == Sizing::Reserve) != (row.spares == Spares::KnownRequesters)) return false;
    if (row.sizing == Sizing::Reserve && row.counts != CountsPer::Site) return false;
  }
  return index_of(LimitWindow::Attempts) + 1 == kLimitWindowCount;
}
static_assert(rows_follow_the_enum(), "one row per LimitWindow, in the enum's order");

constexpr const LimitWindowRow& limit_window(LimitWindow window) {
  return kLimitWindows[index_of(window)];
}

// "resend", "number-10min", ...: the row's name, for the log and the metrics.
constexpr const char* limit_window_name(LimitWindow window) {
  return limit_window(window).name;
}

// What scripts/lib/no-limits.env sets a window's key to: off, or beyond reach. A Tries window
// is none of a load's business (it counts wrong codes), so it has none.
constexpr const char* lifted_value(const LimitWindowRow& row) {
  switch (row.sizing) {
    case Sizing::Interval:
    case Sizing::Reserve:
      return "0";
    case Sizing::Calls:
      return "1000000000";
    case Sizing::Tries:
      break;
  }
  return nullptr;
}
static_assert(kMaxCalls == 1'000'000'000, "lifted_value spells kMaxCalls");

// Each window's setting as a number, by window: calls, seconds, tries or ten-thousandths (the
// row's Sizing).
struct WindowSizes {
  std::array<long, kLimitWindowCount> by_window{};

  constexpr long& operator[](LimitWindow window) { return by_window[index_of(window)]; }
  constexpr long operator[](LimitWindow window) const { return by_window[index_of(window)]; }

  // Every row's default.
  static constexpr WindowSizes defaults() {
    WindowSizes sizes;
    for (const auto& row : kLimitWindows) sizes[row.window] = row.setting.fallback;
    return sizes;
  }
};

}  // namespace voiceverify::guard
