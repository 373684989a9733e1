// Configuration loading: file, then environment, then one validation pass over every known key.
// Error messages name the key and where its value came from ("line 7", "environment"), never
// the value itself: the secrets must not reach a log, and other values are operator input that
// could carry control characters into journald.
#include "config/config.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>

#include "forms/phone.hpp"
#include "log/log.hpp"
#include "store/redis_url.hpp"

extern "C" char** environ;

namespace voiceverify::config {
namespace {

// A config file is a few kilobytes; anything far larger is a wrong path, not a config.
constexpr std::size_t kMaxFileBytes = 1 << 20;

// The TTS languages in MessageBird's Java client (shared/messagebird-verify-api.md).
constexpr std::string_view kTtsLanguages[] = {
    "nl-nl", "de-de", "en-gb", "en-us", "en-au", "es-es", "es-mx", "es-us", "fr-fr", "fr-ca",
    "it-it", "pl-pl", "pt-br", "ro-ro", "ru-ru", "is-is", "ja-jp", "ko-kr", "zh-cn"};

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b < 0x20 || b == 0x7f;
  });
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Strict: the whole string is a base-10 integer in [lo, hi]; no sign, spaces or suffix.
template <typename Int>
bool parse_int(std::string_view s, Int lo, Int hi, Int& out) {
  if (!is_digits(s)) return false;
  Int value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || value < lo || value > hi) return false;
  out = value;
  return true;
}

template <typename Int>
std::string range_reason(Int lo, Int hi) {
  return "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
}

// Counts UTF-8 code points; -1 for malformed UTF-8 or a C1 control (U+0080..U+009F). The template
// is sent to MessageBird as JSON and spoken, so it must be clean text.
long utf8_length(std::string_view s) {
  long count = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if (b >= 0xc2 && b <= 0xdf) {
      len = 2;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      cp = b & 0x07;
    } else {
      return -1;
    }
    if (i + len > s.size()) return -1;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xc0) != 0x80) return -1;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f)) {
      return -1;
    }
    i += len;
    ++count;
  }
  return count;
}

// Splits "a, b,c" into trimmed items. An empty item ("a,,b", a trailing comma) is an error so a
// typo cannot silently narrow or widen a list.
bool split_list(std::string_view s, std::vector<std::string>& out) {
  out.clear();
  if (trim(s).empty()) return true;
  while (true) {
    const auto comma = s.find(',');
    const auto item = trim(s.substr(0, comma));
    if (item.empty()) return false;
    out.emplace_back(item);
    if (comma == std::string_view::npos) return true;
    s.remove_prefix(comma + 1);
  }
}

bool valid_port(std::string_view s) {
  int port = 0;
  return parse_int(s, 1, 65535, port);
}

bool valid_hostname(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') {
    return false;
  }
  return std::all_of(host.begin(), host.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '-'; });
}

bool valid_ipv4(std::string_view host) {
  const std::string h(host);
  in_addr addr{};
  return inet_pton(AF_INET, h.c_str(), &addr) == 1;
}

// "[::1]" with the brackets, as it appears in a URL or a host:port pair.
bool valid_bracketed_ipv6(std::string_view host) {
  if (host.size() < 3 || host.front() != '[' || host.back() != ']') return false;
  const std::string h(host.substr(1, host.size() - 2));
  in6_addr addr{};
  return inet_pton(AF_INET6, h.c_str(), &addr) == 1;
}

// Splits "host:port" or "[v6]:port" (port may be absent when `port_optional`).
bool split_host_port(std::string_view s, bool port_optional, std::string_view& host,
                     std::string_view& port) {
  std::string_view rest;
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos) return false;
    host = s.substr(0, close + 1);
    rest = s.substr(close + 1);
  } else {
    const auto colon = s.find(':');
    host = s.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : s.substr(colon);
  }
  if (rest.empty()) {
    port = {};
    return port_optional;
  }
  if (rest.front() != ':') return false;
  port = rest.substr(1);
  return valid_port(port);
}

using Reason = std::string;  // empty when the value was accepted
using Apply = Reason (*)(const std::string& value, Config& config);

struct KeySpec {
  const char* name;
  bool required;  // no default: must come from the file or the environment
  Apply apply;
};

