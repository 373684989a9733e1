// The abuse limits over a Store. Every paid call is counted in fixed windows per number, per
// client IP and site-wide, and a number may not be called again within the resend interval.
//
// Why it works this way:
// - Peek first, then count: a refused call must count in no window, or an attacker who is
//   already refused could keep a victim's number (or a whole IP range) locked out forever.
// - The increments are authoritative. Two workers can both peek "2 of 3" and both count; the one
//   whose increment went over a limit is refused and takes its increments back, so the limits
//   are never exceeded (calls cost money) and a refused call still counts in none. The resend
//   key is counted the same way (limit 1) rather than written with put, which makes it atomic
//   too: two simultaneous requests for one number place one call, not two.
// - Any store error refuses with StoreDown (fail closed): without counters nothing would stop
//   an attacker from running up the bill.
// - Phone numbers never appear in keys, only number_tag(): a dump of the store would otherwise be
//   a list of every number that asked for a call. The tag is keyed (HMAC, not a bare hash): the
//   space of phone numbers is small enough to hash exhaustively, so an unkeyed digest would hide
//   nothing. Client addresses are keyed the same way (address_tag()): an address is personal
//   data, and beside a number tag it would tell who verified which number from where. An
//   operator who needs to see an address sees it in the request's own log line, never in the
//   store (docs/store.md).
// - An IPv6 client is counted per prefix (LIMIT_IPV6_PREFIX, /64 by default), not per address:
//   a subscriber is routinely handed a whole /64 and can pick any of its 2^64 addresses, which
//   would make a per-address window no window at all. An IPv4-mapped address is its IPv4 one.
// - Keys are built only from strings of known shape; anything else is refused as BadKey so a
//   caller's validation bug cannot smuggle separators or control characters into the store.
#include "guard/limits.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "log/log.hpp"
#include "util/ascii.hpp"
#include "util/hmac.hpp"
#include "util/verify_id.hpp"

namespace voiceverify::guard {
namespace {

using store::Counter;
using store::Fetched;

using std::chrono::seconds;

bool only_chars(std::string_view text, std::size_t max_length, auto allowed) {
  return !text.empty() && text.size() <= max_length &&
         std::all_of(text.begin(), text.end(), allowed);
}

// E.164: at most 15 digits, optionally after a '+'.
bool valid_number(std::string_view number) {
  if (number.starts_with('+')) number.remove_prefix(1);
  return only_chars(number, 15, util::is_digit);
}

// What client_address_key makes: an address in text (INET6_ADDRSTRLEN is 46 with the NUL),
// then "/" and up to three digits of prefix length.
bool valid_client_key(std::string_view key) {
  return only_chars(key, 45 + 4, [](char c) {
    return util::is_hex_any_case(c) || c == '.' || c == ':' || c == '/';
  });
}

bool valid_prefix_length(int bits) {
  return bits >= 1 && bits <= 128;
}

LimitResult limited(LimitWindow window, seconds retry_after = seconds{0}) {
  return LimitResult{LimitVerdict::Limited, retry_after, window, {}};
}

LimitResult bad_key() {
  return LimitResult{LimitVerdict::BadKey, seconds{0}, LimitWindow::Resend, {}};
}

std::string attempts_key(const std::string& verify_id) {
  return limit_window(LimitWindow::Attempts).key_prefix + verify_id;
}

LimitResult store_down() {
  return LimitResult{LimitVerdict::StoreDown, seconds{0}, {}, {}};
}

}  // namespace

std::string store_key_secret(std::string_view signing_key) {
  return util::hmac_sha256_hex(signing_key, "voiceverify store keys v1");
}

namespace {

// An address in text, its family's prefix of `v4_bits` or `v6_bits` kept and the host bits
// cleared (an IPv4-mapped IPv6 address is IPv4); "/bits" added when `with_length` or the prefix
// is shorter than the address. "" when `client_ip` is not an address inet_pton reads.
std::string prefix_key(std::string_view client_ip, int v4_bits, int v6_bits, bool with_length) {
  if (client_ip.size() >= INET6_ADDRSTRLEN || client_ip.find('\0') != std::string_view::npos)
    return "";
  const std::string ip(client_ip);  // inet_pton wants a NUL-terminated string
  char text[INET6_ADDRSTRLEN] = {};
  std::array<unsigned char, 16> bytes{};
  int family = AF_INET;
  int bits = v4_bits;
  in6_addr v6{};
  if (::inet_pton(AF_INET, ip.c_str(), bytes.data()) != 1) {
    if (::inet_pton(AF_INET6, ip.c_str(), &v6) != 1) return "";
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
      std::memcpy(bytes.data(), &v6.s6_addr[12], 4);
    } else {
      std::memcpy(bytes.data(), &v6.s6_addr[0], 16);
      family = AF_INET6;
      bits = v6_bits;
    }
  }
  const int width = family == AF_INET ? 32 : 128;
  for (int bit = bits; bit < width; ++bit) {
    bytes[static_cast<std::size_t>(bit / 8)] &= static_cast<unsigned char>(~(0x80u >> (bit % 8)));
  }
  if (!::inet_ntop(family, bytes.data(), text, sizeof text)) return "";
  if (!with_length && bits == width) return text;
  return std::string(text) + "/" + std::to_string(bits);
}

}  // namespace

