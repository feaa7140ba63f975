#pragma once
// Detached tasks: how a Task runs without anyone awaiting it.
//
// A Task only runs when awaited. To run one "in the background" (spawn, a
// TaskGroup child, the root of sync_wait) we wrap it in a small driver
// coroutine that awaits it and, when it ends, tells its owner how it went
// and frees itself. The owner keeps its running drivers in a DetachedTaskList
// so it can destroy any still running when the owner goes away: nothing
// outlives its owner, and nothing leaks.

#include <coroutine>
#include <exception>
#include <string>
#include <utility>

#include "corolab/detail/intrusive_list.hpp"
#include "corolab/detail/resumable.hpp"
#include "corolab/detail/task_record.hpp"
#include "corolab/task.hpp"

namespace corolab::detail {

class DetachedPromise;

// Whoever keeps detached tasks: the loop, a TaskGroup, sync_wait.
class TaskOwner {
 public:
  // `error` is empty when the task returned normally.
  virtual void on_task_finished(const std::string& name, std::exception_ptr error) noexcept = 0;
  // For dump_tasks: the task that waits for this owner's tasks to end (a
  // TaskGroup's joiner), if any.
  virtual const TaskRecord* awaited_by() const noexcept { return nullptr; }

 protected:
  ~TaskOwner() = default;
};

// The driver's place in its owner's list.
struct DetachedEntry : ListHook {
  DetachedPromise* promise = nullptr;
};

class DetachedDriver;

// The driver's promise is the task's TaskRecord (detail/task_record.hpp):
// its name, and where it waits, for dump_tasks().
class DetachedPromise : public StopTokenHolder, public TaskRecord {
 public:
  DetachedPromise() = default;
  ~DetachedPromise();  // tells the loop (a step's task may end mid-step)
  DetachedDriver get_return_object() noexcept;

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    void await_suspend(std::coroutine_handle<DetachedPromise> self) noexcept {
      DetachedPromise& promise = self.promise();
      promise.entry.unlink();
      promise.owner->on_task_finished(promise.name, std::move(promise.error));
      self.destroy();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }

  void return_void() noexcept {}
  void unhandled_exception() noexcept { error = std::current_exception(); }

  TaskOwner* owner = nullptr;
  std::exception_ptr error;
  DetachedEntry entry;
  Resumable start;  // queued on the loop to run the driver's first step
};

// Is `node` the first step of its task (queued by DetachedTaskList::start)?
inline bool is_start_of(const Resumable& node) noexcept {
  return node.task != nullptr && &static_cast<const DetachedPromise*>(node.task)->start == &node;
}

class DetachedDriver {
 public:
  using promise_type = DetachedPromise;
  std::coroutine_handle<DetachedPromise> handle;
};

inline DetachedDriver DetachedPromise::get_return_object() noexcept {
  return {std::coroutine_handle<DetachedPromise>::from_promise(*this)};
}

// The running detached tasks of one owner. Destroying the list destroys the
// tasks still running (their frames, and every Task they were awaiting).
class DetachedTaskList {
 public:
  DetachedTaskList() = default;
  DetachedTaskList(const DetachedTaskList&) = delete;
  DetachedTaskList& operator=(const DetachedTaskList&) = delete;
  ~DetachedTaskList() { destroy_all(); }

  // Queues `task` to start on the current loop. Its outcome goes to `owner`.
  // A `token` that can stop replaces the task's own stop token.
  void start(Task<void> task, TaskOwner& owner, std::stop_token token, std::string name);

  bool empty() const noexcept { return running_.empty(); }

  void destroy_all() noexcept {
    while (!running_.empty()) {
      DetachedPromise& promise = *running_.front().promise;
      std::coroutine_handle<DetachedPromise>::from_promise(promise).destroy();
    }
  }

 private:
  IntrusiveList<DetachedEntry> running_;
};

}  // namespace corolab::detail
