#pragma once
// WaitGroup: wait until a number of jobs are done (Go's sync.WaitGroup; a
// latch whose count can grow).
//
//   group.add(3);            // three jobs to go
//   ... each job calls group.done() ...
//   co_await group.wait();   // resumes when the count is back to zero

#include <cassert>
#include <cstddef>

#include "corolab/detail/queued_wait.hpp"

namespace corolab {

class WaitGroup {
 public:
  explicit WaitGroup(std::size_t count = 0) noexcept : count_(count) {}
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;

  std::size_t count() const noexcept { return count_; }

  void add(std::size_t jobs = 1) noexcept { count_ += jobs; }

  void done() noexcept {
    assert(count_ > 0 && "WaitGroup::done() called more often than add()");
    if (--count_ == 0) detail::wake_all(waiters_);
  }

  class [[nodiscard]] WaitAwaiter : public detail::QueuedWait {
   public:
    explicit WaitAwaiter(WaitGroup& group) noexcept : QueuedWait(group.waiters_), group_(group) {}
    bool await_ready() const noexcept { return group_.count_ == 0; }
    const char* kind() const noexcept override { return "WaitGroup"; }

   private:
    WaitGroup& group_;
  };

  WaitAwaiter wait() noexcept { return WaitAwaiter{*this}; }

 private:
  std::size_t count_;
  detail::IntrusiveList<detail::Waiter> waiters_;
};

}  // namespace corolab
