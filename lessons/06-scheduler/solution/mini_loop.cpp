#include "mini_loop.hpp"

#include <poll.h>

#include <cerrno>
#include <corolab/event_loop.hpp>  // default_trace_file(): COROLAB_TRACE
#include <string>
#include <system_error>

namespace lesson06 {

namespace {

thread_local MiniLoop* current_loop = nullptr;

corolab::IoDirection direction_of(short poll_events) {
  return poll_events == POLLIN ? corolab::IoDirection::read : corolab::IoDirection::write;
}

// The owner of a spawned task: a coroutine that only awaits it, and keeps
// what it threw. It waits at its end until the loop frees it.
struct RootTask {
  struct promise_type {
    RootTask get_return_object() {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }  // run() starts it
    std::suspend_always final_suspend() noexcept { return {}; }    // the loop frees it
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }  // the body catches everything
  };
  std::coroutine_handle<promise_type> handle;
};

RootTask own(corolab::Task<void> task, std::exception_ptr* failure) {
  try {
    co_await std::move(task);
  } catch (...) {
    if (!*failure) *failure = std::current_exception();
  }
}

}  // namespace

MiniLoop::MiniLoop() {
  if (current_loop != nullptr) throw std::logic_error("lesson06: one MiniLoop per thread");
  if (const std::string trace_file = corolab::default_trace_file(); !trace_file.empty()) {
    tracer_ = std::make_unique<corolab::detail::Tracer>(trace_file);
  }
  current_loop = this;
}

MiniLoop::~MiniLoop() {
  // Destroying a root destroys the task it awaits, and so on down the chain.
  for (std::coroutine_handle<> root : spawned_) root.destroy();
  current_loop = nullptr;
}

MiniLoop& MiniLoop::current() {
  if (current_loop == nullptr) throw std::logic_error("lesson06: no MiniLoop on this thread");
  return *current_loop;
}

void MiniLoop::spawn(corolab::Task<void> task, std::string name) {
  std::coroutine_handle<> root = own(std::move(task), &failure_).handle;
  if (tracer_) tracer_->task_started(root, name);
  spawned_.push_back(root);
  ready_.push_back(root);
}

void MiniLoop::run() {
  // #exercise run: run what is ready, then wait for I/O, until nothing is left
  while (!ready_.empty() || !io_waits_.empty()) {
    run_ready_coroutines();
    forget_finished_tasks();
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
    wait_for_io();
  }
  // #starter
  // throw std::logic_error("lesson 06: write MiniLoop::run");
  // #endexercise
}

void MiniLoop::run_ready_coroutines() {
  // Only those ready now: the ones they make ready wait for the next round,
  // so that a coroutine that keeps yielding cannot starve the I/O.
  for (std::size_t count = ready_.size(); count > 0; --count) {
    std::coroutine_handle<> next = ready_.front();
    ready_.pop_front();
    if (tracer_) tracer_->resuming(next);
    next.resume();  // runs until its next co_await that suspends
    if (tracer_) tracer_->resumed();
  }
}

void MiniLoop::wait_for_io() {
  if (io_waits_.empty()) return;  // poll() with nothing to watch would block forever
  std::vector<pollfd> fds;
  for (const auto& [fd, wait] : io_waits_) fds.push_back({fd, wait.events, 0});

  // Block only when nobody is ready to run.
  const int timeout_ms = ready_.empty() ? -1 : 0;
  if (::poll(fds.data(), fds.size(), timeout_ms) == -1) {
    if (errno == EINTR) return;
    throw std::system_error(errno, std::generic_category(), "poll");
  }
  for (const pollfd& ready : fds) {
    if (ready.revents == 0) continue;  // (errors and hang-ups wake the waiter too)
    if (tracer_)
      tracer_->fd_ready(io_waits_.at(ready.fd).waiting, ready.fd, direction_of(ready.events));
    schedule(io_waits_.at(ready.fd).waiting);
    io_waits_.erase(ready.fd);
  }
}

void MiniLoop::wait_for(int fd, short events, std::coroutine_handle<> waiting) {
  if (!io_waits_.try_emplace(fd, IoWait{events, waiting}).second) {
    throw std::logic_error("lesson06: two coroutines wait on the same file descriptor");
  }
  if (tracer_) tracer_->waits_for_fd(waiting, fd, direction_of(events));
}

void MiniLoop::forget_finished_tasks() {
  std::erase_if(spawned_, [](std::coroutine_handle<> root) {
    if (!root.done()) return false;
    root.destroy();
    return true;
  });
}

void Yield::await_suspend(std::coroutine_handle<> suspended) {
  // #exercise yield: put this coroutine at the back of the ready queue
  MiniLoop::current().schedule(suspended);
  // #starter
  // (void)suspended;
  // throw std::logic_error("lesson 06: write Yield::await_suspend");
  // #endexercise
}

void IoWaiter::await_suspend(std::coroutine_handle<> suspended) {
  // #exercise io_wait: have the loop resume this coroutine when fd is ready
  MiniLoop::current().wait_for(fd, events, suspended);
  // #starter
  // (void)suspended;
  // throw std::logic_error("lesson 06: write IoWaiter::await_suspend");
  // #endexercise
}

IoWaiter wait_readable(int fd) { return {fd, POLLIN}; }
IoWaiter wait_writable(int fd) { return {fd, POLLOUT}; }

}  // namespace lesson06
