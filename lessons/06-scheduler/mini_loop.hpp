#pragma once
// Lesson 06: a scheduler you write yourself.
//
// A ready queue of coroutine handles, and poll(2) for the ones waiting on a
// file descriptor. Awaiters are the system calls of this little kernel: each
// one puts the suspended coroutine in one of those two places, and the loop
// resumes it from there. The runtime's corolab::EventLoop is this, plus
// timers, cancellation and epoll (lessons 08, 09 and 11; see the README).
//
// The coroutines are the runtime's corolab::Task: lesson 05 made them jump
// to each other without growing the stack; this loop only has to start them.

#include <corolab/detail/tracer.hpp>
#include <corolab/task.hpp>
#include <coroutine>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace lesson06 {

class MiniLoop {
 public:
  // One loop per thread; awaiters find it with current().
  MiniLoop();
  ~MiniLoop();  // destroys the coroutines that never finished
  MiniLoop(const MiniLoop&) = delete;
  MiniLoop& operator=(const MiniLoop&) = delete;
  static MiniLoop& current();

  // Starts `task` on the next run(). The loop owns it until it finishes.
  // (The name is for COROLAB_TRACE's picture: one row per task.)
  void spawn(corolab::Task<void> task, std::string name = "task");

  // Runs until every spawned task has finished. Rethrows the first exception
  // a spawned task let escape; throws std::logic_error ("deadlock") when
  // tasks are left that nothing could ever resume.
  void run();

  // #region syscalls
  // --- The interface awaiters use (the "system calls") ---------------------
  void schedule(std::coroutine_handle<> ready) {
    if (tracer_) tracer_->became_ready(ready);
    ready_.push_back(ready);
  }
  // Resume `waiting` once `fd` is ready for `events` (POLLIN or POLLOUT).
  void wait_for(int fd, short events, std::coroutine_handle<> waiting);
  // #endregion syscalls

 private:
  struct IoWait {
    short events;
    std::coroutine_handle<> waiting;
  };

  // The three parts of run(): your exercise.
  void run_ready_coroutines();
  void wait_for_io();

  // Given: they keep the books (and tell COROLAB_TRACE's tracer).
  void resume(std::coroutine_handle<> next);  // runs `next` until it suspends again
  void wake(int fd);                          // fd's waiter: from io_waits_ to ready_
  void forget_finished_tasks();               // frees the spawned tasks that ended

  // #region state
  std::deque<std::coroutine_handle<>> ready_;
  std::map<int, IoWait> io_waits_;                // fd -> who waits on it
  std::vector<std::coroutine_handle<>> spawned_;  // spawned tasks' roots
  std::exception_ptr failure_;                    // the first one a spawned task threw
  // #endregion state
  // Set under COROLAB_TRACE=file: the runtime's own tracer, told what this
  // loop does, draws the same pictures (tools/trace-svg).
  std::unique_ptr<corolab::detail::Tracer> tracer_;
};

// `co_await lesson06::yield();`: go to the back of the ready queue.
class [[nodiscard]] Yield {
 public:
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> suspended);
  void await_resume() const noexcept {}
};
inline Yield yield() { return {}; }

// `co_await lesson06::wait_readable(fd);` and wait_writable: suspend until
// poll(2) says the file descriptor is ready.
struct [[nodiscard]] IoWaiter {
  int fd;
  short events;  // POLLIN or POLLOUT

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> suspended);
  void await_resume() const noexcept {}
};
IoWaiter wait_readable(int fd);
IoWaiter wait_writable(int fd);

// --- sync_wait: from ordinary code into the loop -----------------------------

namespace detail {
template <typename T>
corolab::Task<void> store_result(corolab::Task<T> task, std::optional<T>* result) {
  result->emplace(co_await std::move(task));
}
}  // namespace detail

// Runs `task` on a new loop until everything is done; returns its result or
// rethrows its exception.
template <typename T>
T sync_wait(corolab::Task<T> task) {
  MiniLoop loop;
  std::optional<T> result;
  loop.spawn(detail::store_result(std::move(task), &result));
  loop.run();
  if (!result) throw std::logic_error("sync_wait: the task never finished (it waits for nothing?)");
  return std::move(*result);
}

inline void sync_wait(corolab::Task<void> task) {
  MiniLoop loop;
  loop.spawn(std::move(task));
  loop.run();
}

}  // namespace lesson06
