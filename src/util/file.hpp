// Reading a small file whole, with a size cap, and for secrets a check of its mode first: the
// config file, SIGNING_KEY_FILE and the OpenID Connect key files all come through here.
#pragma once

#include <cstddef>
#include <string>

namespace voiceverify::util {

// Who may read the file for it to be accepted.
enum class FileAccess {
  Any,      // a config file
  Private,  // a secret: a file every user may read is refused before a byte of it is read
};

// Reads the regular file at `path` (at most `cap` bytes) into `out`. Returns the reason it was
// refused, starting with `where`, never with any of the file's content; empty on success.
std::string read_file(const std::string& path, const std::string& where, std::size_t cap,
                      FileAccess access, std::string& out);

}  // namespace voiceverify::util
