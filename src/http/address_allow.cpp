// See address_allow.hpp.
#include "http/address_allow.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace voiceverify::http {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

constexpr int kV4Offset = 96;  // an IPv4 address sits in the last 32 of the 128 bits

bool is_v4_mapped(const Bytes& b) {
  for (int i = 0; i < 10; ++i)
    if (b[i] != 0) return false;
  return b[10] == 0xff && b[11] == 0xff;
}

bool in_range(const Bytes& address, const AddressRange& range) {
  int bits = range.prefix_bits;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const int take = bits >= 8 ? 8 : bits;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - take));
    if ((address[i] & mask) != (range.bytes[i] & mask)) return false;
  }
  return true;
}

bool host_bits_clear(const AddressRange& range) {
  for (int bit = range.prefix_bits; bit < 128; ++bit) {
    if ((range.bytes[static_cast<std::size_t>(bit / 8)] >> (7 - bit % 8)) & 1) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<Bytes> parse_address(std::string_view address) {
  if (address.empty() || address.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string text(address);
  Bytes bytes{};
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    const auto* raw = reinterpret_cast<const std::uint8_t*>(&v4.s_addr);
    for (int i = 0; i < 4; ++i) bytes[12 + static_cast<std::size_t>(i)] = raw[i];
    return bytes;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    for (std::size_t i = 0; i < 16; ++i) bytes[i] = v6.s6_addr[i];
    return bytes;
  }
  return std::nullopt;
}

std::optional<AddressAllowList> AddressAllowList::parse(std::string_view text, std::string& error) {
  AddressAllowList list;
  if (trim(text).empty()) return list;
  for (int index = 1;; ++index) {
    const std::string name = "item " + std::to_string(index);
    const std::size_t comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    const std::size_t slash = item.find('/');
    const auto address = parse_address(item.substr(0, slash));
    if (!address) {
      error = name + " is not an IPv4 or IPv6 address or network";
      return std::nullopt;
    }
    AddressRange range{*address, 128};
    const bool v4 = is_v4_mapped(*address) && item.find(':') == std::string_view::npos;
    if (slash != std::string_view::npos) {
      const std::string_view length = item.substr(slash + 1);
      int bits = -1;
      const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), bits);
      const int max = v4 ? 32 : 128;
      if (ec != std::errc{} || end != length.data() + length.size() || length.empty() || bits < 0 ||
          bits > max) {
        error = name + ": the prefix length must be 0 to " + std::to_string(max);
        return std::nullopt;
      }
      range.prefix_bits = v4 ? kV4Offset + bits : bits;
      if (!host_bits_clear(range)) {
        error = name + " has bits set after its prefix length";
        return std::nullopt;
      }
    }
    list.ranges_.push_back(range);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return list;
}

AddressAllowList AddressAllowList::loopback() {
  std::string error;
  return *parse(kLoopbackNetworks, error);
}

bool AddressAllowList::allows(std::string_view address) const {
  const auto bytes = parse_address(address);
  if (!bytes) return false;
  for (const AddressRange& range : ranges_) {
    if (in_range(*bytes, range)) return true;
  }
  return false;
}

}  // namespace voiceverify::http
