// The poll(2) backend: the portable baseline, and the easiest to read.
// Every call hands the kernel the full list of fds we care about.
#include <poll.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "corolab/reactor.hpp"
#include "wake_pipe.hpp"
#include "watch_table.hpp"

namespace corolab {
namespace {

class PollReactor final : public Reactor {
 public:
  ReactorKind kind() const noexcept override { return ReactorKind::poll; }

  void watch(int fd, IoDirection direction, IoCallback& callback) override {
    watches_.set(fd, direction, callback);
  }
  void unwatch(int fd, IoDirection direction) noexcept override { watches_.take(fd, direction); }
  // Anyone still waiting is woken: their next call on the fd reports the error.
  void forget(int fd) noexcept override {
    notify(fd, IoDirection::read);
    notify(fd, IoDirection::write);
  }
  std::size_t watch_count() const noexcept override { return watches_.count(); }
  void wake() noexcept override { wake_pipe_.wake(); }

  void poll(std::optional<std::chrono::nanoseconds> timeout) override {
    // #region interest_list
    // 1. Build the interest list: the wake-up pipe, then every watched fd.
    pollfds_.clear();
    pollfds_.push_back({wake_pipe_.read_fd(), POLLIN, 0});
    // #exercise interest_list: a pollfd per watched fd: POLLIN for a reader, POLLOUT for a writer
    for (int fd = 0; fd < static_cast<int>(watches_.fd_limit()); ++fd) {
      auto watchers = watches_.get(fd);
      if (watchers.empty()) continue;
      short events = 0;
      if (watchers.reader != nullptr) events |= POLLIN;
      if (watchers.writer != nullptr) events |= POLLOUT;
      pollfds_.push_back({fd, events, 0});
    }
    // #starter
    // if (watches_.count() > 0)
    //   throw std::logic_error("lesson 11: write step 1 of PollReactor::poll (interest list)");
    // #endexercise
    // #endregion interest_list

    // 2. Block in the kernel.
    int ready = ::poll(pollfds_.data(), pollfds_.size(), detail::timeout_to_milliseconds(timeout));
    if (ready < 0) {
      if (errno == EINTR) return;  // a signal arrived: the loop simply goes round again
      throw std::system_error(errno, std::generic_category(), "poll");
    }

    // #region tell_watchers
    // 3. Tell the watchers. Errors and hang-ups wake both directions: the
    //    next read or write reports what happened.
    if (pollfds_[0].revents != 0) wake_pipe_.drain();
    // #exercise tell_watchers: for each fd the kernel marked (revents), notify reader and/or writer
    constexpr short trouble = POLLERR | POLLHUP | POLLNVAL;
    for (std::size_t i = 1; i < pollfds_.size(); ++i) {
      const pollfd& p = pollfds_[i];
      if (p.revents & (POLLIN | trouble)) notify(p.fd, IoDirection::read);
      if (p.revents & (POLLOUT | trouble)) notify(p.fd, IoDirection::write);
    }
    // #starter
    // if (pollfds_.size() > 1)
    //   throw std::logic_error("lesson 11: write step 3 of PollReactor::poll (tell watchers)");
    // #endexercise
    // #endregion tell_watchers
  }

 private:
  void notify(int fd, IoDirection direction) noexcept {
    if (IoCallback* callback = watches_.take(fd, direction)) callback->on_io_ready();
  }

  detail::WatchTable watches_;
  detail::WakePipe wake_pipe_;
  std::vector<pollfd> pollfds_;
};

}  // namespace

std::unique_ptr<Reactor> make_poll_reactor() { return std::make_unique<PollReactor>(); }

}  // namespace corolab
