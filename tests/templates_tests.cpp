// Every page escapes what it shows: a <script> in any value comes out as text, never markup.
// Start-up refuses a missing template or one without the AUTOESCAPE pragma, naming the file.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "view/templates.hpp"

namespace fs = std::filesystem;
using namespace voiceverify::view;

namespace {

const std::string kXss = "<script>alert(1)</script>\"'&";

Templates load_project_templates() {
  std::string error;
  auto templates = Templates::load(std::string(VV_SOURCE_DIR) + "/templates", error);
  BOOST_REQUIRE_MESSAGE(templates, error);
  return *templates;
}

void expect_escaped(const std::string& html) {
  BOOST_TEST(html.find("<script>") == std::string::npos);
  BOOST_TEST(html.find("&lt;script&gt;") != std::string::npos);
}

fs::path copy_templates() {
  char pattern[] = "/tmp/vv-templates-XXXXXX";
  fs::path dir = ::mkdtemp(pattern);
  for (const auto& entry : fs::directory_iterator(std::string(VV_SOURCE_DIR) + "/templates"))
    fs::copy_file(entry.path(), dir / entry.path().filename());
  return dir;
}

// The project's templates with a catalogue whose every text is markup: what a careless
// translation could bring in. It must come out as text.
Templates load_hostile_catalogue(fs::path& dir) {
  dir = copy_templates();
  std::ifstream in(dir / "messages.en.txt");
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find(" = ");
    if (!line.empty() && line[0] != '#' && eq != std::string::npos)
      line = line.substr(0, eq + 3) + kXss + (line.find("{n}") != std::string::npos ? " {n}" : "");
    out += line + "\n";
  }
  std::ofstream(dir / "messages.en.txt", std::ios::trunc) << out;
  std::string error;
  auto templates = Templates::load(dir.string(), error);
  BOOST_REQUIRE_MESSAGE(templates, error);
  return *templates;
}

