#pragma once
// What does `co_await x` return? The type traits the combinators need.

#include <type_traits>
#include <utility>

#include "corolab/task.hpp"

namespace corolab::detail {

// The awaiter the compiler would use for `co_await x`.
template <typename Awaitable>
decltype(auto) get_awaiter(Awaitable&& awaitable) {
  if constexpr (requires { std::forward<Awaitable>(awaitable).operator co_await(); }) {
    return std::forward<Awaitable>(awaitable).operator co_await();
  } else if constexpr (requires { operator co_await(std::forward<Awaitable>(awaitable)); }) {
    return operator co_await(std::forward<Awaitable>(awaitable));
  } else {
    return std::forward<Awaitable>(awaitable);
  }
}

template <typename Awaitable>
using await_result_t = decltype(get_awaiter(std::declval<Awaitable>()).await_resume());

template <typename T>
inline constexpr bool is_task_v = false;
template <typename T>
inline constexpr bool is_task_v<Task<T>> = true;

}  // namespace corolab::detail
