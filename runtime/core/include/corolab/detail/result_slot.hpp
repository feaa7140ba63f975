#pragma once
// Storing "the result of a Task<T>" uniformly, whatever T is.
//
// Combinators keep results in std::optional slots, which cannot hold void or
// references. Stored<T> maps void to std::monostate and T& to
// std::reference_wrapper<T>; everything else is stored as itself.

#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "corolab/task.hpp"

namespace corolab::detail {

template <typename T>
struct StoredType {
  using type = T;
};
template <>
struct StoredType<void> {
  using type = std::monostate;
};
template <typename T>
struct StoredType<T&> {
  using type = std::reference_wrapper<T>;
};

template <typename T>
using Stored = typename StoredType<T>::type;

// Calls `fn` and returns its result in storable form.
template <typename Result, typename Fn>
Stored<Result> invoke_for_slot(Fn& fn) {
  if constexpr (std::is_void_v<Result>) {
    fn();
    return {};
  } else {
    return fn();
  }
}

// The inverse of Stored: gives back what the Task would have returned.
template <typename Result>
Result unwrap_slot(Stored<Result>&& stored) {
  if constexpr (std::is_void_v<Result>) {
    return;
  } else if constexpr (std::is_reference_v<Result>) {
    return stored.get();
  } else {
    return std::move(stored);
  }
}

// A Task<void> that awaits `task` and puts its result in `*slot`.
// (`slot` is a pointer, passed by value: coroutine parameters are copied
// into the frame, and a pointer makes the lifetime contract obvious.)
template <typename T>
Task<void> store_result(Task<T> task, std::optional<Stored<T>>* slot) {
  if constexpr (std::is_void_v<T>) {
    co_await std::move(task);
    slot->emplace();
  } else {
    decltype(auto) result = co_await std::move(task);
    slot->emplace(std::forward<decltype(result)>(result));
  }
}

}  // namespace corolab::detail
