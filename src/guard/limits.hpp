// Abuse limits, checked before every paid upstream call: the windows of limit_windows.hpp (per
// number, per client IP, site-wide, per country, and the "call me again" interval), plus the
// server-side count of code attempts per verification. Fixed windows in the Store; a Store that
// is down fails closed.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "guard/known_marks.hpp"
#include "guard/limit_windows.hpp"
#include "store/store.hpp"

namespace voiceverify::guard {

using store::Store;
using store::StoreError;

// No defaults here: app::limit_settings (src/app/settings.cpp) fills every field from the config.
struct LimitSettings {
  // Every window's setting, by window (limit_windows.hpp): calls per window, the resend
  // interval in seconds, code checks per verification.
  WindowSizes sizes;
  int ipv6_prefix_length;      // LIMIT_IPV6_PREFIX: IPv6 clients share a window per
                               // prefix of this many bits (1 to 128; 128: per address)
  int ipv4_net_prefix_length;  // LIMIT_IPV4_NET_PREFIX, LIMIT_IPV6_NET_PREFIX: the networks
  int ipv6_net_prefix_length;  // the net-hour window counts per (1 to 32, 1 to 128)
  // COUNTRY_LIMITS: listed regions' own budgets (calls per hour) instead of the country window's
  // size; the home region has no budget of its own unless listed (the global hour is its budget).
  std::map<std::string, long> country_calls_per_hour;
  std::string home_region;  // DEFAULT_REGION
  std::string key_secret;   // app::store_secret (STORE_KEY): keys phone numbers in the store;
                            // required (the Limiter throws std::invalid_argument when empty)
  // KNOWN_DAYS: how long a verification makes its number and its browser known (known_marks.hpp).
  // The one field with a default (the key's), so that a test's settings need not name it.
  std::chrono::seconds known_lifetime{std::chrono::hours{24 * 90}};

  // RESEND_INTERVAL: the same number again no sooner (also when "call me again" is allowed).
  std::chrono::seconds resend_interval() const {
    return std::chrono::seconds{sizes[LimitWindow::Resend]};
  }
};

// The secret that turns phone numbers into store keys when STORE_KEY is unset, derived from
// SIGNING_KEY (a labelled HMAC, so the signing key itself only ever signs cookies). Another
// SIGNING_KEY gives other keys; with STORE_KEY set, SIGNING_KEY changes none (docs/store.md).
std::string store_key_secret(std::string_view signing_key);

// What stands for `number` in store keys: 32 hex characters of HMAC-SHA256(secret, digits),
// the same with or without a leading '+'.
std::string number_tag(std::string_view secret, std::string_view number);

// The client part of the per-IP window's key: an IPv4 address (or an IPv4-mapped IPv6 one,
// ::ffff:1.2.3.4) as the IPv4 address, "1.2.3.4"; an IPv6 address as its prefix of
// `ipv6_prefix_length` bits, host bits cleared, in inet_ntop's canonical form with the length,
// "2001:db8:1:2::/64" (at 128, the address alone). One subscriber usually holds a whole IPv6 /64,
// so counting per address would let them take as many windows as they have addresses. "" when
// `client_ip` is not an address inet_pton reads, or the length is outside 1..128.
std::string client_address_key(std::string_view client_ip, int ipv6_prefix_length);

// The client's network for the net-hour window: an IPv4 address (or an IPv4-mapped one) as its
// prefix of `ipv4_bits`, an IPv6 address as its prefix of `ipv6_bits`, host bits cleared, always
// with the length: "198.51.100.0/24", "2001:db8:5::/48". "" as client_address_key.
std::string client_network_key(std::string_view client_ip, int ipv4_bits, int ipv6_bits);

// What stands for a client in store keys: 32 hex characters of HMAC-SHA256(secret, a label and
// client_address_key's form), so a dump of the store holds no address (docs/store.md). The same
// address (IPv6: the same prefix) gives the same tag under one secret.
std::string address_tag(std::string_view secret, std::string_view client_key);

// BadKey: a number, address or id of a shape the limiter refuses to use as a key (our bug).
enum class LimitVerdict { Allowed, Limited, StoreDown, BadKey };

// What an allowed call counted in, for give_back; opaque to the caller.
struct TakenWindows {
  std::vector<std::string> keys;
};

struct LimitResult {
  LimitVerdict verdict = LimitVerdict::Allowed;
  std::chrono::seconds retry_after{0};       // when Limited: how long until the window frees
  LimitWindow window = LimitWindow::Resend;  // when Limited: the window that refused
  TakenWindows taken;                        // when Allowed by before_call: what it counted
  bool known = false;  // before_call: the requester was known (spent the known people's share)
};

// A number held by a limit, as operators see it.
struct HeldNumber {
  std::string masked;  // log::mask_number's form
  std::chrono::seconds left{0};
};

// How many keys the in-process store must hold so that a full day of calls at the site-wide limit
// fits (see limits.cpp for the count); sizing make_memory_store with it means filling the store
// is not a way to switch the site off.
std::size_t memory_store_capacity(const LimitSettings& settings);

class Limiter {
 public:
  // Throws std::invalid_argument when settings.key_secret is empty or a prefix length is out of
  // its range (wiring bugs).
  Limiter(Store& store, LimitSettings settings);

