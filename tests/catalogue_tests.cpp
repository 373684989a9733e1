// The message catalogue: the words of every banner come from the file, with their number filled
// in and the singular form where the number is one; a broken file is refused at start-up.
#include "view/catalogue.hpp"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace voiceverify::view;
using namespace std::chrono_literals;

namespace {

Catalogue project_catalogue(const std::string& language) {
  std::string error;
  auto catalogue = Catalogue::load(
      std::string(VV_SOURCE_DIR) + "/templates/messages." + language + ".txt", {404, 500}, error);
  BOOST_REQUIRE_MESSAGE(catalogue, error);
  return *catalogue;
}

Catalogue english() {
  return project_catalogue("en");
}

// A catalogue file holding the English one's lines plus `extra`, loaded; error set on refusal.
std::optional<Catalogue> with_extra(const std::string& extra, std::string& error) {
  const fs::path path = fs::temp_directory_path() / ("vv-catalogue-" + std::to_string(::getpid()));
  fs::copy_file(std::string(VV_SOURCE_DIR) + "/templates/messages.en.txt", path,
                fs::copy_options::overwrite_existing);
  std::ofstream(path, std::ios::app) << extra << "\n";
  auto catalogue = Catalogue::load(path.string(), {}, error);
  fs::remove(path);
  return catalogue;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalogue_tests)

BOOST_AUTO_TEST_CASE(banners_read_as_before_with_their_numbers) {
  const Catalogue c = english();
  BOOST_TEST(c.text(MessageId::NumberMissing) == "Please enter your phone number.");
  BOOST_TEST(c.text(MessageId::WrongCode, 2) == "That code is not right. You have 2 tries left.");
  BOOST_TEST(c.text(MessageId::WrongCode, 1) == "That code is not right. You have 1 try left.");
  BOOST_TEST(c.text(MessageId::CodeFormat, 6) ==
             "The code is the 6 digits you heard: please enter digits only.");
  BOOST_TEST(c.text(MessageId::LimitResend, 45) ==
             "We have just called this number. Please try again in 45 seconds.");
  BOOST_TEST(c.error_title(404) == "Page not found");
}

BOOST_AUTO_TEST_CASE(waits_round_up_so_nobody_comes_back_too_early) {
  const Catalogue c = english();
  BOOST_TEST(c.duration(0s) == "1 second");
  BOOST_TEST(c.duration(1s) == "1 second");
  BOOST_TEST(c.duration(59s) == "59 seconds");
  BOOST_TEST(c.duration(60s) == "1 minute");
  BOOST_TEST(c.duration(61s) == "2 minutes");
  BOOST_TEST(c.duration(3600s) == "1 hour");
  BOOST_TEST(c.duration(3601s) == "2 hours");
  BOOST_TEST(c.text(MessageId::LimitNumber, 240) ==
             "There have been too many calls to this number. Please try again in 4 minutes.");
}

BOOST_AUTO_TEST_CASE(dutch_loads_with_its_own_plural_forms) {
  const Catalogue c = project_catalogue("nl");
  BOOST_TEST(c.duration(1s) == "1 seconde");
  BOOST_TEST(c.duration(59s) == "59 seconden");
  BOOST_TEST(c.duration(60s) == "1 minuut");
  BOOST_TEST(c.duration(61s) == "2 minuten");
  BOOST_TEST(c.duration(3600s) == "1 uur");
  BOOST_TEST(c.duration(3601s) == "2 uur");
  BOOST_TEST(c.text(MessageId::WrongCode, 1) == "Die code klopt niet. U hebt nog 1 poging.");
  BOOST_TEST(c.text(MessageId::WrongCode, 2) == "Die code klopt niet. U hebt nog 2 pogingen.");
  BOOST_TEST(c.text(MessageId::LimitResend, 45) ==
             "Wij hebben dit nummer net gebeld. Probeer het over 45 seconden opnieuw.");
  BOOST_TEST(c.text(MessageId::CodeFormat, 6) ==
             "De code bestaat uit de 6 cijfers die u hebt gehoord: vul alleen cijfers in.");
  BOOST_TEST(c.error_title(404) == "Pagina niet gevonden");
}

BOOST_AUTO_TEST_CASE(every_message_id_has_a_key_that_names_it_back) {
  for (int i = 0; i <= static_cast<int>(MessageId::TitleSuccess); ++i) {
    const auto id = static_cast<MessageId>(i);
    BOOST_TEST((message_from_key(message_key(id)) == id), message_key(id));
  }
  BOOST_TEST(!message_from_key("no.such.key"));
}

BOOST_AUTO_TEST_CASE(page_texts_become_template_variables) {
  const auto texts = english().page_texts(6);
  bool found = false;
  for (const auto& [name, text] : texts) {
    BOOST_TEST(name.rfind("PAGE_", 0) == 0u, name);
    if (name == "PAGE_CODE_INSTRUCTIONS") {
      found = true;
      BOOST_TEST(text == "Answer the call and type the 6-digit code you hear.");
    }
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(a_broken_file_is_refused_naming_the_line) {
  std::string error;
  BOOST_TEST(!with_extra("page.x = Try in {minutes}.", error).has_value());  // unknown placeholder
  BOOST_TEST(error.find("line") != std::string::npos, error);
  BOOST_TEST(!with_extra("page.x = a } b", error).has_value());
  BOOST_TEST(!with_extra("no equals sign here", error).has_value());
  BOOST_TEST(!with_extra("number.missing = twice", error).has_value());  // repeated key
  BOOST_TEST(error.find("number.missing") != std::string::npos, error);
  BOOST_TEST(!with_extra("Bad Key = text", error).has_value());
  BOOST_TEST(with_extra("page.extra = fine {n}", error).has_value(), error);
}

BOOST_AUTO_TEST_SUITE_END()
