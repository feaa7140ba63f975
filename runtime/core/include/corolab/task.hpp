#pragma once
// Task<T>: a lazy coroutine that produces one T (or an exception).
//
//   corolab::Task<int> answer() { co_return 42; }
//   int x = co_await answer();
//
// * Lazy: nothing runs until the task is awaited. Destroying a task that was
//   never awaited just frees its frame.
// * Symmetric transfer: awaiting a task *jumps* into it, and finishing jumps
//   back to the awaiter (await_suspend and final_suspend return the next
//   coroutine handle). The compiler turns those jumps into tail calls, so a
//   loop of ten million `co_await`s that complete synchronously uses constant
//   stack. g++ only emits those tail calls with -foptimize-sibling-calls,
//   which the build turns on for every configuration.
// * Move-only: a task has exactly one owner and is awaited at most once.

#include <cassert>
#include <coroutine>
#include <cstddef>
#include <cstdio>  // the starters' fputs
#include <exception>
#include <memory>     // std::addressof
#include <stdexcept>  // the starter's std::logic_error
#include <type_traits>
#include <utility>
#include <variant>

#include "corolab/cancellation.hpp"
#include "corolab/detail/frame_allocator.hpp"
#include "corolab/detail/task_record.hpp"

namespace corolab {

template <typename T = void>
class Task;

// How many Task frames exist on this thread: created and not yet destroyed.
// Tests compare it before and after, to catch leaked (or double-freed) frames.
std::ptrdiff_t task_frames_alive() noexcept;

namespace detail {

// Shared by every Task promise: laziness, the continuation, cancellation,
// and (AsyncFrame) a link to the awaiting frame, for dump_tasks().
class TaskPromiseBase : public StopTokenHolder, public AsyncFrame {
 public:
  std::suspend_always initial_suspend() noexcept { return {}; }

  // When the body finishes, jump straight to whoever awaited us.
  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
      // #exercise final_suspend: go on with whoever awaited this task, without growing the stack
      return self.promise().continuation_;
      // #starter
      // // lesson 05: write FinalAwaiter::await_suspend. (It is noexcept, so it cannot throw:
      // // until it is written, nobody goes on after a task ends, and sync_wait says deadlock.)
      // std::fputs("lesson 05: write FinalAwaiter::await_suspend\n", stderr);
      // (void)self;
      // return std::noop_coroutine();
      // #endexercise
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }

  // Given the awaiter's typed handle, it also links the async stack
  // (AsyncFrame, for dump_tasks: detail/task_record.hpp): one pointer, no load.
  template <typename Promise>
  void set_continuation(std::coroutine_handle<Promise> continuation) noexcept {
    continuation_ = continuation;
    if constexpr (!std::is_void_v<Promise>) set_awaiter(frame_of(continuation.promise()));
  }
  // Who awaits this task (dump_tasks walks the chain with it).
  std::coroutine_handle<> continuation() const noexcept { return continuation_; }

  // Every task frame is counted (per thread), so that a test can prove that
  // none leaked: see task_frames_alive(). The memory comes from the
  // recycling frame allocator (detail/frame_allocator.hpp): g++ never
  // elides a child task's frame, so this is the cost of every co_await.
  static void* operator new(std::size_t size) {
    ++task_frames;
    return frame_allocator::allocate(size);
  }
  // The class-scope sized delete gets the frame's size from the compiler
  // (clang 14 too, without -fsized-deallocation): the allocator needs it to
  // find the size class.
  static void operator delete(void* frame, std::size_t size) noexcept {
    --task_frames;
    frame_allocator::deallocate(frame, size);
  }
  static constinit inline thread_local std::ptrdiff_t task_frames = 0;

 private:
  // Who awaits this task. Until someone does, std::noop_coroutine(): a task
  // resumed without an awaiter hands control back to whoever resumed it.
  std::coroutine_handle<> continuation_ = std::noop_coroutine();
};

// The three promises differ only in what they keep: a value, a reference,
// or nothing. Their hooks are defined at the end of the file, after Task.
template <typename T>
class TaskPromise final : public TaskPromiseBase {
 public:
  Task<T> get_return_object();

  template <typename U>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& value);  // `co_return value;`
  void unhandled_exception();    // the body threw
  T take_result();               // for the awaiter: the value, or rethrow

 private:
  std::variant<std::monostate, T, std::exception_ptr> result_;
};

template <typename T>
class TaskPromise<T&> final : public TaskPromiseBase {
 public:
  Task<T&> get_return_object();

  void return_value(T& value);
  void unhandled_exception();
  T& take_result();

 private:
  T* result_ = nullptr;
  std::exception_ptr exception_;
};

template <>
class TaskPromise<void> final : public TaskPromiseBase {
 public:
  Task<void> get_return_object();

  void return_void() noexcept {}
  void unhandled_exception();
  void take_result();

 private:
  std::exception_ptr exception_;
};

}  // namespace detail

