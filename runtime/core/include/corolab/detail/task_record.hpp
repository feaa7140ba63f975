#pragma once
// Who is who, for dump_tasks() and the slow-step watchdog: every suspended
// Task frame can name the task it belongs to, and each task can say where it
// waits.
//
// * A *task* is what runs detached: a spawned task, a TaskGroup child, the
//   root of sync_wait. Its driver coroutine (detail/detached_task.hpp) holds
//   a TaskRecord: the name, and where the task waits now. The loop keeps the
//   records of the live tasks in a list, which is what dump_tasks() walks.
// * Every Task promise is an AsyncFrame: a pointer to the frame that awaits
//   it, set in Task::Awaiter::await_suspend. Following those pointers from
//   the innermost frame leads to the record: that chain is the task's async
//   stack. It costs one pointer store per co_await, and nothing else while
//   nobody asks (measured in bench/README.md).
// * When a frame starts waiting in a Waiter, the Waiter walks that chain once
//   and tells the record "I am where you wait" (Waiter::start_waiting's
//   template overload, waiter.hpp). The Waiter takes that back when it is
//   destroyed, so the record never points to a dead waiter.

#include <string>
#include <type_traits>

#include "corolab/detail/intrusive_list.hpp"

namespace corolab::detail {

class TaskRecord;
class Waiter;

class AsyncFrame {
 public:
  // Until awaited, a frame belongs to no task (and if it is never linked,
  // because an awaiter type of the user's own resumed it, it never will).
  explicit AsyncFrame(AsyncFrame* awaiter = &outside_tasks) noexcept : awaiter_(awaiter) {}
  AsyncFrame(const AsyncFrame&) = delete;
  AsyncFrame& operator=(const AsyncFrame&) = delete;

  // The frame awaiting this one (null at a task's root and at outside_tasks).
  AsyncFrame* awaiter() const noexcept { return awaiter_; }
  void set_awaiter(AsyncFrame* awaiter) noexcept { awaiter_ = awaiter; }

  // The task this frame belongs to: the end of the awaiter chain, or null
  // when the chain leaves the tasks (a Task awaited by a generator or a
  // coroutine type of the user's own).
  TaskRecord* task() noexcept;

  // What awaits a Task whose awaiter is no AsyncFrame: the end of the line.
  static AsyncFrame outside_tasks;

 private:
  AsyncFrame* awaiter_;
};

class TaskRecord : public AsyncFrame, public ListHook {  // ListHook: the loop's live tasks
 public:
  TaskRecord() noexcept : AsyncFrame(nullptr) {}  // the root: the end of its chains

  std::string name;
  // Where the task waits now, if in a Waiter (its state says whether it is
  // still waiting or already woken and queued), and the innermost frame of
  // that wait or of the last yield. Both are set as the task suspends; a
  // Waiter clears `waiter` when it is destroyed; a record that goes first
  // (DetachedPromise's destructor) clears the waiter's `task`.
  Waiter* waiter = nullptr;
  AsyncFrame* innermost = nullptr;
};

inline TaskRecord* AsyncFrame::task() noexcept {
  AsyncFrame* frame = this;
  while (frame->awaiter_ != nullptr) frame = frame->awaiter_;
  // A chain ends (a null awaiter) at a TaskRecord, or at outside_tasks.
  return frame == &outside_tasks ? nullptr : static_cast<TaskRecord*>(frame);
}

inline AsyncFrame AsyncFrame::outside_tasks{nullptr};

// The AsyncFrame of a coroutine's promise, or outside_tasks for a coroutine
// type that does not take part (a generator, a user's own promise).
template <typename Promise>
AsyncFrame* frame_of(Promise& promise) noexcept {
  if constexpr (std::is_base_of_v<AsyncFrame, Promise>) {
    return &promise;
  } else {
    return &AsyncFrame::outside_tasks;
  }
}

}  // namespace corolab::detail
