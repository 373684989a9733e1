#include "verify/outcome.hpp"

namespace voiceverify::verify {

const char* outcome_name(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::CallPlaced:
      return "call_placed";
    case OutcomeKind::NumberRefused:
      return "number_refused";
    case OutcomeKind::Limited:
      return "limited";
    case OutcomeKind::NumberBlocked:
      return "number_blocked";
    case OutcomeKind::StoreDown:
      return "store_down";
    case OutcomeKind::CallFailed:
      return "call_failed";
    case OutcomeKind::AccountProblem:
      return "account_problem";
    case OutcomeKind::RecipientRefused:
      return "recipient_refused";
    case OutcomeKind::NotOwner:
      return "not_owner";
    case OutcomeKind::CodeRefused:
      return "code_refused";
    case OutcomeKind::WrongCode:
      return "wrong_code";
    case OutcomeKind::NoTriesLeft:
      return "no_tries_left";
    case OutcomeKind::Expired:
      return "expired";
    case OutcomeKind::AlreadyUsed:
      return "already_used";
    case OutcomeKind::UnknownVerification:
      return "unknown_verification";
    case OutcomeKind::CheckFailed:
      return "check_failed";
    case OutcomeKind::Verified:
      return "verified";
    case OutcomeKind::TooSoon:
      return "too_soon";
    case OutcomeKind::Cancelled:
      return "cancelled";
  }
  return "unknown";
}

}  // namespace voiceverify::verify