// The <input ...> tag with id `id`, or "" (the test then fails on what it looks for).
std::string input_tag(const std::string& html, const std::string& id) {
  const auto start = html.find("<input id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  return html.substr(start, html.find('>', start) - start + 1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(templates_tests)

BOOST_AUTO_TEST_CASE(phone_form_escapes_banner_and_token) {
  fs::path dir;
  const Templates hostile = load_hostile_catalogue(dir);
  const std::string html =
      hostile.phone_form({Banner{BannerKind::Error, MessageId::NumberMissing}, "x"}, "en");
  expect_escaped(html);
  BOOST_TEST(html.find("role=\"alert\"") != std::string::npos);
  expect_escaped(load_project_templates().phone_form({std::nullopt, kXss}, "en"));
  expect_escaped(hostile.error_page({404}, "en"));
  // An application's name (the operator's clients file) and its login_hint, escaped too.
  const std::string for_client =
      load_project_templates().phone_form({std::nullopt, "x", kXss, kXss}, "en");
  expect_escaped(for_client);
  BOOST_TEST(for_client.find("wants to confirm your phone number") != std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(code_form_escapes_every_value) {
  const Templates t = load_project_templates();
  fs::path dir;
  const Templates hostile = load_hostile_catalogue(dir);
  expect_escaped(hostile.code_form(
      {Banner{BannerKind::Error, MessageId::WrongCode, 2}, "tok", "id", "+31 * ******78", 6},
      "en"));
  // The countdown's sentences ride in attributes: escaped there too.
  const std::string waiting =
      hostile.code_form({std::nullopt, "tok", "id", "+31 * ******78", 6, std::chrono::seconds(30),
                         std::chrono::seconds(100)},
                        "en");
  expect_escaped(waiting);
  BOOST_TEST(waiting.find("data-one=\"&lt;script&gt;") != std::string::npos, waiting);
  fs::remove_all(dir);
  const std::string ready = t.code_form({std::nullopt, "tok", "id", "+31 * ******78", 6,
                                         std::chrono::seconds(0), std::chrono::seconds(0)},
                                        "en");
  BOOST_TEST(ready.find("That code has expired.") != std::string::npos, ready);
  BOOST_TEST(ready.find("Did not get the call?") != std::string::npos, ready);
  BOOST_TEST(ready.find("call-again-wait") == std::string::npos, ready);
  expect_escaped(t.code_form({std::nullopt, "tok", "id", kXss, 6}, "en"));
  const std::string html = t.code_form({std::nullopt, kXss, kXss, "x", 6}, "en");
  BOOST_TEST(html.find("<script>") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(success_and_error_pages_escape) {
  const Templates t = load_project_templates();
  const std::string success =
      t.success({Banner{BannerKind::Info, MessageId::TitleSuccess}, kXss}, "en");
  expect_escaped(success);
  BOOST_TEST(success.find("You have successfully verified your phone number.") !=
             std::string::npos);
  const std::string not_found = t.error_page({404}, "en");
  BOOST_TEST(not_found.find("Page not found") != std::string::npos);
  BOOST_TEST(not_found.find("Error 404") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(pages_and_banners_are_in_the_language_asked_for) {
  const Templates t = load_project_templates();
  const Banner missing{BannerKind::Error, MessageId::NumberMissing};
  const std::string dutch = t.phone_form({missing, "x"}, "nl");
  BOOST_TEST(dutch.find("<html lang=\"nl\">") != std::string::npos);
  BOOST_TEST(dutch.find("Vul uw telefoonnummer in.") != std::string::npos);  // the banner
  BOOST_TEST(dutch.find("Code versturen") != std::string::npos);
  const std::string english = t.phone_form({missing, "x"}, "en");
  BOOST_TEST(english.find("<html lang=\"en\">") != std::string::npos);
  BOOST_TEST(english.find("Please enter your phone number.") != std::string::npos);
  BOOST_TEST(t.code_form({std::nullopt, "tok", "id", "+31 * ******78", 6}, "nl")
                 .find("typ de code van 6 cijfers") != std::string::npos);
  BOOST_TEST(t.success({std::nullopt, "+31 * ******78"}, "nl")
                 .find("Uw telefoonnummer is geverifieerd.") != std::string::npos);
  BOOST_TEST(t.error_page({404}, "nl").find("Pagina niet gevonden") != std::string::npos);
  // A language we have no file for is English, <html lang> included.
  BOOST_TEST(t.error_page({404}, "de").find("<html lang=\"en\">") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_banner_no_alert_element) {
  const Templates t = load_project_templates();
  BOOST_TEST(t.phone_form({std::nullopt, "x"}, "en").find("role=\"alert\"") == std::string::npos);
}

// The attributes of the page's field (docs/accessibility.md): autofocus always, tied to the
// banner whenever one shows, invalid only when the banner is about that field.
BOOST_AUTO_TEST_CASE(a_number_banner_marks_the_number_field) {
  const Templates t = load_project_templates();
  const std::string html =
      t.phone_form({Banner{BannerKind::Error, MessageId::NumberInvalid}, "x"}, "en");
  BOOST_TEST(html.find("<div id=\"banner\" ") != std::string::npos);
  const std::string field = input_tag(html, "number");
  BOOST_TEST(field.find(" aria-describedby=\"banner\"") != std::string::npos);
  BOOST_TEST(field.find(" aria-invalid=\"true\"") != std::string::npos);
  BOOST_TEST(field.find(" autofocus") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_code_banner_marks_the_code_field) {
  const Templates t = load_project_templates();
  const std::string html = t.code_form(
      {Banner{BannerKind::Error, MessageId::WrongCode, 2}, "tok", "id", "+31", 6}, "en");
  const std::string field = input_tag(html, "token");
  BOOST_TEST(field.find(" aria-describedby=\"banner\"") != std::string::npos);
  BOOST_TEST(field.find(" aria-invalid=\"true\"") != std::string::npos);
  BOOST_TEST(field.find(" autofocus") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_banner_about_no_field_describes_but_does_not_invalidate) {
  const Templates t = load_project_templates();
  const std::string phone = input_tag(
      t.phone_form({Banner{BannerKind::Error, MessageId::LimitResend, 30}, "x"}, "en"), "number");
  BOOST_TEST(phone.find(" aria-describedby=\"banner\"") != std::string::npos);
  BOOST_TEST(phone.find("aria-invalid") == std::string::npos);
  // A number banner is not about the code page's field.
  const std::string code = input_tag(
      t.code_form({Banner{BannerKind::Error, MessageId::NumberInvalid}, "tok", "id", "+31", 6},
                  "en"),
      "token");
  BOOST_TEST(code.find(" aria-describedby=\"banner\"") != std::string::npos);
  BOOST_TEST(code.find("aria-invalid") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_fresh_form_focuses_its_field_and_describes_nothing) {
  const Templates t = load_project_templates();
  for (const std::string& field :
       {input_tag(t.phone_form({std::nullopt, "x"}, "en"), "number"),
        input_tag(t.code_form({std::nullopt, "t", "id", "+31", 6}, "en"), "token")}) {
    BOOST_TEST(field.find(" autofocus") != std::string::npos);
    BOOST_TEST(field.find("aria-describedby") == std::string::npos);
    BOOST_TEST(field.find("aria-invalid") == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(missing_template_is_named) {
  const fs::path dir = copy_templates();
  fs::remove(dir / "code_form.tpl");
  std::string error;
  BOOST_TEST(!Templates::load(dir.string(), error));
  BOOST_TEST(error.find("code_form.tpl") != std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(template_without_autoescape_pragma_is_refused) {
  const fs::path dir = copy_templates();
  std::ofstream(dir / "success.tpl") << "<p>{{MASKED_NUMBER}}</p>\n";
  std::string error;
  BOOST_TEST(!Templates::load(dir.string(), error));
  BOOST_TEST(error.find("success.tpl") != std::string::npos);
  BOOST_TEST(error.find("AUTOESCAPE") != std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_catalogue_without_a_needed_text_is_named) {
  const fs::path dir = copy_templates();
  std::ifstream in(dir / "messages.en.txt");
  std::string out;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("code.expired", 0) != 0) out += line + "\n";
  std::ofstream(dir / "messages.en.txt", std::ios::trunc) << out;
  std::string error;
  BOOST_TEST(!Templates::load(dir.string(), error));
  BOOST_TEST(error.find("code.expired") != std::string::npos, error);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
