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
  void await_suspend(std::coroutine_handle<> suspended) noexcept {
    node_.handle = suspended;
    EventLoop::current().schedule(node_);
  }
  void await_resume() const noexcept {}

 private:
  detail::Resumable node_;
};

inline YieldAwaiter yield() noexcept { return {}; }

}  // namespace corolab
