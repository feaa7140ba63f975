#pragma once
// Timeouts and deadlines for any task.
//
//   Page page = co_await corolab::with_timeout(5s, fetch(url));
//
// A race between the task and a timer (when_any): if the timer ends first,
// the task is cancelled and TimeoutError is thrown. The task must reach a
// cancellable wait (sleep, I/O, channel, ...) for the cancellation to bite;
// run_blocking work is waited for.

#include <stdexcept>
#include <variant>

#include "corolab/clock.hpp"
#include "corolab/detail/result_slot.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/sleep.hpp"
#include "corolab/task.hpp"
#include "corolab/when_any.hpp"

namespace corolab {

class TimeoutError : public std::runtime_error {
 public:
  TimeoutError() : std::runtime_error("operation timed out") {}
};

namespace detail {
inline Task<void> fail_at(TimePoint deadline) {
  co_await sleep_until(deadline);
  throw TimeoutError();
}
}  // namespace detail

template <typename T>
Task<T> with_deadline(TimePoint deadline, Task<T> task) {
  auto first = co_await when_any(std::move(task), detail::fail_at(deadline));
  // Index 1 (the timer) can only "win" by throwing TimeoutError.
  co_return detail::unwrap_slot<T>(std::move(std::get<0>(first)));
}

// The clock starts when the result is awaited, not when with_timeout is
// called: like every Task, nothing happens before the co_await.
template <typename T>
Task<T> with_timeout(Duration timeout, Task<T> task) {
  const TimePoint deadline = EventLoop::current().now() + timeout;
  co_return co_await with_deadline(deadline, std::move(task));
}

}  // namespace corolab
