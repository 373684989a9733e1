// Cluster-ready keys (docs/redis.md): every command the Redis store sends, and every script it
// runs, touches keys of one Redis Cluster hash slot, and a script touches no key it was not
// given. The commands are the ones the real callers (limits, fraud guard, call records, OpenID
// Connect grants) make the real Redis store send: a tap sees each one's arguments as sent. The
// store is pointed at a port nobody listens on, and the callers get their answers from a memory
// store beside it, so no Redis server is needed and every path runs to its end.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "guard/call_records.hpp"
#include "guard/fraud_guard.hpp"
#include "guard/limits.hpp"
#include "oidc/grants.hpp"
#include "shipped_settings.hpp"
#include "store/redis_scripts.hpp"
#include "store/redis_slot.hpp"
#include "store/redis_url.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
namespace vg = voiceverify::guard;
using namespace std::chrono_literals;

namespace {

const std::string kSecret = "redis-slots-key-secret";
const std::string kVerifyId = "0123456789abcdef0123456789abcdef";
const std::string kOtherId = "fedcba9876543210fedcba9876543210";
const std::string kBrowser = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";

using Command = std::vector<std::string>;

// Answers from `answers`, and sends the same operation to `tapped` (whose answers are dropped).
class TeeStore final : public vs::Store {
 public:
  TeeStore(vs::Store& answers, vs::Store& tapped) : answers_(answers), tapped_(tapped) {}

  vs::Counter increment(const std::string& key, std::chrono::seconds window, long by) override {
    tapped_.increment(key, window, by);
    return answers_.increment(key, window, by);
  }
  vs::Counter take_back(const std::string& key) override {
    tapped_.take_back(key);
    return answers_.take_back(key);
  }
  vs::Counter peek(const std::string& key) override {
    tapped_.peek(key);
    return answers_.peek(key);
  }
  vs::StoreError put(const std::string& key, const std::string& value,
                     std::chrono::seconds ttl) override {
    tapped_.put(key, value, ttl);
    return answers_.put(key, value, ttl);
  }
  vs::Fetched get(const std::string& key) override {
    tapped_.get(key);
    return answers_.get(key);
  }
  vs::StoreError remove(const std::string& key) override {
    tapped_.remove(key);
    return answers_.remove(key);
  }
  vs::Fetched take(const std::string& key) override {
    tapped_.take(key);
    return answers_.take(key);
  }
  vs::StoreError add_to_timeline(const std::string& key, const std::string& member, long at,
                                 std::chrono::seconds ttl) override {
    tapped_.add_to_timeline(key, member, at, ttl);
    return answers_.add_to_timeline(key, member, at, ttl);
  }
  vs::StoreError remove_from_timeline(const std::string& key, const std::string& member) override {
    tapped_.remove_from_timeline(key, member);
    return answers_.remove_from_timeline(key, member);
  }
  vs::Counts count_in_timelines(const std::vector<vs::TimelineQuery>& queries) override {
    tapped_.count_in_timelines(queries);
    return answers_.count_in_timelines(queries);
  }
  vs::Created put_if_absent(const std::string& key, const std::string& value,
                            std::chrono::seconds ttl) override {
    tapped_.put_if_absent(key, value, ttl);
    return answers_.put_if_absent(key, value, ttl);
  }
  vs::Listed keys_with_prefix(const std::string& prefix, std::size_t max) override {
    tapped_.keys_with_prefix(prefix, max);
    return answers_.keys_with_prefix(prefix, max);
  }

 private:
  vs::Store& answers_;
  vs::Store& tapped_;
};

// The Redis store as the pool makes it (with a REDIS_PREFIX), its every command recorded.
struct Tapped {
  std::vector<Command> commands;
  std::unique_ptr<vs::Store> memory = vs::make_memory_store();
  std::unique_ptr<vs::Store> redis;
  std::unique_ptr<TeeStore> tee;

