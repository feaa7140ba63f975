#pragma once
// Sleeping: `co_await corolab::sleep_for(250ms);`
//
// The sleeping coroutine is a node in the loop's timer heap (the node lives
// in the coroutine's own frame, so sleeping never allocates). The loop blocks
// in the kernel at most until the earliest deadline. A stop request removes
// the node from the heap and the sleep throws OperationCancelled.

#include <coroutine>

#include "corolab/cancellation.hpp"
#include "corolab/clock.hpp"
#include "corolab/detail/timer_heap.hpp"
#include "corolab/event_loop.hpp"

namespace corolab {

class [[nodiscard]] SleepAwaiter final : public detail::TimerNode {
 public:
  // Until a deadline, or for a duration counted from the moment of the
  // await, on the loop's clock (which may be virtual: see event_loop.hpp).
  static SleepAwaiter until(TimePoint deadline) noexcept { return SleepAwaiter{deadline, false}; }
  static SleepAwaiter lasting(Duration duration) noexcept {
    return SleepAwaiter{TimePoint{} + duration, true};
  }

  bool await_ready() const noexcept { return false; }

  template <typename Promise>
  bool await_suspend(std::coroutine_handle<Promise> suspended) {
    if (!start_waiting(suspended, detail::stop_token_of(suspended))) return false;
    EventLoop& loop = EventLoop::current();
    loop.add_timer(*this, relative_ ? loop.now() + (when_ - TimePoint{}) : when_);
    return true;
  }

  void await_resume() { finish_waiting(); }

  const char* kind() const noexcept override { return "sleep"; }

 private:
  SleepAwaiter(TimePoint when, bool relative) noexcept : when_(when), relative_(relative) {}

  // A deadline, or (relative_) a duration stored as a time point after the
  // clock's epoch: one field instead of two, as this awaiter lives in the
  // frame of every sleeping coroutine.
  TimePoint when_;
  bool relative_;
};

// Even a deadline in the past suspends once: the coroutine goes to the back
// of the line, like asyncio.sleep(0).
inline SleepAwaiter sleep_until(TimePoint deadline) noexcept {
  return SleepAwaiter::until(deadline);
}

inline SleepAwaiter sleep_for(Duration duration) noexcept {
  return SleepAwaiter::lasting(duration);
}

}  // namespace corolab
