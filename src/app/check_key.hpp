// `voiceverify --check-key`: does MessageBird accept the configured access key? Asked without
// placing a call or changing anything (docs/messagebird-verify.md, "Checking a key").
#pragma once

#include <string>

#include "app/settings.hpp"

namespace voiceverify::app {

struct KeyCheck {
  bool works = false;
  std::string says;  // one line for the operator; never the key
};

KeyCheck check_key(const Settings& settings);

}  // namespace voiceverify::app
