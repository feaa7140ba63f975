#pragma once
// sync_wait: the bridge from ordinary code into the coroutine world.
//
//   int main() { return corolab::sync_wait(async_main()); }
//
// Runs the thread's event loop (or a temporary one, if the thread has none)
// until the awaitable completes, then returns its result or rethrows its
// exception. The Python equivalent is asyncio.run().

#include <optional>
#include <type_traits>
#include <utility>

#include "corolab/detail/awaitable_traits.hpp"
#include "corolab/detail/result_slot.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/task.hpp"

namespace corolab {

template <typename T>
T sync_wait(Task<T> task) {
  std::optional<EventLoop> temporary_loop;
  EventLoop* loop = EventLoop::current_or_null();
  if (loop == nullptr) loop = &temporary_loop.emplace();

  std::optional<detail::Stored<T>> result;
  loop->run_until_complete(detail::store_result(std::move(task), &result));
  return detail::unwrap_slot<T>(std::move(*result));
}

namespace detail {
// A reference parameter in a coroutine is usually a dangling-reference trap;
// here it is safe because sync_wait does not return before the task ends.
template <typename Awaitable>
Task<await_result_t<Awaitable&>> as_task(Awaitable& awaitable) {
  co_return co_await awaitable;
}
}  // namespace detail

// Any other awaitable (a sleep, an Event wait, ...) is wrapped in a Task.
template <typename Awaitable>
requires(!detail::is_task_v<std::remove_cvref_t<Awaitable>>) decltype(auto)
    sync_wait(Awaitable&& awaitable) {
  return sync_wait(detail::as_task(awaitable));
}

}  // namespace corolab
