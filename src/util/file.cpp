// See file.hpp.
#include "util/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace voiceverify::util {

std::string read_file(const std::string& path, const std::string& where, std::size_t cap,
                      FileAccess access, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return where + "cannot open (" + std::strerror(errno) + ")";
  std::string error;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = where + "not a regular file";
  } else if (access == FileAccess::Private && (st.st_mode & S_IROTH) != 0) {
    error = where + "every user may read it: chmod 0600 (or 0640 for the service's group)";
  } else {
    char buffer[8192];
    while (error.empty()) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error = where + "cannot read (" + std::strerror(errno) + ")";
      } else if (n == 0) {
        break;
      } else if (out.size() + static_cast<std::size_t>(n) > cap) {
        error = where + "larger than " + std::to_string(cap) + " bytes";
      } else {
        out.append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  ::close(fd);
  return error;
}

}  // namespace voiceverify::util
