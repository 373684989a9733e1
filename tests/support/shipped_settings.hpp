// The modules' settings as the shipped defaults make them: config::Config's defaults passed
// through app/settings, the same path main() takes. For tests that want "the default policy"
// and then change a field or two; the module structs have no defaults of their own. And the
// verify client settings the unit tests share.
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "app/settings.hpp"
#include "config/config.hpp"

namespace voiceverify::testing {

inline forms::PhonePolicy shipped_phone_policy() {
  return app::phone_policy(config::Config{});
}

// key_secret is derived from an empty SIGNING_KEY: tests that count in a store set their own.
inline guard::LimitSettings shipped_limit_settings() {
  return app::limit_settings(config::Config{});
}

// The shipped limits made roomy for a unit test that starts many calls: the resend interval off,
// a hundred calls in every window, nothing reserved for known people, three code tries; a test
// narrows the window it is about.
inline guard::LimitSettings roomy_limit_settings(std::string key_secret) {
  guard::LimitSettings s = shipped_limit_settings();
  s.key_secret = std::move(key_secret);
  s.sizes[guard::LimitWindow::Resend] = 0;
  s.sizes[guard::LimitWindow::Number10Min] = 100;
  s.sizes[guard::LimitWindow::NumberDay] = 100;
  s.sizes[guard::LimitWindow::NumberDayAll] = 100;
  s.sizes[guard::LimitWindow::NumberClientDay] = 100;
  s.sizes[guard::LimitWindow::ClientHour] = 100;
  s.sizes[guard::LimitWindow::NetHour] = 100;
  s.sizes[guard::LimitWindow::GlobalHour] = 100;
  s.sizes[guard::LimitWindow::StrangerHour] = 0;  // nothing reserved for known people
  s.sizes[guard::LimitWindow::Attempts] = 3;
  return s;
}

// The shipped fraud guard, with the key secret a test names (it must not be empty).
inline guard::FraudSettings shipped_fraud_settings(std::string key_secret) {
  guard::FraudSettings s = app::fraud_settings(config::Config{});
  s.key_secret = std::move(key_secret);
  return s;
}

// The client settings the unit tests run with: a voice call with the default sentence, 6 digits,
// 300 s, maxAttempts not sent. Endpoint and access key are each test's own.
inline messagebird::VerifySettings test_verify_settings(std::string endpoint,
                                                        std::string access_key) {
  messagebird::VerifySettings s{};
  s.endpoint = std::move(endpoint);
  s.access_key = std::move(access_key);
  s.template_text = "Your security code is %token.";
  s.token_length = 6;
  s.timeout = std::chrono::seconds(300);
  s.max_attempts = 1;
  return s;
}

}  // namespace voiceverify::testing
