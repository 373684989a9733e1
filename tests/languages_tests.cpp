// view/languages.hpp: the page languages are the messages.<lang>.txt files found at start-up,
// each with exactly English's keys; a request's language is the first of its Accept-Language
// that we have, English otherwise.
#include "view/languages.hpp"

#include <unistd.h>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "http/accept_language.hpp"
#include "printable.hpp"
#include "view/templates.hpp"

namespace fs = std::filesystem;
namespace bdata = boost::unit_test::data;
using namespace voiceverify::view;

namespace {

const std::string kTemplates = std::string(VV_SOURCE_DIR) + "/templates";

Languages project_languages() {
  std::string error;
  auto languages = Languages::load(kTemplates, kErrorStatuses, error);
  BOOST_REQUIRE_MESSAGE(languages, error);
  return std::move(*languages);
}

// A folder holding the project's catalogues, for a test to break one of them.
struct CatalogueCopy {
  fs::path dir = fs::temp_directory_path() / ("vv-languages-" + std::to_string(::getpid()));
  CatalogueCopy() {
    fs::remove_all(dir);
    fs::create_directory(dir);
    for (const char* file : {"messages.en.txt", "messages.nl.txt"})
      fs::copy_file(fs::path(kTemplates) / file, dir / file);
  }
  ~CatalogueCopy() { fs::remove_all(dir); }
  CatalogueCopy(const CatalogueCopy&) = delete;
  CatalogueCopy& operator=(const CatalogueCopy&) = delete;

  // The file without the line that sets `key`.
  void drop(const std::string& file, const std::string& key) {
    std::ifstream in(dir / file);
    std::string out;
    for (std::string line; std::getline(in, line);)
      if (line.rfind(key + " =", 0) != 0) out += line + "\n";
    std::ofstream(dir / file, std::ios::trunc) << out;
  }
  std::string load_error() const {
    std::string error;
    BOOST_TEST(!Languages::load(dir.string(), kErrorStatuses, error).has_value());
    return error;
  }
};

struct Choice {
  std::string header;
  std::string language;
};
std::ostream& operator<<(std::ostream& os, const Choice& row) {
  return voiceverify::testing::print_escaped(os, row.header);
}

const std::vector<Choice> kChoices = {
    {"nl-NL,nl;q=0.9,en;q=0.8", "nl"},
    {"en-US,nl;q=0.5", "en"},
    {"de-DE", "en"},
    {"nl-BE", "nl"},
    {"", "en"},  // no header
    {"nl;q=0", "en"},
    {"nl;q=0,en", "en"},
    {"de-DE,de;q=0.9,nl;q=0.8", "nl"},  // the first of the list we have, not the first of all
    {"fr;q=0.2,nl;q=0.7", "nl"},        // by q, not by place
    {"NL", "nl"},
    {"nl-Latn-NL", "nl"},
    {"*", "en"},
    {"nld,en", "en"},  // another tag, not a longer "nl"
    {"garbage!!", "en"},
    {"\x01nl", "en"},
    {std::string(300, 'a'), "en"},
    {"nl," + std::string(300, ' '), "en"},  // over the parser's cap: ignored whole
};

}  // namespace

BOOST_AUTO_TEST_SUITE(languages_tests)

BOOST_AUTO_TEST_CASE(the_project_has_english_first_and_dutch) {
  const Languages languages = project_languages();
  const std::vector<std::string_view> tags = languages.tags();
  BOOST_REQUIRE_EQUAL(tags.size(), 2u);
  BOOST_TEST(tags[0] == "en");
  BOOST_TEST(tags[1] == "nl");
  BOOST_TEST(languages.catalogue("nl").text(MessageId::TitlePhone) ==
             "Verifieer uw telefoonnummer");
  BOOST_TEST(languages.catalogue("en").text(MessageId::TitlePhone) == "Verify your phone number");
  // A tag we have no file for is English.
  BOOST_TEST(languages.language("de").tag == "en");
}

BOOST_AUTO_TEST_CASE(dutch_has_exactly_the_keys_of_english) {
  const Languages languages = project_languages();
  BOOST_TEST(languages.catalogue("nl").keys() == languages.catalogue("en").keys(),
             boost::test_tools::per_element());
}

BOOST_DATA_TEST_CASE(the_page_language_is_the_first_preferred_one_we_have, bdata::make(kChoices),
                     row) {
  static const Languages languages = project_languages();
  BOOST_TEST(languages.choose(voiceverify::http::preferred_languages(row.header)) == row.language);
}

BOOST_AUTO_TEST_CASE(a_translation_missing_a_key_is_refused_naming_file_and_key) {
  CatalogueCopy copy;
  copy.drop("messages.nl.txt", "page.code.button");
  const std::string error = copy.load_error();
  BOOST_TEST(error.find("messages.nl.txt") != std::string::npos, error);
  BOOST_TEST(error.find("page.code.button") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(a_new_english_key_without_its_translation_is_refused) {
  CatalogueCopy copy;
  std::ofstream(copy.dir / "messages.en.txt", std::ios::app) << "page.code.new_words = New\n";
  const std::string error = copy.load_error();
  BOOST_TEST(error.find("messages.nl.txt") != std::string::npos, error);
  BOOST_TEST(error.find("page.code.new_words") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(a_translation_with_a_key_english_lacks_is_refused) {
  CatalogueCopy copy;
  std::ofstream(copy.dir / "messages.nl.txt", std::ios::app) << "page.code.extra = Extra\n";
  const std::string error = copy.load_error();
  BOOST_TEST(error.find("messages.nl.txt") != std::string::npos, error);
  BOOST_TEST(error.find("page.code.extra") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(a_translation_lacking_a_needed_text_is_refused_like_english) {
  CatalogueCopy copy;
  copy.drop("messages.nl.txt", "code.expired");
  copy.drop("messages.en.txt", "code.expired");
  const std::string error = copy.load_error();
  BOOST_TEST(error.find("messages.en.txt") != std::string::npos, error);  // English first
  BOOST_TEST(error.find("code.expired") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(english_is_required) {
  CatalogueCopy copy;
  fs::remove(copy.dir / "messages.en.txt");
  const std::string error = copy.load_error();
  BOOST_TEST(error.find("messages.en.txt") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(a_file_named_without_a_lowercase_tag_is_refused_naming_it) {
  for (const std::string name : {"messages.NL.txt", "messages.n.txt", "messages.nl_BE.txt",
                                 "messages..txt", "messages.nl-.txt"}) {
    CatalogueCopy copy;
    fs::copy_file(copy.dir / "messages.nl.txt", copy.dir / name);
    const std::string error = copy.load_error();
    BOOST_TEST(error.find(name) != std::string::npos, error);
  }
}

BOOST_AUTO_TEST_CASE(a_regional_file_is_a_language_of_its_own) {
  CatalogueCopy copy;
  fs::copy_file(copy.dir / "messages.nl.txt", copy.dir / "messages.nl-be.txt");
  fs::copy_file(copy.dir / "messages.en.txt", copy.dir / "messages.en.txt.orig");  // not ours
  std::string error;
  const auto languages = Languages::load(copy.dir.string(), kErrorStatuses, error);
  BOOST_REQUIRE_MESSAGE(languages, error);
  BOOST_TEST(languages->tags().size() == 3u);
  BOOST_TEST(languages->choose({"nl-be"}) == "nl-be");
  BOOST_TEST(languages->choose({"nl-nl"}) == "nl");
  BOOST_TEST(languages->choose({"nl-be-x"}) == "nl-be");
}

BOOST_AUTO_TEST_SUITE_END()
