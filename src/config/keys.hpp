// The key table: every key this program knows, whether it is required, and how its text becomes
// a Config field. Used by load() (config.cpp); known_keys() (config.hpp) lists the same table.
#pragma once

#include <string>
#include <string_view>

#include "config/config.hpp"

namespace voiceverify::config {

// True for a key with no default: it must come from the file or the environment.
bool key_required(std::string_view name);

// Checks `value` for the key `name` and, when it is accepted, stores it in `config`. Returns the
// reason it was refused (never containing the value), empty when accepted.
std::string apply_key(std::string_view name, const std::string& value, Config& config);

}  // namespace voiceverify::config
