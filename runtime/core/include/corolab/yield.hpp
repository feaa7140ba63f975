#pragma once
// `co_await corolab::yield();` lets every other ready coroutine run first.
//
// The coroutine goes to the back of the ready queue: cooperative multitasking
// in one line. A long computation that yields now and then keeps the loop
// responsive.

#include <coroutine>

#include "corolab/detail/resumable.hpp"
#include "corolab/event_loop.hpp"

namespace corolab {

class [[nodiscard]] YieldAwaiter {
 public:
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  void await_suspend(std::coroutine_handle<Promise> suspended) noexcept {
    node_.handle = suspended;
    // For dump_tasks (detail/task_record.hpp): which task is queued, from where.
    detail::AsyncFrame* frame = detail::frame_of(suspended.promise());
    node_.task = frame->task();
    if (node_.task != nullptr) node_.task->innermost = frame;
    EventLoop::current().schedule(node_);
  }
  void await_resume() const noexcept {}

 private:
  detail::Resumable node_;
};

inline YieldAwaiter yield() noexcept { return {}; }

}  // namespace corolab