Reason apply_access_key(const std::string& v, Config& c) {
  if (v.empty()) return "must not be empty";
  if (v.size() > 128) return "must be at most 128 characters";
  // It goes into an HTTP header ("Authorization: AccessKey ..."): printable ASCII, no spaces.
  const bool clean = std::all_of(v.begin(), v.end(), [](char ch) {
    const auto b = static_cast<unsigned char>(ch);
    return b > 0x20 && b < 0x7f;
  });
  if (!clean) return "must not contain spaces, control or non-ASCII characters";
  c.messagebird_access_key = v;
  return {};
}

Reason apply_endpoint(const std::string& v, Config& c) {
  Reason shape =
      "must be https://host[:port] (or http:// to 127.0.0.1, [::1] or localhost), with no path, "
      "query or user info";
  std::string_view s = v;
  std::string_view scheme;
  if (s.starts_with("https://")) {
    scheme = "https://";
  } else if (s.starts_with("http://")) {
    scheme = "http://";
  } else {
    return shape;
  }
  s.remove_prefix(scheme.size());
  if (!s.empty() && s.back() == '/') s.remove_suffix(1);
  if (s.find_first_of("/?#@\\") != std::string_view::npos) return shape;
  std::string_view host;
  std::string_view port;
  if (!split_host_port(s, true, host, port)) return shape;
  if (!valid_hostname(host) && !valid_bracketed_ipv6(host)) return shape;
  const bool loopback = host == "127.0.0.1" || host == "[::1]" || upper(host) == "LOCALHOST";
  if (scheme == "http://" && !loopback) {
    return "http:// is allowed only to 127.0.0.1, [::1] or localhost; use https://";
  }
  c.messagebird_endpoint = std::string(scheme) + std::string(s);
  return {};
}

Reason apply_signing_key(const std::string& v, Config& c) {
  if (v.size() < 32) return "must be at least 32 characters (e.g. openssl rand -hex 32)";
  c.signing_key = v;
  return {};
}

Reason apply_verify_type(const std::string& v, Config& c) {
  if (v != "tts") return "must be tts: this app verifies numbers by voice call only";
  c.verify_type = v;
  return {};
}

Reason apply_verify_template(const std::string& v, Config& c) {
  if (v.find("%token") == std::string::npos) return "must contain %token";
  if (has_control(v)) return "must not contain control characters";
  const long length = utf8_length(v);
  if (length < 0) return "must be valid UTF-8 text";
  if (length > 160) return "must be at most 160 characters";
  c.verify_template = v;
  return {};
}

Reason apply_token_length(const std::string& v, Config& c) {
  if (!parse_int(v, 6, 10, c.token_length)) return range_reason(6, 10);
  return {};
}

Reason apply_code_timeout(const std::string& v, Config& c) {
  int seconds = 0;
  if (!parse_int(v, 30, 3600, seconds)) return range_reason(30, 3600) + " (seconds)";
  c.code_timeout = std::chrono::seconds{seconds};
  return {};
}

Reason apply_max_attempts(const std::string& v, Config& c) {
  if (!parse_int(v, 1, 10, c.max_attempts)) return range_reason(1, 10);
  return {};
}

Reason apply_voice(const std::string& v, Config& c) {
  if (v != "male" && v != "female") return "must be male or female";
  c.voice = v;
  return {};
}

Reason apply_language(const std::string& v, Config& c) {
  if (std::find(std::begin(kTtsLanguages), std::end(kTtsLanguages), v) == std::end(kTtsLanguages)) {
    std::string list;
    for (const auto lang : kTtsLanguages) {
      if (!list.empty()) list += ", ";
      list += lang;
    }
    return "must be one of MessageBird's TTS languages: " + list;
  }
  c.language = v;
  return {};
}

Reason apply_originator(const std::string& v, Config& c) {
  // MessageBird: a number (digits, at most 16) or an alphanumeric sender id of at most 11.
  const bool number = is_digits(v) && v.size() <= 16;
  const bool alnum = !v.empty() && v.size() <= 11 &&
                     std::all_of(v.begin(), v.end(), [](char ch) { return is_alnum(ch); });
  if (!v.empty() && !number && !alnum) {
    return "must be empty, a number of at most 16 digits, or at most 11 letters and digits";
  }
  c.originator = v;
  return {};
}

Reason apply_default_region(const std::string& v, Config& c) {
  const std::string region = upper(v);
  if (!forms::is_known_region(region)) {
    return "must be a region code libphonenumber knows, e.g. NL or GB";
  }
  c.default_region = region;
  return {};
}

