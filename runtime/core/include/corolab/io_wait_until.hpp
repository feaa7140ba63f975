#pragma once
// Waiting for a file descriptor, but only until a deadline:
//
//   corolab::IoWaitUntil wait(fd, corolab::IoDirection::read, deadline);
//   switch (co_await wait) { case IoWaitUntil::Outcome::ready: ...
//
// It does what racing wait_readable(fd) against sleep_until(deadline) with
// when_any does, without the race's cost: no task is spawned, and no loser
// is cancelled (a cancellation ends in an exception, and exceptions are
// slow). One waiter sits in two places at once, the reactor and the timer
// heap; whichever fires first takes it out of the other. The HTTP server
// waits like this for each next request on a connection, so on a busy
// server it runs once per request.
//
// interrupt() ends the wait early, from the loop thread: the server's stop()
// uses it to close idle connections at once.

#include <coroutine>
#include <string>
#include <utility>

#include "corolab/cancellation.hpp"
#include "corolab/clock.hpp"
#include "corolab/detail/timer_heap.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/reactor.hpp"

namespace corolab {

class [[nodiscard]] IoWaitUntil final : public detail::TimerNode, private IoCallback {
 public:
  enum class Outcome { ready, timed_out, interrupted };

  IoWaitUntil(int fd, IoDirection direction, TimePoint deadline) noexcept
      : fd_(fd), direction_(direction), deadline_(deadline) {}
  ~IoWaitUntil() { detach(); }
  IoWaitUntil(const IoWaitUntil&) = delete;
  IoWaitUntil& operator=(const IoWaitUntil&) = delete;

  bool await_ready() const noexcept { return false; }

  template <typename Promise>
  bool await_suspend(std::coroutine_handle<Promise> suspended) {
    if (!start_waiting(suspended, detail::stop_token_of(suspended))) return false;
    EventLoop& loop = EventLoop::current();
    try {
      loop.reactor().watch(fd_, direction_, *this);
    } catch (...) {
      abandon_wait();
      throw;  // rethrown from the co_await
    }
    reactor_ = &loop.reactor();
    loop.add_timer(*this, deadline_);
    return true;
  }

  // Throws OperationCancelled if the awaiting task was cancelled.
  Outcome await_resume() {
    finish_waiting();
    return outcome_;
  }

  const char* kind() const noexcept override { return "fd wait with a deadline"; }
  std::string describe() const override {
    return describe_deadline("fd " + std::to_string(fd_) +
                             (direction_ == IoDirection::read ? " readable" : " writable"));
  }

  void interrupt() noexcept {
    if (!is_waiting()) return;
    outcome_ = Outcome::interrupted;
    detach();
    wake();
  }

 private:
  void on_io_ready() noexcept override {
    reactor_ = nullptr;  // the reactor forgets a watch when it fires
    outcome_ = Outcome::ready;
    TimerNode::detach();
    wake();
  }
  void on_timer_fired() noexcept override {
    outcome_ = Outcome::timed_out;
    stop_watching();
    wake();
  }
  // Cancelled or destroyed: leave both places.
  void detach() noexcept override {
    TimerNode::detach();
    stop_watching();
  }
  void stop_watching() noexcept {
    if (reactor_ != nullptr) std::exchange(reactor_, nullptr)->unwatch(fd_, direction_);
  }

  int fd_;
  IoDirection direction_;
  TimePoint deadline_;
  Reactor* reactor_ = nullptr;  // set while a watch is registered
  Outcome outcome_ = Outcome::ready;
};

}  // namespace corolab
