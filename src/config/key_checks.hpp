// The checks of the text keys, by subject, that keys.cpp's table refers to. Each checks one
// key's value and, when it accepts it, stores it in `c`; it returns the reason the value was
// refused (naming what is expected, never the value), empty when accepted.
#pragma once

#include <string>

#include "config/config.hpp"

namespace voiceverify::config {

// One text key's check: a row of the key table points at one.
using KeyCheck = std::string(const std::string& v, Config& c);

// call_keys.cpp: what reaches MessageBird (access key, endpoint, the sentence, voice, language,
// originator), which numbers may be called, and the test numbers that never are.
KeyCheck apply_access_key;
KeyCheck apply_endpoint;
KeyCheck apply_verify_template;
KeyCheck apply_voice;
KeyCheck apply_language;
KeyCheck apply_originator;
KeyCheck apply_default_region;
KeyCheck apply_allowed_number_types;
KeyCheck apply_allowed_countries;
KeyCheck apply_test_numbers;

// service_keys.cpp: the service's own keys (the signing keys, the listener and its peers, the
// templates, the store, who may read the metrics).
KeyCheck apply_signing_key;
KeyCheck apply_signing_key_file;
KeyCheck apply_signing_key_previous;
KeyCheck apply_store_key;
KeyCheck apply_store_key_file;
KeyCheck apply_listen;
KeyCheck apply_fastcgi_allowed_peers;
KeyCheck apply_templates_dir;
KeyCheck apply_redis_url;
KeyCheck apply_redis_sentinel_password;
KeyCheck apply_redis_prefix;
KeyCheck apply_metrics_allow;

// abuse_keys.cpp: the limit windows, the country budgets and the fraud guard.
// A limit window's key (its row in guard/limit_windows.hpp says its name, range and default).
std::string apply_window(guard::LimitWindow window, const std::string& v, Config& c);
KeyCheck apply_country_limits;
KeyCheck apply_fraud_guard;
KeyCheck apply_fraud_country_mode;
KeyCheck apply_fraud_min_ratio;
KeyCheck apply_fraud_safe_ranges;

}  // namespace voiceverify::config
