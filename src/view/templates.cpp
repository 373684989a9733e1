// ctemplate as its authors intend (doc/tips.html): fill a dictionary in one function per page,
// expand, output. One TemplateDictionary per request (they are not thread-safe); expansion of
// loaded templates is. The layout includes the page as {{>CONTENT}}; include dictionaries look
// values up in their parents, so the page sees the layout's values too.
#include "view/templates.hpp"

#include <ctemplate/template.h>

#include <fstream>
#include <iterator>
#include <string_view>

namespace voiceverify::view {

const char* const kTemplateFiles[] = {"layout.tpl", "phone_form.tpl", "code_form.tpl",
                                      "success.tpl", "error.tpl", nullptr};

namespace {

constexpr std::string_view kPragma = "{{%AUTOESCAPE context=\"HTML\"}}";

std::string join_path(const std::string& dir, const char* file) {
  return dir.empty() || dir.back() == '/' ? dir + file : dir + "/" + file;
}

void fill_banner(ctemplate::TemplateDictionary& dict, const std::optional<Banner>& banner) {
  if (!banner) return;
  ctemplate::TemplateDictionary* section = dict.AddSectionDictionary("BANNER");
  section->SetValue("KIND", banner->kind);
  section->SetValue("TEXT", banner->text);
}

// Expands the layout with `page` as its content.
std::string expand(const std::string& dir, ctemplate::TemplateDictionary& dict,
                   const char* page) {
  ctemplate::TemplateDictionary* content = dict.AddIncludeDictionary("CONTENT");
  content->SetFilename(join_path(dir, page));
  std::string out;
  ctemplate::ExpandTemplate(join_path(dir, "layout.tpl"), ctemplate::DO_NOT_STRIP, &dict, &out);
  return out;
}

}  // namespace

std::optional<Templates> Templates::load(const std::string& dir, std::string& error) {
  for (const char* const* file = kTemplateFiles; *file; ++file) {
    const std::string path = join_path(dir, *file);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      error = "template " + path + " is missing or unreadable";
      return std::nullopt;
    }
    std::string head(kPragma.size(), '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    // An included template without its own pragma is expanded unescaped (platform notes), so
    // every file must carry it, first thing.
    if (head != kPragma) {
      error = "template " + path + " does not start with " + std::string(kPragma);
      return std::nullopt;
    }
    if (!ctemplate::LoadTemplate(path, ctemplate::DO_NOT_STRIP)) {
      error = "template " + path + " has a syntax error";
      return std::nullopt;
    }
  }
  return Templates(dir);
}

std::string Templates::phone_form(const PhoneFormView& view) const {
  ctemplate::TemplateDictionary dict("phone_form");
  dict.SetValue("TITLE", "Verify your phone number");
  fill_banner(dict, view.banner);
  dict.SetValue("CSRF_TOKEN", view.csrf_token);
  return expand(dir_, dict, "phone_form.tpl");
}

std::string Templates::code_form(const CodeFormView& view) const {
  ctemplate::TemplateDictionary dict("code_form");
  dict.SetValue("TITLE", "Enter your verification code");
  fill_banner(dict, view.banner);
  dict.SetValue("CSRF_TOKEN", view.csrf_token);
  dict.SetValue("VERIFY_ID", view.verify_id);
  dict.SetValue("MASKED_NUMBER", view.masked_number);
  dict.SetIntValue("TOKEN_LENGTH", view.token_length);
  return expand(dir_, dict, "code_form.tpl");
}

std::string Templates::success(const SuccessView& view) const {
  ctemplate::TemplateDictionary dict("success");
  dict.SetValue("TITLE", "Phone number verified");
  fill_banner(dict, view.banner);
  dict.SetValue("MASKED_NUMBER", view.masked_number);
  return expand(dir_, dict, "success.tpl");
}

std::string Templates::error_page(const ErrorView& view) const {
  ctemplate::TemplateDictionary dict("error");
  dict.SetValue("TITLE", view.title);
  dict.SetIntValue("STATUS", view.status);
  dict.SetValue("MESSAGE", view.message);
  return expand(dir_, dict, "error.tpl");
}

}  // namespace voiceverify::view