// The shapes http::open_listener takes. TCP goes through FCGX_OpenSocket, which resolves the host
// with inet_addr/gethostbyname: IPv4 only, so an IPv6 literal is refused here, not at bind time.
Reason apply_listen(const std::string& v, Config& c) {
  Reason shape =
      "must be ipv4:port (e.g. 127.0.0.1:9000, 0.0.0.0:9000, localhost:9000), "
      "unix:/absolute/path, stdin, or systemd";
  std::string_view s = v;
  if (s == "stdin" || s == "systemd") {
    c.listen = v;
    return {};
  }
  if (s.starts_with("unix:")) {
    const auto path = s.substr(5);
    // sun_path holds 108 bytes including the terminating NUL.
    if (path.size() < 2 || path.front() != '/' || path.size() > 107 || has_control(path)) {
      return shape;
    }
    c.listen = v;
    return {};
  }
  std::string_view host;
  std::string_view port;
  if (!split_host_port(s, false, host, port)) return shape;
  if (!valid_ipv4(host) && host != "localhost") return shape;
  c.listen = v;
  return {};
}

// FASTCGI_ALLOWED_PEERS: exact IPv4 addresses (the pool compares the peer's address as is; no
// names, masks or IPv6).
Reason apply_fastcgi_allowed_peers(const std::string& v, Config& c) {
  const Reason shape = "must be comma-separated IPv4 addresses, e.g. 192.0.2.7,192.0.2.8";
  c.fastcgi_allowed_peers.clear();
  if (v.empty()) return {};  // not set: any peer that can reach the socket
  std::string_view rest = v;
  while (true) {
    const auto comma = rest.find(',');
    const std::string item(trim(rest.substr(0, comma)));
    in_addr addr{};
    if (inet_pton(AF_INET, item.c_str(), &addr) != 1) return shape;
    c.fastcgi_allowed_peers.push_back(addr.s_addr);
    if (comma == std::string_view::npos) return {};
    rest.remove_prefix(comma + 1);
  }
}

// A TCP LISTEN on anything but loopback is reachable from other hosts, where anyone could claim
// any client address in REMOTE_ADDR: refused unless FASTCGI_ALLOWED_PEERS names nginx's hosts.
bool listens_beyond_loopback(const std::string& listen) {
  if (listen == "stdin" || listen == "systemd" || listen.starts_with("unix:")) return false;
  const std::string host = listen.substr(0, listen.find(':'));
  if (host == "localhost") return false;
  in_addr addr{};
  return inet_pton(AF_INET, host.c_str(), &addr) != 1 || (ntohl(addr.s_addr) >> 24) != 127;
}

Reason apply_threads(const std::string& v, Config& c) {
  if (!parse_int(v, 1, 256, c.threads)) return range_reason(1, 256);
  return {};
}

Reason apply_connect_timeout(const std::string& v, Config& c) {
  int ms = 0;
  if (!parse_int(v, 50, 60000, ms)) return range_reason(50, 60000) + " (milliseconds)";
  c.connect_timeout = std::chrono::milliseconds{ms};
  return {};
}

Reason apply_total_timeout(const std::string& v, Config& c) {
  int ms = 0;
  if (!parse_int(v, 100, 120000, ms)) return range_reason(100, 120000) + " (milliseconds)";
  c.total_timeout = std::chrono::milliseconds{ms};
  return {};
}

Reason apply_templates_dir(const std::string& v, Config& c) {
  if (v.empty()) return "must not be empty";
  if (has_control(v)) return "must not contain control characters";
  c.templates_dir = v;
  return {};
}

Reason apply_max_body_bytes(const std::string& v, Config& c) {
  if (!parse_int<std::size_t>(v, 256, 65536, c.max_body_bytes)) return range_reason(256, 65536);
  return {};
}

Reason apply_allowed_number_types(const std::string& v, Config& c) {
  Reason reason =
      "must be a comma-separated, non-empty list of: mobile, fixed-line, fixed-line-or-mobile, "
      "toll-free, premium-rate, shared-cost, voip, personal, pager, uan, voicemail, unknown";
  std::vector<std::string> items;
  if (!split_list(v, items) || items.empty()) return reason;
  for (const auto& item : items) {
    forms::NumberType type{};
    if (!forms::parse_number_type(item, type)) return reason;
  }
  c.allowed_number_types = std::move(items);
  return {};
}

