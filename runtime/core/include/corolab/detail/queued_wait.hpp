#pragma once
// The awaiter shape shared by Event, Semaphore, WaitGroup and TaskGroup:
// park the coroutine at the back of a FIFO queue until someone wakes it.

#include <coroutine>

#include "corolab/cancellation.hpp"
#include "corolab/detail/intrusive_list.hpp"
#include "corolab/detail/waiter.hpp"

namespace corolab::detail {

class QueuedWait : public Waiter {
 public:
  explicit QueuedWait(IntrusiveList<Waiter>& queue) noexcept : queue_(queue) {}

  template <typename Promise>
  bool await_suspend(std::coroutine_handle<Promise> suspended) {
    if (!start_waiting(suspended, stop_token_of(suspended))) return false;
    queue_.push_back(*this);
    return true;
  }

  void await_resume() { finish_waiting(); }

 private:
  IntrusiveList<Waiter>& queue_;
};

// Wakes every waiter in `queue`, in the order they arrived.
inline void wake_all(IntrusiveList<Waiter>& queue) noexcept {
  while (!queue.empty()) queue.pop_front().wake();
}

}  // namespace corolab::detail
