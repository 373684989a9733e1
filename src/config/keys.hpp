// The key table: every key this program knows, whether it is required, and how its text becomes
// a Config field. Used by load() (config.cpp); known_keys() (config.hpp) lists the same table.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace voiceverify::config {

// True for a key with no default: it must come from the file or the environment.
bool key_required(std::string_view name);

// Checks `value` for the key `name` and, when it is accepted, stores it in `config`. Returns the
// reason it was refused (never containing the value), empty when accepted.
std::string apply_key(std::string_view name, const std::string& value, Config& config);

// Keys an earlier version's config file may still hold: read, checked and otherwise ignored, so
// an upgrade that kept the sysadmin's file still loads it. retired_keys() lists their names;
// check_retired_key gives the reason a value is refused (empty when it is the one value the key
// ever accepted).
const std::vector<std::string>& retired_keys();
std::string check_retired_key(std::string_view name, std::string_view value);

}  // namespace voiceverify::config
