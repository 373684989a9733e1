// Who may read the local-only routes (/healthz, /readyz, /metrics): the addresses and networks of
// METRICS_ALLOW, loopback only when listed (kLoopbackNetworks is its default: a proxy on the
// same host without X-Forwarded-For makes every visitor loopback). Addresses are compared as
// inet_pton reads them; an IPv4-mapped IPv6 address (::ffff:192.0.2.7) is its IPv4 address, so
// "192.0.2.0/24" covers both spellings.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voiceverify::http {

// Loopback, as METRICS_ALLOW spells it when unset: 127.0.0.0/8 (and ::ffff:127.x.y.z) and ::1.
inline constexpr std::string_view kLoopbackNetworks = "127.0.0.0/8,::1";

// One address or network: 16 bytes (IPv4 as IPv4-mapped IPv6) and the prefix length in those
// 128 bits.
struct AddressRange {
  std::array<std::uint8_t, 16> bytes{};
  int prefix_bits = 128;
};

class AddressAllowList {
 public:
  // Parses "addr[/len],addr[/len],..." (IPv4 or IPv6, spaces around items allowed, empty: none).
  // nullopt and `error` naming the item by its place ("item 2"), never its text, for anything else:
  // a name, a length out of range, host bits set beyond the prefix ("10.0.0.1/8" is more likely a
  // typo than a network).
  static std::optional<AddressAllowList> parse(std::string_view text, std::string& error);
  // kLoopbackNetworks, parsed.
  static AddressAllowList loopback();

  // True for an address in the list; false for anything else, and for anything inet_pton does
  // not read as an address.
  bool allows(std::string_view address) const;

  bool empty() const { return ranges_.empty(); }

 private:
  std::vector<AddressRange> ranges_;
};

// The 16 bytes of an IPv4 or IPv6 address (IPv4 mapped into IPv6), or nullopt.
std::optional<std::array<std::uint8_t, 16>> parse_address(std::string_view address);

}  // namespace voiceverify::http
