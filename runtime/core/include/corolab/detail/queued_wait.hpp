#pragma once
// The awaiter shape shared by Event, Semaphore, WaitGroup and TaskGroup:
// park the coroutine at the back of a FIFO queue until someone wakes it.

#include <coroutine>
#include <cstddef>

#include "corolab/cancellation.hpp"
#include "corolab/detail/intrusive_list.hpp"
#include "corolab/detail/waiter.hpp"

namespace corolab::detail {

// How many waiters stand in `queue` before `waiter`.
inline std::size_t count_before(const IntrusiveList<Waiter>& queue, const Waiter& waiter) {
  std::size_t count = 0;
  queue.for_each([&](const Waiter& other) {
    if (&other == &waiter) return false;
    ++count;
    return true;
  });
  return count;
}

class QueuedWait : public Waiter {
 public:
  explicit QueuedWait(IntrusiveList<Waiter>& queue) noexcept : queue_(queue) {}

  template <typename Promise>
  bool await_suspend(std::coroutine_handle<Promise> suspended) {
    return wait_in_queue(suspended, stop_token_of(suspended));
  }

  void await_resume() { finish_waiting(); }

 protected:
  // A wait that `token` can stop (no_stop_token: one nothing stops).
  template <typename Promise>
  bool wait_in_queue(std::coroutine_handle<Promise> suspended, const std::stop_token& token) {
    if (!start_waiting(suspended, token)) return false;
    queue_.push_back(*this);
    return true;
  }

  // How many wait in the queue before this one (for dump_tasks).
  std::size_t ahead() const { return count_before(queue_, *this); }

 private:
  IntrusiveList<Waiter>& queue_;
};

// Wakes every waiter in `queue`, in the order they arrived.
inline void wake_all(IntrusiveList<Waiter>& queue) noexcept {
  while (!queue.empty()) queue.pop_front().wake();
}

}  // namespace corolab::detail
