#pragma once
// Event: a flag that coroutines can wait for.
//
//   corolab::Event ready;
//   co_await ready.wait();   // in one task
//   ready.set();             // in another: wakes every waiter
//
// Like asyncio.Event. Loop-thread only.

#include "corolab/detail/queued_wait.hpp"

namespace corolab {

class Event {
 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  bool is_set() const noexcept { return set_; }

  void set() noexcept {
    set_ = true;
    detail::wake_all(waiters_);
  }
  void reset() noexcept { set_ = false; }

  class [[nodiscard]] WaitAwaiter : public detail::QueuedWait {
   public:
    explicit WaitAwaiter(Event& event) noexcept : QueuedWait(event.waiters_), event_(event) {}
    bool await_ready() const noexcept { return event_.set_; }
    const char* kind() const noexcept override { return "Event"; }

   private:
    Event& event_;
  };

  // Resumes at once if the event is set; throws OperationCancelled if the
  // waiting task is cancelled first.
  WaitAwaiter wait() noexcept { return WaitAwaiter{*this}; }

 private:
  bool set_ = false;
  detail::IntrusiveList<detail::Waiter> waiters_;
};

}  // namespace corolab
