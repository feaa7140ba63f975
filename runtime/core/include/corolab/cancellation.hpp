#pragma once
// Cancellation: a std::stop_token travels down the chain of awaiting tasks.
//
// Every Task carries a stop token. A task that is awaited inherits its
// parent's token, so a stop request on a TaskGroup, when_any or with_timeout
// reaches every sleep, I/O wait and channel wait below it. The wait then ends
// by throwing OperationCancelled, which unwinds the task like any exception
// (the C++ spelling of Python's CancelledError).
//
// Stop requests must be made on the loop thread: the runtime is single
// threaded, like asyncio, and that keeps cancellation free of data races.

#include <coroutine>
#include <stdexcept>
#include <stop_token>
#include <type_traits>

namespace corolab {

class OperationCancelled : public std::runtime_error {
 public:
  OperationCancelled() : std::runtime_error("operation cancelled") {}
};

namespace detail {

// Mixed into promise types that take part in cancellation.
//
// A child keeps a *pointer* to the token it inherits, not a copy: a
// std::stop_token copy is an atomic reference count, up and down again, on
// every co_await. The pointer is safe because an awaited child never outlives
// the await, and the token it points to belongs to a frame up the chain (the
// one that was given its own token), which is suspended until the child ends.
class StopTokenHolder {
 public:
  StopTokenHolder() = default;
  StopTokenHolder(const StopTokenHolder&) = delete;  // token_ may point into *this
  StopTokenHolder& operator=(const StopTokenHolder&) = delete;

  const std::stop_token& stop_token() const noexcept { return *token_; }
  void set_stop_token(std::stop_token token) noexcept {
    own_token_ = std::move(token);
    token_ = &own_token_;
  }

  // An awaited child takes its parent's token unless it was given its own.
  void inherit_stop_token(const std::stop_token& parent) noexcept {
    if (!own_token_.stop_possible()) token_ = &parent;
  }

 private:
  std::stop_token own_token_;
  const std::stop_token* token_ = &own_token_;
};

// The token of a coroutine that does not take part in cancellation.
inline const std::stop_token no_stop_token;

// The stop token of whoever is awaiting, or an empty token when the awaiting
// coroutine does not take part in cancellation (a generator, a user type).
template <typename Promise>
const std::stop_token& stop_token_of(std::coroutine_handle<Promise> handle) noexcept {
  if constexpr (std::is_base_of_v<StopTokenHolder, Promise>) {
    return handle.promise().stop_token();
  } else {
    return no_stop_token;
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
