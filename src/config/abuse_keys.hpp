// The checks of the abuse keys (the country budgets and the fraud guard), kept apart from
// keys.cpp's table, which refers to them.
#pragma once

#include <string>

#include "config/config.hpp"

namespace voiceverify::config {

// Each returns the reason a value is refused, empty when it was taken into `c`.
std::string apply_country_limits(const std::string& v, Config& c);
std::string apply_fraud_guard(const std::string& v, Config& c);
std::string apply_fraud_country_mode(const std::string& v, Config& c);
std::string apply_fraud_min_ratio(const std::string& v, Config& c);
std::string apply_fraud_safe_ranges(const std::string& v, Config& c);

}  // namespace voiceverify::config
