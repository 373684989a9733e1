// Page rendering with ctemplate: every template is loaded (and checked to start with the
// AUTOESCAPE pragma) at start-up; each page has one fill function that takes plain values.
// Nothing here pre-escapes: ctemplate's HTML auto-escaping does it, in every file.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "view/catalogue.hpp"
#include "view/languages.hpp"

namespace voiceverify::view {

struct PhoneFormView {
  std::optional<Banner> banner;
  std::string csrf_token;
  std::string client_name{};  // an application that asks for the number (OpenID Connect), or empty
  std::string number{};       // the form's value: the application's login_hint, or empty
};

struct CodeFormView {
  std::optional<Banner> banner;
  std::string csrf_token;
  std::string verify_id;      // validated id, used in the form's action
  std::string masked_number;  // "+31 * ******78"
  int token_length = 6;
  std::chrono::seconds call_again_in{0};  // until "call me again" is allowed; 0: now
  std::chrono::seconds code_left{0};      // until the code expires; 0: it has
};

struct SuccessView {
  std::optional<Banner> banner;
  std::string masked_number;
};

struct ErrorView {
  int status = 500;         // one of kErrorStatuses: its title and sentence come from the catalogue
  bool from_nginx = false;  // the static page nginx serves itself (build time)
  std::optional<MessageId> message{};  // a sentence other than the status's own
};

// The statuses that have an error page of their own (the pool's, and nginx's that the build
// renders to static files).
extern const std::vector<int> kErrorStatuses;
// The statuses nginx answers itself with a page rendered at build time (static/STATUS.html, the
// error_page lines of nginx/snippets/voiceverify-locations.conf): 429 is its limit_req.
extern const std::vector<int> kNginxErrorStatuses;

class Templates {
 public:
  // Loads every template from `dir`, and the message catalogues messages.<lang>.txt beside them
  // (languages.hpp). On failure returns nullopt and sets `error` to a message naming the file
  // (missing, unreadable, no AUTOESCAPE pragma, a syntax error, or a catalogue without a text
  // the program needs or with other keys than English).
  static std::optional<Templates> load(const std::string& dir, std::string& error);

  // Each page in `language`, one of languages().tags() (English for any other): its words,
  // banner included, and <html lang>.
  std::string phone_form(const PhoneFormView& view, std::string_view language) const;
  std::string code_form(const CodeFormView& view, std::string_view language) const;
  std::string success(const SuccessView& view, std::string_view language) const;
  std::string error_page(const ErrorView& view, std::string_view language) const;

  const Languages& languages() const { return languages_; }
  const Catalogue& catalogue(std::string_view language) const {
    return languages_.catalogue(language);
  }

 private:
  Templates(std::string dir, Languages languages)
      : dir_(std::move(dir)), languages_(std::move(languages)) {}
  std::string dir_;
  Languages languages_;
};

// The template files this program needs, relative to the templates directory.
extern const char* const kTemplateFiles[];

}  // namespace voiceverify::view
