// http/accept_language.hpp: the browser's Accept-Language as an ordered list of tags, with
// q-values, `*`, malformed ranges and oversized headers.
#include "http/accept_language.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "printable.hpp"

namespace http = voiceverify::http;
namespace bdata = boost::unit_test::data;

namespace {

struct Case {
  std::string header;
  std::vector<std::string> tags;
};
std::ostream& operator<<(std::ostream& os, const Case& row) {
  return voiceverify::testing::print_escaped(os, row.header);
}

const std::vector<Case> kCases = {
    {"", {}},
    {"de-DE,de;q=0.9", {"de-de", "de"}},
    {"nl", {"nl"}},
    {"en-US,en;q=0.9,nl;q=0.8", {"en-us", "en", "nl"}},
    // Highest q first, ties in the header's order.
    {"fr;q=0.5, de;q=0.9, en", {"en", "de", "fr"}},
    {"es;q=0.7,it;q=0.7", {"es", "it"}},
    {"da, en-GB;q=0.8, en;q=0.7", {"da", "en-gb", "en"}},
    // q=0 means "not this one".
    {"de;q=0,fr", {"fr"}},
    {"de;q=0.000", {}},
    // `*` names no language.
    {"*", {}},
    {"*;q=0.5,ja", {"ja"}},
    // Parameters other than q, malformed q, malformed ranges: that range is left out.
    {"de;level=1,fr", {"fr"}},
    {"de;q=2,fr", {"fr"}},
    {"de;q=1.5,fr", {"fr"}},
    {"de;q=0.12345,fr", {"fr"}},
    {"de;q=abc,fr", {"fr"}},
    {"de;q=,fr", {"fr"}},
    {"1de,fr", {"fr"}},
    {"de--de,fr", {"fr"}},
    {"de-,fr", {"fr"}},
    {"abcdefghi,fr", {"fr"}},
    {"de_DE,fr", {"fr"}},
    {"d\xc3\xa9,fr", {"fr"}},
    {"zh-Hant-TW;q=1.000", {"zh-hant-tw"}},
    {" , ,nl ,", {"nl"}},
    // A control byte anywhere: no tags at all.
    {"de\r\nX-Evil: 1", {}},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(accept_language_tests)

BOOST_DATA_TEST_CASE(tags_in_preference_order, bdata::make(kCases), row) {
  BOOST_TEST(http::preferred_languages(row.header) == row.tags, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_header_over_the_cap_is_ignored_whole) {
  std::string header = "de";
  while (header.size() < http::kMaxAcceptLanguageBytes) header += ",de";
  header.resize(http::kMaxAcceptLanguageBytes);
  if (header.back() == ',') header.back() = 'x';
  BOOST_TEST(!http::preferred_languages(header).empty());
  header += "x";
  BOOST_TEST(http::preferred_languages(header).empty());
}

BOOST_AUTO_TEST_CASE(only_the_first_ranges_are_looked_at) {
  std::string header;
  for (std::size_t i = 0; i < http::kMaxLanguageRanges; ++i) header += "zz;q=0.1,";
  header += "de";
  const auto tags = http::preferred_languages(header);
  BOOST_TEST(tags.size() == http::kMaxLanguageRanges);
  BOOST_TEST(tags.front() == "zz");
}

BOOST_AUTO_TEST_SUITE_END()