std::string client_address_key(std::string_view client_ip, int ipv6_prefix_length) {
  if (!valid_prefix_length(ipv6_prefix_length)) return "";
  return prefix_key(client_ip, 32, ipv6_prefix_length, false);
}

std::string client_network_key(std::string_view client_ip, int ipv4_bits, int ipv6_bits) {
  if (ipv4_bits < 1 || ipv4_bits > 32 || !valid_prefix_length(ipv6_bits)) return "";
  return prefix_key(client_ip, ipv4_bits, ipv6_bits, true);
}

std::string number_tag(std::string_view secret, std::string_view number) {
  if (number.starts_with('+')) number.remove_prefix(1);
  // 128 bits: no two numbers share a window in practice, and keys stay short.
  return util::hmac_sha256_hex(secret, number).substr(0, 32);
}

std::string address_tag(std::string_view secret, std::string_view client_key) {
  // The label keeps an address's tag apart from any number's, under the same secret.
  return util::hmac_sha256_hex(secret, "address " + std::string(client_key)).substr(0, 32);
}

// Every key this file writes, per call placed: four for the number (last-call, n10, nday, nall),
// one for the client IP, one for its network, and two for the verification it starts (attempts,
// done); per verification, two known marks that live KNOWN_DAYS (known_marks.hpp).
// A call refused writes none (peek first) except after a lost race, whose keys sit at zero until
// they expire: the margin covers those. The longest window is a day, and the site-wide limit caps
// the calls in a day at 24 x LIMIT_GLOBAL_HOUR, so this many keys are never all needed at once;
// shorter windows expire (and are swept) long before. Saturates rather than overflows.
std::size_t memory_store_capacity(const LimitSettings& settings) {
  // Ten for the limits (the per-client window of the number, the client's network and the
  // call's number included),
  // five for the fraud guard (the call's record and, for a range not seen
  // before, its three timelines; a quarantine's two): FRAUD_WINDOW is at most a day for this.
  // Three for the code page (call_records.hpp: the sealed number, the submission, a call again).
  // A verification needs a placed call, so at most a day's calls are verified a day, and
  // their marks live KNOWN_DAYS.
  constexpr std::size_t kKeysPerCall = 18;
  constexpr std::size_t kMarksPerVerification = 2;
  constexpr std::size_t kHoursPerDay = 24;
  constexpr std::size_t kMargin = 1024;  // the "global" key, raced calls, a small site's slack
  const auto per_hour =
      static_cast<std::size_t>(std::max(0L, settings.sizes[LimitWindow::GlobalHour]));
  const auto known_days = static_cast<std::size_t>(
      std::max(1L, static_cast<long>(settings.known_lifetime.count() / 86'400)));
  const std::size_t per_call = kKeysPerCall + kMarksPerVerification * known_days;
  const std::size_t max = std::numeric_limits<std::size_t>::max();
  if (per_hour > (max - kMargin) / (per_call * kHoursPerDay)) return max;
  return per_call * kHoursPerDay * per_hour + kMargin;
}

Limiter::Limiter(Store& store, LimitSettings settings)
    : store_(store),
      settings_(std::move(settings)),
      known_(store, settings_.key_secret.empty() ? "-" : settings_.key_secret,
             settings_.known_lifetime) {
  if (settings_.key_secret.empty()) throw std::invalid_argument("Limiter: key_secret is empty");
  if (!valid_prefix_length(settings_.ipv6_prefix_length) ||
      !valid_prefix_length(settings_.ipv6_net_prefix_length) ||
      settings_.ipv4_net_prefix_length < 1 || settings_.ipv4_net_prefix_length > 32)
    throw std::invalid_argument("Limiter: a prefix length out of range");
}

LimitResult Limiter::windows_of(const LimitWindowRow& row, const Counted& who,
                                const std::string& region, std::vector<Window>& out) {
  const std::string& tag = who.number;
  const std::string& client = who.client;
  if ((row.spares == Spares::KnownRequesters && who.known_requester) ||
      (row.spares == Spares::NumbersBrowser && who.numbers_browser))
    return LimitResult{};
  const long size = settings_.sizes[row.window];
  long limit = size;
  seconds length = row.length;
  if (row.sizing == Sizing::Interval) {
    if (size <= 0) return LimitResult{};  // switched off
    limit = 1;
    length = seconds{size};
  } else if (row.sizing == Sizing::Reserve) {
    if (size <= 0) return LimitResult{};  // nothing reserved: strangers share the whole hour
    // What the reserve leaves of the site-wide hour, rounded in strangers' favour (kMaxCalls
    // times 10,000 fits a long).
    const long global = settings_.sizes[LimitWindow::GlobalHour];
    limit = global - global * size / 10'000;
  }
  std::string counted;
  switch (row.counts) {
    case CountsPer::Number:
      counted = tag;
      break;
    case CountsPer::NumberAndNetwork:
      counted = tag + ":" + who.network;
      break;
    case CountsPer::NumberAndSource: {
      // Not for a number verified from this client: it is theirs, or they share the address.
      const Fetched verified_here = store_.get("verified-from:" + tag + ":" + client);
      if (verified_here.error != StoreError::None) return store_down();
      if (verified_here.value) return LimitResult{};
      counted = tag + ":" + client;
      break;
    }
    case CountsPer::Source:
      counted = client;
      break;
    case CountsPer::SourceNetwork:
      counted = who.network;
      break;
    case CountsPer::Site:
      break;
    case CountsPer::Country: {
      if (region.empty()) return LimitResult{};
      // Region codes are ours (libphonenumber's), but a key takes only their shape.
      if (!only_chars(region, 3, util::is_alnum)) return bad_key();
      const auto listed = settings_.country_calls_per_hour.find(region);
      if (listed != settings_.country_calls_per_hour.end()) {
        limit = listed->second;
      } else if (region == settings_.home_region) {
        return LimitResult{};
      }
      counted = region;
      break;
    }
    case CountsPer::Verification:
      return LimitResult{};  // before_check's
    case CountsPer::AppClient:
      if (who.app_client.empty()) return LimitResult{};  // a page's call
      // The registry's ids: 8 to 64 of [A-Za-z0-9_-] (oidc/clients.hpp).
      if (!only_chars(who.app_client, 64,
                      [](char c) { return util::is_alnum(c) || c == '-' || c == '_'; })) {
        return bad_key();
      }
      counted = who.app_client;
      break;
  }
  out.push_back({row.key_prefix + counted, length, limit, &row});
  return LimitResult{};
}

bool Limiter::learn_who(const BrowserMark& browser, Counted& who) {
  bool number_known = false;
  if (known_.number_known(who.number, number_known) != StoreError::None) return false;
  if (known_.browser_knows(browser.id, who.number, who.numbers_browser) != StoreError::None)
    return false;
  who.known_requester = number_known || (browser.verified && valid_mark_id(browser.id));
  return true;
}

LimitResult Limiter::before_call(const std::string& number, const std::string& client_ip,
                                 const std::string& region, const std::string& app_client,
                                 const BrowserMark& browser) {
  const std::string client_key = client_address_key(client_ip, settings_.ipv6_prefix_length);
  const std::string network_key = client_network_key(client_ip, settings_.ipv4_net_prefix_length,
                                                     settings_.ipv6_net_prefix_length);
  if (!valid_number(number) || !valid_client_key(client_key) || !valid_client_key(network_key))
    return bad_key();

  const std::string tag = number_tag(settings_.key_secret, number);
  // Tags, never addresses (docs/store.md); the network's key always carries its length, so it
  // never shares a tag with an address.
  Counted who{tag, address_tag(settings_.key_secret, client_key),
              address_tag(settings_.key_secret, network_key), app_client};
  if (!learn_who(browser, who)) return store_down();
  std::vector<Window> windows;
  for (const auto& row : kLimitWindows) {
    LimitResult added = windows_of(row, who, region, windows);
    if (added.verdict != LimitVerdict::Allowed) return added;
  }

  // Refuse when any window is full, naming the one that frees last: retrying after that is the
  // earliest moment every window that refuses now has room.
  std::optional<LimitResult> refusal;
  for (const auto& window : windows) {
    const Counter counter = store_.peek(window.key);
    if (counter.error != StoreError::None) return store_down();
    if (counter.value >= window.limit && (!refusal || counter.ttl_left > refusal->retry_after)) {
      refusal = limited(window.row->window, counter.ttl_left);
    }
  }
  if (refusal) return note_held(number, tag, *refusal);

  // Count in every window; a race past a limit refuses and undoes (see top).
  std::vector<const Window*> counted;
  auto undo = [&] {
    // Best effort: when the store is failing this fails too, and the windows expire anyway.
    // take_back, not increment(-1): a window that expired since we counted must stay gone.
    for (const Window* window : counted) store_.take_back(window->key);
  };
  for (const auto& window : windows) {
    const Counter counter = store_.increment(window.key, window.length);
    if (counter.error != StoreError::None) {
      undo();
      return store_down();
    }
    counted.push_back(&window);
    // The call that fills 80 % of a window so marked (the site-wide hour) says so, once per
    // window (only one call takes the counter to that value): time to look before it is full.
    if (window.row->near_event != nullptr && counter.value == (window.limit * 4 + 4) / 5 &&
        counter.value <= window.limit) {
      log::warning(window.row->near_event, {{"used", std::to_string(counter.value)},
                                            {"limit", std::to_string(window.limit)}});
    }
    if (counter.value > window.limit) {
      undo();
      return note_held(number, tag, limited(window.row->window, counter.ttl_left));
    }
  }
  LimitResult allowed;
  for (const Window* window : counted) allowed.taken.keys.push_back(window->key);
  allowed.known = who.known_requester;
  return allowed;
}

StoreError Limiter::give_back(const TakenWindows& taken) {
  StoreError first = StoreError::None;
  for (const std::string& key : taken.keys) {
    const StoreError error = store_.take_back(key).error;
    if (first == StoreError::None) first = error;
  }
  return first;
}

LimitResult Limiter::before_check(const std::string& verify_id, seconds lifetime,
                                  int& attempts_left) {
  attempts_left = 0;
  if (!util::is_verify_id(verify_id)) return bad_key();

  // Waiting does not help a spent or finished verification, so retry_after stays 0.
  const Fetched done = store_.get("done:" + verify_id);
  if (done.error != StoreError::None) return store_down();
  if (done.value) return limited(LimitWindow::Attempts);

  const long max_attempts = settings_.sizes[LimitWindow::Attempts];
  const Counter attempts = store_.increment(attempts_key(verify_id), lifetime);
  if (attempts.error != StoreError::None) return store_down();
  if (attempts.value > max_attempts) return limited(LimitWindow::Attempts);
  attempts_left = static_cast<int>(max_attempts - attempts.value);
  return LimitResult{};
}

StoreError Limiter::refund_attempt(const std::string& verify_id) {
  if (!util::is_verify_id(verify_id)) return StoreError::Unavailable;
  return store_.take_back(attempts_key(verify_id)).error;
}

StoreError Limiter::note_call(const std::string& verify_id, const std::string& number,
                              seconds lifetime) {
  if (!util::is_verify_id(verify_id) || !valid_number(number)) {
    return StoreError::Unavailable;
  }
  return store_.put("call-number:" + verify_id, number_tag(settings_.key_secret, number), lifetime);
}

StoreError Limiter::verified_from(const std::string& verify_id, const std::string& client_ip) {
  const std::string client_key = client_address_key(client_ip, settings_.ipv6_prefix_length);
  if (!util::is_verify_id(verify_id) || !valid_client_key(client_key)) {
    return StoreError::Unavailable;
  }
  const Fetched tag = store_.get("call-number:" + verify_id);
  if (tag.error != StoreError::None || !tag.value) return tag.error;
  return store_.put(
      "verified-from:" + *tag.value + ":" + address_tag(settings_.key_secret, client_key), "1",
      std::chrono::hours{24});
}

StoreError Limiter::mark_known(const std::string& verify_id, const std::string& browser_id) {
  if (!util::is_verify_id(verify_id)) return StoreError::Unavailable;
  const Fetched tag = store_.get("call-number:" + verify_id);
  if (tag.error != StoreError::None || !tag.value) return tag.error;
  return known_.mark(*tag.value, browser_id);
}

StoreError Limiter::number_known(const std::string& number, bool& known) {
  known = false;
  if (!valid_number(number)) return StoreError::Unavailable;
  return known_.number_known(number_tag(settings_.key_secret, number), known);
}

StoreError Limiter::finish(const std::string& verify_id, seconds lifetime) {
  // An id that could not have been counted cannot be finished either; say so rather than
  // pretend it was recorded.
  if (!util::is_verify_id(verify_id)) return StoreError::Unavailable;
  return store_.put("done:" + verify_id, "1", lifetime);
}

StoreError Limiter::finished(const std::string& verify_id, bool& done) {
  done = false;
  if (!util::is_verify_id(verify_id)) return StoreError::Unavailable;
  const Fetched marked = store_.get("done:" + verify_id);
  done = marked.value.has_value();
  return marked.error;
}

bool Limiter::store_answers() {
  return store_.peek(limit_window(LimitWindow::GlobalHour).key_prefix).error == StoreError::None;
}

std::string Limiter::store_trouble() {
  if (store_answers()) return {};
  const std::string why = store_.trouble();
  return why.empty() ? "the store does not answer" : "the store does not answer (" + why + ")";
}

}  // namespace voiceverify::guard
