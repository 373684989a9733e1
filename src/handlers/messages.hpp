// Every sentence a banner can say, in one place, in the project's own words. Upstream
// descriptions never reach a page: they go to the log.
#pragma once

#include <chrono>
#include <string>

namespace voiceverify::handlers::messages {

inline constexpr const char* kNumberMissing = "Please enter your phone number.";
inline constexpr const char* kNumberInvalid =
    "That does not look like a phone number we can call. Please check the number, including the "
    "country code, and try again.";
inline constexpr const char* kNumberTypeRefused =
    "We cannot call this kind of number. Please use a mobile or landline number.";
inline constexpr const char* kCountryRefused =
    "We cannot call numbers in that country. Please use another number.";
inline constexpr const char* kCallFailed =
    "We could not place the call just now. Please try again in a moment.";
inline constexpr const char* kServiceUnavailable =
    "The verification service is unavailable right now. Please try again later.";
inline constexpr const char* kCodeMissing = "Please enter the code you heard.";
inline constexpr const char* kCheckFailed =
    "We could not check your code just now. Please try again in a moment.";
inline constexpr const char* kNoTriesLeft =
    "That code is not right, and there are no tries left. Please request a new call.";
inline constexpr const char* kExpired = "That code has expired. Please request a new call.";
inline constexpr const char* kAlreadyUsed =
    "That code has already been used. Please request a new call.";
inline constexpr const char* kUnknownVerification =
    "We could not find that verification. Please request a new call.";

// "The code is the 6 digits you heard: please enter digits only."
std::string code_format(int token_length);
// "That code is not right. You have 2 tries left."
std::string wrong_code(int attempts_left);
// "Too many calls ... Please try again in 4 minutes." by the limit that was hit.
std::string limited(const std::string& which, std::chrono::seconds retry_after);

}  // namespace voiceverify::handlers::messages
