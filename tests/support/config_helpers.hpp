// What the config test files share: fake secrets, an environment holding them, and a private
// temporary directory for config files.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <system_error>

namespace voiceverify::testing {

inline const std::string kAccessKey = "test_gshuPaZoeEG6ovbc8M79w0QyM";
inline const std::string kSigningKey = "0123456789abcdef0123456789abcdef-signing";

// The two required keys and nothing else.
inline std::map<std::string, std::string> base_env() {
  return {{"MESSAGEBIRD_ACCESS_KEY", kAccessKey}, {"SIGNING_KEY", kSigningKey}};
}

inline std::map<std::string, std::string> env_with(const std::string& key,
                                                   const std::string& value) {
  auto env = base_env();
  env[key] = value;
  return env;
}

// A private directory per test under $TMPDIR, removed at the end: tests never write in the tree.
class TempDir {
 public:
  TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/voiceverify-config-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, const std::string& text) const {
    const std::string file = path_ + "/" + name;
    std::ofstream out(file, std::ios::binary);
    out << text;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace voiceverify::testing
