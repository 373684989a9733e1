// log: the line grammar, quoting (nothing from outside can end a line or forge a field), number
// masking, and that write() emits exactly one line on stderr.
#include "log/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <ctime>
#include <ostream>
#include <string>

#include "capture_stderr.hpp"

namespace bdata = boost::unit_test::data;
namespace vvlog = voiceverify::log;
using voiceverify::testing::capture_stderr;

namespace {

struct Pair {
  std::string input;
  std::string expected;
};

std::ostream& operator<<(std::ostream& os, const Pair& p) {
  return os << vvlog::quote(p.input);
}

const Pair kQuoteCases[] = {
    {"", R"("")"},
    {"plain text", R"("plain text")"},
    {"say \"hi\"", R"("say \"hi\"")"},
    {"back\\slash", R"("back\\slash")"},
    {"line\r\nbreak", R"("line\x0d\x0abreak")"},
    {"tab\there", R"("tab\x09here")"},
    {std::string("nul\0byte", 8), R"("nul\x00byte")"},
    {"del\x7f", R"("del\x7f")"},
    {"caf\xc3\xa9", R"("caf\xc3\xa9")"},
    {"\xff\xfe", R"("\xff\xfe")"},
    {"key=\"v\" level=error", R"("key=\"v\" level=error")"},
};

const Pair kMaskCases[] = {
    {"+31612345678", "+31*******78"},
    {"31612345678", "31*******78"},
    {"+447400123456", "+44********56"},
    {"123456", "12**56"},
    {"+12345", "***"},  // too short to show four digits of it
    {"", "***"},
    {"+", "***"},
    {"+31 6 12345678", "***"},
    {"0612345678x", "***"},
    {"++31612345678", "***"},
    {"31612345678\n", "***"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(log_tests)

BOOST_DATA_TEST_CASE(quote_escapes, bdata::make(kQuoteCases), c) {
  BOOST_TEST(vvlog::quote(c.input) == c.expected);
}

BOOST_AUTO_TEST_CASE(quote_output_is_printable_ascii_for_every_byte) {
  for (int b = 0; b < 256; ++b) {
    const std::string q = vvlog::quote(std::string(1, static_cast<char>(b)));
    for (const char c : q) {
      BOOST_TEST((c >= 0x20 && c < 0x7f), "byte " << b);
    }
    // Only the surrounding quotes are bare '"': an inner one is always escaped.
    BOOST_TEST(q.front() == '"');
    BOOST_TEST(q.back() == '"');
  }
}

BOOST_AUTO_TEST_CASE(mask_digit_runs_hides_numbers_in_free_text) {
  BOOST_TEST(vvlog::mask_digit_runs("+31612345678 is not a valid recipient") ==
             "+*********78 is not a valid recipient");
  BOOST_TEST(vvlog::mask_digit_runs("recipient 31612345678") == "recipient *********78");
  BOOST_TEST(vvlog::mask_digit_runs("call 0612345678, or 0698765432.") ==
             "call ********78, or ********32.");
  BOOST_TEST(vvlog::mask_digit_runs("123456") == "****56");
  // Runs under six digits stay: status codes, error codes, timeouts.
  BOOST_TEST(vvlog::mask_digit_runs("status 503 code 25 after 10001 ms") ==
             "status 503 code 25 after 10001 ms");
  BOOST_TEST(vvlog::mask_digit_runs("+31 6 1234 5678") == "+31 6 1234 5678");
  BOOST_TEST(vvlog::mask_digit_runs("") == "");
  BOOST_TEST(vvlog::mask_digit_runs("no digits") == "no digits");
}

BOOST_AUTO_TEST_CASE(quote_cuts_long_values) {
  const std::string exactly(200, 'a');
  BOOST_TEST(vvlog::quote(exactly) == "\"" + exactly + "\"");
  const std::string longer(201, 'a');
  BOOST_TEST(vvlog::quote(longer) == "\"" + exactly + "...\"");
  // The cut counts input bytes: 200 escaped bytes stay whole.
  const std::string escaped(300, '\n');
  const std::string q = vvlog::quote(escaped);
  BOOST_TEST(q.size() == 1 + 200 * 4 + 3 + 1);
  BOOST_TEST(q.ends_with("\\x0a...\""));
}

BOOST_AUTO_TEST_CASE(format_line_shape) {
  const std::string line = vvlog::format(vvlog::Level::Warning, "upstream_error",
                                         {{"status", "503"}, {"detail", "x y"}});
  // ts=YYYY-MM-DDTHH:MM:SSZ (no <regex>: g++ 12 raises false -Wmaybe-uninitialized in it at -O2).
  const std::string ts_shape = "ts=dddd-dd-ddTdd:dd:ddZ ";
  BOOST_TEST_REQUIRE(line.size() > ts_shape.size());
  for (std::size_t i = 0; i < ts_shape.size(); ++i) {
    if (ts_shape[i] == 'd') {
      BOOST_TEST((line[i] >= '0' && line[i] <= '9'), line);
    } else {
      BOOST_TEST(line[i] == ts_shape[i], line);
    }
  }
  BOOST_TEST(line.substr(ts_shape.size()) ==
             R"(level=warning event=upstream_error status="503" detail="x y")");
  // The timestamp is now, in UTC.
  char expected_year[8];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(expected_year, sizeof expected_year, "%Y", &utc);
  BOOST_TEST(line.substr(3, 4) == expected_year);
}

BOOST_AUTO_TEST_CASE(level_names) {
  BOOST_TEST(vvlog::format(vvlog::Level::Info, "e", {}).find(" level=info event=e") !=
             std::string::npos);
  BOOST_TEST(vvlog::format(vvlog::Level::Warning, "e", {}).find(" level=warning event=e") !=
             std::string::npos);
  BOOST_TEST(vvlog::format(vvlog::Level::Error, "e", {}).find(" level=error event=e") !=
             std::string::npos);
  BOOST_TEST(vvlog::format(vvlog::Level::Info, "e", {}).ends_with("event=e"));
}

BOOST_AUTO_TEST_CASE(no_newline_injection_or_forged_fields) {
  const std::string forged =
      "oops\nts=2026-01-01T00:00:00Z level=error event=forged\r\n\" event=forged2 x=\"";
  const std::string line = vvlog::format(vvlog::Level::Info, "request", {{"ua", forged}});
  BOOST_TEST(line.find('\n') == std::string::npos);
  BOOST_TEST(line.find('\r') == std::string::npos);
  // One unescaped pair of quotes around the value, so exactly one field after the event.
  const auto value_start = line.find("ua=\"");
  BOOST_TEST_REQUIRE(value_start != std::string::npos);
  BOOST_TEST(line.back() == '"');
  std::size_t bare_quotes = 0;
  for (std::size_t i = value_start; i < line.size(); ++i) {
    if (line[i] == '"' && line[i - 1] != '\\') ++bare_quotes;
  }
  BOOST_TEST(bare_quotes == 2u);
  // Everything before the one quoted value is ours.
  BOOST_TEST(line.substr(0, value_start).find("forged") == std::string::npos);
  BOOST_TEST(line.substr(0, value_start).ends_with(" level=info event=request "));
}

BOOST_AUTO_TEST_CASE(event_and_keys_cannot_break_the_grammar) {
  const std::string line =
      vvlog::format(vvlog::Level::Error, "bad event\n", {{"k=v x", "1"}, {"", "2"}});
  BOOST_TEST(line.find('\n') == std::string::npos);
  BOOST_TEST(line.ends_with(" event=bad_event_ k_v_x=\"1\" _=\"2\""), line);
}

BOOST_DATA_TEST_CASE(mask_number_cases, bdata::make(kMaskCases), c) {
  BOOST_TEST(vvlog::mask_number(c.input) == c.expected);
}

BOOST_AUTO_TEST_CASE(write_emits_one_line_on_stderr) {
  const std::string out = capture_stderr([] {
    vvlog::warning("limit_hit", {{"number", vvlog::mask_number("31612345678")}, {"why", "a\nb"}});
  });
  BOOST_TEST(
      out.ends_with(" level=warning event=limit_hit number=\"31*******78\" why=\"a\\x0ab\"\n"),
      out);
  BOOST_TEST(std::count(out.begin(), out.end(), '\n') == 1);
}

BOOST_AUTO_TEST_SUITE_END()
