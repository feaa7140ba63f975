#pragma once
// Lesson 04: the three forms of await_suspend.
//
// await_suspend runs once the coroutine is suspended, so it may hand the
// handle to someone who will resume it later. What it returns says what
// happens next:
//   void                     the coroutine stays suspended: back to whoever resumed it;
//   bool                     true: the same; false: changed my mind, it goes on at once;
//   std::coroutine_handle<>  resume *that* coroutine instead (symmetric transfer).

#include <coroutine>
#include <string>
#include <utility>
#include <vector>

namespace lesson04 {

// A bare coroutine type: starts suspended, stays suspended at the end, and
// owns its frame. Enough to watch awaiters at work.
class Job {
 public:
  struct promise_type {
    Job get_return_object() {
      return Job{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() { throw; }
  };

  Job(Job&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Job& operator=(Job) = delete;
  ~Job() {
    if (handle_) handle_.destroy();
  }

  void resume() { handle_.resume(); }
  bool done() const { return handle_.done(); }
  std::coroutine_handle<> handle() const { return handle_; }

 private:
  explicit Job(std::coroutine_handle<promise_type> handle) : handle_(handle) {}
  std::coroutine_handle<promise_type> handle_;
};

// void: always suspend. (std::suspend_always is this.)
struct Pause {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};

// bool: decide at the last moment, once suspended. false: go on at once.
// Typical use: the operation completed while it was being started.
struct PauseIf {
  bool pause;
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<>) const noexcept { return pause; }
  void await_resume() const noexcept {}
};

// coroutine_handle: suspend, and resume `next` in our place. When the
// compiler makes that a tail call, no stack frame piles up: clang++ 14
// always does, g++ 12 only when optimising or with -foptimize-sibling-calls
// (corolab's build passes it). Typical use: a finished Task resumes the
// coroutine that awaited it (lesson 05).
struct SwitchTo {
  std::coroutine_handle<> next;
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<>) const noexcept { return next; }
  void await_resume() const noexcept {}
};

using Log = std::vector<std::string>;

inline Job pause_once(Log* log) {
  log->push_back("before");
  Pause pause;
  co_await pause;
  log->push_back("after");
}

inline Job pause_if(Log* log, bool pause) {
  log->push_back("before");
  PauseIf awaiter{pause};
  co_await awaiter;
  log->push_back("after");
}

inline Job switch_to(Log* log, std::coroutine_handle<> next) {
  log->push_back("A: before");
  SwitchTo awaiter{next};
  co_await awaiter;
  log->push_back("A: after");
}

inline Job other(Log* log) {
  log->push_back("B: runs");
  co_return;
}

}  // namespace lesson04