  // Before POST /verify: checks every call limit and, when all allow, counts this call in each
  // (a refused call counts in none). `number` is the E.164 digits, `client_ip` REMOTE_ADDR
  // (counted per client_address_key).
  // `region` (the number's ISO region code) selects the country budget; empty: none applies.
  // `app_client`: the registered application's client id (an API client, or the OpenID Connect
  // client the person came from), counted in its own window; empty: none.
  // `browser`: the asking browser's known mark. A known requester (a verified mark, or a number
  // verified within KNOWN_DAYS) is not counted in the strangers' share; a browser that verified
  // this number is not counted in the number's own windows (the rows' Spares).
  LimitResult before_call(const std::string& number, const std::string& client_ip,
                          const std::string& region = {}, const std::string& app_client = {},
                          const BrowserMark& browser = {});

  // Gives back what before_call counted for a call that was never placed (MessageBird down,
  // timed out, the breaker open, the request's budget spent): nothing is spent on it, so a retry
  // is judged as if it had not been asked. Like refund_attempt, never creates a counter nor takes
  // one below zero; a window that expired since stays gone. The first store error, if any.
  StoreError give_back(const TakenWindows& taken);

  // Before GET /verify/{id}?token=: counts one attempt for `verify_id`. Limited when the
  // attempts are already spent (the caller must not call upstream). `attempts_left` is set to
  // what remains after this attempt. Here and below, an id not of util::is_verify_id's
  // shape is refused ("bad-key", or Unavailable) and never becomes part of a key.
  LimitResult before_check(const std::string& verify_id, std::chrono::seconds lifetime,
                           int& attempts_left);

  // Gives back the attempt before_check counted, for a check whose answer never came (timeout,
  // 5xx, garbage, our account refused): the person did not get to try their code, so it must not
  // cost one of their tries. Never creates the counter and never takes it below zero.
  StoreError refund_attempt(const std::string& verify_id);

  // MessageBird placed the call `verify_id` to `number`: remembered for `lifetime`, so that its
  // verification can be tied back to the number (verified_from).
  StoreError note_call(const std::string& verify_id, const std::string& number,
                       std::chrono::seconds lifetime);
  // `verify_id` was verified by a person at `client_ip`: for a day that address is never refused
  // by the per-client window of that number (it is theirs, or they share it with its holder).
  StoreError verified_from(const std::string& verify_id, const std::string& client_ip);

  // `verify_id` (note_call's) was verified, from the browser whose mark id is `browser_id` (empty:
  // none, the API): its number, and that browser for that number, are known for KNOWN_DAYS.
  StoreError mark_known(const std::string& verify_id, const std::string& browser_id);
  // Whether `number` (E.164 digits) was verified within KNOWN_DAYS: for the fraud guard, which
  // lets a known number pass a quarantine. False, with Unavailable, for a malformed number.
  StoreError number_known(const std::string& number, bool& known);

  // Marks a verification finished (verified, expired or cancelled): later checks are Limited.
  StoreError finish(const std::string& verify_id, std::chrono::seconds lifetime);
  // Whether finish() marked `verify_id` (a double submission must not join a finished one).
  StoreError finished(const std::string& verify_id, bool& done);

  // Whether the store answers now (a read that changes nothing): for /readyz.
  bool store_answers();
  // The same, with the reason: empty when the store answers, else why not in plain words
  // (Store::trouble, or "the store does not answer" when it cannot say). Never a password.
  std::string store_trouble();

  const LimitSettings& settings() const { return settings_; }

  // For operators (voiceverify --list-blocks, --unblock): the numbers their own windows hold
  // now, masked, and lifting every window of one number. release() is true when the number was
  // held; a store error is reported in `error`.
  StoreError list_held(std::vector<HeldNumber>& out);
  bool release(const std::string& number, StoreError& error);

 private:
  // One window as this call meets it: the key and how much it allows.
  struct Window {
    std::string key;
    std::chrono::seconds length;
    long limit;
    const LimitWindowRow* row;
  };
  // The windows `row` puts before a call; bad_key set for a region of the wrong shape.
  // Who a call's windows count: the number's tag, the client's and its network's tags.
  struct Counted {
    std::string number;
    std::string client;
    std::string network;
    std::string app_client;        // the registered application's client id; empty: none
    bool known_requester = false;  // spared the strangers' share
    bool numbers_browser = false;  // spared the number's own windows
  };
  LimitResult windows_of(const LimitWindowRow& row, const Counted& who, const std::string& region,
                         std::vector<Window>& out);
  LimitResult note_held(const std::string& number, const std::string& tag, LimitResult result);
  // Who is known, for `who` (the number's tag already set); false on a store error.
  bool learn_who(const BrowserMark& browser, Counted& who);
  Store& store_;
  LimitSettings settings_;
  KnownMarks known_;
};

}  // namespace voiceverify::guard
