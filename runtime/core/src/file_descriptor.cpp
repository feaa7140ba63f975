#include "corolab/detail/file_descriptor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "corolab/event_loop.hpp"

namespace corolab::detail {

void FileDescriptor::close() noexcept {
  if (fd_ < 0) return;
  if (EventLoop* loop = EventLoop::current_or_null()) loop->reactor().forget(fd_);
  ::close(std::exchange(fd_, -1));
}

void make_nonblocking(int fd) {
  if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) != 0 ||
      ::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "fcntl (non-blocking)");
  }
}

}  // namespace corolab::detail
