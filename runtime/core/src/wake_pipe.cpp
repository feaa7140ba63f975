#include "wake_pipe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace corolab::detail {

WakePipe::WakePipe() {
  if (::pipe(fds_) != 0)
    throw std::system_error(errno, std::generic_category(), "pipe (reactor wake-up)");
  for (int fd : fds_) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
}

WakePipe::~WakePipe() {
  ::close(fds_[0]);
  ::close(fds_[1]);
}

void WakePipe::wake() noexcept {
  const char byte = 1;
  // A full pipe is fine: the reader is already due to wake up.
  [[maybe_unused]] auto written = ::write(fds_[1], &byte, 1);
}

void WakePipe::drain() noexcept {
  char buffer[256];
  while (::read(fds_[0], buffer, sizeof buffer) > 0) {
  }
}

}  // namespace corolab::detail
