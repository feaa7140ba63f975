#pragma once
// Waiter: the common core of every awaiter that suspends on the event loop.
//
// A suspended coroutine is always in exactly one place: the wait structure of
// the thing it waits for (an Event's list, the timer heap, a reactor slot), or
// the loop's ready queue. A Waiter is woken once, either by the thing it
// waits for (wake) or by a stop request (cancel); the first one wins and the
// other becomes a no-op. That single rule is what makes "cancellation racing
// completion" safe.
//
// Woken coroutines are never resumed inline: they are queued and resumed by
// the loop, so a primitive's method (Event::set, Channel::close, ...) never
// runs someone else's code in the middle of its own work.

#include <coroutine>
#include <stop_token>
#include <string>
#include <type_traits>

#include "corolab/cancellation.hpp"
#include "corolab/detail/resumable.hpp"
#include "corolab/detail/task_record.hpp"

namespace corolab {
class EventLoop;
}

namespace corolab::detail {

class Waiter : public Resumable {
 public:
  Waiter() = default;

  // From await_suspend. Returns false (do not suspend) when a stop was
  // already requested; finish_waiting() will then throw OperationCancelled.
  bool start_waiting(std::coroutine_handle<> suspended, const std::stop_token& token);

  // The thing waited for is ready: queue the coroutine for resumption.
  void wake() noexcept;

  // A stop was requested: leave the wait structure and queue the coroutine.
  void cancel() noexcept;

  // From await_resume: throws OperationCancelled if the wait was cancelled.
  void finish_waiting();

  // From await_suspend, when registering the wait failed with an exception:
  // undo start_waiting() before the exception resumes the coroutine.
  void abandon_wait() noexcept {
    stop_listening();
    state_ = State::idle;
  }

  bool is_waiting() const noexcept { return state_ == State::waiting; }
  bool was_cancelled() const noexcept { return state_ == State::cancelled; }
  // Woken, queued on the loop, not resumed yet (finish_waiting not called).
  bool is_woken() const noexcept { return state_ == State::woken; }
  // A stop callback is registered: only during a wait whose token can be stopped.
  bool listens_for_stop() const noexcept { return on_stop_ != nullptr; }

  // --- For dump_tasks() and the slow-step watchdog (task_dump.hpp) --------
  // Nothing above needs what follows: it lets the loop say which task waits
  // where, and for what.

  // What awaiters call: for a typed handle the compiler prefers this
  // template to the function above, which it calls. It also notes which task
  // waits here, and in which frame (detail/task_record.hpp), for
  // dump_tasks() and the slow-step watchdog: a walk up the awaiter chain
  // (a few frames) and three stores per wait.
  template <typename Promise>
  requires(!std::is_void_v<Promise>) bool start_waiting(std::coroutine_handle<Promise> suspended,
                                                        const std::stop_token& token) {
    if (!start_waiting(std::coroutine_handle<>(suspended), token)) return false;
    AsyncFrame* frame = frame_of(suspended.promise());
    task = frame->task();
    if (task != nullptr) {
      task->waiter = this;
      task->innermost = frame;
    }
    return true;
  }

  // What this waits for, in a few words, for dump_tasks(): "Event",
  // "sleep until +120.0 ms", "fd 7 readable", "Semaphore (3 ahead)". Each
  // kind of waiter says it; the default is kind(), else the type's name.
  virtual std::string describe() const;
  // Its kind alone ("sleep", "Event"), or null: what the slow-step watchdog
  // says a step resumed from. A static string, so reading it costs nothing.
  virtual const char* kind() const noexcept { return nullptr; }

 protected:
  // A frame destroyed mid-wait leaves no callback behind, and its task no
  // pointer to a dead waiter.
  ~Waiter() {
    stop_listening();
    if (task != nullptr && task->waiter == this) task->waiter = nullptr;
  }

  // Leave the wait structure. The default suits waiters kept in an
  // IntrusiveList; the timer and I/O waiters override it.
  virtual void detach() noexcept { unlink(); }

 private:
  enum class State { idle, waiting, woken, cancelled };

  struct CancelOnStop {
    Waiter* waiter;
    void operator()() const noexcept { waiter->cancel(); }
  };

  using StopCallback = std::stop_callback<CancelOnStop>;

  void listen_for_stop(const std::stop_token& token);
  void stop_listening() noexcept;

  EventLoop* loop_ = nullptr;
  // Only while a wait that can be stopped is on. It lives outside the
  // waiter, in a recycled block: a std::stop_callback is 56 bytes (libstdc++ 12),
  // and a waiter sits in the frame of every suspended coroutine, most of
  // which (a spawned task that was given no token) cannot be stopped at all.
  StopCallback* on_stop_ = nullptr;
  State state_ = State::idle;
};

}  // namespace corolab::detail
