// ctemplate as its authors intend (doc/tips.html): fill a dictionary in one function per page,
// expand, output. One TemplateDictionary per request (they are not thread-safe); expansion of
// loaded templates is. The layout includes the page as {{>CONTENT}}. Unlike section
// dictionaries, an include dictionary does not see its parent's values: the layout's values
// (title, banner) go on the layout's dictionary and the page's on the CONTENT one.
#include "view/templates.hpp"

#include <ctemplate/template.h>

#include <fstream>
#include <iterator>
#include <string_view>

#include "view/banner_field.hpp"

namespace voiceverify::view {

const char* const kTemplateFiles[] = {"layout.tpl",  "phone_form.tpl", "code_form.tpl",
                                      "success.tpl", "error.tpl",      nullptr};

const std::vector<int> kErrorStatuses{400, 403, 404, 405, 413, 415, 429, 431, 500, 502};
const std::vector<int> kNginxErrorStatuses{400, 413, 429, 502};

namespace {

constexpr std::string_view kPragma = "{{%AUTOESCAPE context=\"HTML\"}}";

std::string join_path(const std::string& dir, const char* file) {
  return dir.empty() || dir.back() == '/' ? dir + file : dir + "/" + file;
}

void fill_banner(ctemplate::TemplateDictionary& dict, const Catalogue& catalogue,
                 const std::optional<Banner>& banner) {
  if (!banner) return;
  ctemplate::TemplateDictionary* section = dict.AddSectionDictionary("BANNER");
  section->SetValue("KIND", banner_kind_name(banner->kind));
  section->SetValue("TEXT", catalogue.text(banner->message, banner->n));
}

// The state of the page's one field (docs/accessibility.md): FIELD_DESCRIBED ties it to the
// banner whenever one shows, FIELD_INVALID marks it when the banner is about it. The attributes
// themselves are in the template.
void fill_field_state(ctemplate::TemplateDictionary& content, const std::optional<Banner>& banner,
                      BannerField field) {
  if (banner) content.ShowSection("FIELD_DESCRIBED");
  if (banner_is_about(banner, field)) content.ShowSection("FIELD_INVALID");
}

// The layout's dictionary and the page's, included as {{>CONTENT}}. The page's words go on the
// page's dictionary, `n` filled into them (the code's length on the code page).
struct PageDictionaries {
  ctemplate::TemplateDictionary layout;
  ctemplate::TemplateDictionary* content;

  PageDictionaries(const std::string& dir, const Languages::Language& language, const char* page,
                   const std::string& title, const std::optional<Banner>& banner, long n = 0)
      : layout(page), content(layout.AddIncludeDictionary("CONTENT")) {
    const Catalogue& catalogue = language.words;
    content->SetFilename(join_path(dir, page));
    layout.SetValue("LANG", language.tag);  // <html lang>: the language of every word below
    layout.SetValue("TITLE", title);
    fill_banner(layout, catalogue, banner);
    // The words were read at start-up; only a text with {n} is filled per page.
    for (const auto& entry : catalogue.page_entries()) {
      if (entry.takes_n) {
        content->SetValue(entry.name, Catalogue::fill_number(entry.text, n));
      } else {
        content->SetValue(entry.name, entry.text);
      }
    }
  }

  std::string expand(const std::string& dir) {
    std::string out;
    ctemplate::ExpandTemplate(join_path(dir, "layout.tpl"), ctemplate::DO_NOT_STRIP, &layout, &out);
    return out;
  }
};

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
    // An included template without its own pragma is expanded unescaped (docs/platform.md,
    // "ctemplate"), so every file must carry it, first thing.
    if (head != kPragma) {
      error = "template " + path + " does not start with " + std::string(kPragma);
      return std::nullopt;
    }
    if (!ctemplate::LoadTemplate(path, ctemplate::DO_NOT_STRIP)) {
      error = "template " + path + " has a syntax error";
      return std::nullopt;
    }
  }
  auto languages = Languages::load(dir, kErrorStatuses, error);
  if (!languages) return std::nullopt;
  return Templates(dir, std::move(*languages));
}

std::string Templates::phone_form(const PhoneFormView& view, std::string_view language) const {
  const Languages::Language& chosen = languages_.language(language);
  const Catalogue& words = chosen.words;
  PageDictionaries page(dir_, chosen, "phone_form.tpl", words.text(MessageId::TitlePhone),
                        view.banner);
  page.content->SetValue("CSRF_TOKEN", view.csrf_token);
  if (!view.number.empty()) {
    page.content->AddSectionDictionary("PREFILL")->SetValue("NUMBER", view.number);
  }
  if (!view.client_name.empty()) {
    page.content->AddSectionDictionary("FOR_CLIENT")->SetValue("CLIENT_NAME", view.client_name);
  }
  fill_field_state(*page.content, view.banner, BannerField::Number);
  return page.expand(dir_);
}

std::string Templates::code_form(const CodeFormView& view, std::string_view language) const {
  const Languages::Language& chosen = languages_.language(language);
  const Catalogue& words = chosen.words;
  PageDictionaries page(dir_, chosen, "code_form.tpl", words.text(MessageId::TitleCode),
                        view.banner, view.token_length);
  page.content->SetValue("CSRF_TOKEN", view.csrf_token);
  page.content->SetValue("VERIFY_ID", view.verify_id);
  page.content->SetValue("MASKED_NUMBER", view.masked_number);
  page.content->SetIntValue("TOKEN_LENGTH", view.token_length);
  fill_field_state(*page.content, view.banner, BannerField::Code);
  page.content->SetValue("CODE_TIME_LEFT",
                         view.code_left.count() > 0
                             ? words.text(MessageId::CodeValidFor, view.code_left.count())
                             : words.text(MessageId::Expired));
  // Before RESEND_INTERVAL has passed the page says when a new call may be asked for (the
  // button still posts: the answer is the same sentence as a banner); countdown.js may count the
  // seconds down in the sentence, from the data the section carries.
  if (view.call_again_in.count() > 0) {
    ctemplate::TemplateDictionary* wait = page.content->AddSectionDictionary("CALL_AGAIN_WAIT");
    wait->SetValue("TEXT", words.text(MessageId::CallAgainWait, view.call_again_in.count()));
    wait->SetIntValue("SECONDS", static_cast<long>(view.call_again_in.count()));
    wait->SetValue("ONE", words.text(MessageId::CallAgainWait, 1));
    wait->SetValue("OTHER", words.text(MessageId::CallAgainWait, 2));
  } else {
    page.content->ShowSection("CALL_AGAIN_READY");
  }
  return page.expand(dir_);
}

std::string Templates::success(const SuccessView& view, std::string_view language) const {
  const Languages::Language& chosen = languages_.language(language);
  const Catalogue& words = chosen.words;
  PageDictionaries page(dir_, chosen, "success.tpl", words.text(MessageId::TitleSuccess),
                        view.banner);
  page.content->SetValue("MASKED_NUMBER", view.masked_number);
  return page.expand(dir_);
}

std::string Templates::error_page(const ErrorView& view, std::string_view language) const {
  const Languages::Language& chosen = languages_.language(language);
  const Catalogue& words = chosen.words;
  PageDictionaries page(dir_, chosen, "error.tpl", words.error_title(view.status), std::nullopt);
  page.content->SetIntValue("STATUS", view.status);
  page.content->SetValue("MESSAGE", view.message ? words.text(*view.message)
                                                 : words.error_text(view.status, view.from_nginx));
  return page.expand(dir_);
}

}  // namespace voiceverify::view
