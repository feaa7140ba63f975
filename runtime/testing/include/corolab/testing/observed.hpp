#pragma once
// observe(): start a task in the background and watch how it is doing.
//
//   corolab::testing::Observed<int> answer = corolab::testing::observe(slow_answer());
//   loop.advance(1s);
//   CHECK(answer.pending());
//   loop.advance(1s);
//   CHECK(answer.value() == 42);
//   CHECK(timed_out.failed_with<corolab::TimeoutError>());
//
// The task is spawned on the current loop, which owns it (destroying the
// loop destroys it, if it is still running). The Observed is a window on it,
// and may outlive it.

#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "corolab/event_loop.hpp"
#include "corolab/task.hpp"

namespace corolab::testing {

template <typename T>
class Observed;

template <typename T>
Observed<T> observe(Task<T> task, std::string name = "observed");

template <typename T>
class Observed {
 public:
  bool pending() const noexcept { return !state_->done; }
  bool finished() const noexcept { return state_->done && !state_->error; }
  bool failed() const noexcept { return state_->done && state_->error; }

  // Failed with an exception of type E (or derived from it).
  template <typename E>
  bool failed_with() const {
    if (!failed()) return false;
    try {
      std::rethrow_exception(state_->error);
    } catch (const E&) {
      return true;
    } catch (...) {
      return false;
    }
  }

  // The result of a finished task; rethrows a failed task's exception.
  template <typename U = T>
  requires(!std::is_void_v<U>) const U& value() const {
    if (pending()) throw std::logic_error("corolab::testing: the observed task has not finished");
    if (state_->error) std::rethrow_exception(state_->error);
    return *state_->value;
  }

 private:
  struct Nothing {};
  struct State {
    bool done = false;
    std::exception_ptr error;
    std::optional<std::conditional_t<std::is_void_v<T>, Nothing, T>> value;
  };

  template <typename U>
  friend Observed<U> observe(Task<U> task, std::string name);

  static Task<void> record(Task<T> task, std::shared_ptr<State> state) {
    try {
      if constexpr (std::is_void_v<T>) {
        co_await std::move(task);
      } else {
        T result = co_await std::move(task);
        state->value.emplace(std::move(result));
      }
    } catch (...) {
      state->error = std::current_exception();
    }
    state->done = true;
  }

  std::shared_ptr<State> state_ = std::make_shared<State>();
};

template <typename T>
Observed<T> observe(Task<T> task, std::string name) {
  Observed<T> observed;
  EventLoop::current().spawn(Observed<T>::record(std::move(task), observed.state_),
                             std::move(name));
  return observed;
}

}  // namespace corolab::testing
