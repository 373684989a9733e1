// The message catalogue: every sentence a page or banner shows, read at start-up from one data
// file per language (templates/messages.<lang>.txt; its header says the format). Code names a
// message by MessageId; the flash cookie carries the id and its number, never rendered text, so
// the words can change (or come in another language) without touching code or cookies.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voiceverify::view {

// The messages the program chooses. Their keys in the file are in one table (catalogue.cpp).
enum class MessageId {
  NumberMissing,
  NumberInvalid,
  NumberTypeRefused,
  CountryRefused,
  NumberBlocked,  // the fraud guard holds the number's range or country
  CallFailed,
  ServiceUnavailable,
  Busy,  // too many requests waiting for MessageBird
  CodeMissing,
  CodeFormat,  // {n}: digits in the code
  CheckFailed,
  WrongCode,  // {n}: tries left
  NoTriesLeft,
  Expired,
  AlreadyUsed,
  UnknownVerification,
  LimitResend,  // {wait}: seconds until the window frees
  LimitNumber,
  LimitClient,
  LimitSite,
  LimitCountry,
  LimitBusy,  // {wait}: strangers' share of the site-wide hour is spent
  TitlePhone,
  TitleCode,
  TitleSuccess,
  CallAgainWait,         // {wait}: until "call me again" is allowed (the code page, and its banner)
  CodeValidFor,          // {wait}: the code's time left (the code page)
  AuthorizationRefused,  // the error page of a sign-in link we must not send back (docs/oidc.md)
};

// "number.missing" for NumberMissing; the key in the file and in the flash cookie.
std::string_view message_key(MessageId id);
std::optional<MessageId> message_from_key(std::string_view key);

enum class BannerKind { Error, Info };
// "error", "info": the CSS class suffix, and the name in the flash cookie.
const char* banner_kind_name(BannerKind kind);
std::optional<BannerKind> banner_kind_from_name(std::string_view name);

// A banner names its message and the one number it may need (seconds to wait, tries left);
// the words come from the catalogue when the page is rendered.
struct Banner {
  BannerKind kind = BannerKind::Error;
  MessageId message = MessageId::ServiceUnavailable;
  long n = 0;
};

class Catalogue {
 public:
  // Reads `path`. nullopt with `error` naming the file and line (or the missing key) when a line
  // is malformed, a key repeats, a placeholder is unknown, or a required key is missing: every
  // MessageId, the durations, and a title and text for each status in `error_statuses`.
  static std::optional<Catalogue> load(const std::string& path,
                                       const std::vector<int>& error_statuses, std::string& error);

  // The message with {n} (and {wait}, n read as seconds) filled in; the .one form when n is 1.
  std::string text(MessageId id, long n = 0) const;
  // The title and sentence of the error page for `status` (one load() was asked for);
  // `from_nginx` takes error.STATUS.nginx when the file has it (nginx's own page for the status).
  std::string error_title(int status) const;
  std::string error_text(int status, bool from_nginx = false) const;
  // "4 minutes": rounded up to seconds under a minute, minutes under an hour, then hours, so
  // whoever waits that long never comes back too early.
  std::string duration(std::chrono::seconds wait) const;

  // The "page." entries as template variables ({"PAGE_CODE_LABEL", text}), {n} filled in.
  std::vector<std::pair<std::string, std::string>> page_texts(long n) const;

  // The same entries as read at start-up, for filling a page without copying them: a text with
  // `takes_n` still holds "{n}" (fill_number() puts the number in).
  struct PageText {
    std::string name;  // "PAGE_CODE_LABEL"
    std::string text;
    bool takes_n = false;
  };
  const std::vector<PageText>& page_entries() const { return page_entries_; }
  static std::string fill_number(std::string text, long n);

  // Every key the file set, sorted ("code.wrong.one", not "code.wrong"): for comparing the
  // languages' files with English (languages.hpp).
  std::vector<std::string> keys() const;

 private:
  std::string lookup(std::string_view key, long n) const;
  std::map<std::string, std::string, std::less<>> entries_;
  std::vector<PageText> page_entries_;  // the "page." entries, made once by load()
};

}  // namespace voiceverify::view
