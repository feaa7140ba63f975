#pragma once
// Who is watching which file descriptor: the bookkeeping every reactor
// backend shares. A vector indexed by fd, since fds are small integers.

#include <cassert>
#include <chrono>
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "corolab/reactor.hpp"

namespace corolab::detail {

class WatchTable {
 public:
  struct Watchers {
    IoCallback* reader = nullptr;
    IoCallback* writer = nullptr;
    bool empty() const noexcept { return reader == nullptr && writer == nullptr; }
  };

  void set(int fd, IoDirection direction, IoCallback& callback) {
    if (static_cast<std::size_t>(fd) >= slots_.size())
      slots_.resize(static_cast<std::size_t>(fd) + 1);
    IoCallback*& slot = slot_for(fd, direction);
    assert(slot == nullptr && "two coroutines waiting on the same fd in the same direction");
    slot = &callback;
    ++count_;
  }

  // Removes and returns the watcher (nullptr if there was none).
  IoCallback* take(int fd, IoDirection direction) noexcept {
    if (static_cast<std::size_t>(fd) >= slots_.size()) return nullptr;
    IoCallback* callback = std::exchange(slot_for(fd, direction), nullptr);
    if (callback != nullptr) --count_;
    return callback;
  }

  Watchers get(int fd) const noexcept {
    if (static_cast<std::size_t>(fd) >= slots_.size()) return {};
    return slots_[static_cast<std::size_t>(fd)];
  }

  std::size_t count() const noexcept { return count_; }
  std::size_t fd_limit() const noexcept { return slots_.size(); }

 private:
  IoCallback*& slot_for(int fd, IoDirection direction) noexcept {
    Watchers& w = slots_[static_cast<std::size_t>(fd)];
    return direction == IoDirection::read ? w.reader : w.writer;
  }

  std::vector<Watchers> slots_;
  std::size_t count_ = 0;
};

// Turns a poll timeout into the milliseconds poll(2) and epoll_wait(2) take:
// rounded up, so we never wake just before a timer is due and spin.
int timeout_to_milliseconds(std::optional<std::chrono::nanoseconds> timeout) noexcept;

}  // namespace corolab::detail
