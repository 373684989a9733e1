// One line per event, key=value, to stderr for journald (fastcgi++'s log-by-cause habit). Only
// quote() lets outside text into a line, so a value can neither end the line nor forge a field.
#include "log/log.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <ctime>

#include "util/name_table.hpp"

namespace voiceverify::log {
namespace {

constexpr std::size_t kMaxValueBytes = 200;

constexpr auto kLevelNames = std::to_array<util::NameRow<Level>>({
    {Level::Info, "info"},
    {Level::Warning, "warning"},
    {Level::Error, "error"},
});

const char* level_name(Level level) {
  return util::name_of(kLevelNames, level, "error");
}

// Event names and field keys are ours and compile-time, but a slip (a space, a '=') would still
// break the line's grammar: anything outside [A-Za-z0-9_.-] becomes '_'.
void append_name(std::string& out, std::string_view name) {
  if (name.empty()) {
    out += '_';
    return;
  }
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    out += ok ? c : '_';
  }
}

void append_timestamp(std::string& out) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  char buffer[32];
  if (gmtime_r(&now, &utc) != nullptr &&
      std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc) > 0) {
    out += buffer;
  } else {
    out += "unknown";
  }
}

}  // namespace

std::string format(Level level, std::string_view event, std::initializer_list<Field> fields) {
  std::string line;
  line.reserve(64 + fields.size() * 32);
  line += "ts=";
  append_timestamp(line);
  line += " level=";
  line += level_name(level);
  line += " event=";
  append_name(line, event);
  for (const auto& [key, value] : fields) {
    line += ' ';
    append_name(line, key);
    line += '=';
    line += quote(value);
  }
  return line;
}

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  const std::string line = format(level, event, fields) + '\n';
  // One write(2) per line: stderr is unbuffered and shared by every worker thread; a short write
  // (a full pipe) is finished rather than dropped.
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere left to report a logging failure
    done += static_cast<std::size_t>(n);
  }
}

std::string mask_number(std::string_view e164_or_digits) {
  std::string_view digits = e164_or_digits;
  const bool plus = digits.starts_with('+');
  if (plus) digits.remove_prefix(1);
  bool all_digits = !digits.empty();
  for (const char c : digits) all_digits = all_digits && c >= '0' && c <= '9';
  // With fewer than six digits, "first two and last two" would show almost everything.
  if (!all_digits || digits.size() < 6) return "***";
  std::string out = plus ? "+" : "";
  out += digits.substr(0, 2);
  out.append(digits.size() - 4, '*');
  out += digits.substr(digits.size() - 2);
  return out;
}

std::string mask_digit_runs(std::string_view text) {
  // Six: the shortest national subscriber numbers that are worth hiding; the same threshold as
  // mask_number, under which it shows nothing either.
  constexpr std::size_t kMinRun = 6;
  std::string out(text);
  std::size_t i = 0;
  while (i < out.size()) {
    if (out[i] < '0' || out[i] > '9') {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < out.size() && out[end] >= '0' && out[end] <= '9') ++end;
    if (end - i >= kMinRun) std::fill(out.begin() + i, out.begin() + (end - 2), '*');
    i = end;
  }
  return out;
}

std::string quote(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  const bool cut = value.size() > kMaxValueBytes;
  if (cut) value = value.substr(0, kMaxValueBytes);
  std::string out;
  out.reserve(value.size() + 8);
  out += '"';
  for (const char c : value) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (b < 0x20 || b >= 0x7f) {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0x0f];
    } else {
      out += c;
    }
  }
  if (cut) out += "...";
  out += '"';
  return out;
}

}  // namespace voiceverify::log
