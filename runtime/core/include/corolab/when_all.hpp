#pragma once
// when_all: run tasks concurrently and wait for all of their results.
//
//   auto [page, robots] = co_await corolab::when_all(fetch(url), fetch(robots_url));
//   std::vector<int> sizes = co_await corolab::when_all(std::move(tasks));
//
// Built on TaskGroup, so it is structured: if one task fails, the others are
// cancelled, and the first failure is rethrown once they have all ended.
// A Task<void> contributes std::monostate to the tuple; a Task<T&>, a
// std::reference_wrapper<T>.

#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "corolab/detail/result_slot.hpp"
#include "corolab/task.hpp"
#include "corolab/task_group.hpp"

namespace corolab {

namespace detail {
template <typename... Ts, std::size_t... I>
void spawn_into_slots(TaskGroup& group, std::tuple<std::optional<Stored<Ts>>...>& slots,
                      std::index_sequence<I...>, Task<Ts>... tasks) {
  (group.spawn(store_result(std::move(tasks), &std::get<I>(slots)),
               "when_all[" + std::to_string(I) + "]"),
   ...);
}
}  // namespace detail

template <typename... Ts>
Task<std::tuple<detail::Stored<Ts>...>> when_all(Task<Ts>... tasks) {
  std::tuple<std::optional<detail::Stored<Ts>>...> slots;
  TaskGroup group;
  detail::spawn_into_slots(group, slots, std::index_sequence_for<Ts...>{}, std::move(tasks)...);
  co_await group.join();
  co_return std::apply([](auto&... slot) { return std::tuple{std::move(*slot)...}; }, slots);
}

template <typename T>
auto when_all(std::vector<Task<T>> tasks)
    -> Task<std::conditional_t<std::is_void_v<T>, void, std::vector<detail::Stored<T>>>> {
  std::vector<std::optional<detail::Stored<T>>> slots(tasks.size());
  TaskGroup group;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    group.spawn(detail::store_result(std::move(tasks[i]), &slots[i]),
                "when_all[" + std::to_string(i) + "]");
  }
  co_await group.join();
  if constexpr (!std::is_void_v<T>) {
    std::vector<detail::Stored<T>> results;
    results.reserve(slots.size());
    for (auto& slot : slots) results.push_back(std::move(*slot));
    co_return results;
  }
}

}  // namespace corolab
