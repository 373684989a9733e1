// The window table (src/guard/limit_windows.hpp) against everything that must follow it: the
// config's keys and defaults, scripts/lib/no-limits.env (read by bash, so no compiler sees it),
// the banners and the metrics' zero series. Adding a row without its key, its no-limits line or
// a unique name fails here.
#include "guard/limit_windows.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "app/prometheus_metrics.hpp"
#include "config/config.hpp"
#include "config_helpers.hpp"
#include "harness.hpp"
#include "web/outcome_banner.hpp"

namespace guard = voiceverify::guard;
namespace config = voiceverify::config;
using voiceverify::testing::base_env;

BOOST_AUTO_TEST_SUITE(limit_windows_tests)

BOOST_AUTO_TEST_CASE(names_prefixes_and_keys_are_unique) {
  std::set<std::string> names;
  std::set<std::string> prefixes;
  std::set<std::string> keys;
  for (const auto& window : guard::kLimitWindows) {
    BOOST_TEST(names.insert(window.name).second, window.name);
    BOOST_TEST(prefixes.insert(window.key_prefix).second, window.key_prefix);
    BOOST_TEST(keys.insert(window.setting.key).second, window.setting.key);
    BOOST_TEST(guard::limit_window_name(window.window) == std::string(window.name));
  }
  // The names are the log's and the metrics' labels: the ones dashboards and alerts know.
  BOOST_TEST(std::string(guard::limit_window_name(guard::LimitWindow::ClientHour)) == "ip-hour");
  BOOST_TEST(std::string(guard::limit_window_name(guard::LimitWindow::Attempts)) == "attempts");
}

BOOST_AUTO_TEST_CASE(every_window_is_sized_by_a_config_key_with_the_row_s_default) {
  const auto& known = config::known_keys();
  const auto loaded = config::load("", base_env());
  BOOST_TEST_REQUIRE(loaded.config.has_value(), loaded.error);
  for (const auto& window : guard::kLimitWindows) {
    BOOST_TEST((std::find(known.begin(), known.end(), window.setting.key) != known.end()),
               window.setting.key);
    BOOST_TEST(loaded.config->window_sizes[window.window] == window.setting.fallback,
               window.setting.key);
  }
}

BOOST_AUTO_TEST_CASE(no_limits_env_lifts_every_window_and_the_config_takes_it) {
  auto env = base_env();
  for (const auto& window : guard::kLimitWindows) {
    const char* lifted = guard::lifted_value(window);
    if (lifted == nullptr) continue;  // code tries: no load meets them
    BOOST_TEST(voiceverify::testing::no_limits_value(window.setting.key) == lifted,
               window.setting.key << " missing from scripts/lib/no-limits.env, or not lifted");
    env[window.setting.key] = lifted;
  }
  const auto loaded = config::load("", env);
  BOOST_TEST(loaded.config.has_value(), loaded.error);
}

BOOST_AUTO_TEST_CASE(a_refusal_shows_its_row_s_banner) {
  for (const auto& window : guard::kLimitWindows) {
    voiceverify::verify::Outcome outcome;
    outcome.kind = voiceverify::verify::OutcomeKind::Limited;
    outcome.window = window.window;
    outcome.retry_after = std::chrono::seconds(42);
    const auto banner = voiceverify::web::banner_for(outcome, 6);
    BOOST_TEST_REQUIRE(banner.has_value(), window.name);
    BOOST_TEST((banner->message == window.banner), window.name);
    BOOST_TEST(banner->n == 42, window.name);
  }
}

BOOST_AUTO_TEST_CASE(every_window_has_a_zero_series_from_the_start) {
  const voiceverify::app::PrometheusMetrics metrics("test", 1);
  const std::string text = metrics.exposition();
  for (const auto& window : guard::kLimitWindows) {
    const std::string series =
        "voiceverify_limit_hits_total{window=\"" + std::string(window.name) + "\"} 0";
    BOOST_TEST(text.find(series) != std::string::npos, series);
  }
}

BOOST_AUTO_TEST_SUITE_END()
