// The modules' settings as the shipped defaults make them: config::Config's defaults passed
// through app/settings, the same path main() takes. For tests that want "the default policy"
// and then change a field or two; the module structs have no defaults of their own.
#pragma once

#include "app/settings.hpp"
#include "config/config.hpp"

namespace voiceverify::testing {

inline forms::PhonePolicy shipped_phone_policy() {
  return app::phone_policy(config::Config{});
}

// key_secret is derived from an empty SIGNING_KEY: tests that count in a store set their own.
inline store::LimitSettings shipped_limit_settings() {
  return app::limit_settings(config::Config{});
}

}  // namespace voiceverify::testing
