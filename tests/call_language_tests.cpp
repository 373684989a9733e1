// verify/call_language.hpp: the data file's checks (each naming its line) and the pure choice of
// a call's language and sentence, on the shipped templates/call-languages.txt and on small files.
#include "verify/call_language.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "printable.hpp"

namespace verify = voiceverify::verify;
namespace bdata = boost::unit_test::data;

namespace {

verify::CallLanguages shipped() {
  std::string error;
  auto languages =
      verify::CallLanguages::load(VV_SOURCE_DIR "/templates/call-languages.txt", error);
  if (!languages) throw std::runtime_error(error);
  return std::move(*languages);
}

struct Choice {
  std::string accept_language;
  std::string region;
  std::string language;
};
std::ostream& operator<<(std::ostream& os, const Choice& row) {
  voiceverify::testing::print_escaped(os, row.accept_language);
  return os << " " << row.region;
}

const std::vector<Choice> kChoices = {
    // The browser's first language MessageBird speaks.
    {"de-DE,de;q=0.9", "NL", "de-de"},
    {"ja-JP", "NL", "ja-jp"},
    {"da,sv;q=0.9,fr-FR;q=0.8", "NL", "fr-fr"},
    // q-values order them, not the header.
    {"nl;q=0.5,de-DE", "NL", "de-de"},
    // A bare language takes the region's variant of it, else its default variant.
    {"en", "GB", "en-gb"},
    {"en", "US", "en-us"},
    {"en", "AU", "en-au"},
    {"en", "NL", "en-gb"},
    {"de", "NL", "de-de"},
    {"es", "US", "es-us"},
    {"es", "MX", "es-mx"},
    {"es", "NL", "es-es"},
    {"fr", "CA", "fr-ca"},
    {"fr", "BE", "fr-fr"},
    // A variant MessageBird cannot speak is taken as its language.
    {"de-CH", "CH", "de-de"},
    {"en-NZ", "US", "en-us"},
    // Languages MessageBird cannot speak at all are passed over.
    {"da,sv", "FR", "fr-fr"},
    // No usable header: the region's language, else LANGUAGE.
    {"", "FR", "fr-fr"},
    {"", "NL", "nl-nl"},
    {"", "BE", "nl-nl"},
    {"", "SE", "en-us"},
    {"*", "DE", "de-de"},
    {"de;q=0", "NL", "nl-nl"},
    {"de-DE,\x01", "NL", "nl-nl"},
};

verify::CallVoice voice(std::string configured = {}) {
  return {shipped(), {"en-us", std::move(configured)}};
}

std::optional<verify::CallLanguages> parse(const std::string& text, std::string& error) {
  return verify::CallLanguages::parse(text, "call languages test", error);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(call_language_tests)

BOOST_DATA_TEST_CASE(the_language_of_a_call, bdata::make(kChoices), row) {
  // LANGUAGE is en-us here, not the default en-gb, so a fallback is told from a variant.
  BOOST_TEST(voice().speech(row.accept_language, row.region).language == row.language);
}

BOOST_AUTO_TEST_CASE(the_shipped_sentences_say_the_code_twice) {
  const verify::CallLanguages languages = shipped();
  for (const std::string language :
       {"en-gb", "en-us", "nl-nl", "de-de", "fr-fr", "fr-ca", "es-es", "es-mx"}) {
    const std::string sentence = languages.sentence(language);
    BOOST_TEST_INFO(language);
    const auto first = sentence.find("%token");
    BOOST_TEST(
        (first != std::string::npos && sentence.find("%token", first + 1) != std::string::npos));
  }
  BOOST_TEST(languages.sentence("en-gb") == "Your security code is %token. Again: %token.");
}

BOOST_AUTO_TEST_CASE(a_language_without_our_sentence_sends_none) {
  const auto speech = voice().speech("ja-JP", "NL");
  BOOST_TEST(speech.language == "ja-jp");
  BOOST_TEST(speech.template_text.empty());
}

BOOST_AUTO_TEST_CASE(the_sentence_follows_the_language) {
  BOOST_TEST(voice().speech("", "NL").template_text ==
             "Uw beveiligingscode is %token. Nogmaals: %token.");
  BOOST_TEST(voice().speech("de", "NL").template_text ==
             "Ihr Sicherheitscode lautet %token. Noch einmal: %token.");
}

BOOST_AUTO_TEST_CASE(a_configured_template_wins_in_every_language) {
  const auto configured = voice("Code: %token.");
  for (const std::string header : {"", "ja-JP", "de-DE", "fr"}) {
    BOOST_TEST_INFO(header);
    BOOST_TEST(configured.speech(header, "NL").template_text == "Code: %token.");
  }
  // The language is still the call's own.
  BOOST_TEST(configured.speech("", "FR").language == "fr-fr");
}

BOOST_AUTO_TEST_CASE(a_full_tag_sentence_wins_over_its_base) {
  std::string error;
  const auto languages =
      parse("sentence en Code %token.\nsentence en-us US code %token.\nvariant en en-gb\n", error);
  BOOST_REQUIRE_MESSAGE(languages.has_value(), error);
  BOOST_TEST(languages->sentence("en-us") == "US code %token.");
  BOOST_TEST(languages->sentence("en-gb") == "Code %token.");
  BOOST_TEST(languages->sentence("nl-nl").empty());
}

struct BadFile {
  std::string text;
  std::string line;  // the error names this line
};
std::ostream& operator<<(std::ostream& os, const BadFile& row) {
  return voiceverify::testing::print_escaped(os, row.text);
}

const std::vector<BadFile> kBadFiles = {
    {"region NL nl-nl\nregion XX nl-nl\n", "line 2"},
    {"region nl nl-nl\n", "line 1"},
    {"# c\n\nregion NL nl-be\n", "line 3"},
    {"region NL\n", "line 1"},
    {"region NL nl-nl\nregion NL de-de\n", "line 2"},
    {"variant en en-xx\n", "line 1"},
    {"variant en de-de\n", "line 1"},
    {"variant da da-dk\n", "line 1"},
    {"variant en en-gb\nvariant en en-us\n", "line 2"},
    {"sentence en Your code.\n", "line 1"},
    {"sentence da Din kode %token.\n", "line 1"},
    {"sentence en Your code %token.\x1b[2J\n", "line 1"},
    {"sentence en Your code \xff %token.\n", "line 1"},
    {"sentence en " + std::string(160, 'x') + "%token\n", "line 1"},
    {"sentence en A %token.\nsentence en B %token.\n", "line 2"},
    {"language en en-gb\n", "line 1"},
    {"region\r\n", "line 1"},
};

BOOST_DATA_TEST_CASE(a_malformed_line_is_named, bdata::make(kBadFiles), row) {
  std::string error;
  BOOST_TEST(!parse(row.text, error).has_value());
  BOOST_TEST(error.find("call languages test " + row.line + ":") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_error_naming_it) {
  std::string error;
  BOOST_TEST(!verify::CallLanguages::load("/nonexistent/call-languages.txt", error).has_value());
  BOOST_TEST(error.find("/nonexistent/call-languages.txt") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(crlf_comments_and_blank_lines_are_fine) {
  std::string error;
  const auto languages = parse("# x\r\n\r\nregion FR fr-fr\r\nsentence fr A %token.\r\n", error);
  BOOST_REQUIRE_MESSAGE(languages.has_value(), error);
  BOOST_TEST(languages->choose({}, "FR", "en-gb") == "fr-fr");
  BOOST_TEST(languages->sentence("fr-fr") == "A %token.");
}

BOOST_AUTO_TEST_SUITE_END()
