#pragma once
// Waiting for a file descriptor: `co_await corolab::wait_readable(fd);`
//
// This is the bridge between non-blocking system calls and coroutines: try
// the call; if it says EAGAIN ("would block"), wait until the reactor says the
// fd is ready, then try again. TcpStream and TcpListener are built this way.

#include <coroutine>
#include <string>
#include <utility>

#include "corolab/cancellation.hpp"
#include "corolab/detail/tracer.hpp"
#include "corolab/detail/waiter.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/reactor.hpp"

namespace corolab {

class [[nodiscard]] IoWait final : public detail::Waiter, private IoCallback {
 public:
  IoWait(int fd, IoDirection direction) noexcept : fd_(fd), direction_(direction) {}
  ~IoWait() { detach(); }

  bool await_ready() const noexcept { return false; }

  template <typename Promise>
  bool await_suspend(std::coroutine_handle<Promise> suspended) {
    if (!start_waiting(suspended, detail::stop_token_of(suspended))) return false;
    EventLoop& loop = EventLoop::current();
    Reactor& reactor = loop.reactor();
    // #region io_wait_register
    try {
      reactor.watch(fd_, direction_, *this);
    } catch (...) {
      abandon_wait();
      throw;  // rethrown from the co_await
    }
    // #endregion io_wait_register
    reactor_ = &reactor;
    tracer_ = loop.tracer();
    if (EventLoop::tracing_compiled_in && tracer_) [[unlikely]]
      tracer_->waits_for_fd(suspended, fd_, direction_);
    return true;
  }

  void await_resume() { finish_waiting(); }

  const char* kind() const noexcept override { return "fd wait"; }
  std::string describe() const override {
    return "fd " + std::to_string(fd_) +
           (direction_ == IoDirection::read ? " readable" : " writable");
  }

 private:
  // The reactor forgets a watch when it fires.
  void on_io_ready() noexcept override {
    reactor_ = nullptr;
    if (EventLoop::tracing_compiled_in && tracer_) [[unlikely]]
      tracer_->fd_ready(handle, fd_, direction_);
    wake();
  }
  void detach() noexcept override {
    if (reactor_ != nullptr) std::exchange(reactor_, nullptr)->unwatch(fd_, direction_);
  }

  int fd_;
  IoDirection direction_;
  Reactor* reactor_ = nullptr;        // set while a watch is registered
  detail::Tracer* tracer_ = nullptr;  // set when the loop records a trace
};

inline IoWait wait_readable(int fd) noexcept { return IoWait{fd, IoDirection::read}; }
inline IoWait wait_writable(int fd) noexcept { return IoWait{fd, IoDirection::write}; }

}  // namespace corolab
