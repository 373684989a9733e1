// The per-requester window of a number (LIMIT_NUMBER_PER_CLIENT_DAY, src/guard/limits.cpp): one
// address cannot make a stranger's phone ring more than three times a day, others still can
// (up to the number's own daily cap), and an address the number was verified from is exempt.
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "guard/limits.hpp"
#include "shipped_settings.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
namespace vg = voiceverify::guard;

namespace {

const std::string kNumber = "31612345678";
const std::string kId = "4e213b01155d1e35a9d9571v00162985";

struct Limits {
  std::unique_ptr<vs::Store> store = vs::make_memory_store();
  vg::Limiter limiter{*store, [] {
                        auto s = voiceverify::testing::roomy_limit_settings("harassment-secret");
                        s.sizes[vg::LimitWindow::NumberDayAll] = 5;
                        s.sizes[vg::LimitWindow::NumberClientDay] = 3;
                        return s;
                      }()};
  vg::LimitResult call(const std::string& client) { return limiter.before_call(kNumber, client); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(harassment_tests)

BOOST_AUTO_TEST_CASE(one_address_rings_a_number_three_times_a_day_others_still_can) {
  Limits l;
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST((l.call("192.0.2.1").verdict == vg::LimitVerdict::Allowed), i);
  }
  const auto refused = l.call("192.0.2.1");
  BOOST_TEST((refused.verdict == vg::LimitVerdict::Limited));
  BOOST_TEST((refused.window == vg::LimitWindow::NumberClientDay));
  BOOST_TEST(vg::limit_window_name(refused.window) == std::string("number-client-day"));
  // IPv6: the whole /64 is one requester.
  for (int i = 0; i < 2; ++i) {
    BOOST_TEST((l.call("2001:db8::" + std::to_string(i + 1)).verdict == vg::LimitVerdict::Allowed));
  }
  // The number-wide daily cap (5) stays the ceiling across requesters.
  const auto capped = l.call("2001:db8::3");
  BOOST_TEST((capped.window == vg::LimitWindow::NumberDayAll));
}

BOOST_AUTO_TEST_CASE(an_address_the_number_was_verified_from_is_never_refused_by_it) {
  Limits l;
  BOOST_TEST((l.call("192.0.2.1").verdict == vg::LimitVerdict::Allowed));
  BOOST_TEST(
      (l.limiter.note_call(kId, kNumber, std::chrono::seconds(300)) == vs::StoreError::None));
  BOOST_TEST((l.limiter.verified_from(kId, "192.0.2.1") == vs::StoreError::None));
  for (int i = 0; i < 4; ++i) {
    BOOST_TEST((l.call("192.0.2.1").verdict == vg::LimitVerdict::Allowed), i);
  }
  // ...but the number-wide daily cap still holds.
  BOOST_TEST((l.call("192.0.2.1").window == vg::LimitWindow::NumberDayAll));
  // Another address of the verified one's owner is a stranger to the rule.
  BOOST_TEST((l.call("198.51.100.7").verdict == vg::LimitVerdict::Limited));
}

BOOST_AUTO_TEST_SUITE_END()