template <typename T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using value_type = T;

  Task() noexcept = default;
  explicit Task(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  ~Task() { destroy(); }

  bool valid() const noexcept { return static_cast<bool>(handle_); }

  // Give this task (and everything it awaits) its own stop token instead of
  // inheriting the awaiter's.
  void set_stop_token(std::stop_token token) noexcept {
    handle_.promise().set_stop_token(std::move(token));
  }

  struct Awaiter {
    std::coroutine_handle<promise_type> child;

    bool await_ready() const noexcept { return false; }

    template <typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> parent) {
      // Cancellation (lesson 09): the child shares its parent's stop token.
      child.promise().inherit_stop_token(detail::stop_token_of(parent));
      // #exercise start_child: remember who waits for the child, then start it
      child.promise().set_continuation(parent);
      return child;  // symmetric transfer: start the child without growing the stack
      // #starter
      // throw std::logic_error("lesson 05: write Task::Awaiter::await_suspend");
      // #endexercise
    }

    T await_resume() { return child.promise().take_result(); }
  };

  // Awaiting consumes the task: write `co_await std::move(task)` or
  // `co_await make_task()`. A task produces its result once.
  Awaiter operator co_await() && noexcept {
    assert(handle_ && "awaiting an empty or moved-from Task");
    return Awaiter{handle_};
  }
  Awaiter operator co_await() & = delete;

 private:
  void destroy() noexcept {
    if (handle_) std::exchange(handle_, {}).destroy();
  }

  std::coroutine_handle<promise_type> handle_;
};

// The promises' hooks: the coroutine calls get_return_object when it is
// created, return_value (or return_void) at `co_return`, and
// unhandled_exception when its body throws; the awaiter calls take_result.
namespace detail {

// #exercise promise: make the task, keep what the body returned or threw, hand it over
template <typename T>
Task<T> TaskPromise<T>::get_return_object() {
  return Task<T>{std::coroutine_handle<TaskPromise>::from_promise(*this)};
}
template <typename T>
template <typename U>
requires std::is_convertible_v<U&&, T>
void TaskPromise<T>::return_value(U&& value) {
  result_.template emplace<1>(std::forward<U>(value));
}
template <typename T>
void TaskPromise<T>::unhandled_exception() {
  result_.template emplace<2>(std::current_exception());
}
template <typename T>
T TaskPromise<T>::take_result() {
  if (result_.index() == 2) std::rethrow_exception(std::get<2>(result_));
  assert(result_.index() == 1 && "task finished without a result");
  return std::move(std::get<1>(result_));
}

template <typename T>
Task<T&> TaskPromise<T&>::get_return_object() {
  return Task<T&>{std::coroutine_handle<TaskPromise>::from_promise(*this)};
}
template <typename T>
void TaskPromise<T&>::return_value(T& value) {
  result_ = std::addressof(value);
}
template <typename T>
void TaskPromise<T&>::unhandled_exception() {
  exception_ = std::current_exception();
}
template <typename T>
T& TaskPromise<T&>::take_result() {
  if (exception_) std::rethrow_exception(exception_);
  assert(result_ != nullptr && "task finished without a result");
  return *result_;
}

inline Task<void> TaskPromise<void>::get_return_object() {
  return Task<void>{std::coroutine_handle<TaskPromise>::from_promise(*this)};
}
inline void TaskPromise<void>::unhandled_exception() { exception_ = std::current_exception(); }
inline void TaskPromise<void>::take_result() {
  if (exception_) std::rethrow_exception(exception_);
}
// #starter
// template <typename T>
// Task<T> TaskPromise<T>::get_return_object() {
//   throw std::logic_error("lesson 05: write TaskPromise<T>::get_return_object");
// }
// template <typename T>
// template <typename U>
// requires std::is_convertible_v<U&&, T>
// void TaskPromise<T>::return_value(U&&) {
//   throw std::logic_error("lesson 05: write TaskPromise<T>::return_value");
// }
// template <typename T>
// void TaskPromise<T>::unhandled_exception() {
//   std::fputs("lesson 05: write TaskPromise<T>::unhandled_exception\n", stderr);
//   throw;  // for now, the exception escapes from the coroutine, to whoever resumed it
// }
// template <typename T>
// T TaskPromise<T>::take_result() {
//   throw std::logic_error("lesson 05: write TaskPromise<T>::take_result");
// }
//
// template <typename T>
// Task<T&> TaskPromise<T&>::get_return_object() {
//   throw std::logic_error("lesson 05: write TaskPromise<T&>::get_return_object");
// }
// template <typename T>
// void TaskPromise<T&>::return_value(T&) {
//   throw std::logic_error("lesson 05: write TaskPromise<T&>::return_value");
// }
// template <typename T>
// void TaskPromise<T&>::unhandled_exception() {
//   std::fputs("lesson 05: write TaskPromise<T&>::unhandled_exception\n", stderr);
//   throw;  // for now, the exception escapes from the coroutine, to whoever resumed it
// }
// template <typename T>
// T& TaskPromise<T&>::take_result() {
//   throw std::logic_error("lesson 05: write TaskPromise<T&>::take_result");
// }
//
// inline Task<void> TaskPromise<void>::get_return_object() {
//   throw std::logic_error("lesson 05: write TaskPromise<void>::get_return_object");
// }
// inline void TaskPromise<void>::unhandled_exception() {
//   std::fputs("lesson 05: write TaskPromise<void>::unhandled_exception\n", stderr);
//   throw;  // for now, the exception escapes from the coroutine, to whoever resumed it
// }
// inline void TaskPromise<void>::take_result() {
//   throw std::logic_error("lesson 05: write TaskPromise<void>::take_result");
// }
// #endexercise

}  // namespace detail
inline std::ptrdiff_t task_frames_alive() noexcept { return detail::TaskPromiseBase::task_frames; }

}  // namespace corolab
