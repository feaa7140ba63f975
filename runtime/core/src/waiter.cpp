#include "corolab/detail/waiter.hpp"

#include <new>
#include <utility>

#include "corolab/detail/frame_allocator.hpp"
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
  // If a stop is requested while we wait, the callback cancels this wait.
  if (token.stop_possible()) listen_for_stop(token);
  state_ = State::waiting;
  // (A timer or an fd wait says more, right after this.)
  if (detail::Tracer* tracer = loop_->tracer()) [[unlikely]]
    tracer->waits_in(suspended, typeid(*this));
  return true;
}

void Waiter::listen_for_stop(const std::stop_token& token) {
  void* block = frame_allocator::allocate(sizeof(StopCallback));
  on_stop_ = ::new (block) StopCallback(token, CancelOnStop{this});
}

void Waiter::stop_listening() noexcept {
  if (on_stop_ == nullptr) return;
  on_stop_->~StopCallback();
  frame_allocator::deallocate(std::exchange(on_stop_, nullptr), sizeof(StopCallback));
}

void Waiter::wake() noexcept {
  if (state_ != State::waiting) return;  // already cancelled: cancellation won
  state_ = State::woken;
  unlink();
  loop_->schedule(*this);
}

void Waiter::cancel() noexcept {
  if (state_ != State::waiting) return;  // already woken: completion won
  state_ = State::cancelled;
  detach();
  loop_->schedule(*this);
}

void Waiter::finish_waiting() {
  stop_listening();
  if (state_ == State::cancelled) {
    state_ = State::idle;
    throw OperationCancelled();
  }
  state_ = State::idle;
}

// Every kind of waiter says what it waits for; this is for those that do not.
std::string Waiter::describe() const {
  const char* name = kind();
  return name != nullptr ? std::string(name) : readable_type_name(typeid(*this));
}

}  // namespace corolab::detail
