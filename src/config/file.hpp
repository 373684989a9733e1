// The config file reader and the environment overrides: where each key's text comes from, before
// any value is checked. The file is the seed guide's format (KEY=VALUE per line, '#' comments,
// blank lines); a variable in the environment named like a key replaces the file's line.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace voiceverify::config {

struct RawValue {
  std::string value;
  std::string origin;  // "config file line 7" or "environment": for the error message
  std::size_t line = 0;
};

using RawValues = std::map<std::string, RawValue, std::less<>>;

// Reads a whole regular file, capped at 1 MiB. Returns an error message, empty on success.
std::string read_config_file(const std::string& path, std::string& out);

// Reads a file holding one secret (SIGNING_KEY_FILE): a regular file of at most 4 KiB that not
// every user may read, one line, blanks and the line end dropped. Returns an error message that
// names the path, never the content; empty on success.
std::string read_secret_file(const std::string& path, std::string& out);

// Parses the file's text into `raw`; keys for which `is_known` says false are an error. Returns
// an error message naming the line (never the value, nor a "key" that does not look like one),
// empty on success.
std::string parse_config_text(std::string_view text,
                              const std::function<bool(std::string_view)>& is_known,
                              RawValues& raw);

// The text of every key: `file_path` (if non-empty; a missing file is an error), then each of
// `keys` present in `env`. Returns an error message, empty on success.
std::string read_raw_values(const std::string& file_path,
                            const std::map<std::string, std::string>& env,
                            const std::vector<std::string>& keys, RawValues& raw);

}  // namespace voiceverify::config
