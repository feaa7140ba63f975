#pragma once
// FileDescriptor: owns an fd and closes it exactly once.
//
// Closing also tells the loop's reactor to forget the fd first: the kernel
// hands the same number to the next socket, and stale interest must not
// follow it there.

#include <utility>

namespace corolab::detail {

class FileDescriptor {
 public:
  FileDescriptor() noexcept = default;
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      close();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~FileDescriptor() { close(); }

  int get() const noexcept { return fd_; }
  bool is_open() const noexcept { return fd_ >= 0; }
  void close() noexcept;

 private:
  int fd_ = -1;
};

// Makes `fd` non-blocking and close-on-exec (portable: no SOCK_NONBLOCK).
void make_nonblocking(int fd);

}  // namespace corolab::detail
