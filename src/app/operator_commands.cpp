// See operator_commands.hpp. Output is one line per item, for people and for grep.
#include "app/operator_commands.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "util/ascii.hpp"

namespace voiceverify::app {
namespace {

bool is_country(std::string_view what) {
  return what.size() == 2 &&
         std::all_of(what.begin(), what.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_plus_digits(std::string_view what) {
  return what.size() >= 2 && what.size() <= 16 && what.front() == '+' &&
         util::is_digits(what.substr(1));
}

}  // namespace

int list_blocks(guard::FraudGuard& guard, guard::Limiter& limiter, std::FILE* out) {
  std::vector<guard::Block> blocks;
  std::vector<guard::HeldNumber> held;
  if (guard.blocks(blocks) != guard::StoreError::None ||
      limiter.list_held(held) != guard::StoreError::None) {
    std::fprintf(out, "the store cannot be read\n");
    return 1;
  }
  for (const auto& block : blocks) {
    std::fprintf(out, "%s %s quarantined, %lld s left\n", guard::guard_scope_name(block.scope),
                 block.label.c_str(), static_cast<long long>(block.left.count()));
  }
  for (const auto& number : held) {
    std::fprintf(out, "number %s held by a limit, %lld s left\n", number.masked.c_str(),
                 static_cast<long long>(number.left.count()));
  }
  if (blocks.empty() && held.empty()) std::fprintf(out, "nothing is blocked\n");
  return 0;
}

int unblock(guard::FraudGuard& guard, guard::Limiter& limiter, std::string_view what,
            std::FILE* out) {
  if (!is_country(what) && !is_plus_digits(what)) {
    std::fprintf(out, "give a range or a number as + and digits (+3161234), or a country (NL)\n");
    return 2;
  }
  const std::string label(what);
  guard::StoreError guard_error{};
  guard::StoreError limit_error{};
  const bool lifted = guard.lift(label, guard_error);
  const bool released = is_plus_digits(what) && limiter.release(label, limit_error);
  if (guard_error != guard::StoreError::None || limit_error != guard::StoreError::None) {
    std::fprintf(out, "the store failed; nothing or not everything was lifted\n");
    return 1;
  }
  if (lifted) std::fprintf(out, "lifted the quarantine of %s\n", label.c_str());
  if (released) std::fprintf(out, "lifted the limits of that number\n");
  if (!lifted && !released) {
    std::fprintf(out, "nothing is held under %s\n", label.c_str());
    return 1;
  }
  return 0;
}

}  // namespace voiceverify::app
