// Page rendering with ctemplate: every template is loaded (and checked to start with the
// AUTOESCAPE pragma) at start-up; each page has one fill function that takes plain values.
// Nothing here pre-escapes: ctemplate's HTML auto-escaping does it, in every file.
#pragma once

#include <optional>
#include <string>

namespace voiceverify::view {

struct Banner {
  std::string kind;  // "error" or "info": a CSS class suffix of ours
  std::string text;
};

struct PhoneFormView {
  std::optional<Banner> banner;
  std::string csrf_token;
};

struct CodeFormView {
  std::optional<Banner> banner;
  std::string csrf_token;
  std::string verify_id;      // validated id, used in the form's action
  std::string masked_number;  // "+31 * ******78"
  int token_length = 6;
};

struct SuccessView {
  std::optional<Banner> banner;
  std::string masked_number;
};

struct ErrorView {
  int status = 500;
  std::string title;    // "Page not found"
  std::string message;  // one sentence for the person
};

class Templates {
 public:
  // Loads every template from `dir`. On failure returns nullopt and sets `error` to a message
  // naming the file (missing, unreadable, no AUTOESCAPE pragma, or a syntax error).
  static std::optional<Templates> load(const std::string& dir, std::string& error);

  std::string phone_form(const PhoneFormView& view) const;
  std::string code_form(const CodeFormView& view) const;
  std::string success(const SuccessView& view) const;
  std::string error_page(const ErrorView& view) const;

 private:
  explicit Templates(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

// The template files this program needs, relative to the templates directory.
extern const char* const kTemplateFiles[];

}  // namespace voiceverify::view
