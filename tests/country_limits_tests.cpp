// The per-country hourly budgets (src/guard/limits.cpp): one country's attack cannot spend every
// call of the hour; the home region keeps the whole site-wide budget unless listed; a listed
// country has its own. What a sysadmin sets: LIMIT_COUNTRY_HOUR, COUNTRY_LIMITS.
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "capture_stderr.hpp"
#include "guard/limits.hpp"
#include "shipped_settings.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
namespace vg = voiceverify::guard;

namespace {

vg::LimitSettings budgets() {
  vg::LimitSettings s = voiceverify::testing::roomy_limit_settings("country-limits-tests-secret");
  s.sizes[vg::LimitWindow::GlobalHour] = 30;
  s.sizes[vg::LimitWindow::CountryHour] = 3;
  s.country_calls_per_hour = {{"BE", 5}};
  s.home_region = "NL";
  return s;
}

// Calls to `region` (distinct numbers) until one is refused; how many went through.
int allowed_calls(vg::Limiter& limiter, const std::string& region, int first_number) {
  for (int n = 0; n < 100; ++n) {
    const auto result =
        limiter.before_call(std::to_string(100000000 + first_number + n), "192.0.2.1", region);
    if (result.verdict != vg::LimitVerdict::Allowed) {
      BOOST_TEST((result.window == vg::LimitWindow::CountryHour ||
                  result.window == vg::LimitWindow::GlobalHour));
      return n;
    }
  }
  return 100;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(country_limits_tests)

BOOST_AUTO_TEST_CASE(each_country_has_its_budget_and_home_keeps_the_global_one) {
  const auto store = vs::make_memory_store();
  vg::Limiter limiter(*store, budgets());
  BOOST_TEST(allowed_calls(limiter, "DE", 0) == 3);    // LIMIT_COUNTRY_HOUR
  BOOST_TEST(allowed_calls(limiter, "FR", 100) == 3);  // each country its own
  BOOST_TEST(allowed_calls(limiter, "BE", 200) == 5);  // COUNTRY_LIMITS
  const auto refused = limiter.before_call("4915112345678", "192.0.2.1", "DE");
  BOOST_TEST((refused.window == vg::LimitWindow::CountryHour));
  BOOST_TEST(refused.retry_after.count() > 3500);
  // Home: the rest of the site-wide hour (30 - 11).
  BOOST_TEST(allowed_calls(limiter, "NL", 300) == 19);
  BOOST_TEST(vg::limit_window_name(vg::LimitWindow::CountryHour) == std::string("country-hour"));
}

BOOST_AUTO_TEST_CASE(a_listed_home_region_gets_its_own_budget_and_a_refusal_counts_nowhere) {
  auto settings = budgets();
  settings.country_calls_per_hour["NL"] = 2;
  const auto store = vs::make_memory_store();
  vg::Limiter limiter(*store, settings);
  BOOST_TEST(allowed_calls(limiter, "NL", 0) == 2);
  // The refused calls counted in no other window: the global hour still has 28.
  BOOST_TEST(store->peek("global").value == 2);
  // A region of another shape never becomes a key.
  BOOST_TEST(
      (limiter.before_call("31612345678", "192.0.2.1", "N:L").verdict == vg::LimitVerdict::BadKey));
}

BOOST_AUTO_TEST_CASE(the_site_wide_hour_warns_once_at_eighty_percent) {
  auto settings = budgets();
  settings.sizes[vg::LimitWindow::GlobalHour] = 10;
  const auto store = vs::make_memory_store();
  vg::Limiter limiter(*store, settings);
  std::string log;
  for (int n = 0; n < 10; ++n) {
    const std::string line = voiceverify::testing::capture_stderr(
        [&] { limiter.before_call(std::to_string(316000000 + n), "192.0.2.1", "NL"); });
    if (!line.empty()) BOOST_TEST(n == 7, line);  // the eighth call fills 80 %
    log += line;
  }
  BOOST_TEST(log.find("level=warning event=global_limit_near used=\"8\" limit=\"10\"") !=
                 std::string::npos,
             log);
}

BOOST_AUTO_TEST_SUITE_END()
