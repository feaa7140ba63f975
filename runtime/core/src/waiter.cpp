#include "corolab/detail/waiter.hpp"

#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "corolab/detail/frame_allocator.hpp"
#include "corolab/detail/tracer.hpp"
#include "corolab/event_loop.hpp"

namespace corolab::detail {

namespace {

// Lesson 09's starters of wake() and cancel() stand in noexcept functions,
// which cannot throw: they spawn a task that fails instead, and the loop
// rethrows its error from the test's run() or sync_wait(). (The finished
// waiter never calls this.)
[[maybe_unused]] Task<void> fail_with(std::string message) {
  throw std::logic_error(message);
  co_return;
}
[[maybe_unused]] void not_written_yet(EventLoop& loop, std::string message) noexcept {
  loop.spawn(fail_with(std::move(message)), "lesson 09 starter");
}

}  // namespace

bool Waiter::start_waiting(std::coroutine_handle<> suspended, const std::stop_token& token) {
  handle = suspended;
  loop_ = &EventLoop::current();
  // #exercise start_waiting: a stop that came first ends the wait before it begins; else wait
  if (token.stop_requested()) {
    state_ = State::cancelled;  // finish_waiting() will throw; nothing was registered
    return false;
  }
  // Most tokens can never be stopped (a task nobody gave one): no callback for those.
  if (token.stop_possible()) listen_for_stop(token);
  state_ = State::waiting;
  // #starter
  // (void)token;
  // throw std::logic_error("lesson 09: write Waiter::start_waiting");
  // #endexercise
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
  // #exercise wake: only a wait that is still on can be woken; then queue the coroutine
  if (state_ != State::waiting) return;  // already cancelled: cancellation won
  state_ = State::woken;
  unlink();  // (callers take it out of their lists first; the ready queue needs the hook)
  loop_->schedule(*this);
  // #starter
  // not_written_yet(*loop_, "lesson 09: write Waiter::wake");
  // #endexercise
}

void Waiter::cancel() noexcept {
  // #exercise cancel: only a wait that is still on can be cancelled; leave, then queue
  if (state_ != State::waiting) return;  // already woken: completion won
  state_ = State::cancelled;
  detach();  // out of the timer heap, the reactor, the list it waits in
  loop_->schedule(*this);
  // #starter
  // not_written_yet(*loop_, "lesson 09: write Waiter::cancel");
  // #endexercise
}

void Waiter::finish_waiting() {
  // #exercise finish_waiting: the stop callback goes with the wait; a cancelled wait throws
  stop_listening();
  const bool cancelled = state_ == State::cancelled;
  state_ = State::idle;  // ready for the next wait
  if (cancelled) throw OperationCancelled();
  // #starter
  // throw std::logic_error("lesson 09: write Waiter::finish_waiting");
  // #endexercise
}

// Every kind of waiter says what it waits for; this is for those that do not.
std::string Waiter::describe() const {
  const char* name = kind();
  return name != nullptr ? std::string(name) : readable_type_name(typeid(*this));
}

}  // namespace corolab::detail
