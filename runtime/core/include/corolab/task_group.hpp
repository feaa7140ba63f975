#pragma once
// TaskGroup: structured concurrency. Children cannot outlive their group.
//
//   corolab::TaskGroup group;
//   group.spawn(fetch(a));
//   group.spawn(fetch(b));
//   co_await group.join();   // waits for both
//
// * The first child to fail cancels its siblings (a stop request reaches
//   every sleep, I/O wait and channel wait below them), and join() rethrows
//   that first failure once every child has ended. Later failures are not
//   lost: failures() keeps every one, with the child's name, as Python's
//   ExceptionGroup does; the first is both thrown and failures().front().
// * Cancelling the task that awaits join() cancels the children; join()
//   still waits for them to end, then throws OperationCancelled.
// * If the group is destroyed while children are still running (because the
//   owner left its scope by an exception, say), the children are destroyed
//   with it. That is why a child can never outlive its group.
// Python's asyncio.TaskGroup and Trio's nursery are the same idea.

#include <exception>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "corolab/detail/detached_task.hpp"
#include "corolab/detail/queued_wait.hpp"
#include "corolab/task.hpp"

namespace corolab {

class TaskGroup final : private detail::TaskOwner {
 public:
  TaskGroup() = default;
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;
  ~TaskGroup() = default;  // children_ destroys the children still running

  // Starts `child` on the loop's next tick, under the group's stop token.
  void spawn(Task<void> child, std::string name = "child");

  // Asks every child to stop. join() does not report this as a failure.
  void cancel() noexcept { stop_.request_stop(); }

  std::size_t running() const noexcept { return running_; }

  // A child that ended with an exception (not counting the OperationCancelled
  // of a child the group itself asked to stop).
  struct Failure {
    std::string child;  // the name given to spawn()
    std::exception_ptr error;
  };
  // Every failure so far, in the order the children ended.
  const std::vector<Failure>& failures() const noexcept { return failures_; }
  std::stop_token stop_token() const noexcept { return stop_.get_token(); }

  class [[nodiscard]] JoinAwaiter : public detail::QueuedWait {
   public:
    explicit JoinAwaiter(TaskGroup& group) noexcept : QueuedWait(group.joiners_), group_(group) {}

    bool await_ready() const noexcept { return group_.running_ == 0; }
    const char* kind() const noexcept override { return "TaskGroup join"; }
    std::string describe() const override {
      return "TaskGroup join (" + std::to_string(group_.running_) + " running)";
    }

    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> suspended) {
      // The join itself is not cancellable: a stop request is passed on to
      // the children, and we keep waiting until they have all ended.
      parent_token_ = detail::stop_token_of(suspended);
      if (parent_token_.stop_possible()) forward_stop_.emplace(parent_token_, ForwardStop{&group_});
      return wait_in_queue(suspended, detail::no_stop_token);
    }

    void await_resume() {
      QueuedWait::await_resume();
      forward_stop_.reset();
      if (group_.first_failure_) std::rethrow_exception(group_.first_failure_);
      if (parent_token_.stop_requested()) throw OperationCancelled();
    }

   private:
    struct ForwardStop {
      TaskGroup* group;
      void operator()() const noexcept { group->cancel(); }
    };
    TaskGroup& group_;
    std::stop_token parent_token_;
    std::optional<std::stop_callback<ForwardStop>> forward_stop_;
  };

  // Waits for every child; rethrows the first failure.
  JoinAwaiter join() noexcept { return JoinAwaiter{*this}; }

 private:
  void on_task_finished(const std::string& name, std::exception_ptr error) noexcept override;
  const detail::TaskRecord* awaited_by() const noexcept override;  // the joiner (dump_tasks)

  std::stop_source stop_;
  std::size_t running_ = 0;
  std::exception_ptr first_failure_;  // kept apart: copying it cannot throw
  std::vector<Failure> failures_;
  detail::IntrusiveList<detail::Waiter> joiners_;
  detail::DetachedTaskList children_;  // last member: destroyed first
};

}  // namespace corolab
