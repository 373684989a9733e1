// Captures what the code under test writes to stderr (fd 2), where the log goes, so a test can
// assert on the log lines a sysadmin would read. Meant for a few lines: the pipe is read after
// `fn` returns, so more than a pipe's buffer (64 KiB) would block.
#pragma once

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <string>

namespace voiceverify::testing {

template <typename Fn>
std::string capture_stderr(Fn fn) {
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(fds[1], STDERR_FILENO);
  fn();
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  ::close(fds[1]);
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) out.append(buffer, n);
  ::close(fds[0]);
  return out;
}

}  // namespace voiceverify::testing