// Every call costs money, and satellite and other non-geographic numbers (+881 Iridium, +870
// Inmarsat, libphonenumber's region "001") are both the dearest and the classic toll-fraud
// destinations: "*" means every country, never those; "001" must be named. An empty value is
// an error: it once meant "any country", and an old config file must not quietly take a new
// meaning either way.
Reason apply_allowed_countries(const std::string& v, Config& c) {
  if (trim(v).empty()) {
    return "must not be empty: leave it out for DEFAULT_REGION alone, or list region codes, or * "
           "for every country";
  }
  Reason reason =
      "must be * (every country) or a comma-separated list of region codes libphonenumber "
      "knows, e.g. NL,BE, with 001 for non-geographic numbers such as satellite phones";
  std::vector<std::string> items;
  if (!split_list(v, items)) return reason;
  bool any_geographic = false;
  std::vector<std::string> regions;
  for (auto& item : items) {
    item = upper(item);
    if (item == "*") {
      any_geographic = true;
    } else if (item == forms::kNonGeographicRegion || forms::is_known_region(item)) {
      regions.push_back(item);
    } else {
      return reason;
    }
  }
  c.allowed_countries = std::move(regions);
  c.any_geographic_region = any_geographic;
  return {};
}

Reason apply_resend_interval(const std::string& v, Config& c) {
  int seconds = 0;
  if (!parse_int(v, 0, 3600, seconds)) return range_reason(0, 3600) + " (seconds)";
  c.resend_interval = std::chrono::seconds{seconds};
  return {};
}

Reason apply_limit(const std::string& v, long& out) {
  constexpr long kMax = 1'000'000'000;
  if (!parse_int(v, 1L, kMax, out)) return range_reason(1L, kMax);
  return {};
}

// The store parses the same URL with the same function, so nothing passes here that the store
// then refuses at start-up.
Reason apply_redis_url(const std::string& v, Config& c) {
  if (v.empty()) {
    c.redis_url.clear();
    return {};
  }
  std::string error;
  if (!store::parse_redis_url(v, error)) {
    return "must be empty (in-memory store) or redis://host:port[/db] (IPv6 as [addr]); no user "
           "info, TLS or query: " +
           error;
  }
  c.redis_url = v;
  return {};
}

Reason apply_redis_prefix(const std::string& v, Config& c) {
  const bool ok = v.size() <= 64 && std::all_of(v.begin(), v.end(), [](char ch) {
                    return is_alnum(ch) || ch == ':' || ch == '_' || ch == '-';
                  });
  if (!ok) return "must be at most 64 characters of A-Z a-z 0-9 : _ -";
  c.redis_prefix = v;
  return {};
}

// Every key, in README order. The table is the single list: known_keys(), the file parser and
// the environment overrides all read it.
const KeySpec kKeys[] = {
    {"MESSAGEBIRD_ACCESS_KEY", true, apply_access_key},
    {"MESSAGEBIRD_ENDPOINT", false, apply_endpoint},
    {"SIGNING_KEY", true, apply_signing_key},
    {"VERIFY_TYPE", false, apply_verify_type},
    {"VERIFY_TEMPLATE", false, apply_verify_template},
    {"TOKEN_LENGTH", false, apply_token_length},
    {"CODE_TIMEOUT", false, apply_code_timeout},
    {"MAX_ATTEMPTS", false, apply_max_attempts},
    {"VOICE", false, apply_voice},
    {"LANGUAGE", false, apply_language},
    {"ORIGINATOR", false, apply_originator},
    {"DEFAULT_REGION", false, apply_default_region},
    {"LISTEN", false, apply_listen},
    {"FASTCGI_ALLOWED_PEERS", false, apply_fastcgi_allowed_peers},
    {"THREADS", false, apply_threads},
    {"CONNECT_TIMEOUT_MS", false, apply_connect_timeout},
    {"TOTAL_TIMEOUT_MS", false, apply_total_timeout},
    {"TEMPLATES_DIR", false, apply_templates_dir},
    {"MAX_BODY_BYTES", false, apply_max_body_bytes},
    {"ALLOWED_NUMBER_TYPES", false, apply_allowed_number_types},
    {"ALLOWED_COUNTRIES", false, apply_allowed_countries},
    {"RESEND_INTERVAL", false, apply_resend_interval},
    {"LIMIT_NUMBER_10MIN", false,
     [](const std::string& v, Config& c) { return apply_limit(v, c.limit_number_10min); }},
    {"LIMIT_NUMBER_DAY", false,
     [](const std::string& v, Config& c) { return apply_limit(v, c.limit_number_day); }},
    {"LIMIT_IP_HOUR", false,
     [](const std::string& v, Config& c) { return apply_limit(v, c.limit_ip_hour); }},
    {"LIMIT_GLOBAL_HOUR", false,
     [](const std::string& v, Config& c) { return apply_limit(v, c.limit_global_hour); }},
    {"REDIS_URL", false, apply_redis_url},
    {"REDIS_PREFIX", false, apply_redis_prefix},
};

