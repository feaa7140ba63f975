#pragma once
// The self-pipe trick: another thread writes a byte to wake a blocked poll.

namespace corolab::detail {

class WakePipe {
 public:
  WakePipe();
  ~WakePipe();
  WakePipe(const WakePipe&) = delete;
  WakePipe& operator=(const WakePipe&) = delete;

  int read_fd() const noexcept { return fds_[0]; }
  void wake() noexcept;   // any thread
  void drain() noexcept;  // loop thread, when read_fd() is readable

 private:
  int fds_[2] = {-1, -1};
};

}  // namespace corolab::detail
