// Logging by cause (error = our bug, warning = trouble from outside, info = lifecycle): one line
// per event to stderr, "level=... event=... key=value ...". Values are quoted and escaped so that
// no input or upstream text can start a new line or forge a key.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace voiceverify::log {

enum class Level { Info, Warning, Error };

using Field = std::pair<std::string_view, std::string_view>;

// Formats one line (no trailing newline). Exposed for tests.
std::string format(Level level, std::string_view event, std::initializer_list<Field> fields);

// Writes format(...) + '\n' to stderr in one write(2), so lines from threads never interleave.
void write(Level level, std::string_view event, std::initializer_list<Field> fields);

inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::Info, event, fields);
}
inline void warning(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::Warning, event, fields);
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::Error, event, fields);
}

// "+31******78": keeps a leading '+', the first two digits and the last two; every other digit
// becomes '*'. Anything that is not digits (after an optional '+'), or has fewer than six digits
// (where two and two would show nearly all of it), is masked whole as "***".
std::string mask_number(std::string_view e164_or_digits);

// For free text from outside (MessageBird's error descriptions): every run of six or more ASCII
// digits keeps its last two and has the rest replaced by '*', wherever it stands in the text
// ("+31612345678 is not valid" -> "+*********78 is not valid"). Shorter runs (status codes,
// error numbers, timeouts in ms) are left as they are.
std::string mask_digit_runs(std::string_view text);

// Quotes a value for a log line, surrounding double quotes included: printable ASCII kept, '"'
// and '\\' escaped, control and non-ASCII bytes as \xNN; cut at 200 input bytes with "..."
// appended inside the quotes.
std::string quote(std::string_view value);

}  // namespace voiceverify::log