const KeySpec* find_key(std::string_view name) {
  for (const auto& spec : kKeys) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

struct RawValue {
  std::string value;
  std::string origin;  // "config file line 7" or "environment": for the error message
  std::size_t line = 0;
};

using RawValues = std::map<std::string, RawValue, std::less<>>;

LoadResult failure(std::string message) {
  return LoadResult{std::nullopt, std::move(message)};
}

// Reads a whole regular file, capped. Returns an error message, empty on success.
std::string read_file(const std::string& path, std::string& out) {
  const std::string where = "config file " + log::quote(path) + ": ";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return where + "cannot open (" + std::strerror(errno) + ")";
  std::string error;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = where + "not a regular file";
  } else {
    char buffer[8192];
    while (error.empty()) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error = where + "cannot read (" + std::strerror(errno) + ")";
      } else if (n == 0) {
        break;
      } else if (out.size() + static_cast<std::size_t>(n) > kMaxFileBytes) {
        error = where + "larger than 1 MiB";
      } else {
        out.append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  ::close(fd);
  return error;
}

// The seed guide's format: KEY=VALUE per line, '#' comments, blank lines; we also allow spaces
// around key and value, CRLF line ends, and one pair of double quotes around a value.
std::string parse_file(std::string_view text, RawValues& raw) {
  if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);  // a BOM from a Windows editor
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;

    const std::string where = "config file line " + std::to_string(number);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return where + ": expected KEY=VALUE";
    const auto key = trim(line.substr(0, eq));
    auto value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (find_key(key) == nullptr) {
      // Name the key only when it looks like one; otherwise the "key" may be a pasted secret.
      const bool printable =
          !key.empty() && key.size() <= 64 &&
          std::all_of(key.begin(), key.end(), [](char ch) { return is_alnum(ch) || ch == '_'; });
      return where + ": unknown key" + (printable ? " " + std::string(key) : std::string{});
    }
    const auto [it, inserted] = raw.try_emplace(std::string(key));
    if (!inserted) {
      return where + ": " + std::string(key) + " is already set on line " +
             std::to_string(it->second.line);
    }
    it->second = RawValue{std::string(value), where, number};
  }
  return {};
}

}  // namespace

LoadResult load(const std::string& file_path, const std::map<std::string, std::string>& env) {
  RawValues raw;
  if (!file_path.empty()) {
    std::string text;
    if (auto error = read_file(file_path, text); !error.empty()) return failure(std::move(error));
    if (auto error = parse_file(text, raw); !error.empty()) return failure(std::move(error));
  }
  for (const auto& spec : kKeys) {
    if (const auto it = env.find(spec.name); it != env.end()) {
      raw[spec.name] = RawValue{it->second, "environment", 0};
    }
  }

  Config config;
  for (const auto& spec : kKeys) {
    const auto it = raw.find(spec.name);
    if (it == raw.end()) {
      if (spec.required) {
        return failure(std::string(spec.name) +
                       ": required; set it in the config file or the environment");
      }
      continue;
    }
    if (auto reason = spec.apply(it->second.value, config); !reason.empty()) {
      return failure(std::string(spec.name) + " (" + it->second.origin + "): " + reason);
    }
  }
  // ALLOWED_COUNTRIES unset means the one country the site serves, whichever line or variable
  // set DEFAULT_REGION: resolved once every key is read.
  if (raw.find("ALLOWED_COUNTRIES") == raw.end()) {
    config.allowed_countries = {config.default_region};
    config.any_geographic_region = false;
  }
  if (config.total_timeout < config.connect_timeout) {
    return failure("TOTAL_TIMEOUT_MS: must not be less than CONNECT_TIMEOUT_MS");
  }
  if (listens_beyond_loopback(config.listen) && config.fastcgi_allowed_peers.empty()) {
    return failure("LISTEN (" + raw.find("LISTEN")->second.origin +
                   "): a TCP address other than loopback needs FASTCGI_ALLOWED_PEERS (the nginx "
                   "hosts that may connect)");
  }
  return LoadResult{std::move(config), {}};
}

std::map<std::string, std::string> environment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view pair(*entry);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(pair.substr(0, eq), pair.substr(eq + 1));
  }
  return env;
}

const std::vector<std::string>& known_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const auto& spec : kKeys) out.emplace_back(spec.name);
    return out;
  }();
  return keys;
}

}  // namespace voiceverify::config
