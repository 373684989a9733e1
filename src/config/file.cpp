// See file.hpp. Error messages name the line and the key, never the value: the secrets must not
// reach a log, and other values are operator input that could carry control characters into
// journald.
#include "config/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "config/config.hpp"
#include "config/values.hpp"
#include "log/log.hpp"
#include "util/file.hpp"

extern "C" char** environ;

namespace voiceverify::config {
namespace {

// A config file is a few kilobytes; anything far larger is a wrong path, not a config.
constexpr std::size_t kMaxFileBytes = 1 << 20;
// A key file holds one line of a few dozen characters.
constexpr std::size_t kMaxSecretBytes = 4096;

}  // namespace

std::string read_config_file(const std::string& path, std::string& out) {
  return util::read_file(path, "config file " + log::quote(path) + ": ", kMaxFileBytes,
                         util::FileAccess::Any, out);
}

std::string read_secret_file(const std::string& path, std::string& out) {
  std::string text;
  auto error = util::read_file(path, log::quote(path) + ": ", kMaxSecretBytes,
                               util::FileAccess::Private, text);
  if (!error.empty()) return error;
  // One line; its line end (LF or CRLF, as editors and `openssl rand -hex 32 >file` leave it)
  // and surrounding blanks are not part of the key.
  std::string_view line = text;
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  line = trim(line);
  if (line.find_first_of("\r\n") != std::string_view::npos) {
    return log::quote(path) + ": must hold one line";
  }
  out.assign(line);
  return {};
}

// Beyond the seed guide's format we also allow spaces around key and value, CRLF line ends, and
// one pair of double quotes around a value.
std::string parse_config_text(std::string_view text,
                              const std::function<bool(std::string_view)>& is_known,
                              RawValues& raw) {
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
    if (!is_known(key)) {
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

std::string read_raw_values(const std::string& file_path,
                            const std::map<std::string, std::string>& env,
                            const std::vector<std::string>& keys, RawValues& raw) {
  if (!file_path.empty()) {
    std::string text;
    if (auto error = read_config_file(file_path, text); !error.empty()) return error;
    const auto is_known = [&keys](std::string_view key) {
      return std::find(keys.begin(), keys.end(), key) != keys.end();
    };
    if (auto error = parse_config_text(text, is_known, raw); !error.empty()) return error;
  }
  for (const auto& key : keys) {
    if (const auto it = env.find(key); it != env.end()) {
      raw[key] = RawValue{it->second, "environment", 0};
    }
  }
  return {};
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

}  // namespace voiceverify::config
