#include "corolab/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <deque>
#include <system_error>

#include "corolab/detail/intrusive_list.hpp"
#include "corolab/event.hpp"
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

// Several waits may be on at once (the crawler waits for Ctrl-C and, in
// another task, for SIGQUIT), but the pipe can have one reader: the first
// wait to need it watches it (the reader) and hands every signal it reads to
// the waits that want it; the others wait for `delivered` instead. When the
// reader leaves (it got its signal, or was cancelled), it wakes the others,
// and one of them takes over. All of this happens on the loop thread.
struct SignalWait : detail::ListHook {
  explicit SignalWait(const std::vector<int>& wanted) : signals(wanted) {}
  const std::vector<int>& signals;
  std::deque<int> received;  // signals read from the pipe, not taken yet
};

struct SignalHub {
  detail::IntrusiveList<SignalWait> waits;
  bool has_reader = false;
  Event delivered;  // set and reset at once: wakes whoever waits right now

  void wake_waits() noexcept {
    delivered.set();
    delivered.reset();
  }

  // Reads what the pipe holds; each signal goes to every wait that wants it.
  void deliver_from_pipe() {
    unsigned char bytes[64];
    const ssize_t count = ::read(signal_pipe[0], bytes, sizeof bytes);
    for (ssize_t i = 0; i < count; ++i) {
      waits.for_each([&](SignalWait& wait) {
        if (std::find(wait.signals.begin(), wait.signals.end(), bytes[i]) != wait.signals.end())
          wait.received.push_back(bytes[i]);
        return true;
      });
    }
    wake_waits();
  }
};

SignalHub& hub() {
  static SignalHub the_hub;
  return the_hub;
}

// A wait's place in the hub, for as long as the wait lasts.
class Listening {
 public:
  explicit Listening(SignalWait& wait) : wait_(wait) { hub().waits.push_back(wait); }
  ~Listening() { wait_.unlink(); }
  Listening(const Listening&) = delete;
  Listening& operator=(const Listening&) = delete;

 private:
  SignalWait& wait_;
};

// The reader's role, given back however the wait ends.
class Reading {
 public:
  Reading() noexcept { hub().has_reader = true; }
  ~Reading() {
    hub().has_reader = false;
    hub().wake_waits();  // one of the others takes over
  }
  Reading(const Reading&) = delete;
  Reading& operator=(const Reading&) = delete;
};

// The next signal for `wait`: read by this wait, or handed over by the reader.
Task<int> next_signal(SignalWait* wait) {
  while (wait->received.empty()) {
    if (!hub().has_reader) {
      Reading reading;
      co_await wait_readable(signal_pipe[0]);
      hub().deliver_from_pipe();
    } else {
      co_await hub().delivered.wait();
    }
  }
  const int signal_number = wait->received.front();
  wait->received.pop_front();
  co_return signal_number;
}

}  // namespace

Task<int> wait_for_signal(std::vector<int> signals) {
  create_signal_pipe();
  SignalHandlers handlers(signals);
  SignalWait wait(signals);
  Listening listening(wait);
  co_return co_await next_signal(&wait);
}

Task<void> on_each_signal(std::vector<int> signals, std::function<void(int)> handle) {
  create_signal_pipe();
  SignalHandlers handlers(signals);  // installed throughout: no signal slips by
  SignalWait wait(signals);
  Listening listening(wait);
  while (true) {
    const int signal_number = co_await next_signal(&wait);
    handle(signal_number);
  }
}

}  // namespace corolab
