#include "corolab/detail/waiter.hpp"

#include "corolab/detail/tracer.hpp"
#include "corolab/event_loop.hpp"

namespace corolab::detail {

bool Waiter::start_waiting(std::coroutine_handle<> suspended, const std::stop_token& token) {
  handle = suspended;
  loop_ = &EventLoop::current();
  if (token.stop_requested()) {
    state_ = State::cancelled;
    return false;
  }
  state_ = State::waiting;
  // (A timer or an fd wait says more, right after this.)
  if (detail::Tracer* tracer = loop_->tracer()) [[unlikely]] tracer->waits_in(suspended, typeid(*this));
  // If a stop is requested while we wait, the callback cancels this wait.
  if (token.stop_possible()) on_stop_.emplace(token, CancelOnStop{this});
  return true;
}

// #region wake_and_cancel
void Waiter::wake() noexcept {
  if (state_ != State::waiting) return;  // already cancelled: cancellation won
  state_ = State::woken;
  unlink();
  loop_->schedule(*this);
}

// #region cancel
void Waiter::cancel() noexcept {
  if (state_ != State::waiting) return;  // already woken: completion won
  state_ = State::cancelled;
  detach();
  loop_->schedule(*this);
}
// #endregion cancel
// #endregion wake_and_cancel

void Waiter::finish_waiting() {
  on_stop_.reset();
  if (state_ == State::cancelled) {
    state_ = State::idle;
    throw OperationCancelled();
  }
  state_ = State::idle;
}

}  // namespace corolab::detail
