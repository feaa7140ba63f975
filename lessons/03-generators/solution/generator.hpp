#pragma once
// Lesson 03: a generator you write yourself.
//
// The smallest useful Generator<T>: a coroutine that co_yields values, and an
// input iterator that pulls them one at a time. The compiler turns the body
// into a state machine (lesson 02, by hand); the promise type below is the
// part it asks *us* to write. The runtime's corolab::Generator is this, plus
// nesting (`co_yield elements_of(...)`, Python's `yield from`).

#include <coroutine>
#include <exception>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <utility>

namespace lesson03 {

template <typename T>
class Generator {
 public:
  struct promise_type {
    const T* current = nullptr;    // the value the body is yielding
    std::exception_ptr exception;  // what the body threw, if anything

    Generator get_return_object() {
      return Generator{std::coroutine_handle<promise_type>::from_promise(*this)};
    }

    // Lazy: the body does not run until the first value is asked for.
    std::suspend_always initial_suspend() noexcept { return {}; }

    std::suspend_always yield_value(const T& value) {
      // #exercise yield_value: let the consumer see `value`, then pause the body
      current = std::addressof(value);
      return {};
      // #starter
      // (void)value;
      // throw std::logic_error("lesson 03: write promise_type::yield_value");
      // #endexercise
    }

    void return_void() noexcept {}

    void unhandled_exception() {
      // #exercise unhandled_exception: keep the exception for the consumer
      exception = std::current_exception();
      // #starter
      // throw;
      // #endexercise
    }

    // Stay suspended at the end, so the Generator can still ask done()
    // and destroy the frame.
    std::suspend_always final_suspend() noexcept { return {}; }
  };

  using Handle = std::coroutine_handle<promise_type>;

  // #region consumer_side
  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    explicit iterator(Handle coroutine) : coroutine_(coroutine) {}

    const T& operator*() const { return *coroutine_.promise().current; }
    iterator& operator++() {
      // #exercise advance: run the body to its next co_yield (or its end)
      coroutine_.resume();
      if (coroutine_.done() && coroutine_.promise().exception) {
        std::rethrow_exception(coroutine_.promise().exception);
      }
      // #starter
      // throw std::logic_error("lesson 03: write iterator::operator++");
      // #endexercise
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) {
      return it.coroutine_.done();
    }

   private:
    Handle coroutine_;
  };

  // The first value is produced by begin(), as in Python's first next().
  iterator begin() {
    iterator it{coroutine_};
    ++it;
    return it;
  }
  std::default_sentinel_t end() { return {}; }
  // #endregion consumer_side

  // One owner: moving hands the frame over; the destructor frees it, even
  // in the middle of the body (a generator that was not run to the end).
  Generator(Generator&& other) noexcept : coroutine_(std::exchange(other.coroutine_, {})) {}
  Generator& operator=(Generator) = delete;
  ~Generator() {
    if (coroutine_) coroutine_.destroy();
  }

 private:
  explicit Generator(Handle coroutine) : coroutine_(coroutine) {}
  Handle coroutine_;
};

}  // namespace lesson03
