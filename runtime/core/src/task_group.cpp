#include "corolab/task_group.hpp"

#include <new>

namespace corolab {

namespace {
bool is_cancellation(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const OperationCancelled&) {
    return true;
  } catch (...) {
    return false;
  }
}
}  // namespace

void TaskGroup::spawn(Task<void> child, std::string name) {
  ++running_;
  children_.start(std::move(child), *this, stop_.get_token(), std::move(name));
}

void TaskGroup::on_task_finished(const std::string& name, std::exception_ptr error) noexcept {
  --running_;
  // A child that ends with OperationCancelled after the group asked it to
  // stop did what it was told: that is not a failure.
  const bool told_to_stop = stop_.stop_requested() && error && is_cancellation(error);
  if (error && !told_to_stop) {
    if (!first_failure_) {
      first_failure_ = error;
      cancel();  // the first failure stops the siblings
    }
    try {
      failures_.push_back({name, error});
    } catch (const std::bad_alloc&) {
      // This function must not throw (a child's end cannot fail); with no
      // memory left for the list, the first failure is still rethrown.
    }
  }
  if (running_ == 0) detail::wake_all(joiners_);
}

// For dump_tasks: the children are awaited by whoever awaits join().
const detail::TaskRecord* TaskGroup::awaited_by() const noexcept {
  const detail::TaskRecord* joiner = nullptr;
  joiners_.for_each([&](const detail::Waiter& waiter) {
    joiner = waiter.task;
    return false;  // the first will do
  });
  return joiner;
}

}  // namespace corolab
