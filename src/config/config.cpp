// Configuration loading: the raw text of every key (file.cpp), one check per key in the key
// table (keys.cpp), then the checks that involve more than one key, all here.
#include "config/config.hpp"

#include <arpa/inet.h>

#include "config/file.hpp"
#include "config/keys.hpp"
#include "log/log.hpp"

namespace voiceverify::config {
namespace {

LoadResult failure(std::string message) {
  return LoadResult{std::nullopt, std::move(message)};
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

// Relative to the config file's folder: under systemd both arrive side by side as credentials
// (systemd/voiceverify.service), and on a workstation both sit in /etc/voiceverify.
std::string beside_config(const std::string& config_path, const std::string& path) {
  if (path.empty() || path.front() == '/' || config_path.empty()) return path;
  const auto slash = config_path.rfind('/');
  if (slash == std::string::npos) return path;
  return config_path.substr(0, slash + 1) + path;
}

// The OpenID Connect keys (docs/oidc.md): all of them with OIDC_ISSUER, none without. Each file
// is read here, so a wrong one stops the start with its key's name.
std::string resolve_oidc(const std::string& config_path, Config& config) {
  if (config.oidc_issuer.empty()) {
    for (const auto* set :
         {&config.oidc_clients, &config.oidc_signing_key_file,
          &config.oidc_signing_key_previous_file, &config.oidc_subject_key_file}) {
      if (!set->empty()) return "OIDC_ISSUER: required when another OIDC_ key is set";
    }
    return {};
  }
  const std::pair<const char*, std::string*> required[] = {
      {"OIDC_CLIENTS", &config.oidc_clients},
      {"OIDC_SIGNING_KEY_FILE", &config.oidc_signing_key_file},
      {"OIDC_SUBJECT_KEY_FILE", &config.oidc_subject_key_file},
  };
  for (const auto& [name, value] : required) {
    if (value->empty()) return std::string(name) + ": required when OIDC_ISSUER is set";
  }
  for (auto* path : {&config.oidc_clients, &config.oidc_signing_key_file,
                     &config.oidc_signing_key_previous_file, &config.oidc_subject_key_file}) {
    *path = beside_config(config_path, *path);
  }
  std::string error;
  config.oidc_signing_key = oidc::SigningKey::from_pem_file(config.oidc_signing_key_file, error);
  if (!config.oidc_signing_key) return "OIDC_SIGNING_KEY_FILE: " + error;
  if (!config.oidc_signing_key_previous_file.empty()) {
    config.oidc_signing_key_previous =
        oidc::SigningKey::from_pem_file(config.oidc_signing_key_previous_file, error);
    if (!config.oidc_signing_key_previous) return "OIDC_SIGNING_KEY_PREVIOUS_FILE: " + error;
    if (config.oidc_signing_key_previous->kid() == config.oidc_signing_key->kid()) {
      return "OIDC_SIGNING_KEY_PREVIOUS_FILE: holds the same key as OIDC_SIGNING_KEY_FILE";
    }
  }
  std::string secret;
  if (auto problem = read_secret_file(config.oidc_subject_key_file, secret); !problem.empty()) {
    return "OIDC_SUBJECT_KEY_FILE: " + problem;
  }
  if (secret.size() < 32) {
    return "OIDC_SUBJECT_KEY_FILE: " + log::quote(config.oidc_subject_key_file) +
           ": the secret must be at least 32 characters";
  }
  config.oidc_subject_secret = std::move(secret);
  std::string text;
  if (auto problem = read_config_file(config.oidc_clients, text); !problem.empty()) {
    return "OIDC_CLIENTS: " + problem;
  }
  auto parsed = oidc::parse_clients(text);
  if (!parsed.error.empty()) {
    return "OIDC_CLIENTS: " + log::quote(config.oidc_clients) + ": " + parsed.error;
  }
  config.oidc_client_registry = std::move(parsed.registry);
  return {};
}

// A secret key from the file `file_key` (SIGNING_KEY_FILE, STORE_KEY_FILE) names, into `key`,
// which must then be unset (`key_name` set too is an error): at least 32 characters, as a key set
// directly. Nothing to do when no file is named.
std::string read_key_file(const std::string& config_path, const char* key_name,
                          const char* file_key, const std::string& file, std::string& key) {
  if (file.empty()) return {};
  const std::string prefix = std::string(file_key) + ": ";
  if (!key.empty()) return prefix + key_name + " is set too; set one of them";
  const std::string path = beside_config(config_path, file);
  std::string read;
  if (auto error = read_secret_file(path, read); !error.empty()) return prefix + error;
  if (read.size() < 32) {
    return prefix + log::quote(path) + ": the key must be at least 32 characters";
  }
  key = std::move(read);
  return {};
}

// SIGNING_KEY from the file SIGNING_KEY_FILE names, or the one set directly: exactly one.
std::string resolve_signing_key(const std::string& config_path, Config& config) {
  if (config.signing_key_file.empty() && config.signing_key.empty()) {
    return "SIGNING_KEY: required; set it, or SIGNING_KEY_FILE to a file that holds it";
  }
  return read_key_file(config_path, "SIGNING_KEY", "SIGNING_KEY_FILE", config.signing_key_file,
                       config.signing_key);
}

// TEST_NUMBERS, once the phone keys and TOKEN_LENGTH are read: each number as the form reads it
// (a number the form refuses could never be verified), kept as E.164 digits, each once; each code
// TOKEN_LENGTH digits, the only length the code form takes. Never a number in the message.
std::string resolve_test_numbers(Config& config) {
  forms::PhonePolicy policy{};
  policy.default_region = config.default_region;
  policy.allowed_types = config.allowed_number_types;
  policy.allowed_countries = {config.allowed_countries.begin(), config.allowed_countries.end()};
  policy.any_geographic_region = config.any_geographic_region;
  for (std::size_t i = 0; i < config.test_numbers.size(); ++i) {
    TestNumber& entry = config.test_numbers[i];
    const std::string which = "TEST_NUMBERS: entry " + std::to_string(i + 1) + ": ";
    const forms::PhoneCheck phone = forms::check_phone(entry.number, policy);
    switch (phone.error) {
      case forms::PhoneError::None:
        break;
      case forms::PhoneError::CountryNotAllowed:
        return which + "the number's country is not in ALLOWED_COUNTRIES";
      case forms::PhoneError::TypeNotAllowed:
        return which + "the number's type is not in ALLOWED_NUMBER_TYPES";
      default:
        return which + "not a valid phone number (write it with its country code, as +31...)";
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (config.test_numbers[j].number == phone.digits) {
        return which + "the same number as entry " + std::to_string(j + 1);
      }
    }
    entry.number = phone.digits;
    if (entry.code.size() != static_cast<std::size_t>(config.token_length)) {
      return which + "the code must be TOKEN_LENGTH (" + std::to_string(config.token_length) +
             ") digits: the code form takes no other length";
    }
  }
  return {};
}

// STORE_KEY from the file STORE_KEY_FILE names, or the one set directly: at most one; neither
// leaves it empty (derived from SIGNING_KEY). Never SIGNING_KEY itself: the point of a key of
// its own is that changing the cookie key leaves the store's keys where they are.
std::string resolve_store_key(const std::string& config_path, Config& config) {
  if (auto error = read_key_file(config_path, "STORE_KEY", "STORE_KEY_FILE", config.store_key_file,
                                 config.store_key);
      !error.empty()) {
    return error;
  }
  if (!config.store_key.empty() &&
      (config.store_key == config.signing_key || config.store_key == config.signing_key_previous)) {
    return "STORE_KEY: must differ from SIGNING_KEY and SIGNING_KEY_PREVIOUS";
  }
  return {};
}

}  // namespace

LoadResult load(const std::string& file_path, const std::map<std::string, std::string>& env) {
  RawValues raw;
  std::vector<std::string> readable = known_keys();
  readable.insert(readable.end(), retired_keys().begin(), retired_keys().end());
  if (auto error = read_raw_values(file_path, env, readable, raw); !error.empty()) {
    return failure(std::move(error));
  }
  for (const auto& name : retired_keys()) {
    const auto it = raw.find(name);
    if (it == raw.end()) continue;
    if (auto reason = check_retired_key(name, it->second.value); !reason.empty()) {
      std::string message = name;
      message += " (" + it->second.origin + "): ";
      message += reason;
      return failure(std::move(message));
    }
  }

  Config config;
  for (const auto& name : known_keys()) {
    const auto it = raw.find(name);
    if (it == raw.end()) {
      if (key_required(name)) {
        return failure(name + ": required; set it in the config file or the environment");
      }
      continue;
    }
    if (auto reason = apply_key(name, it->second.value, config); !reason.empty()) {
      std::string message = name;
      message += " (" + it->second.origin + "): ";
      message += reason;
      return failure(std::move(message));
    }
  }

  // The checks across keys, once every key is read.
  if (auto error = resolve_signing_key(file_path, config); !error.empty()) {
    return failure(std::move(error));
  }
  if (auto error = resolve_store_key(file_path, config); !error.empty()) {
    return failure(std::move(error));
  }
  if (auto error = resolve_oidc(file_path, config); !error.empty()) {
    return failure(std::move(error));
  }
  // ALLOWED_COUNTRIES unset means the one country the site serves, whichever line or variable
  // set DEFAULT_REGION.
  if (raw.find("ALLOWED_COUNTRIES") == raw.end()) {
    config.allowed_countries = {config.default_region};
    config.any_geographic_region = false;
  }
  if (auto error = resolve_test_numbers(config); !error.empty()) {
    return failure(std::move(error));
  }
  if (config.fraud_window <= config.code_timeout) {
    return failure(
        "FRAUD_WINDOW: must be longer than CODE_TIMEOUT (a call settles unverified "
        "only once its code has expired)");
  }
  // Never the keys themselves in the message: only that they are the same.
  if (!config.signing_key_previous.empty() && config.signing_key_previous == config.signing_key) {
    return failure(
        "SIGNING_KEY_PREVIOUS: must differ from SIGNING_KEY (it is the key SIGNING_KEY "
        "replaced); leave it empty when no key change is under way");
  }
  if (config.total_timeout < config.connect_timeout) {
    return failure("TOTAL_TIMEOUT_MS: must not be less than CONNECT_TIMEOUT_MS");
  }
  if (config.total_timeout > kMaxRequestWait) {
    return failure("TOTAL_TIMEOUT_MS: at most " + std::to_string(kMaxRequestWait.count()) +
                   ": nginx's fastcgi_read_timeout and the unit's TimeoutStopSec (" +
                   std::to_string(kShippedWaitLimit.count()) +
                   " s as shipped) would cut a longer wait short; raise those first");
  }
  if (listens_beyond_loopback(config.listen) && config.fastcgi_allowed_peers.empty()) {
    return failure("LISTEN (" + raw.find("LISTEN")->second.origin +
                   "): a TCP address other than loopback needs FASTCGI_ALLOWED_PEERS (the nginx "
                   "hosts that may connect)");
  }
  return LoadResult{std::move(config), {}};
}

}  // namespace voiceverify::config
