// parse_redis_url, the one REDIS_URL parser: a table of URLs (redis:// and redis+sentinel://), the
// config check agreeing with it on every one, and the Redis store reaching a server by an IPv6
// literal.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "app/settings.hpp"
#include "capture_stderr.hpp"
#include "config/config.hpp"
#include "redis_server.hpp"
#include "store/redis_url.hpp"
#include "store/store.hpp"

namespace vs = voiceverify::store;
namespace config = voiceverify::config;
using namespace std::chrono_literals;

namespace {

struct Good {
  std::string url;
  std::string host;
  int port;
  int db;
};

const std::vector<Good> kGood = {
    {"redis://127.0.0.1:6379", "127.0.0.1", 6379, 0},
    {"redis://redis.internal:16379/15", "redis.internal", 16379, 15},
    {"redis://cache-1.example.org:1/0", "cache-1.example.org", 1, 0},
    {"redis://[::1]:6379", "::1", 6379, 0},
    {"redis://[2001:db8::7]:6380/3", "2001:db8::7", 6380, 3},
    {"redis://[::ffff:10.0.0.1]:65535/99999", "::ffff:10.0.0.1", 65535, 99999},
};

const std::vector<std::string> kBad = {
    "",
    "rediss://127.0.0.1:6379",
    "http://127.0.0.1:6379",
    "127.0.0.1:6379",
    "redis://127.0.0.1",
    "redis://127.0.0.1:",
    "redis://127.0.0.1:0",
    "redis://127.0.0.1:65536",
    "redis://127.0.0.1:063",
    "redis://127.0.0.1:+63",
    "redis://127.0.0.1:6379x",
    "redis://127.0.0.1:6379/",
    "redis://127.0.0.1:6379/a",
    "redis://127.0.0.1:6379/-1",
    "redis://127.0.0.1:6379/100000",
    "redis://127.0.0.1:6379/0/1",
    "redis://127.0.0.1:6379?db=1",
    "redis://127.0.0.1:6379#x",
    "redis://user@127.0.0.1:6379",  // a user needs a password
    "redis://user:@127.0.0.1:6379",
    "redis://:secret%zz@127.0.0.1:6379",  // a broken escape
    "redis://:secret%0a@127.0.0.1:6379",  // a control byte
    "redis://:secret%4@127.0.0.1:6379",
    "redis://:secret@127.0.0.1",  // still needs the port
    "redis://::1:6379",
    "redis://[::1]",
    "redis://[::1]6379",
    "redis://[::1:6379",
    "redis://[]:6379",
    "redis://[not-an-address]:6379",
    "redis://[fe80::1%eth0]:6379",
    "redis://[127.0.0.1]:6379",
    "redis:// 127.0.0.1:6379",
    "redis://127.0.0.1:6379\n",
    "redis://..:6379",
    "redis://:6379",
    // redis+sentinel://
    "redis+sentinel://127.0.0.1:26379",  // no primary name
    "redis+sentinel://127.0.0.1:26379/",
    "redis+sentinel://127.0.0.1/mymaster",  // a sentinel needs its port
    "redis+sentinel://127.0.0.1:26379,/mymaster",
    "redis+sentinel://,127.0.0.1:26379/mymaster",
    "redis+sentinel://127.0.0.1:26379,,127.0.0.2:26379/mymaster",
    "redis+sentinel://127.0.0.1:26379,127.0.0.1:26379/mymaster",  // the same sentinel twice
    "redis+sentinel:///mymaster",
    "redis+sentinel://127.0.0.1:26379/my/master",
    "redis+sentinel://127.0.0.1:26379/my master",
    "redis+sentinel://127.0.0.1:26379/mymaster?",
    "redis+sentinel://127.0.0.1:26379/mymaster?db=",
    "redis+sentinel://127.0.0.1:26379/mymaster?db=01",
    "redis+sentinel://127.0.0.1:26379/mymaster?db=100000",
    "redis+sentinel://127.0.0.1:26379/mymaster?db=1&x=2",
    "redis+sentinel://127.0.0.1:26379/mymaster?timeout=1",
    "redis+sentinel://127.0.0.1:26379/mymaster#x",
    "redis+sentinel://[::1:26379/mymaster",
    "redis+sentinel://[::1]/mymaster",
    "redis+sentinel://::1:26379/mymaster",
    "redis+sentinel://user@127.0.0.1:26379/mymaster",
    "redis+sentinel://:secret%zz@127.0.0.1:26379/mymaster",
    "rediss+sentinel://127.0.0.1:26379/mymaster",
    "redis+sentinel://127.0.0.1:26379/" + std::string(vs::kMaxPrimaryName + 1, 'm'),
    "redis+sentinel://127.0.0.1:26379/" + std::string(vs::kMaxUrlLength, 'm'),
};

// n sentinels on 127.0.0.1, ports 26001...
std::string sentinel_list(std::size_t n) {
  std::string list;
  for (std::size_t i = 0; i < n; ++i) {
    list += (i ? "," : "") + std::string("127.0.0.1:") + std::to_string(26001 + i);
  }
  return list;
}

struct GoodSentinel {
  std::string url;
  std::vector<vs::RedisEndpoint> sentinels;
  std::string name;
  int db;
};

const std::vector<GoodSentinel> kGoodSentinel = {
    {"redis+sentinel://127.0.0.1:26379/mymaster", {{"127.0.0.1", 26379}}, "mymaster", 0},
    {"redis+sentinel://:secret@host1:26379,host2:26379,[::1]:26380/mymaster?db=3",
     {{"host1", 26379}, {"host2", 26379}, {"::1", 26380}},
     "mymaster",
     3},
    {"redis+sentinel://[2001:db8::5]:1/vv.primary_1-a?db=99999",
     {{"2001:db8::5", 1}},
     "vv.primary_1-a",
     99999},
    {"redis+sentinel://127.0.0.1:26379/" + std::string(vs::kMaxPrimaryName, 'm'),
     {{"127.0.0.1", 26379}},
     std::string(vs::kMaxPrimaryName, 'm'),
     0},
};

bool config_accepts(const std::string& url) {
  const auto result =
      config::load("", {{"MESSAGEBIRD_ACCESS_KEY", "test_gshuPaZoeEG6ovbc8M79w0QyM"},
                        {"SIGNING_KEY", "0123456789abcdef0123456789abcdef-signing"},
                        {"REDIS_URL", url}});
  return result.config.has_value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(redis_url_tests)

BOOST_AUTO_TEST_CASE(good_urls_parse_into_host_port_and_database) {
  for (const auto& good : kGood) {
    std::string error;
    const auto parsed = vs::parse_redis_url(good.url, error);
    BOOST_TEST_REQUIRE(parsed.has_value(), good.url << ": " << error);
    BOOST_TEST(parsed->host == good.host, good.url);
    BOOST_TEST(parsed->port == good.port, good.url);
    BOOST_TEST(parsed->db == good.db, good.url);
  }
}

BOOST_AUTO_TEST_CASE(bad_urls_are_refused_with_a_reason_that_does_not_repeat_them) {
  for (const auto& url : kBad) {
    std::string error;
    BOOST_TEST(!vs::parse_redis_url(url, error).has_value(), url);
    BOOST_TEST(!error.empty(), url);
    BOOST_TEST(error.find("secret") == std::string::npos, url);
  }
}

BOOST_AUTO_TEST_CASE(sentinel_urls_parse_into_sentinels_name_and_database) {
  for (const auto& good : kGoodSentinel) {
    std::string error;
    const auto parsed = vs::parse_redis_url(good.url, error);
    BOOST_TEST_REQUIRE(parsed.has_value(), good.url << ": " << error);
    BOOST_TEST(parsed->uses_sentinel(), good.url);
    BOOST_TEST((parsed->sentinels == good.sentinels), good.url);
    BOOST_TEST(parsed->primary_name == good.name, good.url);
    BOOST_TEST(parsed->db == good.db, good.url);
    BOOST_TEST(parsed->host.empty(), good.url);
  }
  std::string error;
  const auto with_password =
      vs::parse_redis_url("redis+sentinel://pool:pa%40ss@127.0.0.1:26379/m", error);
  BOOST_TEST_REQUIRE(with_password.has_value(), error);
  BOOST_TEST(with_password->user == "pool");
  BOOST_TEST(with_password->password == "pa@ss");
  BOOST_TEST(with_password->sentinel_password.empty());  // REDIS_SENTINEL_PASSWORD's, not the URL's
  BOOST_TEST(!vs::parse_redis_url("redis://127.0.0.1:6379", error)->uses_sentinel());
}

BOOST_AUTO_TEST_CASE(the_sentinel_password_reaches_the_store_settings) {
  const auto result =
      config::load("", {{"MESSAGEBIRD_ACCESS_KEY", "test_gshuPaZoeEG6ovbc8M79w0QyM"},
                        {"SIGNING_KEY", "0123456789abcdef0123456789abcdef-signing"},
                        {"REDIS_URL", "redis+sentinel://:primary-pw@127.0.0.1:26379/mymaster"},
                        {"REDIS_SENTINEL_PASSWORD", "sentinel-pw"}});
  BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
  const auto settings = voiceverify::app::store_settings(*result.config);
  BOOST_TEST_REQUIRE(settings.redis.has_value());
  BOOST_TEST(settings.redis->password == "primary-pw");
  BOOST_TEST(settings.redis->sentinel_password == "sentinel-pw");
  const auto control =
      config::load("", {{"MESSAGEBIRD_ACCESS_KEY", "test_gshuPaZoeEG6ovbc8M79w0QyM"},
                        {"SIGNING_KEY", "0123456789abcdef0123456789abcdef-signing"},
                        {"REDIS_SENTINEL_PASSWORD", "bad\npw"}});
  BOOST_TEST(!control.config.has_value());
  BOOST_TEST(control.error.find("REDIS_SENTINEL_PASSWORD") != std::string::npos, control.error);
  BOOST_TEST(control.error.find("bad") == std::string::npos, control.error);
}

BOOST_AUTO_TEST_CASE(the_sentinel_count_is_capped) {
  std::string error;
  const auto most = vs::parse_redis_url(
      "redis+sentinel://" + sentinel_list(vs::kMaxSentinels) + "/mymaster", error);
  BOOST_TEST_REQUIRE(most.has_value(), error);
  BOOST_TEST(most->sentinels.size() == vs::kMaxSentinels);
  BOOST_TEST(!vs::parse_redis_url(
                  "redis+sentinel://" + sentinel_list(vs::kMaxSentinels + 1) + "/mymaster", error)
                  .has_value());
  BOOST_TEST(error.find("more than") != std::string::npos, error);
}

// A URL the config check passes must be one the store then accepts, and the other way round.
BOOST_AUTO_TEST_CASE(config_and_store_agree_on_every_url) {
  for (const auto& good : kGood) {
    BOOST_TEST(config_accepts(good.url), good.url);
    std::string error;
    BOOST_TEST(static_cast<bool>(vs::make_redis_store(good.url, "p:", 1000ms, error)), good.url);
  }
  for (const auto& good : kGoodSentinel) {
    BOOST_TEST(config_accepts(good.url), good.url);
    std::string error;
    BOOST_TEST(static_cast<bool>(vs::make_redis_store(good.url, "p:", 1000ms, error)), good.url);
  }
  for (const auto& url : kBad) {
    if (url.empty()) continue;  // empty REDIS_URL means the in-memory store
    BOOST_TEST(!config_accepts(url), url);
    std::string error;
    BOOST_TEST(!vs::make_redis_store(url, "p:", 1000ms, error), url);
  }
}

BOOST_AUTO_TEST_CASE(a_password_and_an_acl_user_are_read_and_decoded) {
  std::string error;
  auto parsed = vs::parse_redis_url("redis://:secret@127.0.0.1:6379", error);
  BOOST_TEST_REQUIRE(parsed.has_value(), error);
  BOOST_TEST(parsed->user.empty());
  BOOST_TEST(parsed->password == "secret");
  parsed = vs::parse_redis_url("redis://pool-a:pa:ss%40w%25rd@[::1]:6379/3", error);
  BOOST_TEST_REQUIRE(parsed.has_value(), error);
  BOOST_TEST(parsed->user == "pool-a");
  BOOST_TEST(parsed->password == "pa:ss@w%rd");
  BOOST_TEST(parsed->host == "::1");
  BOOST_TEST(parsed->db == 3);
}

BOOST_AUTO_TEST_CASE(the_store_authenticates_and_a_wrong_password_fails_closed_unlogged) {
  const std::string password = "pa:ss@word-0123";
  voiceverify::testing::RedisServer server("127.0.0.1", password);
  const std::string at = "@127.0.0.1:" + std::to_string(server.port()) + "/0";
  for (const std::string& user : {std::string(), std::string("default")}) {
    std::string error;
    auto store = vs::make_redis_store("redis://" + user + ":pa:ss%40word-0123" + at,
                                      voiceverify::testing::unique_redis_prefix(), 2000ms, error);
    BOOST_TEST_REQUIRE(static_cast<bool>(store), error);
    BOOST_TEST((store->increment("k", 60s).error == vs::StoreError::None), user);
  }
  std::string error;
  auto wrong = vs::make_redis_store("redis://:not-the-password" + at,
                                    voiceverify::testing::unique_redis_prefix(), 2000ms, error);
  BOOST_TEST_REQUIRE(static_cast<bool>(wrong), error);
  vs::StoreError refused = vs::StoreError::None;
  const std::string log =
      voiceverify::testing::capture_stderr([&] { refused = wrong->increment("k", 60s).error; });
  BOOST_TEST((refused == vs::StoreError::Unavailable));
  BOOST_TEST(log.find("level=error event=redis_auth_failed") != std::string::npos, log);
  BOOST_TEST(log.find("not-the-password") == std::string::npos, log);
}

BOOST_AUTO_TEST_CASE(the_store_reaches_redis_over_ipv6_loopback) {
  voiceverify::testing::RedisServer server("::1");
  const std::string url = server.url(2);
  BOOST_TEST(url.starts_with("redis://[::1]:"));
  BOOST_TEST(config_accepts(url));
  std::string error;
  auto store =
      vs::make_redis_store(url, voiceverify::testing::unique_redis_prefix(), 2000ms, error);
  BOOST_TEST_REQUIRE(static_cast<bool>(store), error);
  BOOST_TEST((store->increment("k", 60s).error == vs::StoreError::None));
  BOOST_TEST(store->increment("k", 60s).value == 2);
}

BOOST_AUTO_TEST_SUITE_END()
