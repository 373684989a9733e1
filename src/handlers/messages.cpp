#include "handlers/messages.hpp"

namespace voiceverify::handlers::messages {
namespace {

// "45 seconds", "1 minute", "3 hours": rounded up, so the user never comes back too early.
std::string wait_time(std::chrono::seconds wait) {
  long s = wait.count() < 1 ? 1 : static_cast<long>(wait.count());
  auto unit = [](long n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  if (s < 60) return unit(s, "second", "seconds");
  if (s < 3600) return unit((s + 59) / 60, "minute", "minutes");
  return unit((s + 3599) / 3600, "hour", "hours");
}

}  // namespace

std::string code_format(int token_length) {
  return "The code is the " + std::to_string(token_length) +
         " digits you heard: please enter digits only.";
}

std::string wrong_code(int attempts_left) {
  return "That code is not right. You have " + std::to_string(attempts_left) +
         (attempts_left == 1 ? " try left." : " tries left.");
}

std::string limited(const std::string& which, std::chrono::seconds retry_after) {
  const std::string when = " Please try again in " + wait_time(retry_after) + ".";
  if (which == "resend") return "We have just called this number." + when;
  if (which == "number-10min" || which == "number-day")
    return "There have been too many calls to this number." + when;
  if (which == "ip-hour") return "There have been too many calls from your connection." + when;
  if (which == "global-hour") return "We are placing too many calls right now." + when;
  return "Too many attempts." + when;
}

}  // namespace voiceverify::handlers::messages
