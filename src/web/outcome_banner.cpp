#include "web/outcome_banner.hpp"

#include "guard/limit_windows.hpp"

namespace voiceverify::web {
namespace {

using verify::OutcomeKind;
using view::MessageId;

MessageId phone_message(forms::PhoneError error) {
  switch (error) {
    case forms::PhoneError::Missing:
      return MessageId::NumberMissing;
    case forms::PhoneError::TypeNotAllowed:
      return MessageId::NumberTypeRefused;
    case forms::PhoneError::CountryNotAllowed:
      return MessageId::CountryRefused;
    default:
      return MessageId::NumberInvalid;
  }
}

view::Banner error(MessageId message, long n = 0) {
  return {view::BannerKind::Error, message, n};
}

}  // namespace

std::optional<view::Banner> banner_for(const verify::Outcome& outcome, int token_length) {
  switch (outcome.kind) {
    case OutcomeKind::CallPlaced:
    case OutcomeKind::Verified:
    case OutcomeKind::NotOwner:
    case OutcomeKind::Cancelled:
      return std::nullopt;
    case OutcomeKind::TooSoon:
      return view::Banner{view::BannerKind::Info, MessageId::CallAgainWait,
                          static_cast<long>(outcome.retry_after.count())};
    case OutcomeKind::NumberRefused:
      return error(phone_message(outcome.phone_error));
    case OutcomeKind::Limited:
      return error(guard::limit_window(outcome.window).banner,
                   static_cast<long>(outcome.retry_after.count()));
    case OutcomeKind::NumberBlocked:
      return error(MessageId::NumberBlocked);
    case OutcomeKind::StoreDown:
    case OutcomeKind::AccountProblem:
    case OutcomeKind::UpstreamDown:
      return error(MessageId::ServiceUnavailable);
    case OutcomeKind::Busy:
      return error(MessageId::Busy);
    case OutcomeKind::CallFailed:
      return error(MessageId::CallFailed);
    case OutcomeKind::RecipientRefused:
      return error(MessageId::NumberInvalid);
    case OutcomeKind::CodeRefused:
      return outcome.code_error == forms::CodeError::Missing
                 ? error(MessageId::CodeMissing)
                 : error(MessageId::CodeFormat, token_length);
    case OutcomeKind::WrongCode:
      return error(MessageId::WrongCode, outcome.tries_left);
    case OutcomeKind::NoTriesLeft:
      return error(MessageId::NoTriesLeft);
    case OutcomeKind::Expired:
      return error(MessageId::Expired);
    case OutcomeKind::AlreadyUsed:
      return error(MessageId::AlreadyUsed);
    case OutcomeKind::UnknownVerification:
      return error(MessageId::UnknownVerification);
    case OutcomeKind::CheckFailed:
      return error(MessageId::CheckFailed);
  }
  return error(MessageId::ServiceUnavailable);
}

}  // namespace voiceverify::web
