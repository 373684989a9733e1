// The checks of the abuse keys (the limit windows, the country budgets and the fraud guard),
// kept apart from keys.cpp's table, which refers to them.
#pragma once

#include <string>

#include "config/config.hpp"

namespace voiceverify::config {

// Each returns the reason a value is refused, empty when it was taken into `c`.
// A limit window's key (its row in guard/limit_windows.hpp says its name, range and default).
std::string apply_window(guard::LimitWindow window, const std::string& v, Config& c);
std::string apply_country_limits(const std::string& v, Config& c);
std::string apply_fraud_guard(const std::string& v, Config& c);
std::string apply_fraud_country_mode(const std::string& v, Config& c);
std::string apply_fraud_min_ratio(const std::string& v, Config& c);
std::string apply_fraud_safe_ranges(const std::string& v, Config& c);

}  // namespace voiceverify::config
