// The shipped nginx files against the pool: every route of the route table (web/routes.hpp) that
// takes a POST is served by a location of nginx/snippets/voiceverify-locations.conf that applies
// the form-post rate limit, so a new route or a new location cannot leave a form unlimited; and
// every error page nginx serves itself is one the build renders. No nginx runs here: the
// locations are matched the way nginx matches them (exact, longest prefix, ^~, then regexes in
// order), see nginx's documentation of the location directive.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "harness.hpp"
#include "view/templates.hpp"
#include "web/routes.hpp"

namespace {

using voiceverify::testing::read_file;

const std::string kSource = VV_SOURCE_DIR;
const std::string kLimit = "limit_req zone=voiceverify_post ";

// The text with every '#' comment removed (the files quote no '#').
std::string without_comments(const std::string& text) {
  return std::regex_replace(text, std::regex("#[^\n]*"), "");
}

struct Location {
  std::string modifier;  // "", "=", "^~", "~", "~*"
  std::string pattern;
  std::string body;  // between its braces
};

// The top-level location blocks of a server-level snippet.
std::vector<Location> locations_of(const std::string& conf) {
  const std::string text = without_comments(conf);
  std::vector<Location> out;
  static const std::regex head(R"(location\s+(=|\^~|~\*|~)?\s*(\S+)\s*\{)");
  auto at = text.cbegin();
  std::smatch m;
  while (std::regex_search(at, text.cend(), m, head)) {
    auto open = m[0].second;
    int depth = 1;
    auto close = open;
    for (; close != text.cend() && depth > 0; ++close)
      depth += *close == '{' ? 1 : *close == '}' ? -1 : 0;
    BOOST_REQUIRE_MESSAGE(depth == 0, "unbalanced braces after location " << m[2]);
    out.push_back({m[1].str(), m[2].str(), std::string(open, close - 1)});
    at = close;
  }
  return out;
}

// The location nginx picks for `path`: an exact match; else the longest prefix, unless a regex
// (checked in order) matches and that prefix was not ^~.
const Location* pick(const std::vector<Location>& locations, const std::string& path) {
  const Location* longest = nullptr;
  for (const auto& l : locations) {
    if (l.modifier == "=" && l.pattern == path) return &l;
    if ((l.modifier.empty() || l.modifier == "^~") && path.rfind(l.pattern, 0) == 0 &&
        (longest == nullptr || l.pattern.size() > longest->pattern.size()))
      longest = &l;
  }
  if (longest != nullptr && longest->modifier == "^~") return longest;
  for (const auto& l : locations) {
    if (l.modifier != "~" && l.modifier != "~*") continue;
    const auto flags = l.modifier == "~*" ? std::regex::icase : std::regex::ECMAScript;
    if (std::regex_search(path, std::regex(l.pattern, flags))) return &l;
  }
  return longest;
}

std::string example_path(const voiceverify::web::RouteRow& row) {
  return std::string(row.path) +
         (row.takes_id ? "0123456789abcdef0123456789abcdef" + std::string(row.suffix) : "");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nginx_site_tests)

// A form post that nginx does not limit would reach the pool at any rate: every POST row must
// land in a location with the zone's limit_req. GET-only rows need none (health checks, pages).
BOOST_AUTO_TEST_CASE(every_post_route_is_served_by_a_rate_limited_location) {
  const auto locations =
      locations_of(read_file(kSource + "/nginx/snippets/voiceverify-locations.conf"));
  BOOST_REQUIRE(!locations.empty());
  int posts = 0;
  for (const auto& row : voiceverify::web::kRoutes) {
    const std::string path = example_path(row);
    const Location* location = pick(locations, path);
    BOOST_TEST_REQUIRE(location != nullptr, "no location serves " << path);
    if (row.method != voiceverify::web::Method::Post) continue;
    ++posts;
    BOOST_TEST(location->body.find(kLimit) != std::string::npos,
               "POST " << path << " (" << row.name << ") is served by location "
                       << location->modifier << " " << location->pattern << ", which has no "
                       << kLimit);
    BOOST_TEST(location->body.find("fastcgi_pass voiceverify_pool;") != std::string::npos,
               "POST " << path << " does not reach the pool");
  }
  BOOST_TEST(posts >= 2);  // start_call and check_code at least
}

// The checker itself: it must see a location that forgets the limit, and nginx's precedence.
BOOST_AUTO_TEST_CASE(the_location_matcher_follows_nginx) {
  const auto locations = locations_of(R"(
    location / { limit_req zone=voiceverify_post burst=1; }
    location /EnterCode/ { fastcgi_pass voiceverify_pool; }   # forgot the limit
    location = /healthz { return 200; }
    location ^~ /static/ { try_files $uri =404; }
    location ~ \.php$ { return 404; }
  )");
  BOOST_TEST_REQUIRE(locations.size() == 5u);
  BOOST_TEST(pick(locations, "/")->pattern == "/");
  BOOST_TEST(pick(locations, "/EnterCode/abc")->pattern == "/EnterCode/");
  BOOST_TEST(pick(locations, "/EnterCode/abc")->body.find(kLimit) == std::string::npos);
  BOOST_TEST(pick(locations, "/healthz")->pattern == "/healthz");
  BOOST_TEST(pick(locations, "/healthz/x")->pattern == "/");
  BOOST_TEST(pick(locations, "/static/a.php")->pattern == "/static/");
  BOOST_TEST(pick(locations, "/x.php")->modifier == "~");
}

// The production site's https server serves the snippet's locations and none of its own, so
// the check above covers it; the limit's zone is defined where both configs read it.
BOOST_AUTO_TEST_CASE(the_production_site_serves_the_checked_locations) {
  const std::string site = without_comments(read_file(kSource + "/nginx/voiceverify.conf"));
  const auto https = site.find("listen 443 ssl http2;");
  BOOST_REQUIRE(https != std::string::npos);
  BOOST_TEST(site.find("location ", https) == std::string::npos);
  BOOST_TEST(site.find("include snippets/voiceverify-locations.conf;", https) != std::string::npos);
  for (const std::string file : {"/nginx/voiceverify.conf", "/nginx/dev-nginx.conf.in"}) {
    BOOST_TEST(without_comments(read_file(kSource + file))
                       .find("include snippets/voiceverify-limits.conf;") != std::string::npos,
               file);
  }
  const std::string limits =
      without_comments(read_file(kSource + "/nginx/snippets/voiceverify-limits.conf"));
  BOOST_TEST(limits.find("zone=voiceverify_post:") != std::string::npos);
  BOOST_TEST(limits.find("limit_req_status 429;") != std::string::npos);
}

// Each `error_page ... /static/N.html` names a page the build renders (view::kNginxErrorStatuses,
// tools/render_error_pages.cpp), and each rendered page is used.
BOOST_AUTO_TEST_CASE(nginx_error_pages_are_the_rendered_ones) {
  const std::string conf =
      without_comments(read_file(kSource + "/nginx/snippets/voiceverify-locations.conf"));
  static const std::regex line(R"(error_page\s+([0-9 ]+)\s+/static/([0-9]+)\.html;)");
  std::vector<int> pages;
  for (std::sregex_iterator it(conf.begin(), conf.end(), line), end; it != end; ++it) {
    pages.push_back(std::stoi((*it)[2].str()));
  }
  std::sort(pages.begin(), pages.end());
  std::vector<int> rendered = voiceverify::view::kNginxErrorStatuses;
  std::sort(rendered.begin(), rendered.end());
  BOOST_TEST(pages == rendered, boost::test_tools::per_element());
  for (const int status : rendered) {
    const std::string page =
        std::string(VV_BINARY_DIR) + "/static/" + std::to_string(status) + ".html";
    BOOST_TEST(std::filesystem::exists(page), page);
  }
}

BOOST_AUTO_TEST_SUITE_END()