  Tapped() {
    std::string error;
    // Port 1: refused at once, so every operation fails fast after the tap saw it.
    const auto url = vs::parse_redis_url("redis://127.0.0.1:1", error);
    BOOST_REQUIRE_MESSAGE(url, error);
    redis = vs::make_redis_store(*url, "vv:", 200ms, error,
                                 [this](const Command& args) { commands.push_back(args); });
    BOOST_REQUIRE_MESSAGE(redis, error);
    tee = std::make_unique<TeeStore>(*memory, *redis);
  }
};

// The keys of a command, by Redis's key specification of that command; a command this test does
// not know fails it (add its key positions here).
std::vector<std::string> keys_of(const Command& args) {
  BOOST_REQUIRE(!args.empty());
  const std::string& name = args[0];
  if (name == "EVAL") {
    BOOST_REQUIRE(args.size() >= 3);
    const std::size_t count = std::stoul(args[2]);
    BOOST_REQUIRE(args.size() >= 3 + count);
    return {args.begin() + 3, args.begin() + 3 + static_cast<long>(count)};
  }
  if (name == "GET" || name == "SET") return {args.at(1)};
  if (name == "ZREM") return {args.at(1)};  // ZREM key member...
  if (name == "DEL") return {args.begin() + 1, args.end()};
  if (name == "SCAN") return {};  // no key: it walks the keyspace (docs/redis.md)
  BOOST_FAIL("a command this test does not know: " << name);
  return {};
}

// The commands a script may call, each with its one key first.
const std::set<std::string> kOneKeyCommands = {
    "INCRBY", "PTTL", "PEXPIRE",          "EXPIRE", "GET",          "DECR",
    "DEL",    "ZADD", "ZREMRANGEBYSCORE", "ZCOUNT", "ZRANGEBYSCORE"};

// What is wrong with `script`'s use of keys when given `key_count` keys: each redis.call's
// command must be one of kOneKeyCommands and its key KEYS[n] (n <= key_count) or the variable
// of a loop over KEYS. Empty when nothing is.
std::string key_misuse(std::string_view script, std::size_t key_count) {
  std::set<std::string> loop_variables;
  for (std::size_t at = script.find("in ipairs(KEYS)"); at != std::string_view::npos;
       at = script.find("in ipairs(KEYS)", at + 1)) {
    // "for i, k in ipairs(KEYS)": the variable just before " in".
    auto before = script.substr(0, at);
    while (before.ends_with(' ')) before.remove_suffix(1);
    const auto start = before.find_last_of(", ") + 1;
    loop_variables.insert(std::string(before.substr(start)));
  }
  if (script.find("redis.pcall") != std::string_view::npos) return "uses redis.pcall";
  constexpr std::string_view kCall = "redis.call('";
  for (std::size_t at = script.find(kCall); at != std::string_view::npos;
       at = script.find(kCall, at + 1)) {
    const auto name_start = at + kCall.size();
    const auto name_end = script.find('\'', name_start);
    const std::string name(script.substr(name_start, name_end - name_start));
    if (!kOneKeyCommands.contains(name)) return "calls " + name + ", not a known one-key command";
    const auto args_end = script.find(')', name_end);
    const std::string_view args = script.substr(name_end + 1, args_end - name_end - 1);
    if (!args.starts_with(", ")) return name + " without a key";
    std::string_view key = args.substr(2);
    key = key.substr(0, key.find(','));
    if (name == "DEL" && args.find(',', 2) != std::string_view::npos) return "DEL of several keys";
    if (loop_variables.contains(std::string(key))) continue;
    if (!key.starts_with("KEYS[") || !key.ends_with("]")) {
      return name + " touches " + std::string(key) + ", not a key given in KEYS";
    }
    const std::size_t n = std::stoul(std::string(key.substr(5, key.size() - 6)));
    if (n < 1 || n > key_count) return name + " touches " + std::string(key) + " beyond KEYS";
  }
  return {};
}

std::string script_name(const std::string& text) {
  for (const auto& script : vs::kRedisScripts) {
    if (text == script.text) return script.name;
  }
  return {};
}

// Every command's keys in one slot, every script one of ours, using only the keys it is given.
// Returns how many commands gave more than one key.
std::size_t check_commands(const std::vector<Command>& commands) {
  std::size_t multi_key = 0;
  for (const auto& args : commands) {
    const auto keys = keys_of(args);
    if (keys.size() > 1) ++multi_key;
    std::set<unsigned> slots;
    for (const auto& key : keys) slots.insert(vs::redis_hash_slot(key));
    std::string all;
    for (const auto& key : keys) all += " " + key;
    BOOST_TEST(slots.size() <= 1u, args[0] << " spans " << slots.size() << " slots:" << all);
    if (args[0] != "EVAL") continue;
    const std::string name = script_name(args[1]);
    BOOST_TEST(!name.empty(), "a script not in kRedisScripts:" << all);
    BOOST_TEST(key_misuse(args[1], keys.size()).empty(),
               name << ": " << key_misuse(args[1], keys.size()));
  }
  return multi_key;
}

vg::FraudSettings guarding_fraud_settings() {
  vg::FraudSettings s = voiceverify::testing::shipped_fraud_settings(kSecret);
  s.range_mode = vg::GuardMode::Enforce;
  s.country_mode = vg::GuardMode::Enforce;
  s.range_min_calls = 2;
  s.country_min_calls = 2;
  s.code_timeout = 1s;
  s.window = 3600s;
  s.min_ratio = 0.5;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(redis_slots_tests)

// The cluster specification's own examples ("Keys hash tags", "Appendix A").
BOOST_AUTO_TEST_CASE(slots_follow_the_cluster_specification) {
  BOOST_TEST(vs::redis_hash_slot("123456789") == 0x31C3u % 16384);
  BOOST_TEST(vs::redis_hash_slot("foo") == 12182u);
  BOOST_TEST(vs::redis_hash_slot("{user1000}.following") ==
             vs::redis_hash_slot("{user1000}.followers"));
  BOOST_TEST(vs::redis_hashed_part("{user1000}.following") == "user1000");
  BOOST_TEST(vs::redis_hashed_part("foo{}{bar}") == "foo{}{bar}");
  BOOST_TEST(vs::redis_hashed_part("foo{{bar}}zap") == "{bar");
  BOOST_TEST(vs::redis_hashed_part("foo{bar}{zap}") == "bar");
  BOOST_TEST(vs::redis_hashed_part("no tag{") == "no tag{");
  BOOST_TEST(vs::redis_hash_slot("vv:fraud:{range:ab}:started") == vs::redis_hash_slot("range:ab"));
}

BOOST_AUTO_TEST_CASE(every_script_touches_only_its_keys) {
  for (const auto& script : vs::kRedisScripts) {
    // The timeline count loops over every key it is given; the others use KEYS[1] only.
    BOOST_TEST(key_misuse(script.text, 1).empty(),
               script.name << ": " << key_misuse(script.text, 1));
  }
  BOOST_TEST(!key_misuse("return redis.call('GET', 'other')", 1).empty());
  BOOST_TEST(!key_misuse("return redis.call('GET', KEYS[2])", 1).empty());
  BOOST_TEST(!key_misuse("return redis.call('MGET', KEYS[1], KEYS[2])", 2).empty());
  BOOST_TEST(!key_misuse("return redis.call('DEL', KEYS[1], KEYS[2])", 2).empty());
}

// What the limits send for a verification and for every window's refusal.
BOOST_AUTO_TEST_CASE(the_limits_keys_fall_in_one_slot_per_command) {
  Tapped tapped;
  for (const auto& row : vg::kLimitWindows) {
    vg::LimitSettings s = voiceverify::testing::roomy_limit_settings(kSecret);
    s.sizes[row.window] = row.sizing == vg::Sizing::Interval ? 60 : 1;
    s.country_calls_per_hour = {{"BE", 1}};
    s.home_region = "NL";
    vg::Limiter limiter(*tapped.tee, s);
    for (int i = 0; i < 2; ++i) {
      limiter.before_call("+32470123456", "2001:db8::7", "BE");
      limiter.before_call("+31612345678", "198.51.100.7", "NL");
    }
    int left = 0;
    limiter.before_check(kVerifyId, 300s, left);
    limiter.refund_attempt(kVerifyId);
    limiter.note_call(kVerifyId, "+31612345678", 300s);
    limiter.verified_from(kVerifyId, "198.51.100.7");
    limiter.finish(kVerifyId, 300s);
    bool done = false;
    limiter.finished(kVerifyId, done);
    std::vector<vg::HeldNumber> held;
    limiter.list_held(held);
    vs::StoreError error{};
    limiter.release("+31612345678", error);
    limiter.store_answers();
  }
  BOOST_TEST(tapped.commands.size() > 50u);
  check_commands(tapped.commands);
}

// The fraud guard counts a range's and a country's timelines at once: the one operation given
// several keys. Each subject's keys share its hash tag, and the store sends one script per slot.
BOOST_AUTO_TEST_CASE(the_fraud_guards_keys_fall_in_one_slot_per_command) {
  Tapped tapped;
  long now = 1'700'000'000;
  vg::FraudGuard guard(*tapped.tee, guarding_fraud_settings(), [&now] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(now));
  });
  BOOST_TEST((guard.before_call("+31612345678", "NL").verdict == vg::GuardVerdict::Allowed));
  guard.call_started(kVerifyId, "+31612345678", "NL", "198.51.100.1");
  guard.call_started(kOtherId, "+31612345679", "NL", "2001:db8:1::1");
  guard.call_settled(kVerifyId, vg::Settlement::TriesSpent);
  guard.call_settled(kOtherId, vg::Settlement::Verified);
  now += 600;
  // Two settled calls, one verified: the ratio holds.
  BOOST_TEST((guard.before_call("+31612345670", "NL").verdict == vg::GuardVerdict::Allowed));
  guard.call_started(std::string(32, 'a'), "+31612345671", "NL", "203.0.113.1");
  guard.call_started(std::string(32, 'c'), "+31612345671", "NL", "2001:db8:2::1");
  now += 600;
  // Four settled, one verified: a quarantine begins.
  BOOST_TEST((guard.before_call("+31612345672", "NL").verdict == vg::GuardVerdict::Refused));
  std::vector<vg::Block> blocks;
  guard.blocks(blocks);
  vs::StoreError error{};
  guard.lift("+3161234", error);
  now += 86400 * 3;
  guard.report_ended();
  BOOST_TEST(check_commands(tapped.commands) >= 2u, "the counts of range and country were sent");
}

BOOST_AUTO_TEST_CASE(the_code_pages_and_oidc_keys_fall_in_one_slot_per_command) {
  Tapped tapped;
  vg::CallRecords records(*tapped.tee, kSecret);
  records.keep_number(kVerifyId, kBrowser, "31612345678", 300s);
  records.number_of(kVerifyId, kBrowser);
  records.forget_number(kVerifyId);
  const std::string claim = records.submission_key(kBrowser, "31612345678");
  records.claim(claim, 60s, 0ms);
  records.settle(claim, kVerifyId, 1'700'000'000, 60s);
  records.release(records.call_again_key(kBrowser, kVerifyId));
  voiceverify::oidc::Grants grants(*tapped.tee, kSecret);
  const auto code = grants.issue_code(
      {"client", "https://rp.example/cb", "", "n", "+31612345678", true, 1'700'000'000});
  grants.redeem_code(code.value);
  const auto token = grants.issue_access_token({"client", "sub", "+31612345678", true});
  grants.find_access_token(token.value);
  BOOST_TEST(tapped.commands.size() > 8u);
  check_commands(tapped.commands);
}

BOOST_AUTO_TEST_SUITE_END()
