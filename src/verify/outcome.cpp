#include "verify/outcome.hpp"

#include <array>

#include "util/name_table.hpp"

namespace voiceverify::verify {
namespace {

constexpr auto kOutcomeNames = std::to_array<util::NameRow<OutcomeKind>>({
    {OutcomeKind::CallPlaced, "call_placed"},
    {OutcomeKind::NumberRefused, "number_refused"},
    {OutcomeKind::Limited, "limited"},
    {OutcomeKind::NumberBlocked, "number_blocked"},
    {OutcomeKind::StoreDown, "store_down"},
    {OutcomeKind::CallFailed, "call_failed"},
    {OutcomeKind::AccountProblem, "account_problem"},
    {OutcomeKind::RecipientRefused, "recipient_refused"},
    {OutcomeKind::NotOwner, "not_owner"},
    {OutcomeKind::CodeRefused, "code_refused"},
    {OutcomeKind::WrongCode, "wrong_code"},
    {OutcomeKind::NoTriesLeft, "no_tries_left"},
    {OutcomeKind::Expired, "expired"},
    {OutcomeKind::AlreadyUsed, "already_used"},
    {OutcomeKind::UnknownVerification, "unknown_verification"},
    {OutcomeKind::CheckFailed, "check_failed"},
    {OutcomeKind::Verified, "verified"},
    {OutcomeKind::TooSoon, "too_soon"},
    {OutcomeKind::Cancelled, "cancelled"},
    {OutcomeKind::Busy, "busy"},
    {OutcomeKind::UpstreamDown, "upstream_down"},
});

}  // namespace

const char* outcome_name(OutcomeKind kind) {
  return util::name_of(kOutcomeNames, kind, "unknown");
}

}  // namespace voiceverify::verify
