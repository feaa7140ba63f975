#include "corolab/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <system_error>

#include "corolab/io_wait.hpp"

namespace corolab {

namespace {

// The self-pipe, created once and kept for the life of the process: a
// handler could still run after a wait ends.
int signal_pipe[2] = {-1, -1};

extern "C" void write_signal_to_pipe(int signal_number) {
  const int saved_errno = errno;  // the interrupted code may be looking at errno
  const auto byte = static_cast<unsigned char>(signal_number);
  [[maybe_unused]] auto written = ::write(signal_pipe[1], &byte, 1);
  errno = saved_errno;
}

void create_signal_pipe() {
  if (signal_pipe[0] >= 0) return;
  if (::pipe(signal_pipe) != 0)
    throw std::system_error(errno, std::generic_category(), "pipe (signals)");
  for (int fd : signal_pipe) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
}

// Installs our handler for some signals; puts the old ones back on destruction.
class SignalHandlers {
 public:
  explicit SignalHandlers(const std::vector<int>& signals) {
    struct sigaction ours {};
    ours.sa_handler = write_signal_to_pipe;
    ours.sa_flags = SA_RESTART;
    sigemptyset(&ours.sa_mask);
    for (int signal_number : signals) {
      struct sigaction previous {};
      if (::sigaction(signal_number, &ours, &previous) != 0) {
        throw std::system_error(errno, std::generic_category(), "sigaction");
      }
      saved_.push_back({signal_number, previous});
    }
  }
  ~SignalHandlers() {
    for (auto& [signal_number, previous] : saved_) ::sigaction(signal_number, &previous, nullptr);
  }
  SignalHandlers(const SignalHandlers&) = delete;
  SignalHandlers& operator=(const SignalHandlers&) = delete;

 private:
  struct Saved {
    int signal_number;
    struct sigaction previous;
  };
  std::vector<Saved> saved_;
};

}  // namespace

Task<int> wait_for_signal(std::vector<int> signals) {
  create_signal_pipe();
  SignalHandlers handlers(signals);
  while (true) {
    co_await wait_readable(signal_pipe[0]);
    unsigned char received[64];
    const ssize_t count = ::read(signal_pipe[0], received, sizeof received);
    for (ssize_t i = 0; i < count; ++i) {
      if (std::find(signals.begin(), signals.end(), received[i]) != signals.end())
        co_return received[i];
    }
  }
}

}  // namespace corolab
