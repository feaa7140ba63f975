#include "mini_loop.hpp"

#include <poll.h>

#include <cerrno>
#include <corolab/event_loop.hpp>  // default_trace_file(): COROLAB_TRACE
#include <cstddef>
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
  // #exercise run: rounds of "run what is ready, then wait for I/O"; failures; deadlock
  while (!ready_.empty() || !io_waits_.empty()) {
    run_ready_coroutines();
    forget_finished_tasks();
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
    wait_for_io();
  }
  // Nothing is ready and nothing waits for I/O: whatever has not finished
  // waits for something this loop does not know about, and would wait forever.
  if (!spawned_.empty()) {
    throw std::logic_error("lesson06: deadlock: " + std::to_string(spawned_.size()) +
                           " task(s) suspended, but no coroutine is ready and none waits for "
                           "I/O: nothing is left that could resume them");
  }
  // #starter
  // throw std::logic_error("lesson 06: write MiniLoop::run");
  // #endexercise
}

void MiniLoop::run_ready_coroutines() {
  // #exercise batch: resume the coroutines ready now; those they make ready wait for the next round
  // Only those ready now, so that a coroutine that keeps yielding cannot
  // starve the ones waiting for I/O: poll() gets its turn every round.
  for (std::size_t count = ready_.size(); count > 0; --count) {
    std::coroutine_handle<> next = ready_.front();
    ready_.pop_front();
    resume(next);
  }
  // #starter
  // throw std::logic_error("lesson 06: write MiniLoop::run_ready_coroutines");
  // #endexercise
}

void MiniLoop::wait_for_io() {
  // #exercise poll: ask poll(2) which waited-on descriptors are ready, and wake their coroutines
  if (io_waits_.empty()) return;  // poll() on nothing, without a timeout, would sleep forever
  std::vector<pollfd> fds;
  fds.reserve(io_waits_.size());
  for (const auto& [fd, wait] : io_waits_) fds.push_back({fd, wait.events, 0});

  // Sleep in poll() only when nobody is ready to run; otherwise just look.
  const int timeout_ms = ready_.empty() ? -1 : 0;
  if (::poll(fds.data(), fds.size(), timeout_ms) == -1) {
    if (errno == EINTR) return;  // a signal interrupted the wait: the next round polls again
    throw std::system_error(errno, std::generic_category(), "poll");
  }
  for (const pollfd& entry : fds) {
    // Not only the events asked for: an error or a hang-up (POLLERR,
    // POLLHUP) wakes the waiter too, whose read or write then says what
    // happened. poll() reports those without being asked, and would report
    // them again every round: nothing else would ever wake that coroutine.
    if (entry.revents != 0) wake(entry.fd);
  }
  // #starter
  // throw std::logic_error("lesson 06: write MiniLoop::wait_for_io");
  // #endexercise
}

void MiniLoop::resume(std::coroutine_handle<> next) {
  if (tracer_) tracer_->resuming(next);
  next.resume();  // runs until its next co_await that suspends
  if (tracer_) tracer_->resumed();
}

void MiniLoop::wake(int fd) {
  const auto wait = io_waits_.find(fd);
  if (tracer_) tracer_->fd_ready(wait->second.waiting, fd, direction_of(wait->second.events));
  schedule(wait->second.waiting);
  io_waits_.erase(wait);
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

// The awaiters: each hands the suspended coroutine to the loop, and returns.
void Yield::await_suspend(std::coroutine_handle<> suspended) {
  MiniLoop::current().schedule(suspended);  // at the back of the ready queue
}

void IoWaiter::await_suspend(std::coroutine_handle<> suspended) {
  MiniLoop::current().wait_for(fd, events, suspended);
}

IoWaiter wait_readable(int fd) { return {fd, POLLIN}; }
IoWaiter wait_writable(int fd) { return {fd, POLLOUT}; }

}  // namespace lesson06
