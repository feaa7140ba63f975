#pragma once
// A coroutine handle that can sit in the event loop's ready queue.

#include <coroutine>

#include "corolab/detail/intrusive_list.hpp"

namespace corolab::detail {

class TaskRecord;

// Lives inside the suspended coroutine's frame (in an awaiter or promise).
// Because it is intrusive, scheduling never allocates, and if the frame is
// destroyed while queued, the node unlinks itself: the loop never resumes a
// dead coroutine.
struct Resumable : ListHook {
  std::coroutine_handle<> handle;
  // The task the coroutine belongs to, when known (detail/task_record.hpp):
  // what dump_tasks() and the slow-step watchdog name. Null otherwise.
  TaskRecord* task = nullptr;
};

}  // namespace corolab::detail
