#pragma once
// Generator<T>: a lazy sequence written as a coroutine.
//
//   corolab::Generator<int> count_to(int n) {
//     for (int i = 1; i <= n; ++i) co_yield i;
//   }
//   for (int i : count_to(3)) ...            // range-for
//   count_to(10) | std::views::filter(odd)   // a std::ranges input range
//
// `co_yield corolab::elements_of(other())` yields every element of a nested
// generator: Python's `yield from`, and C++23's std::ranges::elements_of.
// Nesting is cheap: the consumer always resumes the innermost generator
// directly (the "leaf"), and a finished child jumps straight back to its
// parent by symmetric transfer, so deep recursion costs no extra hops.

#include <coroutine>
#include <exception>
#include <iterator>
#include <memory>
#include <ranges>
#include <type_traits>
#include <utility>

namespace corolab {

template <typename T>
class Generator;

template <typename T>
struct ElementsOf {
  Generator<T> generator;
};

template <typename T>
ElementsOf<T> elements_of(Generator<T> generator) {
  return {std::move(generator)};
}

namespace detail {

template <typename T>
class GeneratorPromise {
 public:
  using Handle = std::coroutine_handle<GeneratorPromise>;
  using value_type = std::remove_cvref_t<T>;

  Generator<T> get_return_object() noexcept { return Generator<T>{Handle::from_promise(*this)}; }

  std::suspend_always initial_suspend() noexcept { return {}; }

  // A finished nested generator hands control back to its parent.
  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    std::coroutine_handle<> await_suspend(Handle self) noexcept {
      GeneratorPromise& promise = self.promise();
      if (promise.parent_ == nullptr) return std::noop_coroutine();
      promise.root_->leaf_ = promise.parent_;
      return promise.parent_;
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }

  // The value lives in the yielding frame until the consumer resumes us,
  // so the root only keeps a pointer to it.
  std::suspend_always yield_value(const value_type& value) noexcept {
    root_->current_ = std::addressof(value);
    return {};
  }

  struct NestedAwaiter {
    Generator<T> child;
    bool await_ready() noexcept { return !child.handle_; }
    std::coroutine_handle<> await_suspend(Handle parent) noexcept {
      GeneratorPromise& promise = child.handle_.promise();
      promise.parent_ = parent;
      promise.root_ = parent.promise().root_;
      promise.root_->leaf_ = child.handle_;
      return child.handle_;
    }
    void await_resume() {
      if (child.handle_ && child.handle_.promise().exception_) {
        std::rethrow_exception(child.handle_.promise().exception_);
      }
    }
  };
  NestedAwaiter yield_value(ElementsOf<T> nested) noexcept { return {std::move(nested.generator)}; }

  void return_void() noexcept {}
  void unhandled_exception() noexcept { exception_ = std::current_exception(); }

  // Generators cannot co_await: they run when the consumer asks for a value.
  template <typename U>
  std::suspend_never await_transform(U&&) = delete;

  // --- used by the iterator, on the root promise ---
  void resume_leaf() {
    leaf_.resume();
    if (Handle::from_promise(*this).done() && exception_) std::rethrow_exception(exception_);
  }
  const value_type& current() const noexcept { return *current_; }

 private:
  friend class Generator<T>;
  GeneratorPromise* root_ = this;
  Handle parent_ = nullptr;                    // who yielded us (nested only)
  Handle leaf_ = Handle::from_promise(*this);  // the innermost running generator (root only)
  const value_type* current_ = nullptr;        // the last yielded value (root only)
  std::exception_ptr exception_;
};

}  // namespace detail

template <typename T>
class [[nodiscard]] Generator : public std::ranges::view_base {
 public:
  using promise_type = detail::GeneratorPromise<T>;
  using value_type = typename promise_type::value_type;

  class iterator {
   public:
    using value_type = Generator::value_type;
    using difference_type = std::ptrdiff_t;

    iterator() noexcept = default;
    explicit iterator(typename promise_type::Handle root) noexcept : root_(root) {}

    const value_type& operator*() const noexcept { return root_.promise().current(); }
    iterator& operator++() {
      root_.promise().resume_leaf();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
      return !it.root_ || it.root_.done();
    }

   private:
    typename promise_type::Handle root_;
  };

  Generator() noexcept = default;
  Generator(Generator&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Generator& operator=(Generator&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  ~Generator() {
    if (handle_) handle_.destroy();
  }

  // Starts the generator: runs it up to its first co_yield.
  iterator begin() {
    if (handle_) handle_.promise().resume_leaf();
    return iterator{handle_};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  friend promise_type;
  explicit Generator(typename promise_type::Handle handle) noexcept : handle_(handle) {}
  typename promise_type::Handle handle_;
};

}  // namespace corolab
