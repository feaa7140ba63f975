// The epoll(7) backend: the kernel keeps the interest list, so a wait costs
// O(ready fds) instead of O(watched fds).
//
// Interest is removed lazily: when a watch fires we keep the fd registered,
// because the coroutine usually watches it again right after its next read
// returns EAGAIN, and keeping it saves two epoll_ctl calls per wait. Only
// when the kernel reports readiness that nobody watches any more do we
// shrink (or delete) the registration.
#if defined(__linux__)
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "corolab/reactor.hpp"
#include "wake_pipe.hpp"
#include "watch_table.hpp"

namespace corolab {
namespace {

constexpr std::uint32_t kReadEvents = EPOLLIN | EPOLLRDHUP;
constexpr std::uint32_t kWriteEvents = EPOLLOUT;
constexpr std::uint32_t kTrouble = EPOLLERR | EPOLLHUP;

class EpollReactor final : public Reactor {
 public:
  EpollReactor() : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)), events_(256) {
    if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
    epoll_event wake{};
    wake.events = EPOLLIN;
    wake.data.fd = wake_pipe_.read_fd();
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_pipe_.read_fd(), &wake);
  }
  ~EpollReactor() override { ::close(epoll_fd_); }

  ReactorKind kind() const noexcept override { return ReactorKind::epoll; }

  void watch(int fd, IoDirection direction, IoCallback& callback) override {
    watches_.set(fd, direction, callback);
    const std::uint32_t needed = direction == IoDirection::read ? kReadEvents : kWriteEvents;
    if ((registered(fd) & needed) == needed) return;  // still registered from last time
    try {
      set_registration(fd, registered(fd) | needed);
    } catch (...) {
      watches_.take(fd, direction);
      throw;
    }
  }

  void unwatch(int fd, IoDirection direction) noexcept override { watches_.take(fd, direction); }

  // Anyone still waiting is woken: their next call on the fd reports the error.
  void forget(int fd) noexcept override {
    if (IoCallback* reader = watches_.take(fd, IoDirection::read)) reader->on_io_ready();
    if (IoCallback* writer = watches_.take(fd, IoDirection::write)) writer->on_io_ready();
    if (registered(fd) != 0) {
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
      registered_[static_cast<std::size_t>(fd)] = 0;
    }
  }

  std::size_t watch_count() const noexcept override { return watches_.count(); }
  void wake() noexcept override { wake_pipe_.wake(); }

  void poll(std::optional<std::chrono::nanoseconds> timeout) override {
    int count = ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()),
                             detail::timeout_to_milliseconds(timeout));
    if (count < 0) {
      if (errno == EINTR) return;
      throw std::system_error(errno, std::generic_category(), "epoll_wait");
    }
    for (int i = 0; i < count; ++i) {
      const int fd = events_[static_cast<std::size_t>(i)].data.fd;
      const std::uint32_t happened = events_[static_cast<std::size_t>(i)].events;
      if (fd == wake_pipe_.read_fd()) {
        wake_pipe_.drain();
        continue;
      }
      dispatch(fd, happened);
    }
    // A full batch: next time, ask for more at once.
    if (static_cast<std::size_t>(count) == events_.size()) events_.resize(events_.size() * 2);
  }

 private:
  void dispatch(int fd, std::uint32_t happened) noexcept {
    auto watchers = watches_.get(fd);
    const bool readable = happened & (kReadEvents | kTrouble);
    const bool writable = happened & (kWriteEvents | kTrouble);
    // Readiness nobody waits for any more: shrink the registration now, or
    // level-triggered epoll would report it again on every wait.
    // #region dispatch_shrink
    if ((readable && watchers.reader == nullptr) || (writable && watchers.writer == nullptr)) {
      std::uint32_t wanted = 0;
      if (watchers.reader != nullptr) wanted |= kReadEvents;
      if (watchers.writer != nullptr) wanted |= kWriteEvents;
      try {
        set_registration(fd, wanted);
      } catch (...) {
        // The fd is gone (closed without forget): nothing left to shrink.
        registered_[static_cast<std::size_t>(fd)] = 0;
      }
    }
    // #endregion dispatch_shrink
    // Taken one at a time: the reader's callback may unwatch the writer (the
    // libcurl bridge does, when curl says REMOVE from inside it).
    if (readable && watchers.reader != nullptr) {
      if (IoCallback* reader = watches_.take(fd, IoDirection::read)) reader->on_io_ready();
    }
    if (writable && watchers.writer != nullptr) {
      if (IoCallback* writer = watches_.take(fd, IoDirection::write)) writer->on_io_ready();
    }
  }

  std::uint32_t registered(int fd) const noexcept {
    auto index = static_cast<std::size_t>(fd);
    return index < registered_.size() ? registered_[index] : 0;
  }

  // Make the kernel's interest for `fd` equal `events` (0: not registered).
  // When our record and the kernel's disagree (an fd closed and reopened
  // between two calls), MOD on an fd the kernel does not know becomes ADD, and
  // ADD on a known one becomes MOD. A watch whose interest we believe is
  // still registered makes no call at all: hence the forget() contract.
  void set_registration(int fd, std::uint32_t events) {
    auto index = static_cast<std::size_t>(fd);
    if (index >= registered_.size()) registered_.resize(index + 1, 0);
    if (events == 0) {
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
      registered_[index] = 0;
      return;
    }
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    int op = registered_[index] == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (::epoll_ctl(epoll_fd_, op, fd, &event) != 0) {
      if (op == EPOLL_CTL_MOD && errno == ENOENT)
        op = EPOLL_CTL_ADD;
      else if (op == EPOLL_CTL_ADD && errno == EEXIST)
        op = EPOLL_CTL_MOD;
      else
        throw std::system_error(errno, std::generic_category(),
                                "epoll_ctl fd " + std::to_string(fd));
      if (::epoll_ctl(epoll_fd_, op, fd, &event) != 0) {
        throw std::system_error(errno, std::generic_category(),
                                "epoll_ctl fd " + std::to_string(fd));
      }
    }
    registered_[index] = events;
  }

  int epoll_fd_;
  detail::WakePipe wake_pipe_;
  detail::WatchTable watches_;
  std::vector<std::uint32_t> registered_;  // what the kernel watches, per fd
  std::vector<epoll_event> events_;
};

}  // namespace

std::unique_ptr<Reactor> make_epoll_reactor() { return std::make_unique<EpollReactor>(); }

}  // namespace corolab
#endif
