#pragma once
// Cancellation: a std::stop_token travels down the chain of awaiting tasks.
//
// #region idea
// Every Task carries a stop token. A task that is awaited inherits its
// parent's token, so a stop request on a TaskGroup, when_any or with_timeout
// reaches every sleep, I/O wait and channel wait below it. The wait then ends
// by throwing OperationCancelled, which unwinds the task like any exception
// (the C++ spelling of Python's CancelledError).
// #endregion idea
//
// Stop requests must be made on the loop thread: the runtime is single
// threaded, like asyncio, and that keeps cancellation free of data races.

#include <coroutine>
#include <stdexcept>
#include <stop_token>

namespace corolab {

class OperationCancelled : public std::runtime_error {
 public:
  OperationCancelled() : std::runtime_error("operation cancelled") {}
};

namespace detail {

// Mixed into promise types that take part in cancellation.
class StopTokenHolder {
 public:
  const std::stop_token& stop_token() const noexcept { return stop_token_; }
  void set_stop_token(std::stop_token token) noexcept { stop_token_ = std::move(token); }

  // An awaited child takes its parent's token unless it was given its own.
  void inherit_stop_token(const std::stop_token& parent) noexcept {
    if (!stop_token_.stop_possible()) stop_token_ = parent;
  }

 private:
  std::stop_token stop_token_;
};

// The stop token of whoever is awaiting, or an empty token when the awaiting
// coroutine does not take part in cancellation (a generator, a user type).
template <typename Promise>
std::stop_token stop_token_of(std::coroutine_handle<Promise> handle) noexcept {
  if constexpr (std::is_base_of_v<StopTokenHolder, Promise>) {
    return handle.promise().stop_token();
  } else {
    return {};
  }
}

}  // namespace detail

// `std::stop_token token = co_await corolab::get_stop_token();`
// lets CPU-bound code check for cancellation between steps. It never suspends.
struct get_stop_token {
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  bool await_suspend(std::coroutine_handle<Promise> handle) noexcept {
    token_ = detail::stop_token_of(handle);
    return false;  // resume at once: we only wanted a look at the promise
  }
  std::stop_token await_resume() noexcept { return std::move(token_); }

 private:
  std::stop_token token_;
};

}  // namespace corolab
